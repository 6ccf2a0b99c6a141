// syntheticBarBoundsUs gives the first bar's open and the last bar's close of the market the
// generator produces, without generating it: for drawn starts, counts and intervals, continuous
// and inside sessions (any open and close, closes past midnight and at 24:00, UTC offsets,
// weekday sets, starts inside, between and before sessions, intervals that leave a partial slot),
// compared with the bars a generator emits (first openTimeUs, last closeTimeUs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, utcTimeUs } from '../../kernel/time.ts';
import { syntheticBarBoundsUs, syntheticParamsSchema, syntheticSourceOf, type SyntheticParams } from './index.ts';

/** The bounds as the generator gives them: every bar generated. */
function generatedBounds(p: SyntheticParams): { firstUs: number; lastUs: number } {
  const source = syntheticSourceOf(p, Rng.derive(3, 'market'));
  let firstUs = Number.POSITIVE_INFINITY;
  let lastUs = Number.NEGATIVE_INFINITY;
  try {
    for (let b = source.next(); b !== null; b = source.next()) {
      if (b.length === 0 || b.type !== 'bar') continue;
      firstUs = Math.min(firstUs, b.openTimeUs[0]!);
      lastUs = Math.max(lastUs, b.closeTimeUs[b.length - 1]!);
    }
  } finally {
    if ('close' in source) source.close();
  }
  return { firstUs, lastUs };
}

const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 0, 15, 30, 59)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const session = fc.record({
  open: hhmm,
  close: fc.oneof(hhmm, fc.constant('24:00')),
  utcOffsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -840, max: 840 })),
  weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
});
const interval = fc.oneof(
  fc.constantFrom(1, 1000, US_PER_MINUTE, 5 * US_PER_MINUTE, 7 * US_PER_MINUTE, US_PER_HOUR, 6.5 * US_PER_HOUR, US_PER_DAY),
  fc.integer({ min: 1, max: US_PER_DAY }),
);
const params = fc.record({
  // 2000-01-01 .. 2040, at any microsecond or on a minute.
  startTimeUs: fc.oneof(fc.integer({ min: utcTimeUs(2000, 1, 1), max: utcTimeUs(2040, 1, 1) }), fc.integer({ min: 0, max: 20 * 365 * 1440 }).map((m) => utcTimeUs(2000, 1, 1) + m * US_PER_MINUTE)),
  count: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 3000 })),
  intervalUs: interval,
  session: fc.option(session, { nil: undefined }),
});

describe('syntheticBarBoundsUs', () => {
  it('gives the generated market\'s first open and last close', () => {
    let tried = 0;
    fc.assert(fc.property(params, ({ startTimeUs, count, intervalUs, session: s }) => {
      const parsed = syntheticParamsSchema.safeParse({
        process: 'gbm', instrumentId: 'SYN', startPrice: 100, volatility: 0.2, startTimeUs, count,
        output: { type: 'bar', intervalUs }, ...(s === undefined ? {} : { session: s }),
      });
      // Drawn parameters the schema refuses (an interval longer than the session) are not markets.
      fc.pre(parsed.success);
      const p = parsed.data!;
      if (p.output.type !== 'bar') throw new Error('bar output expected');
      tried++;
      expect(syntheticBarBoundsUs(p, p.output)).toEqual(generatedBounds(p));
    }), { numRuns: 400, seed: 20261129 });
    expect(tried).toBeGreaterThan(300);
  });

  it('is right on known calendars: New York minutes from a Friday, a session across midnight, a 24-hour session', () => {
    const friday = utcTimeUs(2024, 1, 5);
    const base = { process: 'gbm', instrumentId: 'SYN', startPrice: 50, volatility: 0.2 } as const;
    const nyse = syntheticParamsSchema.parse({ ...base, startTimeUs: friday, count: 391, session: { open: '09:30', close: '16:00', utcOffsetMinutes: -300 }, output: { type: 'bar', intervalUs: US_PER_MINUTE } });
    // 390 bars on Friday 14:30Z-21:00Z, the 391st on Monday 14:30Z.
    expect(syntheticBarBoundsUs(nyse, nyse.output as Extract<SyntheticParams['output'], { type: 'bar' }>))
      .toEqual({ firstUs: friday + 14.5 * US_PER_HOUR, lastUs: utcTimeUs(2024, 1, 8) + 14.5 * US_PER_HOUR + US_PER_MINUTE });
    const night = syntheticParamsSchema.parse({ ...base, startTimeUs: friday, count: 3, session: { open: '22:00', close: '02:00', weekdays: [5] }, output: { type: 'bar', intervalUs: 3 * US_PER_HOUR } });
    // One 3-hour bar a session (22:00-01:00; 01:00-04:00 would pass the close), Fridays only.
    expect(syntheticBarBoundsUs(night, night.output as Extract<SyntheticParams['output'], { type: 'bar' }>))
      .toEqual({ firstUs: friday + 22 * US_PER_HOUR, lastUs: friday + 14 * US_PER_DAY + 25 * US_PER_HOUR });
    const allDay = syntheticParamsSchema.parse({ ...base, startTimeUs: friday + US_PER_HOUR, count: 2, session: { open: '00:00', close: '00:00', weekdays: [0, 1, 2, 3, 4, 5, 6] }, output: { type: 'bar', intervalUs: US_PER_DAY } });
    // A start an hour into a 24-hour session leaves no whole day in it: the first bar is the next day's.
    expect(syntheticBarBoundsUs(allDay, allDay.output as Extract<SyntheticParams['output'], { type: 'bar' }>))
      .toEqual({ firstUs: friday + US_PER_DAY, lastUs: friday + 3 * US_PER_DAY });
  });
});
