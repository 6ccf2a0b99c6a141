// Proves every generated row is well formed for any parameters (a fast-check property; a failure
// prints its seed and path): bars have integer prices with 1 <= low <= open, close <= high, a
// positive integer volume, contiguous times on the interval grid and, with a session, only
// in-session weekday times; trades have integer prices >= 1, positive sizes and non-decreasing times.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import { US_PER_MINUTE, utcTimeUs } from '../../kernel/time.ts';
import { createSyntheticSource, type SyntheticParamsInput } from './index.ts';
import type { BarBatch, TradeBatch } from '../types.ts';

const sessionArb = fc.option(
  fc.record({
    open: fc.constantFrom('00:00', '09:30', '18:00'),
    close: fc.constantFrom('16:00', '17:00', '24:00'),
    utcOffsetMinutes: fc.integer({ min: -600, max: 600 }),
    weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
  }),
  { nil: undefined },
);

const processArb = fc.oneof(
  fc.record({ process: fc.constant('gbm' as const), volatility: fc.double({ min: 0, max: 10, noNaN: true }) }),
  fc.record({
    process: fc.constant('jump-diffusion' as const),
    volatility: fc.double({ min: 0, max: 3, noNaN: true }),
    jumpIntensity: fc.double({ min: 0, max: 1e5, noNaN: true }),
    jumpMean: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
    jumpStd: fc.double({ min: 0, max: 0.5, noNaN: true }),
  }),
  fc.record({
    process: fc.constant('regime' as const),
    volatilities: fc.tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true })),
    p: fc.double({ min: 0, max: 1, noNaN: true }),
  }).map(({ process, volatilities, p }) => ({ process, volatilities: [...volatilities], transition: [[1 - p, p], [p, 1 - p]] })),
);

const paramsArb = fc
  .record({
    proc: processArb,
    priceDecimals: fc.integer({ min: 0, max: 8 }),
    startPrice: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
    drift: fc.double({ min: -2, max: 2, noNaN: true }),
    count: fc.integer({ min: 1, max: 9_000 }),
    session: sessionArb,
    intervalMinutes: fc.constantFrom(1, 5, 60, 360),
    trades: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  .map((a) => ({
    seed: a.seed,
    params: {
      ...a.proc,
      instrumentId: 'PROP',
      priceDecimals: a.priceDecimals,
      // At least one tick at these decimals.
      startPrice: Math.max(a.startPrice, 10 ** -a.priceDecimals),
      drift: a.drift,
      count: a.count,
      startTimeUs: utcTimeUs(2024, 3, 1, 13, 7),
      ...(a.session !== undefined ? { session: a.session } : {}),
      output: a.trades ? { type: 'trade' as const, meanInterArrivalUs: 3_000_000 } : { type: 'bar' as const, intervalUs: a.intervalMinutes * US_PER_MINUTE },
    } satisfies SyntheticParamsInput,
  }))
  .filter(({ params }) => {
    // Bars longer than the session are refused by design; tested elsewhere.
    const s = params.session;
    if (s === undefined || params.output.type !== 'bar') return true;
    const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
    const len = m(s.close) > m(s.open) ? m(s.close) - m(s.open) : m(s.close) + 1440 - m(s.open);
    return params.output.intervalUs <= len * US_PER_MINUTE;
  });

/** Independent in-session check from calendar arithmetic on the local wall time. */
function inSession(t: number, s: { open: string; close: string; utcOffsetMinutes: number; weekdays: number[] }): boolean {
  const local = new Date(t / 1000 + s.utcOffsetMinutes * 60_000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60 + local.getUTCMilliseconds() / 60_000;
  const o = Number(s.open.slice(0, 2)) * 60 + Number(s.open.slice(3));
  const c = Number(s.close.slice(0, 2)) * 60 + Number(s.close.slice(3));
  const day = local.getUTCDay();
  if (c > o) return s.weekdays.includes(day) && minute >= o && minute < c;
  // Crossing midnight: either the evening part of an opening day or the morning after one.
  return (s.weekdays.includes(day) && minute >= o) || (s.weekdays.includes((day + 6) % 7) && minute < c);
}

/** Throws naming the row and the broken rule (plain checks: per-row expect() would dominate the run). */
function ensure(ok: boolean, what: string, i: number): void {
  if (!ok) throw new Error(`row ${i}: ${what}`);
}

function checkBars(b: BarBatch, prevClose: number, prevCloseTime: number, intervalUs: number): void {
  for (let i = 0; i < b.length; i++) {
    const [o, h, l, c, v] = [b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!];
    ensure([o, h, l, c, v].every((x) => Number.isSafeInteger(x)), `non-integer OHLCV ${[o, h, l, c, v]}`, i);
    ensure(l >= 1 && l <= Math.min(o, c) && h >= Math.max(o, c), `inconsistent OHLC ${[o, h, l, c]}`, i);
    ensure(v >= 1, `volume ${v}`, i);
    ensure(b.closeTimeUs[i]! - b.openTimeUs[i]! === intervalUs, 'bar length', i);
    ensure(b.openTimeUs[i]! >= (i > 0 ? b.closeTimeUs[i - 1]! : prevCloseTime), 'overlapping or unordered bars', i);
    const before = i > 0 ? b.close[i - 1]! : prevClose;
    ensure(Number.isNaN(before) || o === before, `open ${o} is not the previous close ${before}`, i);
  }
}

function checkTrades(b: TradeBatch, prevTime: number): void {
  for (let i = 0; i < b.length; i++) {
    ensure(Number.isSafeInteger(b.price[i]!) && b.price[i]! >= 1, `price ${b.price[i]}`, i);
    ensure(Number.isSafeInteger(b.size[i]!) && b.size[i]! >= 1, `size ${b.size[i]}`, i);
    ensure(Number.isSafeInteger(b.timeUs[i]!), 'time not an integer', i);
    ensure(b.timeUs[i]! >= (i > 0 ? b.timeUs[i - 1]! : prevTime), 'time goes back', i);
  }
}

describe('synthetic rows are well formed', () => {
  it('for any parameters (property)', () => {
    fc.assert(
      fc.property(paramsArb, ({ params, seed }) => {
        const src = createSyntheticSource(params, Rng.derive(seed, 'market'));
        let rows = 0;
        let prevClose = NaN;
        let prevTime = -Infinity;
        for (let b = src.next(); b !== null; b = src.next()) {
          rows += b.length;
          if (b.type === 'bar') {
            checkBars(b, prevClose, prevTime, params.output.type === 'bar' ? params.output.intervalUs : 0);
            prevClose = b.close[b.length - 1]!;
            prevTime = b.closeTimeUs[b.length - 1]!;
            if (params.session !== undefined) {
              const session = params.session;
              for (let i = 0; i < b.length; i++) {
                ensure(inSession(b.openTimeUs[i]!, session) && inSession(b.closeTimeUs[i]! - 1, session), 'bar outside the session', i);
              }
            }
          } else if (b.type === 'trade') {
            checkTrades(b, prevTime);
            prevTime = b.timeUs[b.length - 1]!;
            const session = params.session;
            if (session !== undefined) for (let i = 0; i < b.length; i++) ensure(inSession(b.timeUs[i]!, session), 'trade outside the session', i);
          }
        }
        expect(rows).toBe(params.count);
      }),
      { numRuns: 60 },
    );
  });

  it('floors a collapsing price at one tick and keeps OHLC consistent', () => {
    const src = createSyntheticSource(
      { process: 'gbm', instrumentId: 'X', priceDecimals: 0, startPrice: 1000, startTimeUs: 0, count: 5_000, drift: -10, volatility: 10, output: { type: 'bar', intervalUs: 86_400_000_000, periodsPerYear: 12 } },
      Rng.derive(1, 'market'),
    );
    const b = src.next();
    if (b === null || b.type !== 'bar') throw new Error('expected bars');
    checkBars(b, NaN, -Infinity, 86_400_000_000);
    expect(b.open[0]).toBe(1000);
    expect(b.close[b.length - 1]).toBe(1);
    expect(b.low.subarray(0, b.length).every((x) => x >= 1)).toBe(true);
  });
});
