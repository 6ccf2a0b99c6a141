/**
 * Timestamp text -> epoch microseconds, by declared format only (never guessed). Parsers read
 * character codes at fixed places into a reused scratch object: no per-row allocation.
 *
 * Formats (fractions of a second: 1..6 digits, optional where a seconds field is):
 *   date      YYYY-MM-DD                    (a session date: bars span the calendar's session)
 *   date+time YYYY-MM-DD and HH:MM[:SS]     (two columns)
 *   iso       YYYY-MM-DDTHH:MM[:SS[.f]][Z|+HH:MM|-HH:MM]  (an explicit offset overrides the zone)
 *   mdy       MM/DD/YYYY HH:MM:SS[.f]
 *   datetime  YYYY-MM-DD HH:MM:SS[.f]
 * Local times are read in the declared IANA zone with the calendar module's DST rule.
 */
import { daysInMonth, zonedToUtcUs, daysFromCivil } from '../calendar.ts';
import { US_PER_SECOND } from '../../kernel/time.ts';

export interface TimeFields {
  y: number; mo: number; d: number; h: number; mi: number; s: number; us: number;
  /** Explicit UTC offset in seconds read from the text, NaN when none. */
  offsetS: number;
}

export function newTimeFields(): TimeFields {
  return { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0, us: 0, offsetS: Number.NaN };
}

const C0 = 48;

/** Value of `len` decimal digits at `at`, or -1 when any is not a digit. */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - C0;
    if (!(c >= 0 && c <= 9)) return -1; // NaN past the end fails too
    v = v * 10 + c;
  }
  return v;
}

function validDate(f: TimeFields): boolean {
  return f.y >= 1685 && f.y <= 2255 && f.mo >= 1 && f.mo <= 12 && f.d >= 1 && f.d <= daysInMonth(f.y, f.mo);
}

/** YYYY-MM-DD at `at`. */
function ymdAt(s: string, at: number, f: TimeFields): boolean {
  if (s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45) return false;
  f.y = digitsAt(s, at, 4); f.mo = digitsAt(s, at + 5, 2); f.d = digitsAt(s, at + 8, 2);
  return validDate(f);
}

/** MM/DD/YYYY at `at`. */
function mdyAt(s: string, at: number, f: TimeFields): boolean {
  if (s.charCodeAt(at + 2) !== 47 || s.charCodeAt(at + 5) !== 47) return false;
  f.mo = digitsAt(s, at, 2); f.d = digitsAt(s, at + 3, 2); f.y = digitsAt(s, at + 6, 4);
  return validDate(f);
}

/**
 * HH:MM[:SS[.f{1,6}]] at `at`; seconds required when `needSeconds`. Returns the index after the
 * clock, or -1.
 */
function clockAt(s: string, at: number, f: TimeFields, needSeconds: boolean): number {
  if (s.charCodeAt(at + 2) !== 58) return -1;
  f.h = digitsAt(s, at, 2); f.mi = digitsAt(s, at + 3, 2); f.s = 0; f.us = 0;
  if (f.h < 0 || f.h > 23 || f.mi < 0 || f.mi > 59) return -1;
  let i = at + 5;
  if (s.charCodeAt(i) !== 58) return needSeconds ? -1 : i;
  f.s = digitsAt(s, i + 1, 2);
  if (f.s < 0 || f.s > 59) return -1;
  i += 3;
  if (s.charCodeAt(i) !== 46) return i;
  i++;
  let scale = 100_000;
  const start = i;
  for (; i < s.length && i - start < 6; i++) {
    const c = s.charCodeAt(i) - C0;
    if (!(c >= 0 && c <= 9)) break;
    f.us += c * scale;
    scale /= 10;
  }
  return i === start ? -1 : i;
}

/** Optional Z / ±HH:MM / ±HHMM suffix at `at` to the end of `s`. */
function offsetAt(s: string, at: number, f: TimeFields): boolean {
  f.offsetS = Number.NaN;
  const n = s.length - at;
  if (n === 0) return true;
  const c = s.charCodeAt(at);
  if (n === 1 && c === 90) { f.offsetS = 0; return true; }
  if (c !== 43 && c !== 45) return false;
  const hh = digitsAt(s, at + 1, 2);
  const mm = n === 6 && s.charCodeAt(at + 3) === 58 ? digitsAt(s, at + 4, 2) : n === 5 ? digitsAt(s, at + 3, 2) : -1;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return false;
  f.offsetS = (c === 45 ? -1 : 1) * (hh * 3600 + mm * 60);
  return true;
}

export function parseDateOnly(s: string, f: TimeFields): boolean {
  return s.length === 10 && ymdAt(s, 0, f);
}

export function parseDateAndClock(date: string, clock: string, f: TimeFields): boolean {
  f.offsetS = Number.NaN;
  return date.length === 10 && ymdAt(date, 0, f) && clockAt(clock, 0, f, false) === clock.length;
}

export function parseIso(s: string, f: TimeFields): boolean {
  if (s.length < 16 || !ymdAt(s, 0, f) || s.charCodeAt(10) !== 84) return false;
  const end = clockAt(s, 11, f, false);
  return end > 0 && offsetAt(s, end, f);
}

export function parseMdy(s: string, f: TimeFields): boolean {
  f.offsetS = Number.NaN;
  return s.length >= 19 && mdyAt(s, 0, f) && s.charCodeAt(10) === 32 && clockAt(s, 11, f, true) === s.length;
}

export function parseDatetime(s: string, f: TimeFields): boolean {
  f.offsetS = Number.NaN;
  return s.length >= 19 && ymdAt(s, 0, f) && s.charCodeAt(10) === 32 && clockAt(s, 11, f, true) === s.length;
}

/** Epoch microseconds of parsed fields: by their explicit offset, else as local time in `timeZone`. */
export function fieldsToUtcUs(f: TimeFields, timeZone: string): number {
  if (!Number.isNaN(f.offsetS)) {
    const localS = daysFromCivil(f.y, f.mo, f.d) * 86_400 + f.h * 3600 + f.mi * 60 + f.s;
    return (localS - f.offsetS) * US_PER_SECOND + f.us;
  }
  return zonedToUtcUs(f.y, f.mo, f.d, f.h, f.mi, f.s, f.us, timeZone);
}
