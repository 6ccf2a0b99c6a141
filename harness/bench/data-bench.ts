/**
 * `npm run bench:data [-- --json] [-- --smoke] [-- --bars N --period N --long-bars N]`
 *
 * What a user waits for, whole: one SMA-crossover scenario on N generated hourly bars from a CSV
 * (default 250,000, in a temporary folder), as one scenario job (load, validate, read the data,
 * run, report) in this process:
 *   csvColdSeconds    the data cache empty: the CSV is parsed and the entry written as the run reads it
 *   cacheWarmSeconds  the entry there: read instead of the CSV
 *   noCacheSeconds    no cache at all (parse only, nothing written)
 *   csvLoadSeconds / cacheLoadSeconds   the data alone: the CSV through the loader, the entry through the cache
 *   engineSeconds     from the stack's start to the run's result (metrics included), in the warm run
 * then as whole processes (`node bin/gauntlet.js run ...`, warm compile cache, --workers 1):
 *   wholeProcessSeconds (warm data cache; target <= 0.3 s), the job's own wall time in such a process
 *   (wholeProcessJobSeconds, from its report: the engine code runs cold there), wholeProcessNoCacheSeconds, and bare
 *   `node -e 0` (nodeStartSeconds) for scale; medians. `cli` says whether those processes ran the CLI
 *   bundle (bundle/, when fresh: `npm run bundle`) or the sources; with the bundle,
 *   wholeProcessSourcesSeconds is the same warm run from the sources (GAUNTLET_BUNDLE=0).
 * helpSeconds: the median of 10 warm `node bin/gauntlet.js --help` (target <= 0.15 s).
 * replayPeakRssMb: bench:engine's 1e7-bar streaming replay alone in a child process
 * (replay-rss.ts), its peak resident memory: the worst of `--replay-runs` runs (default 3; each
 * run's in replayPeakRssMbRuns), since when V8 collects moves from run to run. replayEngine says
 * whether the replays ran the engine's bundle (as the CLI does) or its sources.
 * The three in-process runs must agree on the fingerprint, or the benchmark fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hourlyScenarioText, writeHourlyBarsCsv } from '../data-cache/testing/hourly-bars.ts';
import { DataCache } from '../data-cache/store.ts';
import { runJob } from '../job/job.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { marketSources, openFileSource } from '../scenario/market.ts';
import { runScenario } from '../scenario/run.ts';
import { bundleState } from '../cli/bundle/manifest.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const { json } = args;
const BARS = args.number('--bars', 250_000, 5_000);
const PERIOD = args.number('--period', 200);
const REPEATS = args.number('--repeats', 3, 1);
const PROCESS_RUNS = args.number('--process-runs', 5, 2);
const HELP_RUNS = args.number('--help-runs', 10, 2);
const LONG_BARS = args.number('--long-bars', 10_000_000, 20_000);
/** The replay's peak depends on when V8 collects, which moves from run to run: the figure is the worst of these. */
const REPLAY_RUNS = args.number('--replay-runs', 3, 1);
const log = (s: string): void => { if (!json) console.log(s); };

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'gauntlet.js');
const NODE = process.execPath;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number): number => Number(x.toFixed(4));

async function timed<T>(f: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

/** Median wall time of `runs` runs of a child process (after one unmeasured run that warms caches). */
function processSeconds(argv: readonly string[], runs: number, cwd: string, env: NodeJS.ProcessEnv = {}): number {
  const once = (): number => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(NODE, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  once();
  return median(Array.from({ length: runs }, once));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-bench-data-'));
  try {
    const csvBytes = writeHourlyBarsCsv(join(dir, 'bars.csv'), { bars: BARS, badLines: [5, 8, 1000] });
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, hourlyScenarioText({ file: 'bars.csv', badRows: 'skip', period: PERIOD, name: 'bench-data' }));
    log(`bench:data: SMA(${PERIOD}) crossover on ${BARS} hourly bars from a ${(csvBytes / 1e6).toFixed(1)} MB CSV (3 bad rows, skipped)`);
    const cacheDir = join(dir, 'cache');
    const cacheConfig = { dir: cacheDir, maxBytes: 1024 ** 3 };
    const job = (dataCache: typeof cacheConfig | null) => runJob({ file, cwd: dir, seed: { kind: 'scenario' }, dataCache });

    const none = await timed(() => job(null));
    const cold: number[] = [];
    let coldReport = none.value;
    for (let i = 0; i < REPEATS; i++) {
      rmSync(cacheDir, { recursive: true, force: true });
      const r = await timed(() => job(cacheConfig));
      cold.push(r.seconds);
      coldReport = r.value;
    }
    const warm: number[] = [];
    let warmReport = none.value;
    for (let i = 0; i < REPEATS; i++) {
      const r = await timed(() => job(cacheConfig));
      warm.push(r.seconds);
      warmReport = r.value;
    }
    const fingerprints = [none.value.fingerprint, coldReport.fingerprint, warmReport.fingerprint];
    if (none.value.status !== 'passed' || new Set(fingerprints).size !== 1) throw new Error(`bench:data: runs disagree: ${none.value.status}, fingerprints ${fingerprints.join(' ')}`);

    // The data alone, and the engine alone (in a warm run).
    const loaded = loadScenarioFile(file, { cwd: dir });
    if (!loaded.ok) throw new Error('bench:data: the generated scenario does not load');
    const decl = marketSources(loaded.loaded.scenario)[0]!;
    const drain = async (cache: DataCache | null): Promise<number> => {
      const source = openFileSource({ ...decl, csv: decl.csv! }, dir, cache);
      let rows = 0;
      for (let b = await source.next(); b !== null; b = await source.next()) rows += b.length;
      await source.close?.();
      return rows;
    };
    const csvLoad = (await timed(() => drain(null))).seconds;
    const cacheLoads: number[] = [];
    for (let i = 0; i < REPEATS; i++) cacheLoads.push((await timed(() => drain(new DataCache(cacheConfig)))).seconds);
    const engine: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      let startNs = 0n;
      await runScenario(loaded.loaded, { seed: loaded.loaded.scenario.seed, cwd: dir, dataCache: new DataCache(cacheConfig), extensions: [{ beforeStart: () => { startNs = process.hrtime.bigint(); } }] });
      engine.push(Number(process.hrtime.bigint() - startNs) / 1e9);
    }
    log(`one job: CSV cold (parse + fill the cache) ${median(cold).toFixed(3)} s, cache warm ${median(warm).toFixed(3)} s, no cache ${none.seconds.toFixed(3)} s; `
      + `data alone: CSV ${csvLoad.toFixed(3)} s, cache ${median(cacheLoads).toFixed(3)} s; engine ${median(engine).toFixed(3)} s; trades ${String(warmReport.metrics?.trades)}`);

    // What bin/gauntlet.js runs here: the CLI bundle when it is fresh (npm run bundle), else the sources.
    const bundle = bundleState(REPO);
    log(bundle.fresh ? 'whole processes run the CLI bundle' : `whole processes run the sources: the bundle is not fresh (${bundle.why})`);
    const runArgs = [BIN, 'run', file, '--out', join(dir, 'out'), '--quiet', '--workers', '1', '--cache-dir', cacheDir];
    const wholeProcess = processSeconds(runArgs, PROCESS_RUNS, dir);
    // The job's own wall time in the last of those processes (its engine code runs cold there, unlike in this process).
    const wholeProcessJob = (JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as { scenarios: { wallTimeMs: number }[] }).scenarios[0]!.wallTimeMs / 1000;
    const wholeProcessNoCache = processSeconds([...runArgs, '--no-cache'], PROCESS_RUNS, dir);
    // The same warm run from the sources, for what the bundle saves (null when the bundle is not fresh: that is the figure above).
    const wholeProcessSources = bundle.fresh ? processSeconds(runArgs, PROCESS_RUNS, dir, { GAUNTLET_BUNDLE: '0' }) : null;
    const nodeStart = processSeconds(['-e', '0'], PROCESS_RUNS, dir);
    const help = processSeconds([BIN, '--help'], HELP_RUNS, dir);
    log(`whole process, warm: ${wholeProcess.toFixed(3)} s (target <= 0.3 s), of which the job ${wholeProcessJob.toFixed(3)} s; from the sources ${wholeProcessSources?.toFixed(3) ?? '(above)'} s; --no-cache ${wholeProcessNoCache.toFixed(3)} s); node -e 0 ${nodeStart.toFixed(3)} s; --help ${help.toFixed(3)} s (target <= 0.15 s)`);

    const replays: { bars: number; peakRssMb: number; fingerprint: string; engine: string }[] = [];
    for (let k = 0; LONG_BARS > 0 && k < REPLAY_RUNS; k++) {
      // From a JavaScript entry, as the CLI starts (a TypeScript entry file alone adds Node's stripper).
      const r = spawnSync(NODE, [join(REPO, 'harness', 'bench', 'js-entry.js'), join(REPO, 'harness', 'bench', 'replay-rss.ts'), '--bars', String(LONG_BARS)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`replay-rss: exit ${r.status}: ${r.stderr}`);
      const replay = JSON.parse(r.stdout.trim()) as (typeof replays)[number];
      if (replays.length > 0 && replay.fingerprint !== replays[0]!.fingerprint) throw new Error(`replay-rss: run ${k + 1} gave fingerprint ${replay.fingerprint}, run 1 ${replays[0]!.fingerprint}`);
      replays.push(replay);
    }
    const replayPeaks = replays.map((r) => r.peakRssMb);
    if (replays.length > 0) log(`streaming replay of ${LONG_BARS} bars in its own process (engine from the ${replays[0]!.engine}), ${replays.length} runs: peak RSS ${replayPeaks.join(', ')} MB (target < 150 MB in every run)`);
    if (json) {
      console.log(JSON.stringify({
        bars: BARS, smaPeriod: PERIOD, csvBytes, trades: warmReport.metrics?.trades ?? null, fingerprint: warmReport.fingerprint,
        csvColdSeconds: round(median(cold)), cacheWarmSeconds: round(median(warm)), noCacheSeconds: round(none.seconds),
        csvLoadSeconds: round(csvLoad), cacheLoadSeconds: round(median(cacheLoads)), engineSeconds: round(median(engine)),
        cli: bundle.fresh ? 'bundle' : 'sources', wholeProcessSeconds: round(wholeProcess), wholeProcessSourcesSeconds: wholeProcessSources === null ? null : round(wholeProcessSources), wholeProcessJobSeconds: round(wholeProcessJob), wholeProcessNoCacheSeconds: round(wholeProcessNoCache), nodeStartSeconds: round(nodeStart),
        helpSeconds: round(help), replayBars: LONG_BARS, replayPeakRssMb: replays.length === 0 ? null : Math.max(...replayPeaks), replayPeakRssMbRuns: replayPeaks,
        replayEngine: replays[0]?.engine ?? null,
      }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
