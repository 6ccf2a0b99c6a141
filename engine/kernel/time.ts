/**
 * Virtual time. A time is an integer count of epoch microseconds held in a number: exact for
 * every safe integer (years 1685..2255), where epoch nanoseconds would not fit.
 */

/** Epoch microseconds. A plain number so that the hot path stays unboxed. */
export type TimeUs = number;

export const US_PER_MS = 1_000;
import { NumericRangeError } from './errors.ts';

export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60 * US_PER_SECOND;
export const US_PER_HOUR = 60 * US_PER_MINUTE;
export const US_PER_DAY = 24 * US_PER_HOUR;

/** True when `t` is a valid virtual time: a safe integer. */
export function isTimeUs(t: number): boolean {
  return Number.isSafeInteger(t);
}

/**
 * Throws when `t` is not a safe integer count of microseconds: a NumericRangeError when it is an
 * integer past 2^53 (the run went beyond the exact time range, about 1685 to 2255), a plain
 * RangeError (a bug) otherwise.
 */
export function assertTimeUs(t: number, what: string): void {
  if (!Number.isSafeInteger(t)) {
    const message = `${what}: time ${t} is not a safe integer count of epoch microseconds`;
    if (Number.isInteger(t)) throw new NumericRangeError('time', `${message} (exact times run from about 1685 to 2255)`);
    throw new RangeError(message);
  }
}

/** ISO-8601 UTC with microseconds, e.g. 2006-01-03T14:30:00.000000Z. */
export function formatTimeUs(t: TimeUs): string {
  const ms = Math.floor(t / US_PER_MS);
  const micros = t - ms * US_PER_MS;
  const iso = new Date(ms).toISOString(); // 2006-01-03T14:30:00.000Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Epoch microseconds for a UTC calendar instant; month is 1-based. */
export function utcTimeUs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, micro = 0): TimeUs {
  return Date.UTC(year, month - 1, day, hour, minute, second) * US_PER_MS + micro;
}
