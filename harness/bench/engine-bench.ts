/**
 * `npm run bench:engine [-- --json] [-- --bars N --long-bars M] [-- --smoke]`
 *
 * Measures, in one process, the market events per second of the full direct path
 * (data client -> agent -> allocator -> risk -> execution -> venue -> ledger, journal fingerprint
 * on) over N synthetic one-minute bars of one instrument (default 1e6), and its ratio to a raw
 * typed-array loop doing the same strategy (SMA(n) crossover, next-open fills, per-contract fees,
 * futures PnL in integer cents) over the same bars. Both must agree on fills and final equity, or
 * the benchmark fails. The raw loop takes a few milliseconds per pass, too short to time alone, so
 * each of its samples repeats it for at least 200 ms (`--raw-sample-ms`); both rates are printed as
 * a median with their spread. The headline uses SMA(200) (`--period`), which trades on about 4% of the
 * bars; a second, fill-heavy measurement uses SMA(20), which trades on 12.5% of them (a random
 * walk whipsaws a short average), and shows what each order round trip costs.
 * Then it streams M bars (default 1e7) straight from the generator through the full path and
 * prints resident memory along the way: it must stay flat.
 *
 * A market event is one bar open or one bar close (each bar is two events through the kernel).
 */
import {
  BATCH_ROWS, createSyntheticSource, FixedQuantityAllocator, newBarBatch, ReferenceStack, RiskEngine, Rng,
  runBacktest, SmaCrossoverAgent, type BarBatch, type MarketSource, type RunExtension,
} from '../../engine/index.ts';
import { benchArgs } from './bench-args.ts';
import { peakRssMb as ownPeakRssMb } from './peak-rss.ts';

const args = benchArgs();
const { json } = args;
const BARS = args.number('--bars', 1_000_000, 5_000);
const LONG_BARS = args.number('--long-bars', 10_000_000, 20_000);
const REPEATS = args.number('--repeats', 5, 1);
const PERIOD = args.number('--period', 200);
const FILL_HEAVY_PERIOD = args.number('--fill-heavy-period', 20);
const FEE_CENTS = 200;
const MULTIPLIER = 10;
const SEED = 42;
const log = (s: string): void => { if (!json) console.log(s); };

function syntheticParams(count: number) {
  return {
    process: 'gbm' as const, instrumentId: 'SYN', priceDecimals: 2, startTimeUs: Date.UTC(2020, 0, 1) * 1000, startPrice: 4000,
    count, volatility: 0.2, drift: 0.05, output: { type: 'bar' as const, intervalUs: 60_000_000 },
  };
}

/** Generates the bars once into our own batches (the generator reuses its batch). */
function generate(count: number): BarBatch[] {
  const src = createSyntheticSource(syntheticParams(count), Rng.derive(SEED, 'market'));
  const out: BarBatch[] = [];
  for (let b = src.next(); b !== null; b = src.next()) {
    if (b.type !== 'bar') throw new Error('expected bars');
    const copy = newBarBatch(b.length);
    for (const k of ['openTimeUs', 'closeTimeUs', 'open', 'high', 'low', 'close', 'volume'] as const) copy[k].set(b[k].subarray(0, b.length));
    copy.length = b.length;
    out.push(copy);
  }
  return out;
}

function replay(batches: BarBatch[]): MarketSource {
  let i = 0;
  const rows = batches.reduce((n, b) => n + b.length, 0);
  return { info: { instrumentId: 'SYN', dataType: 'bar', priceDecimals: 2, barIntervalUs: 60_000_000, files: [] }, issues: [], next: () => batches[i++] ?? null, expectedRows: () => rows };
}

const instruments = [{ id: 'SYN', kind: 'future' as const, priceDecimals: 2, multiplier: MULTIPLIER, marginPerContract: 1000 }];
const stack = (period: number) => () => new ReferenceStack({ agents: [new SmaCrossoverAgent('sma', { instrument: 'SYN', period })], allocator: new FixedQuantityAllocator({ quantity: 1 }), risk: new RiskEngine({ maxPosition: 1 }) });

/** A run extension that does nothing after every event: what the every-event hook itself costs. */
let hookCalls = 0;
const NO_OP_HOOK: RunExtension = { afterEvent: () => { hookCalls++; } };

async function fullPath(source: MarketSource, record: boolean, period = PERIOD, hook = false) {
  return runBacktest({
    seed: SEED, instruments, account: { currency: 'USD', startCash: 1_000_000 }, sources: [source], stack: stack(period), fees: { perUnit: FEE_CENTS / 100 },
    recordEquity: record, recordFills: record, ...(hook ? { extensions: [NO_OP_HOOK] } : {}),
  });
}

/** The same strategy as a raw loop over typed arrays: the floor the engine is compared with. */
function rawLoop(opens: Float64Array, closes: Float64Array, PERIOD: number): { fills: number; equityCents: number } {
  const n = closes.length;
  const window = new Float64Array(PERIOD);
  // side: sign of close - SMA when it was last non-zero (0: none yet); a tie carries it through.
  let sum = 0, head = 0, count = 0, side = 0;
  let position = 0, pendingTarget = -1, entry = 0, cash = 100_000_000, fills = 0;
  for (let i = 0; i < n; i++) {
    const open = opens[i]!;
    if (pendingTarget >= 0 && pendingTarget !== position) { // fill at this bar's open
      if (pendingTarget === 1) entry = open;
      else cash += (open - entry) * MULTIPLIER;
      cash -= FEE_CENTS;
      position = pendingTarget;
      fills++;
    }
    pendingTarget = -1;
    const close = closes[i]!;
    sum += close - (count >= PERIOD ? window[head]! : 0);
    window[head] = close;
    head = head + 1 === PERIOD ? 0 : head + 1;
    if (count < PERIOD) count++;
    if (count === PERIOD) {
      const rel = close * PERIOD > sum ? 1 : close * PERIOD < sum ? -1 : 0;
      if (side < 0 && rel > 0 && position === 0) pendingTarget = 1;
      else if (side > 0 && rel < 0 && position === 1) pendingTarget = 0;
      if (rel !== 0) side = rel;
    }
  }
  const equityCents = cash + (position === 1 ? (closes[n - 1]! - entry) * MULTIPLIER : 0);
  return { fills, equityCents };
}

/** Wall seconds a raw-loop sample runs at least: one pass over 1e6 bars takes a few ms, too short to time. */
const RAW_SAMPLE_SECONDS = args.number('--raw-sample-ms', 200, 20) / 1000;

/**
 * Times the raw loop: each sample repeats it until RAW_SAMPLE_SECONDS have passed and counts the
 * events of all its passes; one untimed sample first warms the JIT up. Events per second per sample.
 */
function timeRawLoop(opens: Float64Array, closes: Float64Array, period: number): { result: { fills: number; equityCents: number }; eventsPerSecond: number[] } {
  const rates: number[] = [];
  let result = { fills: 0, equityCents: 0 };
  for (let r = 0; r < REPEATS + 1; r++) {
    const t0 = process.hrtime.bigint();
    let passes = 0;
    let elapsed = 0;
    do {
      result = rawLoop(opens, closes, period);
      passes++;
      elapsed = seconds(t0);
    } while (elapsed < RAW_SAMPLE_SECONDS);
    if (r >= 1) rates.push((passes * 2 * opens.length) / elapsed);
  }
  return { result, eventsPerSecond: rates };
}

async function measure(batches: BarBatch[], opens: Float64Array, closes: Float64Array, period: number, withHook = false) {
  const rawTimed = timeRawLoop(opens, closes, period);
  const raw = rawTimed.result;
  const fullTimes: number[] = [];
  const hookTimes: number[] = [];
  let full: Awaited<ReturnType<typeof fullPath>> | null = null;
  for (let r = 0; r < REPEATS + 1; r++) {
    const t0 = process.hrtime.bigint();
    full = await fullPath(replay(batches), true, period);
    if (r >= 1) fullTimes.push(seconds(t0));
    // Alternated with the plain run, so both see the same machine.
    if (!withHook) continue;
    const t1 = process.hrtime.bigint();
    const hooked = await fullPath(replay(batches), true, period, true);
    if (r >= 1) hookTimes.push(seconds(t1));
    if (hooked.fingerprint !== full.fingerprint) throw new Error('a no-op run extension changed the fingerprint');
  }
  if (full === null) throw new Error('no run');
  if (full.fills.length !== raw.fills || full.final.equity !== raw.equityCents) {
    throw new Error(`SMA(${period}): full path and raw loop disagree: fills ${full.fills.length} vs ${raw.fills}, equity ${full.final.equity} vs ${raw.equityCents} cents`);
  }
  const events = 2 * BARS;
  return {
    eventsPerSecond: Math.round(events / median(fullTimes)), rawEventsPerSecond: Math.round(median(rawTimed.eventsPerSecond)), full,
    fullSpread: spread(fullTimes.map((t) => events / t)), rawSpread: spread(rawTimed.eventsPerSecond),
    hookEventsPerSecond: hookTimes.length === 0 ? null : Math.round(events / median(hookTimes)),
  };
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rssMb = (): number => process.memoryUsage.rss() / 2 ** 20;
/** Median, lowest and highest of a set of rates, and the range as a fraction of the median. */
function spread(rates: number[]): { median: number; min: number; max: number; relative: number; samples: number } {
  const m = median(rates);
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  return { median: Math.round(m), min: Math.round(min), max: Math.round(max), relative: Number(((max - min) / m).toFixed(4)), samples: rates.length };
}
const fmtSpread = (s: { median: number; min: number; max: number; relative: number; samples: number }): string =>
  `median ${(s.median / 1e6).toFixed(2)}M, range ${(s.min / 1e6).toFixed(2)}-${(s.max / 1e6).toFixed(2)}M (${(100 * s.relative).toFixed(1)}% of the median) over ${s.samples} samples`;

async function main(): Promise<void> {
  log(`seed ${SEED}: bench:engine, ${BARS} one-minute bars (${2 * BARS} market events), SMA crossover on a future (SMA(${PERIOD}); fill-heavy SMA(${FILL_HEAVY_PERIOD}))`);
  const batches = generate(BARS);
  const opens = new Float64Array(BARS);
  const closes = new Float64Array(BARS);
  let k = 0;
  for (const b of batches) { opens.set(b.open.subarray(0, b.length), k); closes.set(b.close.subarray(0, b.length), k); k += b.length; }

  const main = await measure(batches, opens, closes, PERIOD, true);
  const heavy = FILL_HEAVY_PERIOD > 0 ? await measure(batches, opens, closes, FILL_HEAVY_PERIOD) : null;
  const { eventsPerSecond, rawEventsPerSecond, full } = main;
  const fullSec = (2 * BARS) / eventsPerSecond;
  log(`full path, SMA(${PERIOD}): ${(eventsPerSecond / 1e6).toFixed(2)}M events/s (${(BARS / fullSec / 1e6).toFixed(2)}M bars/s), median of ${REPEATS}; fills ${full.fills.length}, fingerprint ${full.fingerprint.slice(0, 16)}...`);
  const hookCostRatio = main.hookEventsPerSecond === null ? null : Number((main.hookEventsPerSecond / eventsPerSecond).toFixed(4));
  log(`with a no-op run extension after every event (${hookCalls} calls): ${((main.hookEventsPerSecond ?? 0) / 1e6).toFixed(2)}M events/s, ${hookCostRatio} of the plain run (target >= 0.95)`);
  log(`  full path events/s: ${fmtSpread(main.fullSpread)}`);
  log(`raw loop,  SMA(${PERIOD}): ${(rawEventsPerSecond / 1e6).toFixed(1)}M events/s; full/raw = ${(eventsPerSecond / rawEventsPerSecond).toFixed(4)} (raw is ${(rawEventsPerSecond / eventsPerSecond).toFixed(1)}x faster; target full/raw >= 0.033)`);
  log(`  raw loop events/s, each sample >= ${RAW_SAMPLE_SECONDS * 1000} ms of repeated passes: ${fmtSpread(main.rawSpread)}`);
  if (heavy !== null) {
    const perFillUs = ((2 * BARS / heavy.eventsPerSecond - fullSec) / (heavy.full.fills.length - full.fills.length)) * 1e6;
    log(`fill-heavy, SMA(${FILL_HEAVY_PERIOD}): ${(heavy.eventsPerSecond / 1e6).toFixed(2)}M events/s, fills ${heavy.full.fills.length}; about ${perFillUs.toFixed(1)} us per extra order round trip; full/raw = ${(heavy.eventsPerSecond / heavy.rawEventsPerSecond).toFixed(4)}`);
  }

  // Streaming replay: bars come from the generator batch by batch, nothing is kept.
  const rssSamples: number[] = [];
  const heapSamples: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  let longSec = 0;
  if (LONG_BARS > 0) {
    const gen = createSyntheticSource(syntheticParams(LONG_BARS), Rng.derive(SEED, 'market'));
    let batchesSeen = 0;
    const sampled: MarketSource = {
      info: gen.info, issues: gen.issues,
      next: () => {
        if (batchesSeen++ % Math.max(1, Math.floor(LONG_BARS / BATCH_ROWS / 10)) === 0) {
          // With --expose-gc (the npm script passes it), live heap after a full collection: the
          // figure that shows whether anything accumulates; RSS also carries the allocator's slack.
          gc?.();
          heapSamples.push(Math.round(process.memoryUsage().heapUsed / 2 ** 20));
          rssSamples.push(Math.round(rssMb()));
        }
        return gen.next();
      },
    };
    const t0 = process.hrtime.bigint();
    const long = await fullPath(sampled, false);
    longSec = seconds(t0);
    rssSamples.push(Math.round(rssMb()));
    log(`streaming ${LONG_BARS} bars (equity and fill lists off, journal on): ${(2 * LONG_BARS / longSec / 1e6).toFixed(2)}M events/s, fingerprint ${long.fingerprint.slice(0, 16)}...`);
    log(`  along the run, RSS MB: ${rssSamples.join(' ')}; live heap MB after GC: ${heapSamples.length > 0 && gc ? heapSamples.join(' ') : '(run with --expose-gc)'}`);
  }
  const peakRssMb = ownPeakRssMb();
  log(`peak RSS ${peakRssMb} MB (includes the ${BARS} pre-generated bars of the first part)`);
  if (json) {
    console.log(JSON.stringify({
      eventsPerSecond, rawLoopRatio: Number((eventsPerSecond / rawEventsPerSecond).toFixed(5)), peakRssMb,
      rawLoop: { ...main.rawSpread, sampleMs: RAW_SAMPLE_SECONDS * 1000 }, fullPath: main.fullSpread,
      hookEventsPerSecond: main.hookEventsPerSecond, hookCostRatio,
      barsPerSecond: Math.round(BARS / fullSec), rawEventsPerSecond, bars: BARS, smaPeriod: PERIOD, fills: full.fills.length, fingerprint: full.fingerprint,
      fillHeavy: heavy === null ? null : { smaPeriod: FILL_HEAVY_PERIOD, eventsPerSecond: heavy.eventsPerSecond, rawLoopRatio: Number((heavy.eventsPerSecond / heavy.rawEventsPerSecond).toFixed(5)), fills: heavy.full.fills.length },
      longBars: LONG_BARS, longEventsPerSecond: LONG_BARS > 0 ? Math.round(2 * LONG_BARS / longSec) : null, rssMbSamples: rssSamples, heapMbSamples: gc ? heapSamples : null, seed: SEED,
    }));
  }
}

main().catch((e: unknown) => {
  console.error(`bench:engine failed (seed ${SEED}): ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(3);
});

