/**
 * Scenario jobs on a worker-thread pool (piscina). Each job is plain data in and out, so a pooled
 * run's reports equal a serial run's but for wall-clock fields. A job that crashes its worker is
 * isolated to its scenario: piscina replaces the worker and the job becomes an internal error.
 *
 * Measured on the 2-vCPU development VM (bench:suite and direct thread tests, one run each):
 * two threads run small scenarios (252 bars: YAML, zod and report work, allocation-heavy) only
 * 1.1-1.35x as fast as one, about what two separate processes reach there, while a pure-compute
 * loop scales 2x; --single-threaded-gc (a process flag: NODE_OPTIONS and a Worker's execArgv
 * refuse it) made no measurable difference on this workload, so the CLI does not re-exec for it.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import type * as PiscinaModule from 'piscina';
import type { JobOutcome, JobSpec } from '../job/job.ts';
import { importAtRuntime } from '../runtime-import.ts';

export interface JobPool {
  readonly threads: number;
  /** Runs a batch of jobs on one worker, in order; rejects when the worker dies. */
  run(specs: readonly JobSpec[]): Promise<JobOutcome[]>;
  close(): Promise<void>;
}

/**
 * Jobs per task: large while much is left (a round trip per job left workers idle about a tenth
 * of the time on small scenarios), down to one at the end so the threads finish together.
 */
export function batchSize(remaining: number, threads: number): number {
  return Math.max(1, Math.min(32, Math.floor(remaining / (threads * 8))));
}

declare global {
  interface ImportMeta {
    /** True in the CLI bundle (defined by harness/cli/bundle/build.ts); absent elsewhere. */
    readonly gauntletBundle?: boolean;
  }
}

/**
 * The worker module beside this one, in the same form (.ts in a checkout, .js when built); in the
 * CLI bundle, the bundle's worker entry beside its chunks, so the threads load a few files as the
 * main thread did.
 */
function workerFile(): string {
  if (import.meta.gauntletBundle === true) return join(import.meta.dirname, 'worker.js');
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./worker.${ext}`, import.meta.url));
}

/**
 * Default pool size: one thread fewer than the cores, at least one (the main thread itself) and
 * never more than scenarios, as jest and vitest size theirs: the main thread, V8's compiler
 * threads and its GC helpers need a core too. On the 2-vCPU development VM that is one: two
 * workers ran the built-in suite in 1.6-2.6 s against 1.2-1.6 s on the main thread alone, and
 * bench:suite found them 0.95x of one on 1,000 files.
 */
export function defaultWorkers(scenarios: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, scenarios));
}

export interface JobPoolOptions {
  readonly threads: number;
  /** The worker module (default: worker.ts/.js beside this file); tests put a crashing one here. */
  readonly workerFile?: string;
}

export function createJobPool(options: JobPoolOptions): JobPool {
  const { threads } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new Error(`createJobPool: threads must be an integer in 1..256, got ${threads}`);
  // piscina loads with the first pool: a run on one thread (one scenario, --workers 1) never pays for it.
  const pool: Promise<Piscina<readonly JobSpec[], JobOutcome[]>> = (importAtRuntime('piscina') as Promise<typeof PiscinaModule>).then(({ Piscina: P }) => new P<readonly JobSpec[], JobOutcome[]>({
    filename: options.workerFile ?? workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000,
    // One job at a time per thread: jobs are CPU-bound; queueing beyond that only costs memory.
    concurrentTasksPerWorker: 1,
    atomics: 'disabled',
  }));
  return {
    threads,
    run: async (specs) => (await pool).run(specs),
    close: async () => (await pool).destroy(),
  };
}
