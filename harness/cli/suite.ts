/**
 * Running a suite: load every scenario (a bad file is reported and the others still run), give
 * each its seed, run them one after another, and keep report.json current after each scenario
 * (written atomically), so an interrupted run leaves a report marked incomplete.
 */
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { junitXml } from '../report/junit.ts';
import { markdownSummary } from '../report/markdown.ts';
import {
  buildReport, erroredScenario, invalidScenario, notRunScenario, ranScenario, serializeReport, type ReportState, type ScenarioIdentity,
} from '../report/report.ts';
import type { Report, ScenarioReport } from '../report/schema.ts';
import { CsvSyntaxError, deriveSeed, journalToJsonLines, MarketDataError } from '../scenario/engine-parts.ts';
import { displayPath, loadScenarioFile, type LoadResult } from '../scenario/load.ts';
import type { ScenarioProblem } from '../scenario/problems.ts';
import { checkMarketData } from '../scenario/check-data.ts';
import { runScenario } from '../scenario/run.ts';
import { REPORTERS, type ReporterName } from './flags.ts';

export { REPORTERS, type ReporterName };
export const REPORT_FILES: Record<ReporterName, string> = { json: 'report.json', junit: 'junit.xml', md: 'summary.md' };

/** How a scenario's seed is chosen: its own, a given one (a single scenario), or derived from a root (a suite). */
export type SeedPlan =
  | { readonly kind: 'scenario' }
  | { readonly kind: 'cli'; readonly seed: number }
  | { readonly kind: 'derived'; readonly rootSeed: number }
  /** Replay: exactly the seed a report recorded for each file. */
  | { readonly kind: 'fixed'; readonly seeds: readonly number[] };

export interface SuiteHooks {
  onStart?(plan: { count: number }): void;
  onScenarioStart?(index: number, name: string, seed: number | null): void;
  onProgress?(events: number): void;
  onScenarioDone?(index: number, report: ScenarioReport): void;
  /** An internal error (a bug): its stack, for whoever debugs it. */
  onInternalError?(name: string, error: unknown): void;
}

export interface SuiteOptions {
  readonly files: readonly string[];
  readonly cwd: string;
  readonly seeds: SeedPlan;
  readonly command: 'run' | 'replay';
  /** Folder reports are written to; null writes none. */
  readonly outDir: string | null;
  readonly reporters: readonly ReporterName[];
  /** Also write each scenario's journal as JSON Lines to <outDir>/journals/<name>.jsonl. */
  readonly journals?: boolean;
  readonly hooks?: SuiteHooks;
  /** Wall clock for the report's wall-clock fields (tests pin it). */
  readonly nowMs?: () => number;
}

export interface Suite {
  /** Runs to the end; resolves with the final report. */
  run(): Promise<Report>;
  /** Marks the run interrupted and writes the reports now (synchronously). */
  interrupt(signal: 'SIGINT' | 'SIGTERM'): Report;
}

function identityOf(r: LoadResult, seed: number | null, source: ScenarioIdentity['seedSource']): ScenarioIdentity {
  return r.ok
    ? { name: r.loaded.name, description: r.loaded.scenario.description ?? null, file: r.loaded.file, fileSha256: r.loaded.sha256, seed, seedSource: source }
    : { name: r.name, description: null, file: r.file, fileSha256: r.sha256, seed: null, seedSource: null };
}

function seedFor(plan: SeedPlan, index: number, name: string, own: number): { seed: number; source: 'scenario' | 'cli' | 'derived' } {
  switch (plan.kind) {
    case 'scenario': return { seed: own, source: 'scenario' };
    case 'cli': return { seed: plan.seed, source: 'cli' };
    case 'derived': return { seed: deriveSeed(plan.rootSeed, name), source: 'derived' };
    case 'fixed': return { seed: plan.seeds[index] ?? own, source: 'cli' };
  }
}

/** Bad market data found while running: a location in the data file, not a bug. */
function dataProblem(e: unknown, dataDir: string, cwd: string): ScenarioProblem | null {
  for (let c: unknown = e, i = 0; c instanceof Error && i < 8; c = c.cause, i++) {
    if (c instanceof MarketDataError) {
      const { issue } = c;
      return { file: displayPath(resolve(dataDir, issue.file), cwd), line: issue.line, column: 1, path: '', message: `column ${issue.column}: ${issue.reason}: ${issue.detail} (bad-row policy: ${issue.action === 'rejected' ? 'reject' : issue.action})` };
    }
    if (c instanceof CsvSyntaxError) return { file: displayPath(resolve(dataDir, c.file), cwd), line: c.line, column: 1, path: '', message: c.message };
    if ((c as NodeJS.ErrnoException).code === 'ENOENT') return { file: (c as NodeJS.ErrnoException).path ?? '?', line: 1, column: 1, path: '', message: 'file not found' };
  }
  return null;
}

export function createSuite(options: SuiteOptions): Suite {
  const now = options.nowMs ?? (() => Date.now());
  const { cwd } = options;
  const loads = options.files.map((f) => loadScenarioFile(f, cwd));
  const names = new Map<string, string>();
  const seeds = loads.map((r, i) => (r.ok ? seedFor(options.seeds, i, r.loaded.name, r.loaded.scenario.seed) : null));
  const scenarios: ScenarioReport[] = loads.map((r, i) => {
    const id = identityOf(r, seeds[i]?.seed ?? null, seeds[i]?.source ?? null);
    if (!r.ok) return invalidScenario(id, r.problems);
    const other = names.get(r.loaded.name);
    names.set(r.loaded.name, r.loaded.file);
    if (other !== undefined) {
      const at = r.loaded.locate(['name']);
      return invalidScenario(id, [{ file: r.loaded.file, ...at, path: 'name', message: `scenario name '${r.loaded.name}' is also the name of ${other}: names must be unique in a suite` }]);
    }
    return notRunScenario(id);
  });
  const toRun = scenarios.map((s, i) => (s.status === 'not-run' ? i : -1)).filter((i) => i >= 0);
  const state: { -readonly [K in keyof ReportState]: ReportState[K] } = {
    command: options.command, rootSeed: options.seeds.kind === 'derived' ? options.seeds.rootSeed : null, startedAtMs: now(),
    scenarios, finishedAtMs: null, interrupted: null,
  };

  const write = (report: Report, all: boolean): void => {
    if (options.outDir === null) return;
    const out = resolve(cwd, options.outDir);
    for (const r of options.reporters) {
      if (r === 'json') writeFileAtomic(resolve(out, REPORT_FILES.json), serializeReport(report));
      else if (all && r === 'junit') writeFileAtomic(resolve(out, REPORT_FILES.junit), junitXml(report));
      else if (all && r === 'md') writeFileAtomic(resolve(out, REPORT_FILES.md), markdownSummary(report));
    }
  };

  let done = false;
  return {
    interrupt(signal) {
      if (!done) {
        done = true;
        state.interrupted = signal;
        state.finishedAtMs = now();
        const report = buildReport(state);
        write(report, true);
        return report;
      }
      return buildReport(state);
    },
    async run() {
      options.hooks?.onStart?.({ count: scenarios.length });
      scenarios.forEach((s, i) => { if (s.status !== 'not-run') options.hooks?.onScenarioDone?.(i, s); });
      write(buildReport(state), false);
      for (const i of toRun) {
        if (done) break;
        const r = loads[i]!;
        if (!r.ok) continue;
        const seed = seeds[i]!;
        const id = identityOf(r, seed.seed, seed.source);
        options.hooks?.onScenarioStart?.(i, id.name, seed.seed);
        // Lets a pending signal be handled between scenarios even when a run never yields.
        await new Promise<void>((res) => setImmediate(res));
        if (done) break;
        const started = now();
        let entry: ScenarioReport;
        try {
          // The data mapping first (header, first rows): a mapping error then points at its field in the file.
          const mappingProblems = await checkMarketData(r.loaded, cwd);
          if (mappingProblems.length > 0) throw new MappingProblems(mappingProblems);
          const journal: Uint8Array[] | null = options.journals === true && options.outDir !== null ? [] : null;
          const run = await runScenario(r.loaded, {
            seed: seed.seed, cwd, ...(options.hooks?.onProgress ? { onProgress: options.hooks.onProgress } : {}),
            ...(journal === null ? {} : { journalSink: { write: (bytes: Uint8Array) => { journal.push(bytes.slice()); } } }),
          });
          if (journal !== null) writeJournal(resolve(cwd, options.outDir!, 'journals', `${id.name}.jsonl`), journal);
          entry = ranScenario(id, run, now() - started);
        } catch (e) {
          const problem = e instanceof MappingProblems ? null : dataProblem(e, r.loaded.dir, cwd);
          entry = e instanceof MappingProblems ? invalidScenario(id, e.problems, now() - started)
            : problem !== null ? invalidScenario(id, [problem], now() - started) : erroredScenario(id, errorText(e), now() - started);
          if (entry.status === 'error') options.hooks?.onInternalError?.(id.name, e);
        }
        if (done) break;
        scenarios[i] = entry;
        options.hooks?.onScenarioDone?.(i, entry);
        write(buildReport(state), false);
      }
      if (!done) {
        done = true;
        state.finishedAtMs = now();
        const report = buildReport(state);
        write(report, true);
        return report;
      }
      return buildReport(state);
    },
  };
}

class MappingProblems extends Error {
  readonly problems: readonly ScenarioProblem[];
  constructor(problems: readonly ScenarioProblem[]) {
    super('data mapping problems');
    this.problems = problems;
  }
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const parts = [e.message];
  for (let c = e.cause, i = 0; c instanceof Error && i < 4; c = c.cause, i++) if (!e.message.includes(c.message)) parts.push(c.message);
  return parts.join(': ');
}

/** The journal's human view (JSON Lines), written atomically beside the reports. */
function writeJournal(path: string, chunks: readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, journalToJsonLines(Buffer.concat(chunks)));
}
