// Proves how each order type trades against bars, driven through a real Kernel and the market feed
// as the backtest drives it: market orders at the next open (not the bar they arrived in), limits
// at the limit when the low touches it and at the open when the bar gaps through, stops at the
// stop plus slippage inside the bar and at the open (worse) on a gap, stop-limits that trigger and
// do not fill, the assumed OHLC path, the participation cap's partial fills over several bars,
// and the 'same-bar-close' option. Expected numbers are worked out by hand in each test.
import { describe, expect, it } from 'vitest';
import { US_PER_HOUR, utcTimeUs } from '../kernel/time.ts';
import { ConstantLatencyModel } from './models/latency-models.ts';
import { OhlcPathFillModel } from './models/fill-models.ts';
import { FixedTicksSlippageModel } from './models/slippage-models.ts';
import { ScheduleFeeModel } from './models/fee-models.ts';
import { bar, barSource, fillsOf, LOTS, order, statusesOf, venueKit } from './venue-test-kit.ts';

const H = US_PER_HOUR;
const T0 = utcTimeUs(2024, 1, 2, 14, 30); // 09:30 New York

describe('market orders on bars', () => {
  it('fill at the next open, at the open instant', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 100 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_100, 9_900, 10_050), bar(T0 + H, H, 10_060, 10_070, 10_000, 10_010)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0, 100, 10_000]]);
    expect(statusesOf(k.log, o.clientOrderId)).toEqual([['accepted', T0 - H, undefined]]);
    expect(k.venue.order(o.clientOrderId)?.status).toBe('filled');
  });

  it('sent at a bar close with no latency: fills at the open of the next bar, never at the close it saw', async () => {
    const k = venueKit({ startUs: T0 });
    const o = order({ side: -1, quantityRaw: 10 });
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_100, 9_900, 10_050), bar(T0 + H, H, 10_060, 10_070, 10_000, 10_010)]) }],
      (kind, t) => { if (kind === 'bar' && t === T0 + H) k.venue.submit(o); });
    await k.run();
    // Bar 2 opens at the very instant bar 1 closes; the order is working before that open event.
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 10, 10_060]]);
  });

  it('arriving inside a bar (latency): waits for the next bar open', async () => {
    const k = venueKit({ startUs: T0, latency: new ConstantLatencyModel(1, 0) });
    const o = order({ side: 1, quantityRaw: 10 });
    k.feed([{ instrumentIndex: 0, source: barSource([
      bar(T0, H, 10_000, 10_100, 9_900, 10_050), bar(T0 + H, H, 10_060, 10_070, 10_000, 10_010), bar(T0 + 2 * H, H, 10_020, 10_030, 10_000, 10_005),
    ]) }], (kind, t) => { if (kind === 'bar' && t === T0 + H) k.venue.submit(o); });
    await k.run();
    // Sent at T0+H, arrives at T0+H+1us, after bar 2 opened: bar 3's open is the next price.
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + 2 * H, 10, 10_020]]);
  });
});

describe('limit orders on bars', () => {
  it('a buy limit fills at the limit when the low touches it, at the bar close', async () => {
    const k = venueKit({ startUs: T0 - H });
    const touched = order({ side: 1, quantityRaw: 100, type: 'limit', limitPriceRaw: 9_900 });
    const missed = order({ side: 1, quantityRaw: 100, type: 'limit', limitPriceRaw: 9_895 });
    k.venue.submit(touched);
    k.venue.submit(missed);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_050, 9_900, 9_950)]) }]);
    await k.run();
    expect(fillsOf(k.log, touched.clientOrderId)).toEqual([[T0 + H, 100, 9_900]]);
    expect(fillsOf(k.log, missed.clientOrderId)).toEqual([]);
    expect(k.venue.order(missed.clientOrderId)?.status).toBe('accepted');
  });

  it('a buy limit fills at the open when the bar gaps below it (a better price than the limit)', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 100, type: 'limit', limitPriceRaw: 9_900 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 9_800, 9_950, 9_750, 9_900)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0, 100, 9_800]]);
  });

  it('a sell limit fills at the limit when the high touches it; limit fills get no slippage', async () => {
    const k = venueKit({ startUs: T0 - H, slippage: new FixedTicksSlippageModel({ ticks: 3 }) });
    const o = order({ side: -1, quantityRaw: 5, type: 'limit', limitPriceRaw: 10_100 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_120, 9_990, 10_010)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 5, 10_100]]);
  });
});

describe('stop orders on bars', () => {
  it('a sell stop triggered inside the bar fills at the stop minus slippage', async () => {
    // Tick 5 raw, 2 ticks of slippage: 9800 - 10 = 9790.
    const k = venueKit({ startUs: T0 - H, slippage: new FixedTicksSlippageModel({ ticks: 2 }) });
    const o = order({ side: -1, quantityRaw: 100, type: 'stop', stopPriceRaw: 9_800 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_100, 9_500, 9_700)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 100, 9_790]]);
  });

  it('a sell stop gapped through at the open fills at the open (worse than the stop), plus slippage', async () => {
    const k = venueKit({ startUs: T0 - H, slippage: new FixedTicksSlippageModel({ ticks: 2 }) });
    const o = order({ side: -1, quantityRaw: 100, type: 'stop', stopPriceRaw: 9_800 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 9_600, 9_700, 9_500, 9_650)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0, 100, 9_590]]);
  });

  it('a stop-limit that triggers at a gap below its limit does not fill, then fills at the limit on a later bar', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: -1, quantityRaw: 100, type: 'stop-limit', stopPriceRaw: 9_800, limitPriceRaw: 9_750 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([
      bar(T0, H, 9_600, 9_700, 9_500, 9_650), // triggers at the open 9600; the path never reaches 9750
      bar(T0 + H, H, 9_650, 9_760, 9_600, 9_700), // path 9650 -> 9600 -> 9760: crosses 9750
    ]) }], (kind, t) => {
      if (kind === 'bar' && t === T0 + H) {
        expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'accepted', triggered: true, filledRaw: 0 });
      }
    });
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + 2 * H, 100, 9_750]]);
  });

  it('a buy stop-limit whose limit allows the stop fills at the stop when the path crosses it', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 1, type: 'stop-limit', stopPriceRaw: 10_100, limitPriceRaw: 10_150 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_200, 9_950, 10_150)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 1, 10_100]]);
  });
});

describe('the assumed OHLC path: open -> nearer extreme -> other extreme -> close', () => {
  it('visits the nearer extreme first: a stop-limit triggered on the way up fills on the way down', async () => {
    // O=10000 H=10050 (50 away) L=9700 (300 away): path 10000 -> 10050 -> 9700 -> 9800. A buy
    // stop-limit (stop 10040, limit 9900) triggers on the way up and buys at 9900 on the way down.
    // Had the low come first, it would have triggered after the low and never filled.
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 1, type: 'stop-limit', stopPriceRaw: 10_040, limitPriceRaw: 9_900 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_050, 9_700, 9_800)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 1, 9_900]]);
  });

  it('with the low nearer, the same order triggers after the low and does not fill', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 1, type: 'stop-limit', stopPriceRaw: 10_040, limitPriceRaw: 9_900 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_300, 9_850, 10_200)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([]);
    expect(k.venue.order(o.clientOrderId)?.triggered).toBe(true);
  });
});

describe('participation cap', () => {
  it('caps fills at 10% of each bar volume: partial fills over three bars sum exactly to the quantity', async () => {
    const k = venueKit({ startUs: T0 - H, fill: new OhlcPathFillModel({ participation: 0.1 }), fees: new ScheduleFeeModel({ perUnit: 0.01 }, 2) });
    const o = order({ side: 1, quantityRaw: 250 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([
      bar(T0, H, 10_000, 10_050, 9_950, 10_000, 1_000),
      bar(T0 + H, H, 10_100, 10_150, 10_050, 10_100, 1_000),
      bar(T0 + 2 * H, H, 10_200, 10_250, 10_150, 10_200, 700),
      bar(T0 + 3 * H, H, 10_300, 10_350, 10_250, 10_300, 1_000),
    ]) }]);
    await k.run();
    // 100 + 100 + min(70, 50 left); each at its bar's open, booked at the bar's close (the volume
    // is known only then). Fees 1 cent a share.
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 100, 10_000], [T0 + 2 * H, 100, 10_100], [T0 + 3 * H, 50, 10_200]]);
    expect(k.log.fills.map((f) => [f.fee, f.leavesQuantityRaw])).toEqual([[100, 150], [100, 50], [50, 0]]);
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'filled', filledRaw: 250 });
  });

  it('rounds the cap down to whole lots, shares it in time priority, and treats volume 0 as unknown (no cap)', async () => {
    const k = venueKit({ startUs: T0 - H, instruments: [LOTS], fill: new OhlcPathFillModel({ participation: 0.1 }) });
    const first = order({ side: 1, quantityRaw: 300 });
    const second = order({ side: 1, quantityRaw: 100 });
    k.venue.submit(first);
    k.venue.submit(second);
    k.feed([{ instrumentIndex: 0, source: barSource([
      bar(T0, H, 5_000, 5_000, 5_000, 5_000, 1_550), // 155 shares -> one lot of 100, to the first order
      bar(T0 + H, H, 5_100, 5_100, 5_100, 5_100, 0), // unknown volume: everything left fills
    ], 'LOT') }]);
    await k.run();
    expect(fillsOf(k.log, first.clientOrderId)).toEqual([[T0 + H, 100, 5_000], [T0 + 2 * H, 200, 5_100]]);
    expect(fillsOf(k.log, second.clientOrderId)).toEqual([[T0 + 2 * H, 100, 5_100]]);
  });
});

describe("marketOnBars: 'same-bar-close' (explicit option)", () => {
  it('fills a market order sent at a bar close at that close, and one arriving inside a bar at its close', async () => {
    const k = venueKit({ startUs: T0, fill: new OhlcPathFillModel({ marketOnBars: 'same-bar-close' }) });
    const atClose = order({ side: 1, quantityRaw: 1 });
    const early = order({ side: -1, quantityRaw: 1 });
    k.at(T0 + H + H / 2, () => k.venue.submit(early));
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_100, 9_900, 10_050), bar(T0 + H, H, 10_060, 10_070, 10_000, 10_010)]) }],
      (kind, t) => { if (kind === 'bar' && t === T0 + H) k.venue.submit(atClose); });
    await k.run();
    expect(fillsOf(k.log, atClose.clientOrderId)).toEqual([[T0 + H, 1, 10_050]]);
    expect(fillsOf(k.log, early.clientOrderId)).toEqual([[T0 + 2 * H, 1, 10_010]]);
  });
});
