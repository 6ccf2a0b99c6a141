// Proves session handling on known calendars: New York hours given as a UTC offset yield 390
// one-minute bars per weekday from 14:30Z and none at weekends; a daily bar as long as the session
// gives one bar per weekday; a start inside a session waits for the next bar slot; a session that
// crosses midnight is found from either side; trades keep to the session.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import { formatTimeUs, US_PER_MINUTE, utcTimeUs } from '../../kernel/time.ts';
import { createSyntheticSource, SessionSchedule, type SyntheticParamsInput } from './index.ts';
import { collectRows } from './memory.ts';

const nyse = { open: '09:30', close: '16:00', utcOffsetMinutes: -300, weekdays: [1, 2, 3, 4, 5] };
// Friday 2024-01-05 00:00Z: the first session is Friday 14:30Z, the next Monday 2024-01-08.
const FRIDAY = utcTimeUs(2024, 1, 5);

const minuteBars: SyntheticParamsInput = {
  process: 'gbm',
  instrumentId: 'SYN',
  startTimeUs: FRIDAY,
  startPrice: 50,
  count: 390 * 3,
  volatility: 0.2,
  session: nyse,
  output: { type: 'bar', intervalUs: US_PER_MINUTE },
};

async function barTimes(params: SyntheticParamsInput): Promise<string[]> {
  const r = await collectRows(createSyntheticSource(params, Rng.derive(1, 'market')));
  if (r.type !== 'bar') throw new Error('expected bars');
  return r.openTimeUs.map(formatTimeUs);
}

describe('sessions', () => {
  it('emits 390 one-minute bars a weekday from 14:30Z, skipping the weekend', async () => {
    const t = await barTimes(minuteBars);
    expect(t[0]).toBe('2024-01-05T14:30:00.000000Z');
    expect(t[389]).toBe('2024-01-05T20:59:00.000000Z');
    expect(t[390]).toBe('2024-01-08T14:30:00.000000Z');
    expect(t[780]).toBe('2024-01-09T14:30:00.000000Z');
    const days = new Set(t.map((x) => x.slice(0, 10)));
    expect([...days]).toEqual(['2024-01-05', '2024-01-08', '2024-01-09']);
  });

  it('a bar as long as the session gives one bar per weekday', async () => {
    const t = await barTimes({ ...minuteBars, count: 6, output: { type: 'bar', intervalUs: 390 * US_PER_MINUTE, periodsPerYear: 252 } });
    expect(t.map((x) => x.slice(0, 16))).toEqual(['2024-01-05T14:30', '2024-01-08T14:30', '2024-01-09T14:30', '2024-01-10T14:30', '2024-01-11T14:30', '2024-01-12T14:30']);
  });

  it('a start inside a session takes the next slot on the session grid; a too-late start the next session', async () => {
    const mid = await barTimes({ ...minuteBars, count: 2, startTimeUs: utcTimeUs(2024, 1, 5, 15, 0, 30), output: { type: 'bar', intervalUs: 5 * US_PER_MINUTE } });
    expect(mid).toEqual(['2024-01-05T15:05:00.000000Z', '2024-01-05T15:10:00.000000Z']);
    const late = await barTimes({ ...minuteBars, count: 1, startTimeUs: utcTimeUs(2024, 1, 5, 20, 58), output: { type: 'bar', intervalUs: 5 * US_PER_MINUTE } });
    expect(late).toEqual(['2024-01-08T14:30:00.000000Z']);
  });

  it('finds a session crossing midnight from either side', () => {
    // Sunday-to-Friday futures hours, 18:00-17:00 New York (UTC-5): opens 23:00Z, closes 22:00Z next day.
    const s = new SessionSchedule({ open: '18:00', close: '17:00', utcOffsetMinutes: -300, weekdays: [0, 1, 2, 3, 4] });
    s.seek(utcTimeUs(2024, 1, 9, 3, 0)); // Tuesday 03:00Z: inside Monday evening's session
    expect(formatTimeUs(s.openUs)).toBe('2024-01-08T23:00:00.000000Z');
    expect(formatTimeUs(s.closeUs)).toBe('2024-01-09T22:00:00.000000Z');
    s.seek(utcTimeUs(2024, 1, 12, 22, 30)); // Friday after the close: next is Sunday evening
    expect(formatTimeUs(s.openUs)).toBe('2024-01-14T23:00:00.000000Z');
    expect(s.contains(utcTimeUs(2024, 1, 13, 12, 0))).toBe(false);
    expect(s.contains(utcTimeUs(2024, 1, 15, 12, 0))).toBe(true);
  });

  it('trades keep to the session and stay Poisson in trading time', async () => {
    const r = await collectRows(
      createSyntheticSource({ ...minuteBars, count: 20_000, output: { type: 'trade', meanInterArrivalUs: 5_000_000 } }, Rng.derive(2, 'market')),
    );
    if (r.type !== 'trade') throw new Error('expected trades');
    const s = new SessionSchedule({ ...nyse });
    expect(r.timeUs.every((t) => s.contains(t))).toBe(true);
    // 20k trades 5 s apart fill about 1e5 s of trading time: 4.3 sessions of 23,400 s.
    const days = new Set(r.timeUs.map((t) => formatTimeUs(t).slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(4);
    expect(days.size).toBeLessThanOrEqual(6);
    expect(days.has('2024-01-06')).toBe(false);
    expect(days.has('2024-01-07')).toBe(false);
  });
});
