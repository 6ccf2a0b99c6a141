/**
 * Annualisation. Bars per year depends on the market's calendar (252 sessions of 6.5 hours for
 * US equities, 365 days of 24 hours for crypto), so it is always computed from the calendar the
 * scenario declares, never a hard-coded 252.
 */
import { US_PER_DAY } from '../kernel/time.ts';

/** A calendar year for CAGR: 365.25 days (the Julian year), so leap years average out. */
export const YEAR_US = 365.25 * US_PER_DAY;

export interface PeriodsPerYearParams {
  /** Bar length; a daily bar's interval is one session (MarketSourceInfo.barIntervalUs). */
  readonly barIntervalUs: number;
  /** Trading time per session; one day for markets that trade around the clock. */
  readonly sessionLengthUs: number;
  /** Sessions per year: about 252 for US equities, 365 for 24/7 markets. */
  readonly sessionsPerYear: number;
}

/**
 * Bars per year = sessionsPerYear * sessionLengthUs / barIntervalUs: a bar one session long gives
 * sessionsPerYear; 5-minute bars in a 6.5-hour session give 78 * sessionsPerYear. A session that
 * the bar does not divide evenly gives a fractional count, which is the right annualiser for the
 * average bar. Bars longer than a session (weekly bars) are refused: their count per year does
 * not follow from a session length, so pass periodsPerYear directly for them.
 */
export function periodsPerYear(params: PeriodsPerYearParams): number {
  const { barIntervalUs, sessionLengthUs, sessionsPerYear } = params;
  for (const [name, v] of [['barIntervalUs', barIntervalUs], ['sessionLengthUs', sessionLengthUs], ['sessionsPerYear', sessionsPerYear]] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`periodsPerYear: ${name} must be positive and finite, got ${v}`);
  }
  if (barIntervalUs > sessionLengthUs) {
    throw new RangeError(
      `periodsPerYear: bar interval ${barIntervalUs}us is longer than the session (${sessionLengthUs}us); pass periodsPerYear directly`,
    );
  }
  return (sessionsPerYear * sessionLengthUs) / barIntervalUs;
}

/**
 * The per-period rate equivalent to a yearly rate, compounded: (1 + yearly)^(1 / periodsPerYear) - 1.
 * Compounding (rather than yearly / periodsPerYear) makes the per-period rate, compounded over a
 * year, give back exactly the yearly rate.
 */
export function perPeriodRate(ratePerYear: number, periods: number): number {
  if (!Number.isFinite(ratePerYear) || ratePerYear <= -1) throw new RangeError(`perPeriodRate: rate ${ratePerYear} must be finite and above -1`);
  assertPeriodsPerYear(periods);
  return Math.pow(1 + ratePerYear, 1 / periods) - 1;
}

export function assertPeriodsPerYear(periods: number): void {
  if (!Number.isFinite(periods) || periods <= 0) throw new RangeError(`periodsPerYear must be positive and finite, got ${periods}`);
}
