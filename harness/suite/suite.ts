/**
 * Running a suite: one job per scenario file (harness/job), serially in this thread or on a
 * worker pool, results kept in file order whatever order they finish in, and the reports written
 * through ReportWriter (incomplete from the first moment, a progress log line per scenario, full
 * snapshots every few seconds, final reports at the end or on a signal).
 */
import { resolve } from 'node:path';
import { basename, extname } from 'node:path';
import { batchSize, createJobPool, type JobPool } from '../distributed/pool.ts';
import type { DataCacheConfig } from '../data-cache/store.ts';
import { executeJob, identityOfReport, type JobOutcome, type JobSpec, type SeedChoice } from '../job/job.ts';
import { buildReport, erroredScenario, invalidScenario, notRunScenario, type ReportState } from '../report/report.ts';
import { FILLS_DIR, JOURNALS_DIR, ReportWriter, SERIES_DIR } from '../report/report-writer.ts';
import type { ScenarioCharts } from '../report/html/chart-data.ts';
import type { Baseline } from '../baseline/baseline-file.ts';
import { compareWithBaseline, withBaseline } from '../baseline/compare.ts';
import { JOURNAL_VERSION } from '../scenario/engine-parts.ts';
import type { ReporterName } from '../report/reporters.ts';
import type { Report, ScenarioReport } from '../report/schema.ts';
import { displayPath, type ScenarioOverride } from '../scenario/load.ts';
import { duplicateNameProblems } from '../scenario/unique-names.ts';

/** How a scenario's seed is chosen: its own, a given one (a single scenario), or derived from a root (a suite). */
export type SeedPlan =
  | { readonly kind: 'scenario' }
  | { readonly kind: 'cli'; readonly seed: number }
  | { readonly kind: 'derived'; readonly rootSeed: number }
  /** Replay: exactly the seed a report recorded for each file. */
  | { readonly kind: 'fixed'; readonly seeds: readonly number[] };

export interface SuiteHooks {
  onStart?(plan: { count: number; workers: number }): void;
  /** A scenario starts (serial runs only: in a pool the name is known when it ends). */
  onScenarioStart?(index: number, name: string): void;
  onProgress?(events: number): void;
  onScenarioDone?(index: number, report: ScenarioReport, done: number): void;
  /** An internal error (a bug): its stack, for whoever debugs it. */
  onInternalError?(name: string, stack: string): void;
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
  /** Provider path: write what each provider answered to <dir>/<name>.<provider>.json (relative to cwd). */
  readonly recordProvidersDir?: string;
  /** Replay: per file, the measured stack latencies its report recorded (null: none). */
  readonly stackLatencyUs?: readonly (readonly number[] | null)[];
  /** A service stack may be on another machine (`--allow-remote`); default: loopback only. */
  readonly allowRemoteStack?: boolean;
  /** Keep fills inline in report.json instead of a sidecar file per scenario (`--inline-fills`). */
  readonly inlineFills?: boolean;
  /** Values in place of every file's (`--set`). */
  readonly overrides?: readonly ScenarioOverride[];
  /** The data cache data files are read through (`--cache-dir`; `--no-cache` gives null, the default). */
  readonly dataCache?: DataCacheConfig | null;
  /** Worker threads; 1 (the default) runs in this thread. */
  readonly workers?: number;
  /** Makes the pool for workers > 1 (default: createJobPool). */
  readonly createPool?: (threads: number) => JobPool;
  readonly hooks?: SuiteHooks;
  /** Wall clock for the report's wall-clock fields (tests pin it). */
  readonly nowMs?: () => number;
  /** Full report rewrites while running at most this often (default 5 s). */
  readonly snapshotEveryMs?: number;
  /**
   * Write each scenario's full series as a Parquet sidecar (`--series`; always with the html
   * reporter, which charts them). Off by default: on short scenarios it costs about as much as the run.
   */
  readonly series?: boolean;
  /** A baseline report to compare each scenario with (`--baseline`). */
  readonly baseline?: Baseline;
}

export interface Suite {
  /** Runs to the end; resolves with the final report. */
  run(): Promise<Report>;
  /** Marks the run interrupted and writes the reports now (synchronously). */
  interrupt(signal: 'SIGINT' | 'SIGTERM'): Report;
}

function seedChoice(plan: SeedPlan, index: number): SeedChoice {
  switch (plan.kind) {
    case 'scenario': return { kind: 'scenario' };
    case 'cli': return { kind: 'cli', seed: plan.seed };
    case 'derived': return { kind: 'derived', rootSeed: plan.rootSeed };
    case 'fixed': {
      const seed = plan.seeds[index];
      if (seed === undefined) throw new Error(`suite: no fixed seed for scenario ${index}`);
      return { kind: 'cli', seed };
    }
  }
}

/** Later files reusing a loaded scenario's name become bad input; decided after the jobs ran, so not by which finished first. */
function rejectDuplicateNames(scenarios: ScenarioReport[], nameAt: readonly ({ line: number; column: number } | null)[]): void {
  for (const [i, problem] of duplicateNameProblems(scenarios.map((s, k) => ({ name: s.name, file: s.file, nameAt: nameAt[k] ?? null })))) {
    const s = scenarios[i]!;
    scenarios[i] = invalidScenario(identityOfReport(s), [problem], s.wallTimeMs);
  }
}

export function createSuite(options: SuiteOptions): Suite {
  const now = options.nowMs ?? (() => Date.now());
  const { cwd } = options;
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`createSuite: workers must be a positive integer, got ${workers}`);
  const threads = Math.min(workers, options.files.length);
  const outDir = options.outDir === null ? null : resolve(cwd, options.outDir);
  const specs: JobSpec[] = options.files.map((f, i) => ({
    file: f, cwd, seed: seedChoice(options.seeds, i), overrides: (options.overrides ?? []) as JobSpec['overrides'],
    journalDir: options.journals === true && outDir !== null ? resolve(outDir, JOURNALS_DIR) : null,
    recordProvidersDir: options.recordProvidersDir === undefined ? null : resolve(cwd, options.recordProvidersDir),
    allowRemoteStack: options.allowRemoteStack === true,
    stackLatencyUs: options.stackLatencyUs?.[i] === undefined || options.stackLatencyUs[i] === null ? null : [...options.stackLatencyUs[i]!],
    fills: outDir === null || options.inlineFills === true ? null
      : { reportsDir: outDir, path: `${FILLS_DIR}/${String(i + 1).padStart(5, '0')}-${basename(f, extname(f))}.jsonl` },
    dataCache: options.dataCache ?? null,
    series: outDir === null || !(options.series === true || options.reporters.includes('html')) ? null : { reportsDir: outDir, path: `${SERIES_DIR}/${String(i + 1).padStart(5, '0')}-${basename(f, extname(f))}.parquet` },
    charts: outDir !== null && options.reporters.includes('html'),
  }));
  const charts: (ScenarioCharts | null)[] = options.files.map(() => null);
  const scenarios: ScenarioReport[] = options.files.map((f) => {
    const abs = resolve(cwd, f);
    return notRunScenario({
      name: basename(abs, extname(abs)), description: null, file: displayPath(abs, cwd), fileSha256: null, seed: null, seedSource: null,
      overrides: options.overrides ?? [],
    });
  });
  const nameAt: ({ line: number; column: number } | null)[] = scenarios.map(() => null);
  const state: { -readonly [K in keyof ReportState]: ReportState[K] } = {
    command: options.command, rootSeed: options.seeds.kind === 'derived' ? options.seeds.rootSeed : null, startedAtMs: now(),
    scenarios, finishedAtMs: null, interrupted: null, baseline: options.baseline?.info ?? null,
  };
  const writer = outDir === null || options.reporters.length === 0 ? null
    : new ReportWriter({ outDir, reporters: options.reporters, nowMs: now, charts: (i) => charts[i] ?? null, ...(options.snapshotEveryMs === undefined ? {} : { snapshotEveryMs: options.snapshotEveryMs }) });
  const hooks = options.hooks ?? {};
  let done = false;
  let finished = 0;

  const current = (): Report => buildReport(state);
  const baseline = options.baseline;
  const compared = (o: JobOutcome): ScenarioReport => {
    const s = o.report;
    if (baseline === undefined || o.regression === null || (s.status !== 'passed' && s.status !== 'failed')) return s;
    return withBaseline(s, compareWithBaseline(s, o.regression, baseline.entries.get(s.name) ?? null, baseline.journalVersion === JOURNAL_VERSION));
  };
  const settle = (i: number, outcome: JobOutcome): void => {
    if (done) return;
    scenarios[i] = compared(outcome);
    nameAt[i] = outcome.nameAt;
    charts[i] = outcome.charts;
    finished++;
    if (outcome.internalError !== null) hooks.onInternalError?.(outcome.report.name, outcome.internalError);
    hooks.onScenarioDone?.(i, scenarios[i]!, finished);
    writer?.scenarioDone(i, scenarios[i]!, current);
  };
  const end = (interrupted: 'SIGINT' | 'SIGTERM' | null): Report => {
    done = true;
    state.interrupted = interrupted;
    state.finishedAtMs = now();
    rejectDuplicateNames(scenarios, nameAt);
    const report = current();
    writer?.finish(report);
    return report;
  };

  const runSerial = async (): Promise<void> => {
    for (let i = 0; i < specs.length && !done; i++) {
      hooks.onScenarioStart?.(i, scenarios[i]!.name);
      // Lets a pending signal be handled between scenarios even when a run never yields.
      await new Promise<void>((res) => setImmediate(res));
      if (done) break;
      const outcome = await executeJob(specs[i]!, { nowMs: now, ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}) });
      settle(i, outcome);
    }
  };

  const runPooled = async (): Promise<void> => {
    const pool = options.createPool?.(threads) ?? createJobPool({ threads });
    try {
      // Batches of jobs, two in flight per thread: the queue never holds the whole suite, and a
      // thread finishing a batch finds the next one waiting.
      let next = 0;
      const feed = async (): Promise<void> => {
        while (!done && next < specs.length) {
          const from = next;
          next = Math.min(specs.length, from + batchSize(specs.length - from, pool.threads));
          const outcomes = await runBatch(pool, specs.slice(from, next), from);
          outcomes.forEach((o, k) => settle(from + k, o));
        }
      };
      await Promise.all(Array.from({ length: pool.threads * 2 }, feed));
    } finally {
      await pool.close();
    }
  };

  /** A batch on the pool; when its worker dies, its jobs again one by one, so only the culprit errs. */
  const runBatch = async (pool: JobPool, batch: JobSpec[], from: number): Promise<JobOutcome[]> => {
    try {
      return await pool.run(batch);
    } catch (e) {
      if (batch.length > 1) {
        const out: JobOutcome[] = [];
        for (let k = 0; k < batch.length && !done; k++) out.push(...await runBatch(pool, [batch[k]!], from + k));
        return out;
      }
      // The worker itself died (out of memory, a crash in native code): this scenario errs, the others run on.
      const message = `worker crashed: ${e instanceof Error ? e.message : String(e)}`;
      return [{ report: erroredScenario(identityOfReport(scenarios[from]!), message, 0), nameAt: null, internalError: e instanceof Error ? (e.stack ?? message) : message, charts: null, regression: null }];
    }
  };

  return {
    interrupt(signal) {
      return done ? current() : end(signal);
    },
    async run() {
      hooks.onStart?.({ count: specs.length, workers: threads });
      writer?.begin(current());
      if (threads <= 1) await runSerial();
      else await runPooled();
      return done ? current() : end(null);
    },
  };
}
