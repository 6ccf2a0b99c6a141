/**
 * Building report.json: one entry per scenario (whatever became of it), the summary, the overall
 * status and exit code (the most severe scenario wins), and the serialisation every writer uses.
 */
import type { ScenarioProblem } from '../scenario/problems.ts';
import type { ScenarioRunResult } from '../scenario/run.ts';
import { codeVersion } from './code-version.ts';
import { formatTimeUs, JOURNAL_VERSION } from '../scenario/engine-parts.ts';
import type { BaselineInfo, JsonValue, Report, ScenarioReport, ScenarioStatus } from './schema.ts';
import { ScenarioMetricsSchema } from './metrics-schema.ts';
import { REPORT_SCHEMA_VERSION } from './schema-version.ts';
import { PARSE_ONCE } from '../parse-once.ts';

export const EXIT = { passed: 0, gateFailed: 1, badInput: 2, internal: 3, sigint: 130, sigterm: 143 } as const;

const STATUS_EXIT: Record<ScenarioStatus, 0 | 1 | 2 | 3> = { passed: 0, failed: 1, invalid: 2, error: 3, 'not-run': 0 };

export interface ScenarioIdentity {
  readonly name: string;
  readonly description: string | null;
  readonly file: string;
  readonly fileSha256: string | null;
  readonly seed: number | null;
  readonly seedSource: 'scenario' | 'cli' | 'derived' | null;
  /** Values given in place of the file's (`--set`, sweeps). */
  readonly overrides: readonly { readonly path: string; readonly value: unknown }[];
}

const shellQuote = (text: string): string => (/^[\w./@:+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** An override as `gauntlet run --set` takes it: `path=value`, the value as JSON (which YAML reads back). */
export function setFlagValue(o: { readonly path: string; readonly value: unknown }): string {
  return `${o.path}=${JSON.stringify(o.value)}`;
}

/** The command that reruns one scenario exactly (its seed and overrides given explicitly). */
export function reproduceCommand(file: string, seed: number, overrides: ScenarioIdentity['overrides'] = []): string {
  const sets = overrides.map((o) => ` --set ${shellQuote(setFlagValue(o))}`).join('');
  return `gauntlet run ${shellQuote(file)} --seed ${seed}${sets}`;
}

function base(id: ScenarioIdentity, status: ScenarioStatus): ScenarioReport {
  return {
    name: id.name, description: id.description, file: id.file, fileSha256: id.fileSha256, status, exitCode: STATUS_EXIT[status],
    seed: id.seed, seedSource: id.seedSource, overrides: id.overrides.map((o) => ({ path: o.path, value: o.value as JsonValue })),
    reproduce: id.seed === null ? null : reproduceCommand(id.file, id.seed, id.overrides),
    code: codeVersion(), node: process.version, marketData: [], dataPath: null, faults: null, fingerprint: null, decisionFingerprint: null, journalRecords: null, events: null,
    account: null, final: null, metrics: null, fills: [], fillsFile: null, seriesFile: null, gates: [], baseline: null, warnings: [], problems: [], error: null, wallTimeMs: 0,
  };
}

export function ranScenario(id: ScenarioIdentity, run: ScenarioRunResult, wallTimeMs: number, latency: ScenarioReport['wallTimeLatency'] = undefined): ScenarioReport {
  const status = run.gates.every((g) => g.pass) && (latency?.gates ?? []).every((g) => g.pass) ? 'passed' : 'failed';
  return {
    ...base(id, status),
    marketData: run.marketData, dataPath: run.dataPath, faults: run.faults, fingerprint: run.fingerprint, decisionFingerprint: run.decisionFingerprint, journalRecords: run.journalRecords, events: run.events,
    account: run.account, final: run.final, metrics: ScenarioMetricsSchema.parse(run.metrics, PARSE_ONCE), fills: run.fills,
    gates: run.gates, warnings: run.warnings, wallTimeMs, ...(latency === undefined ? {} : { wallTimeLatency: latency }),
    ...(run.stackLatencyUs === null ? {} : { measuredStackLatencyUs: [...run.stackLatencyUs] }),
    ...(run.properties.length === 0 ? {} : {
      properties: run.properties.filter((p) => p.declared).map((p) => ({
        name: p.name, expect: p.expect, optional: p.optional, held: p.violation === null, reached: p.reached,
        violation: p.violation === null ? null : {
          message: p.violation.message, time: p.violation.timeUs === null ? null : formatTimeUs(p.violation.timeUs), timeUs: p.violation.timeUs,
          journalPosition: p.violation.journalPosition, records: [...p.violation.records],
        },
      })),
    }),
  };
}

export function invalidScenario(id: ScenarioIdentity, problems: readonly ScenarioProblem[], wallTimeMs = 0): ScenarioReport {
  return { ...base(id, 'invalid'), problems: [...problems], wallTimeMs };
}

export function erroredScenario(id: ScenarioIdentity, message: string, wallTimeMs: number): ScenarioReport {
  return { ...base(id, 'error'), error: { message }, wallTimeMs };
}

export function notRunScenario(id: ScenarioIdentity): ScenarioReport {
  return base(id, 'not-run');
}

export function summarize(scenarios: readonly ScenarioReport[]): Report['summary'] {
  const count = (s: ScenarioStatus): number => scenarios.filter((x) => x.status === s).length;
  return {
    scenarios: scenarios.length, passed: count('passed'), failed: count('failed'), invalid: count('invalid'), errors: count('error'),
    // Latency budgets count as gates (their verdict is wall time: see wallTimeLatency).
    notRun: count('not-run'), gates: scenarios.reduce((n, s) => n + s.gates.length + (s.wallTimeLatency?.gates.length ?? 0), 0),
    gatesFailed: scenarios.reduce((n, s) => n + s.gates.filter((g) => !g.pass).length + (s.wallTimeLatency?.gates.filter((g) => !g.pass).length ?? 0), 0),
    regressionsFailed: scenarios.reduce((n, s) => n + (s.baseline === null ? 0 : s.baseline.budgets.filter((b) => !b.pass).length + (s.baseline.fingerprint?.pass === false ? 1 : 0)), 0),
  };
}

/** The most severe exit code of the scenarios: internal error 3 > bad input 2 > gate failed 1 > 0. */
export function suiteExitCode(scenarios: readonly ScenarioReport[]): number {
  return scenarios.reduce((worst, s) => Math.max(worst, s.exitCode), 0);
}

export interface ReportState {
  readonly command: 'run' | 'replay';
  readonly rootSeed: number | null;
  readonly startedAtMs: number;
  readonly scenarios: readonly ScenarioReport[];
  /** null while running. */
  readonly finishedAtMs: number | null;
  readonly interrupted: 'SIGINT' | 'SIGTERM' | null;
  /** The baseline compared against (`--baseline`); absent or null without one. */
  readonly baseline?: BaselineInfo | null;
}

export function buildReport(state: ReportState): Report {
  const exit = suiteExitCode(state.scenarios);
  const end = state.finishedAtMs;
  const complete = end !== null && state.interrupted === null;
  const status: Report['status'] = state.interrupted !== null ? 'interrupted'
    : state.finishedAtMs === null ? 'running'
    : exit === 3 ? 'error' : exit === 2 ? 'invalid' : exit === 1 ? 'failed' : 'passed';
  // A run still going has no exit code yet: never a 0 that a reader could take for a pass.
  const exitCode = state.interrupted === 'SIGINT' ? EXIT.sigint : state.interrupted === 'SIGTERM' ? EXIT.sigterm : end === null ? null : exit;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    journalVersion: JOURNAL_VERSION,
    tool: codeVersion(),
    node: process.version,
    command: state.command,
    complete,
    interrupted: state.interrupted,
    status,
    exitCode,
    rootSeed: state.rootSeed,
    summary: summarize(state.scenarios),
    baseline: state.baseline ?? null,
    wallClockStartedAt: new Date(state.startedAtMs).toISOString(),
    wallClockFinishedAt: end === null ? null : new Date(end).toISOString(),
    wallTimeMs: end === null ? 0 : Math.max(0, end - state.startedAtMs),
    scenarios: [...state.scenarios],
  };
}

export function serializeReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
