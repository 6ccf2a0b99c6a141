// Proves periodsPerYear follows the declared calendar (daily, intraday, 24/7), refuses bars it
// cannot annualise, and that the per-period risk-free rate compounds back to the yearly rate.
import { describe, expect, it } from 'vitest';
import { perPeriodRate, periodsPerYear } from './annualisation.ts';

const HOUR_US = 3_600_000_000;
const DAY_US = 24 * HOUR_US;

describe('periodsPerYear', () => {
  it('gives sessionsPerYear for a bar one session long', () => {
    expect(periodsPerYear({ barIntervalUs: 6.5 * HOUR_US, sessionLengthUs: 6.5 * HOUR_US, sessionsPerYear: 252 })).toBe(252);
  });

  it('scales by bars per session for intraday bars', () => {
    // 6.5 h / 5 min = 78 bars a session.
    expect(periodsPerYear({ barIntervalUs: 5 * 60_000_000, sessionLengthUs: 6.5 * HOUR_US, sessionsPerYear: 252 })).toBe(78 * 252);
  });

  it('handles 24/7 markets as 365 sessions of one day', () => {
    expect(periodsPerYear({ barIntervalUs: DAY_US, sessionLengthUs: DAY_US, sessionsPerYear: 365 })).toBe(365);
    expect(periodsPerYear({ barIntervalUs: HOUR_US, sessionLengthUs: DAY_US, sessionsPerYear: 365 })).toBe(8760);
  });

  it('refuses bars longer than a session and non-positive inputs', () => {
    expect(() => periodsPerYear({ barIntervalUs: 7 * DAY_US, sessionLengthUs: 6.5 * HOUR_US, sessionsPerYear: 252 })).toThrow(/longer than the session/);
    expect(() => periodsPerYear({ barIntervalUs: 0, sessionLengthUs: DAY_US, sessionsPerYear: 365 })).toThrow(RangeError);
    expect(() => periodsPerYear({ barIntervalUs: HOUR_US, sessionLengthUs: DAY_US, sessionsPerYear: NaN })).toThrow(RangeError);
  });
});

describe('perPeriodRate', () => {
  it('compounds back to the yearly rate', () => {
    const r = perPeriodRate(0.05, 252);
    expect((1 + r) ** 252).toBeCloseTo(1.05, 12);
    expect(perPeriodRate(0, 252)).toBe(0);
  });

  it('refuses a rate at or below -100 %', () => {
    expect(() => perPeriodRate(-1, 252)).toThrow(RangeError);
  });
});
