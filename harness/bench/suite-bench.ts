/**
 * `npm run bench:suite [-- --json] [-- --smoke]`
 *
 * Whole-process suite throughput, as a user meets it: generated suites of 100, 1,000 and 10,000
 * scenario files (each 252 synthetic daily bars, an SMA crossover with gates) run by
 * `node bin/gauntlet.js run <dir> --workers W --quiet` in a child process, timed from spawn to
 * exit (start-up, loading, runs, reports). Prints scenarios per second per suite size on one
 * worker, the speed-up of two workers over one on the 1,000 suite, and bare `node -e 0` start-up
 * for scale. All figures come from one run of this script on one machine: compare them as ratios.
 *
 * --smoke: suites of 3 and 6 files and one timing each; the JSON keys are what a test checks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './bench-args.ts';
import { GENERATED_BARS, writeGeneratedSuite } from './generated-suite.ts';

const { json, smoke } = benchArgs();
const log = (s: string): void => { if (!json) console.log(s); };

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO, 'bin', 'gauntlet.js');
const NODE = process.execPath;
const SIZES = smoke ? [3, 6] : [100, 1_000, 10_000];
const SPEEDUP_SIZE = smoke ? 6 : 1_000;

/** Seconds from spawn to exit of one gauntlet run; throws when the run does not pass. */
function timeRun(dir: string, out: string, workers: number, nodeFlags: readonly string[] = []): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(NODE, [...nodeFlags, BIN, 'run', dir, '--workers', String(workers), '--quiet', '--out', out], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`gauntlet run ${dir} --workers ${workers} exited ${r.status}: ${r.stderr.slice(0, 2000)}${r.stdout.slice(0, 2000)}`);
  return seconds;
}

function nodeStart(): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    spawnSync(NODE, ['-e', '0']);
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const root = mkdtempSync(join(tmpdir(), 'gauntlet-bench-suite-'));
try {
  const nodeStartSeconds = nodeStart();
  log(`node -e 0: ${(nodeStartSeconds * 1000).toFixed(0)} ms`);
  const scenariosPerSecond: Record<string, number> = {};
  const dirs = new Map<number, string>();
  for (const n of SIZES) {
    const dir = writeGeneratedSuite(join(root, `suite-${n}`), n);
    dirs.set(n, dir);
    const s = timeRun(dir, join(root, `out-${n}-1`), 1);
    scenariosPerSecond[String(n)] = n / s;
    log(`${String(n).padStart(6)} files, 1 worker : ${s.toFixed(2)} s, ${(n / s).toFixed(0)} files/s`);
  }
  const speedupDir = dirs.get(SPEEDUP_SIZE)!;
  const one = timeRun(speedupDir, join(root, 'out-speedup-1'), 1);
  const two = timeRun(speedupDir, join(root, 'out-speedup-2'), 2);
  const workerSpeedup = one / two;
  log(`${SPEEDUP_SIZE} files: 1 worker ${one.toFixed(2)} s, 2 workers ${two.toFixed(2)} s: x${workerSpeedup.toFixed(2)}`);
  // The same with V8 collecting garbage on the allocating thread only (a process flag).
  const gcFlags = ['--single-threaded-gc'];
  const oneGc = timeRun(speedupDir, join(root, 'out-speedup-gc-1'), 1, gcFlags);
  const twoGc = timeRun(speedupDir, join(root, 'out-speedup-gc-2'), 2, gcFlags);
  const singleThreadedGc = { oneWorkerSeconds: oneGc, twoWorkersSeconds: twoGc, workerSpeedup: oneGc / twoGc, vsDefaultGcOneWorker: one / oneGc };
  log(`${SPEEDUP_SIZE} files with --single-threaded-gc: 1 worker ${oneGc.toFixed(2)} s, 2 workers ${twoGc.toFixed(2)} s: x${(oneGc / twoGc).toFixed(2)}`);
  const largest = String(SIZES[SIZES.length - 1]);
  const smallest = String(SIZES[0]);
  const scaling = scenariosPerSecond[largest]! / scenariosPerSecond[smallest]!;
  log(`rate at ${largest} / rate at ${smallest}: ${scaling.toFixed(2)}`);
  if (json) {
    process.stdout.write(`${JSON.stringify({
      bench: 'suite', smoke, barsPerScenario: GENERATED_BARS, scenariosPerSecond, scalingRatio: scaling, workerSpeedup, singleThreadedGc,
      workerSpeedupSuite: SPEEDUP_SIZE, nodeStartSeconds, node: process.version,
    })}\n`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
