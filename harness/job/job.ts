/**
 * One scenario job: plain data in (a file or its text, a seed choice, overrides), a ScenarioReport
 * out. Everything a suite does per scenario happens here (load, validate, check the data mapping,
 * run, gate, classify failures), so the same job gives the same report in the CLI's own thread, in
 * a pool worker or, later, on a queue: nothing but the spec crosses the boundary.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { erroredScenario, invalidScenario, ranScenario, type ScenarioIdentity } from '../report/report.ts';
import type { ScenarioReport } from '../report/schema.ts';
import { scenarioCharts, type ScenarioCharts } from '../report/html/chart-data.ts';
import { checkMarketData } from '../scenario/check-data.ts';
import { DataCache } from '../data-cache/store.ts';
import { deriveSeed } from '../scenario/engine-parts.ts';
import { JournalLinesFile } from './journal-file.ts';
import { loadScenarioFile, loadScenarioText, sha256Hex, type LoadedScenario, type LoadResult } from '../scenario/load.ts';
import type { RegressionConfig } from '../baseline/compare.ts';
import type { ScenarioProblem } from '../scenario/problems.ts';
import { badInputProblem } from '../scenario/run-problems.ts';
import { runScenario, type ScenarioRunResult } from '../scenario/run.ts';
import { evaluateLatency, figuresOf, overRepeats } from '../gates/latency.ts';
import { loadModuleStack } from '../scenario/module-stack.ts';
import { PARSE_ONCE } from '../parse-once.ts';

const seedInt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const SeedChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('scenario') }).describe("The scenario's own seed."),
  z.strictObject({ kind: z.literal('cli'), seed: seedInt }).describe('This seed (gauntlet run --seed on one scenario, replay).'),
  z.strictObject({ kind: z.literal('derived'), rootSeed: seedInt }).describe("Derived from a suite's root seed and the scenario's name."),
]);
export type SeedChoice = z.output<typeof SeedChoiceSchema>;

export const OverrideSchema = z.strictObject({
  path: z.string().min(1).describe('Field path in the scenario, e.g. stack.agents[0].period.'),
  value: z.json().describe('The value put there in place of the file\'s.'),
});

export const JobSpecSchema = z.strictObject({
  file: z.string().min(1).describe('The scenario file (relative to cwd, or absolute). With `text`, it only names the text and anchors its relative paths.'),
  text: z.string().optional().describe('The scenario itself, when it does not come from disk.'),
  cwd: z.string().min(1).describe('Working directory: report paths are relative to it.'),
  seed: SeedChoiceSchema,
  overrides: z.array(OverrideSchema).default([]),
  journalDir: z.string().nullable().default(null).describe("Where to write the journal's JSON Lines view as <name>.jsonl; null for none."),
  recordProvidersDir: z.string().nullable().default(null)
    .describe('Provider path: where to write what each provider answered, as <name>.<provider>.json recordings (secrets redacted); null for none.'),
  stackLatencyUs: z.array(z.int().min(0)).nullable().default(null).describe("Replay of a measured-latency run: the stack's step delays the report recorded, fed back in place of measuring."),
  allowRemoteStack: z.boolean().default(false).describe('A service stack may be on another machine (--allow-remote); default: loopback URLs only.'),
  fills: z.strictObject({
    reportsDir: z.string().describe('The reports folder: the sidecar path in the report is relative to it.'),
    path: z.string().describe('The sidecar file, relative to reportsDir (fills/<index>-<file name>.jsonl, unique in a suite before any name is known).'),
  }).nullable().default(null).describe('Where to write the fills, one JSON object a line; null keeps them inline in the report.'),
  dataCache: z.strictObject({
    dir: z.string().min(1).describe('The cache folder.'),
    maxBytes: z.number().int().min(0).describe('Size bound: least recently used entries are evicted beyond it.'),
  }).nullable().default(null).describe('The data cache data files are read through (the same report either way); null reads every file.'),
  series: z.strictObject({
    reportsDir: z.string().describe('The reports folder: the sidecar path in the report is relative to it.'),
    path: z.string().describe('The Parquet sidecar, relative to reportsDir (series/<index>-<file name>.parquet).'),
  }).nullable().default(null).describe('Where to write the full series (equity, drawdown, prices, positions) as Parquet; null for none.'),
  charts: z.boolean().default(false).describe('Hand back what the HTML report charts (downsampled series, fill markers) with the outcome.'),
});
export type JobSpec = z.input<typeof JobSpecSchema>;

/** What only an in-process caller can pass: callbacks do not cross a worker boundary. */
export interface JobHooks {
  /** Called now and then with the number of kernel events so far. */
  readonly onProgress?: (events: number) => void;
  /** An internal error (a bug): the error itself, with its stack. */
  readonly onInternalError?: (name: string, error: unknown) => void;
  /** Wall clock for wallTimeMs (tests pin it). */
  readonly nowMs?: () => number;
  /** Stops the run between event batches; executeJob then rejects with the signal's reason (an interrupted job has no report). */
  readonly signal?: AbortSignal;
}

function load(spec: z.output<typeof JobSpecSchema>): LoadResult {
  const options = { cwd: spec.cwd, overrides: spec.overrides };
  return spec.text === undefined ? loadScenarioFile(spec.file, options) : loadScenarioText(spec.text, spec.file, options);
}

function seedOf(choice: SeedChoice, name: string, own: number): { seed: number; source: 'scenario' | 'cli' | 'derived' } {
  switch (choice.kind) {
    case 'scenario': return { seed: own, source: 'scenario' };
    case 'cli': return { seed: choice.seed, source: 'cli' };
    case 'derived': return { seed: deriveSeed(choice.rootSeed, name), source: 'derived' };
  }
}

/** The identity a report entry already carries (to turn it into another status). */
export function identityOfReport(s: ScenarioReport): ScenarioIdentity {
  return { name: s.name, description: s.description, file: s.file, fileSha256: s.fileSha256, seed: s.seed, seedSource: s.seedSource, overrides: s.overrides };
}

function identityOf(r: LoadResult, seed: { seed: number; source: ScenarioIdentity['seedSource'] } | null, overrides: ScenarioIdentity['overrides']): ScenarioIdentity {
  return r.ok
    ? { name: r.loaded.name, description: r.loaded.scenario.description ?? null, file: r.loaded.file, fileSha256: r.loaded.sha256, seed: seed?.seed ?? null, seedSource: seed?.source ?? null, overrides }
    : { name: r.name, description: null, file: r.file, fileSha256: r.sha256, seed: null, seedSource: null, overrides };
}

/** A job's report and what the suite around it needs besides (plain data: it crosses threads). */
export interface JobOutcome {
  readonly report: ScenarioReport;
  /** Where the scenario's `name` is in its file (duplicate names are found suite-wide); null when it did not load. */
  readonly nameAt: { readonly line: number; readonly column: number } | null;
  /** The stack of an internal error (a bug), for whoever debugs it; null otherwise. */
  readonly internalError: string | null;
  /** What the HTML report charts, when asked for (`charts: true`) and the scenario ran; null otherwise. */
  readonly charts: ScenarioCharts | null;
  /** The scenario's regression budgets and fingerprint policy with where each budget is (the defaults without `regression:`); null when it did not load. */
  readonly regression: RegressionConfig | null;
}

/** Runs one scenario job to its report. Only a bug in the job machinery itself throws. */
export async function runJob(input: JobSpec, hooks: JobHooks = {}): Promise<ScenarioReport> {
  return (await executeJob(input, hooks)).report;
}

export async function executeJob(input: JobSpec, hooks: JobHooks = {}): Promise<JobOutcome> {
  const spec = JobSpecSchema.parse(input, PARSE_ONCE);
  const now = hooks.nowMs ?? (() => Date.now());
  const started = now();
  const r = load(spec);
  if (!r.ok) return { report: invalidScenario(identityOf(r, null, spec.overrides), r.problems), nameAt: null, internalError: null, charts: null, regression: null };
  const seed = seedOf(spec.seed, r.loaded.name, r.loaded.scenario.seed);
  const id = identityOf(r, seed, spec.overrides);
  const nameAt = r.loaded.locate(['name']);
  const regression = regressionConfig(r.loaded);
  const outcome = (report: ScenarioReport, internalError: string | null = null, charts: ScenarioCharts | null = null): JobOutcome => ({ report, nameAt, internalError, charts, regression });
  try {
    // The data mapping first (header, first rows): a mapping error then points at its field in the file.
    const dataCache = spec.dataCache === null ? null : new DataCache(spec.dataCache);
    const mappingProblems = await checkMarketData(r.loaded, spec.cwd, { cache: dataCache });
    if (mappingProblems.length > 0) return outcome(invalidScenario(id, mappingProblems, now() - started));
    // A module stack's problems (module, export, every config problem) all at once, before the run.
    if (r.loaded.scenario.stack.module !== undefined) {
      const m = await loadModuleStack(r.loaded);
      if (!m.ok) return outcome(invalidScenario(id, m.problems, now() - started));
    }
    const journal = spec.journalDir === null ? null : new JournalLinesFile(resolve(spec.cwd, spec.journalDir, `${id.name}.jsonl`));
    let run: ScenarioRunResult;
    try {
      run = await runScenario(r.loaded, {
        seed: seed.seed, cwd: spec.cwd, dataCache, allowRemoteStack: spec.allowRemoteStack, replayStackLatencyUs: spec.stackLatencyUs, ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}), ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(journal === null ? {} : { journalSink: journal }),
        ...(spec.recordProvidersDir === null ? {} : { recordProviders: (provider: string) => resolve(spec.cwd, spec.recordProvidersDir!, `${id.name}.${provider}.json`) }),
        series: spec.series !== null || spec.charts,
      });
    } catch (e) {
      journal?.abandon();
      throw e;
    }
    journal?.commit();
    const latency = r.loaded.scenario.latency === undefined ? undefined
      : await latencyReport(r.loaded, run, () => runScenario(r.loaded, { seed: seed.seed, cwd: spec.cwd, dataCache, allowRemoteStack: spec.allowRemoteStack }));
    let report = ranScenario(id, run, now() - started, latency);
    const charts = spec.charts && run.series !== null ? scenarioCharts(run.series, run.fills) : null;
    // Sidecars beside the report, written here (in the worker): the report stays small however long the run.
    if (spec.series !== null && run.series !== null) {
      // hyparquet-writer loads only for a run that writes series (about 50 modules).
      const { seriesToParquet } = await import('../report/series-file.ts');
      const bytes = seriesToParquet(run.series);
      writeFileAtomic(resolve(spec.cwd, spec.series.reportsDir, spec.series.path), bytes, { fsync: false });
      report = { ...report, seriesFile: { path: spec.series.path, sha256: sha256Hex(bytes), rows: run.series.timeUs.length } };
    }
    if (spec.fills === null) return outcome(report, null, charts);
    // Fills beside the report, written here (in the worker): the report stays small however many there are.
    // Encoded once, for the file and its hash (each would encode the 2 MB of text again).
    const bytes = Buffer.from(report.fills.map((f) => JSON.stringify(f)).join('\n') + (report.fills.length > 0 ? '\n' : ''), 'utf8');
    writeFileAtomic(resolve(spec.cwd, spec.fills.reportsDir, spec.fills.path), bytes, { fsync: false });
    return outcome({ ...report, fills: [], fillsFile: { path: spec.fills.path, sha256: sha256Hex(bytes), count: report.fills.length } }, null, charts);
  } catch (e) {
    if (hooks.signal?.aborted === true) throw e;
    const problem: ScenarioProblem | null = badInputProblem(e, { scenarioFile: r.loaded.file, dataDir: r.loaded.dir, cwd: spec.cwd });
    if (problem !== null) return outcome(invalidScenario(id, [problem], now() - started));
    hooks.onInternalError?.(id.name, e);
    return outcome(erroredScenario(id, errorText(e), now() - started), e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}

function regressionConfig(loaded: LoadedScenario): RegressionConfig {
  const r = loaded.scenario.regression;
  if (r === undefined) return { fingerprint: 'warn', budgets: [] };
  return {
    fingerprint: r.fingerprint,
    budgets: Object.entries(r.budgets).filter(([, b]) => b !== undefined).map(([metric, b]) => ({ metric, ...b!, ...loaded.locate(['regression', 'budgets', metric]) })),
  };
}

/**
 * The scenario's latency budgets: its runs repeated (the same decisions every time, or the run is
 * not what was measured), the calibration measured beside them, each budget evaluated. Wall time.
 */
async function latencyReport(loaded: LoadedScenario, first: ScenarioRunResult, again: () => Promise<ScenarioRunResult>): Promise<ScenarioReport['wallTimeLatency']> {
  const budget = loaded.scenario.latency!;
  const samples = [first.latency!];
  for (let k = 1; k < budget.repeats; k++) {
    const r = await again();
    if (r.decisionFingerprint !== first.decisionFingerprint) throw new Error(`latency repeat ${k + 1} decided differently (decision fingerprint ${r.decisionFingerprint} against ${first.decisionFingerprint}): the stack is not deterministic`);
    samples.push(r.latency!);
  }
  const measured = overRepeats(samples.map(figuresOf));
  // node:http (and with it Node's undici) loads only for a scenario with latency budgets.
  const { calibrationRuns } = await import('../bench/calibration.ts');
  const calibration = overRepeats((await calibrationRuns(first.latency!.decisionsMs.length, budget.repeats)).map(figuresOf));
  const gates = evaluateLatency(budget, measured, calibration, (key) => loaded.locate(['latency', key]));
  return {
    deterministic: false, repeats: budget.repeats, measured: measured.figures, spread: measured.spread,
    calibration: { what: `a bare node:http server, ${calibration.figures.count} sequential requests from this process`, measured: calibration.figures, spread: calibration.spread },
    gates,
  };
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const parts = [e.message];
  for (let c = e.cause, i = 0; c instanceof Error && i < 4; c = c.cause, i++) if (!e.message.includes(c.message)) parts.push(c.message);
  return parts.join(': ');
}

