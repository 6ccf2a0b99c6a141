/**
 * `node harness/bench/replay-rss.ts [--bars N]`: the streaming replay of bench:engine (N synthetic
 * one-minute bars, default 1e7, straight from the generator through the full direct path, equity
 * and fill lists off, journal fingerprint on) alone in its own process, so that the process's peak
 * resident memory is the replay's: prints one JSON line with `peakRssMb` (the kernel's maxRSS).
 * bench:data runs it as a child process.
 */
import {
  createSyntheticSource, FixedQuantityAllocator, ReferenceStack, RiskEngine, Rng, runBacktest, SmaCrossoverAgent,
} from '../../engine/index.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const BARS = args.number('--bars', 10_000_000, 20_000);
const SEED = 42;

const started = process.hrtime.bigint();
const source = createSyntheticSource({
  process: 'gbm', instrumentId: 'SYN', priceDecimals: 2, startTimeUs: Date.UTC(2020, 0, 1) * 1000, startPrice: 4000,
  count: BARS, volatility: 0.2, drift: 0.05, output: { type: 'bar', intervalUs: 60_000_000 },
}, Rng.derive(SEED, 'market'));
const result = await runBacktest({
  seed: SEED, instruments: [{ id: 'SYN', kind: 'future', priceDecimals: 2, multiplier: 10, marginPerContract: 1000 }],
  account: { currency: 'USD', startCash: 1_000_000 }, sources: [source], fees: { perUnit: 2 }, recordEquity: false, recordFills: false,
  stack: () => new ReferenceStack({ agents: [new SmaCrossoverAgent('sma', { instrument: 'SYN', period: 200 })], allocator: new FixedQuantityAllocator({ quantity: 1 }), risk: new RiskEngine({ maxPosition: 1 }) }),
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({
  bars: BARS, seconds: Number(seconds.toFixed(3)), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), fingerprint: result.fingerprint,
})}\n`);
