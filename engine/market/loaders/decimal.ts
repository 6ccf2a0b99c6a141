/**
 * Exact decimal text -> fixed-point integer. '2.179012' at 6 decimals is 2179012, built digit by
 * digit from the text, never by multiplying a float (2.179012 * 1e6 is 2179011.9999999998).
 *
 * Accepted: an optional sign, digits with at most one '.', nothing else (no spaces, exponents,
 * thousands separators). Digits past the declared precision that are all zeros are exact and
 * accepted ('1.50' at 1 decimal is 15); any other excess digit makes the value TOO_MANY_DECIMALS
 * and `out.raw` holds it rounded half-even to the declared precision (the repair).
 *
 * Parsers write into a caller-owned scratch object and return a status code, so the hot loop
 * allocates nothing per field.
 */
import { POW10 } from '../types.ts';

export const DEC_OK = 0;
export const DEC_EMPTY = 1;
export const DEC_NOT_A_NUMBER = 2;
export const DEC_NAN = 3;
export const DEC_TOO_MANY_DECIMALS = 4;
/** Magnitude beyond 2^53 at the declared precision: cannot be held exactly. */
export const DEC_OUT_OF_RANGE = 5;
export type DecimalStatus = 0 | 1 | 2 | 3 | 4 | 5;

export interface DecimalOut {
  /** The value times 10^decimals (rounded half-even when TOO_MANY_DECIMALS). */
  raw: number;
}

const C0 = 48, C9 = 57, DOT = 46, MINUS = 45, PLUS = 43;
const MAX = Number.MAX_SAFE_INTEGER;

function isNanText(s: string): boolean {
  return s.length === 3 && (s === 'NaN' || s.toLowerCase() === 'nan');
}

/** Parses `s` as a decimal at `decimals` (0..9) places into `out.raw`. */
export function parseFixed(s: string, decimals: number, out: DecimalOut): DecimalStatus {
  const n = s.length;
  if (n === 0) return DEC_EMPTY;
  let i = 0;
  let negative = false;
  const c0 = s.charCodeAt(0);
  if (c0 === MINUS || c0 === PLUS) { negative = c0 === MINUS; i = 1; }
  let raw = 0;
  let digits = 0;
  let fracDigits = 0;
  let seenDot = false;
  let firstExcess = -1; // first digit past the precision, -1 when none
  let stickyExcess = false; // a non-zero digit after firstExcess
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (seenDot) return DEC_NOT_A_NUMBER;
      seenDot = true;
      continue;
    }
    if (c < C0 || c > C9) return isNanText(s) ? DEC_NAN : DEC_NOT_A_NUMBER;
    digits++;
    const v = c - C0;
    if (!seenDot) {
      raw = raw * 10 + v;
      if (raw > MAX) return DEC_OUT_OF_RANGE;
    } else if (fracDigits < decimals) {
      raw = raw * 10 + v;
      fracDigits++;
      if (raw > MAX) return DEC_OUT_OF_RANGE;
    } else if (firstExcess < 0) {
      firstExcess = v;
    } else if (v !== 0) {
      stickyExcess = true;
    }
  }
  if (digits === 0) return DEC_NOT_A_NUMBER;
  const scale = POW10[decimals - fracDigits] ?? 1;
  raw *= scale;
  if (raw > MAX) return DEC_OUT_OF_RANGE;
  let status: DecimalStatus = DEC_OK;
  if (firstExcess > 0 || stickyExcess) {
    status = DEC_TOO_MANY_DECIMALS;
    if (firstExcess > 5 || (firstExcess === 5 && (stickyExcess || raw % 2 === 1))) raw += 1;
    // Rounding up can itself step past 2^53.
    if (raw > MAX) return DEC_OUT_OF_RANGE;
  }
  out.raw = negative && raw !== 0 ? -raw : raw;
  return status;
}

/**
 * Parses a size or volume: a plain non-negative decimal (fractional sizes allowed), as a float.
 * Returns DEC_OK, DEC_EMPTY, DEC_NAN, DEC_NOT_A_NUMBER (also for a negative value) or
 * DEC_OUT_OF_RANGE (more than 309 digits: beyond a double, which would read it as Infinity).
 */
export function parseSize(s: string, out: DecimalOut): DecimalStatus {
  const n = s.length;
  if (n === 0) return DEC_EMPTY;
  let digits = 0;
  let seenDot = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT && !seenDot) { seenDot = true; continue; }
    if (c < C0 || c > C9) return isNanText(s) ? DEC_NAN : DEC_NOT_A_NUMBER;
    digits++;
  }
  if (digits === 0) return DEC_NOT_A_NUMBER;
  const v = Number(s);
  if (v === Infinity) return DEC_OUT_OF_RANGE;
  out.raw = v;
  return DEC_OK;
}

/**
 * round_half_even(x * num / den) for non-negative safe integers x, num and positive den, exactly:
 * in doubles while the product is exact, in BigInt beyond 2^53 (rare: large prices).
 */
export function scaleRatioHalfEven(x: number, num: number, den: number): number {
  if (num === den) return x;
  const p = x * num;
  if (p <= MAX) {
    let q = Math.floor(p / den);
    let r = p - q * den; // exact: q * den <= p + den stays within 2^53 for our magnitudes
    if (r < 0) { q -= 1; r += den; } else if (r >= den) { q += 1; r -= den; }
    const twice = 2 * r;
    return twice > den || (twice === den && q % 2 === 1) ? q + 1 : q;
  }
  const bp = BigInt(x) * BigInt(num);
  const bd = BigInt(den);
  const q = bp / bd;
  const twice = 2n * (bp - q * bd);
  return Number(twice > bd || (twice === bd && q % 2n === 1n) ? q + 1n : q);
}

/** The text of a raw value at `decimals` places, for issue details: 2179012 at 6 -> '2.179012'. */
export function formatFixed(raw: number, decimals: number): string {
  if (decimals === 0) return String(raw);
  const negative = raw < 0;
  const digits = String(Math.abs(raw)).padStart(decimals + 1, '0');
  const cut = digits.length - decimals;
  return `${negative ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}
