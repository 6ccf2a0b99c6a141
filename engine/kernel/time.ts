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

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** 'YYYY-MM-DD' of a day number (days since 1970-01-01; proleptic Gregorian, Hinnant's civil_from_days). */
export function civilDateString(days: number): string {
  const z0 = days + 719468;
  const era = Math.floor(z0 / 146097);
  const doe = z0 - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** ISO-8601 UTC with microseconds, e.g. 2006-01-03T14:30:00.000000Z (years 0000..9999). */
export function formatTimeUs(t: TimeUs): string {
  const day = Math.floor(t / US_PER_DAY);
  const inDay = t - day * US_PER_DAY;
  const seconds = Math.floor(inDay / 1_000_000);
  const micros = inDay - seconds * 1_000_000;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds - h * 3600) / 60);
  return `${civilDateString(day)}T${pad2(h)}:${pad2(m)}:${pad2(seconds - h * 3600 - m * 60)}.${String(micros).padStart(6, '0')}Z`;
}

/** Epoch microseconds for a UTC calendar instant; month is 1-based. */
export function utcTimeUs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, micro = 0): TimeUs {
  return Date.UTC(year, month - 1, day, hour, minute, second) * US_PER_MS + micro;
}
