/**
 * `node harness/bench/js-entry.js harness/bench/replay-rss.ts [--bars N] [--smoke] [--optimize-for-size] [--source]`
 *
 * One long replay in a process of its own, for its peak resident memory: N synthetic one-minute
 * bars (default 1e7) stream from the generator through the full direct path (the SMA(200)
 * crossover stack of bench:engine, journal fingerprint on, equity and fill lists off), and one
 * JSON line says `{ bars, peakRssMb, heapUsedMb, fingerprint, seconds, optimizeForSize, engine }`:
 * `engine` is where the engine's code came from, the CLI's bundle or (stale bundle, `--source`)
 * the TypeScript sources.
 * bench:data spawns it through js-entry.js (a JavaScript entry with the compile cache, as the CLI
 * starts: a TypeScript entry file alone adds Node's TypeScript stripper, about 20 MB);
 * `--smoke` runs 20,000 bars. Always prints JSON (`--json` is accepted and changes nothing).
 *
 * Memory must stay flat however long the market: the target is a peak under 150 MB for 1e7 bars,
 * with V8's default heap sizing. The live heap stays at about 20 MB (most of it the loaded modules);
 * the rest of the peak is Node itself (about 42 MB), the modules' code, the journal's hash thread
 * and V8's young generation, which V8 grows as the bytes surviving its collections add up, so with
 * the bytes a run allocates (see the README: a per-event heap number in some runs took it to
 * 2 x 32 MB semi-spaces; with half the bytes per order since, 2 x 8 MB). The venue
 * keeps its older finished orders in columns (engine/venue/finished-orders.ts) so that they are not
 * promoted: before that the peak was 200-230 MB. `--optimize-for-size` sets V8's flag of that
 * name before the engine loads (a heap sized to the live data, slower), to compare.
 */
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type * as Engine from '../../engine/index.ts';
import { BUNDLE_DIR, bundleState } from '../cli/bundle/manifest.ts';
import { peakRssMb } from './peak-rss.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const BARS = args.number('--bars', 10_000_000, 20_000);
const SEED = 42;
const OPTIMIZE_FOR_SIZE = process.argv.includes('--optimize-for-size');
const FROM_SOURCE = process.argv.includes('--source');

/**
 * The engine as the CLI runs it: its bundle (bundle/engine.js, built with the CLI's by
 * `npm run bundle`) while bundle/manifest.json proves it fresh, as bin/gauntlet.js decides; the
 * TypeScript sources otherwise, or with `--source`. The ~215 modules of the sources (the engine's
 * and zod's) take about 15 MB more resident memory than the bundle's few chunks.
 */
function engineModule(): { url: string; from: 'bundle' | 'source' } {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (!FROM_SOURCE && bundleState(root).fresh) return { url: pathToFileURL(join(root, BUNDLE_DIR, 'engine.js')).href, from: 'bundle' };
  return { url: new URL('../../engine/index.ts', import.meta.url).href, from: 'source' };
}

async function main(): Promise<void> {
  // The engine's modules from V8's compile cache, as the CLI loads them (bin/gauntlet.js): without
  // it, stripping their types loads a WebAssembly compiler whose memory (about 20 MB) stays resident
  // for the whole run and would be counted as the replay's (js-entry.js also turns it on, earlier).
  nodeModule.enableCompileCache?.();
  if (OPTIMIZE_FOR_SIZE) setFlagsFromString('--optimize-for-size');
  const engine = engineModule();
  const { createSyntheticSource, FixedQuantityAllocator, ReferenceStack, RiskEngine, Rng, runBacktest, SmaCrossoverAgent }: typeof Engine = await import(engine.url);
  if (!Number.isSafeInteger(BARS) || BARS < 1) throw new RangeError(`--bars: expected a positive integer, got ${BARS}`);
  const t0 = process.hrtime.bigint();
  const source = createSyntheticSource({
    process: 'gbm', instrumentId: 'SYN', priceDecimals: 2, startTimeUs: Date.UTC(2020, 0, 1) * 1000, startPrice: 4000,
    count: BARS, volatility: 0.2, drift: 0.05, output: { type: 'bar', intervalUs: 60_000_000 },
  }, Rng.derive(SEED, 'market'));
  const result = await runBacktest({
    seed: SEED, instruments: [{ id: 'SYN', kind: 'future', priceDecimals: 2, multiplier: 10, marginPerContract: 1000 }],
    account: { currency: 'USD', startCash: 1_000_000 }, sources: [source], fees: { perUnit: 2 },
    stack: () => new ReferenceStack({ agents: [new SmaCrossoverAgent('sma', { instrument: 'SYN', period: 200 })], allocator: new FixedQuantityAllocator({ quantity: 1 }), risk: new RiskEngine({ maxPosition: 1 }) }),
    recordEquity: false, recordFills: false,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({
    bars: BARS, peakRssMb: peakRssMb(), heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    fingerprint: result.fingerprint, seconds: Number(seconds.toFixed(3)), optimizeForSize: OPTIMIZE_FOR_SIZE, engine: engine.from,
  }));
}

try {
  await main();
} catch (e) {
  console.error(`replay-rss failed (seed ${SEED}): ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 3;
}
