// Proves, as a fast-check property over random markets (bars with gaps and unknown volumes on one
// instrument, quotes with missing sides on a lot-sized one) and random streams of submits, cancels
// and replaces (valid and invalid, every order type and time in force, random latency, caps,
// slippage and fee models), that the venue never fills an order beyond its quantity, books its
// fills in whole lots at positive prices, never fills a limit worse than its limit, never charges
// a negative fee or slips a price in the order's favour or off the tick grid, and that every order
// ends terminal once the run ends with cancels of what is left. A failure prints fast-check's
// seed and path, which replay it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { US_PER_MINUTE, utcTimeUs } from '../kernel/time.ts';
import type { BarRow, QuoteRow } from '../market/array-source.ts';
import { ScheduleFeeModel } from './models/fee-models.ts';
import { OhlcPathFillModel } from './models/fill-models.ts';
import { ConstantLatencyModel } from './models/latency-models.ts';
import { createSlippageModel, type SlippageModel, type SlippageModelConfig } from './models/slippage-models.ts';
import { TERMINAL_STATUSES, type OrderRequest, type OrderType, type TimeInForce } from './orders.ts';
import { barSource, LOTS, quoteSource, venueKit, XYZ } from './venue-test-kit.ts';

const START = utcTimeUs(2024, 3, 8, 22, 30); // the UTC midnight falls mid-run: DAY orders expire
const M = US_PER_MINUTE;

const barStep = fc.record({
  gapTicks: fc.integer({ min: -30, max: 30 }), upTicks: fc.nat({ max: 20 }), downTicks: fc.nat({ max: 20 }),
  closeAt: fc.double({ min: 0, max: 1, noNaN: true }), volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })), pauseMinutes: fc.constantFrom(0, 0, 0, 0, 0, 30),
});

const quoteStep = fc.record({
  moveTicks: fc.integer({ min: -20, max: 20 }), spreadTicks: fc.integer({ min: 1, max: 4 }),
  bidSize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 900 })), askSize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 900 })),
  noAsk: fc.constantFrom(false, false, false, true), gapMinutes: fc.integer({ min: 1, max: 4 }),
});

const submitOp = fc.record({
  op: fc.constant('submit' as const), instrument: fc.constantFrom(0, 1), side: fc.constantFrom(1 as const, -1 as const),
  type: fc.constantFrom<OrderType>('market', 'limit', 'stop', 'stop-limit'), tif: fc.constantFrom<TimeInForce>('GTC', 'DAY', 'IOC'),
  lots: fc.integer({ min: 1, max: 6 }), oddQuantity: fc.constantFrom(false, false, false, false, true), limitTicks: fc.integer({ min: -25, max: 25 }), stopTicks: fc.integer({ min: -25, max: 25 }),
  offTick: fc.constantFrom(false, false, false, false, true),
});
const cancelOp = fc.record({ op: fc.constant('cancel' as const), target: fc.nat() });
const replaceOp = fc.record({ op: fc.constant('replace' as const), target: fc.nat(), lots: fc.option(fc.integer({ min: 0, max: 6 })), limitTicks: fc.option(fc.integer({ min: -25, max: 25 })) });
const action = fc.record({ at: fc.double({ min: 0, max: 1.05, noNaN: true }), what: fc.oneof(submitOp, submitOp, cancelOp, replaceOp) });

const slippageConfig = fc.constantFrom<SlippageModelConfig>(
  { model: 'none' }, { model: 'fixed-ticks', ticks: 2 }, { model: 'bps', bps: 3.5 }, { model: 'volume', coefficientBps: 50 }, { model: 'volume', impact: 'linear', coefficientBps: 400 },
);

const scenario = fc.record({
  bars: fc.array(barStep, { minLength: 1, maxLength: 200, size: 'medium' }),
  quotes: fc.array(quoteStep, { minLength: 1, maxLength: 100, size: 'medium' }),
  actions: fc.array(action, { maxLength: 60, size: 'medium' }),
  participation: fc.option(fc.constantFrom(0.05, 0.1, 0.5, 1)),
  sameBarClose: fc.boolean(),
  slippage: slippageConfig,
  fees: fc.record({ perUnit: fc.constantFrom(0, 0.01), bps: fc.constantFrom(0, 1.5), minimum: fc.constantFrom(0, 1) }),
  orderLatencyUs: fc.constantFrom(0, 0, 1, 250, 90 * 1_000_000),
  reportLatencyUs: fc.constantFrom(0, 500),
});

type Step<A> = A extends fc.Arbitrary<infer T> ? T : never;

function makeBars(steps: readonly Step<typeof barStep>[]): BarRow[] {
  const tick = 5;
  let t = START;
  let prev = 10_000;
  return steps.map((s) => {
    t += s.pauseMinutes * M;
    const open = Math.max(20 * tick, prev + s.gapTicks * tick);
    const high = open + s.upTicks * tick;
    const low = Math.max(tick, open - s.downTicks * tick);
    const close = low + Math.round((s.closeAt * (high - low)) / tick) * tick;
    prev = close;
    const row = { openTimeUs: t, closeTimeUs: t + M, open, high, low, close, volume: s.volume };
    t += M;
    return row;
  });
}

function makeQuotes(steps: readonly Step<typeof quoteStep>[]): QuoteRow[] {
  let t = START;
  let bid = 5_000;
  return steps.map((s) => {
    t += s.gapMinutes * M;
    bid = Math.max(10, bid + s.moveTicks);
    return { timeUs: t, bid, ask: s.noAsk ? 0 : bid + s.spreadTicks, bidSize: s.bidSize, askSize: s.askSize };
  });
}

describe('property: the venue never overfills, charges or slips against the rules, and every order ends', () => {
  it('holds over random markets and order streams', async () => {
    await fc.assert(fc.asyncProperty(scenario, async (sc) => {
      const breaches: string[] = [];
      const inner = createSlippageModel(sc.slippage);
      const slippage: SlippageModel = {
        ...(inner.usesVolume === true ? { usesVolume: true } : {}),
        adjust(p) {
          const out = inner.adjust(p);
          if (p.side * (out - p.priceRaw) < 0) breaches.push(`slippage in favour: ${p.priceRaw} -> ${out}`);
          if (sc.slippage.model !== 'none' && out % p.instrument.tickSizeRaw !== 0) breaches.push(`off the grid: ${out}`);
          return out;
        },
      };
      const k = venueKit({
        startUs: START, instruments: [XYZ, LOTS], slippage,
        fill: new OhlcPathFillModel({ marketOnBars: sc.sameBarClose ? 'same-bar-close' : 'next-open', ...(sc.participation === null ? {} : { participation: sc.participation }) }),
        fees: new ScheduleFeeModel(sc.fees, 2), latency: new ConstantLatencyModel(sc.orderLatencyUs, sc.reportLatencyUs),
      });
      const ticks = [5, 1];
      const refs = [10_000, 5_000];
      const lotsRaw = [1, 100];
      const bars = makeBars(sc.bars);
      const quotes = makeQuotes(sc.quotes);
      // Actions fall across the market's span (and a little past its end).
      const endUs = Math.max(bars.at(-1)!.closeTimeUs, quotes.at(-1)!.timeUs);
      const ids: string[] = [];
      let n = 0;
      for (const a of sc.actions) {
        k.at(START + Math.round(a.at * (endUs - START)), () => {
          const w = a.what;
          if (w.op === 'submit') {
            const i = w.instrument;
            const tick = ticks[i]!;
            const odd = w.offTick && i === 0 ? 2 : 0; // XYZ's tick is 5 raw: +2 is off the grid
            const o: OrderRequest = {
              clientOrderId: `p-${++n}`, instrumentIndex: i, side: w.side, type: w.type, timeInForce: w.tif,
              quantityRaw: w.lots * lotsRaw[i]! + (w.oddQuantity && i === 1 ? 7 : 0),
              ...(w.type === 'limit' || w.type === 'stop-limit' ? { limitPriceRaw: refs[i]! + w.limitTicks * tick + odd } : {}),
              ...(w.type === 'stop' || w.type === 'stop-limit' ? { stopPriceRaw: refs[i]! + w.stopTicks * tick } : {}),
            };
            ids.push(o.clientOrderId);
            k.venue.submit(o);
          } else {
            const id = ids.length === 0 ? 'none' : ids[w.target % ids.length]!;
            if (w.op === 'cancel') k.venue.cancel(id);
            else k.venue.replace(id, { ...(w.lots !== null ? { quantityRaw: w.lots * 100 } : {}), ...(w.limitTicks !== null ? { limitPriceRaw: 10_000 + w.limitTicks * 5 } : {}) });
          }
        });
      }
      const onFill = k.log.onFill.bind(k.log);
      k.log.onFill = (f, notional) => {
        const s = k.venue.order(f.clientOrderId)!;
        const inst = k.instruments[f.instrumentIndex]!;
        if (f.fee < 0) breaches.push(`negative fee ${f.fee}`);
        if (f.quantityRaw <= 0 || f.quantityRaw % inst.lotSizeRaw !== 0 || f.priceRaw <= 0) breaches.push(`bad fill ${JSON.stringify(f)}`);
        if (s.filledRaw > s.request.quantityRaw) breaches.push(`${f.clientOrderId} filled ${s.filledRaw} > ${s.request.quantityRaw}`);
        const limit = s.request.limitPriceRaw;
        if (limit !== undefined && f.side * (f.priceRaw - limit) > 0) breaches.push(`${f.clientOrderId} filled at ${f.priceRaw} beyond its limit ${limit}`);
        onFill(f, notional);
      };
      k.feed([{ instrumentIndex: 0, source: barSource(bars) }, { instrumentIndex: 1, source: quoteSource(quotes, 'LOT') }]);
      await k.run();
      // The run ends: cancel what is left (after every message in flight has arrived).
      for (const s of [...k.venue.orders()]) if (!TERMINAL_STATUSES.has(s.status)) k.venue.cancel(s.request.clientOrderId);
      await k.run();

      expect(breaches).toEqual([]);
      expect(k.venue.workingCount).toBe(0);
      for (const id of ids) {
        const s = k.venue.order(id)!;
        expect(TERMINAL_STATUSES.has(s.status)).toBe(true);
        const filled = k.log.fills.filter((f) => f.clientOrderId === id).reduce((a, f) => a + f.quantityRaw, 0);
        expect(filled).toBe(s.filledRaw);
        expect(s.filledRaw).toBeLessThanOrEqual(s.request.quantityRaw);
        if (s.status === 'filled') expect(s.filledRaw).toBe(s.request.quantityRaw);
      }
    }), { numRuns: 200 });
  });
});
