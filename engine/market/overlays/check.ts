/**
 * Checks shared by the overlay tests (plain functions returning the first problem found, so a
 * property over many rows stays fast): rows well formed, rows outside a window untouched.
 */
import type { Rows } from '../synthetic/memory.ts';
import { rowCount } from '../synthetic/memory.ts';

/** The span [first, last] (inclusive microseconds) of row i: a bar's [open, close - 1], an event's instant. */
export function rowSpan(rows: Rows, i: number): [number, number] {
  if (rows.type === 'bar') return [rows.openTimeUs[i] ?? 0, (rows.closeTimeUs[i] ?? 0) - 1];
  const t = rows.timeUs[i] ?? 0;
  return [t, t];
}

export function outsideWindow(rows: Rows, i: number, fromUs: number, toUs: number): boolean {
  const [a, b] = rowSpan(rows, i);
  return b < fromUs || a >= toUs;
}

/** Describes the first malformed row of `rows`, or returns null: time order, OHLC, prices >= 1 tick, bid <= ask. */
export function firstMalformed(rows: Rows): string | null {
  const n = rowCount(rows);
  for (let i = 0; i < n; i++) {
    if (rows.type === 'bar') {
      const [o, h, l, c] = [rows.open[i]!, rows.high[i]!, rows.low[i]!, rows.close[i]!];
      if (!(l >= 1 && l <= Math.min(o, c) && h >= Math.max(o, c))) return `row ${i}: OHLC ${[o, h, l, c]}`;
      if (![o, h, l, c].every(Number.isSafeInteger)) return `row ${i}: non-integer price`;
      if (i > 0 && rows.openTimeUs[i]! < rows.closeTimeUs[i - 1]!) return `row ${i}: bars out of order`;
      if (!(rows.volume[i]! >= 0)) return `row ${i}: volume ${rows.volume[i]}`;
    } else if (rows.type === 'trade') {
      if (!(rows.price[i]! >= 1 && Number.isSafeInteger(rows.price[i]!))) return `row ${i}: price ${rows.price[i]}`;
      if (i > 0 && rows.timeUs[i]! < rows.timeUs[i - 1]!) return `row ${i}: trades out of order`;
    } else {
      if (!(rows.bid[i]! >= 1 && rows.ask[i]! >= rows.bid[i]!)) return `row ${i}: quote ${rows.bid[i]}/${rows.ask[i]}`;
      if (i > 0 && rows.timeUs[i]! < rows.timeUs[i - 1]!) return `row ${i}: quotes out of order`;
    }
  }
  return null;
}

/** Row i of `rows` as a plain tuple of all its columns, for equality checks. */
export function rowValues(rows: Rows, i: number): number[] {
  return Object.entries(rows)
    .filter(([k]) => k !== 'type')
    .map(([, col]) => (col as number[])[i] ?? NaN);
}

/**
 * Describes the first row outside [fromUs, toUs) that differs between `before` and `after`, or
 * returns null. With `dropsInside`, rows inside the window may be missing from `after` (a halt).
 */
export function firstChangedOutside(before: Rows, after: Rows, fromUs: number, toUs: number, dropsInside = false): string | null {
  const kept: number[] = [];
  for (let i = 0; i < rowCount(before); i++) if (!dropsInside || outsideWindow(before, i, fromUs, toUs)) kept.push(i);
  if (kept.length !== rowCount(after)) return `expected ${kept.length} rows, got ${rowCount(after)}`;
  for (let j = 0; j < kept.length; j++) {
    const i = kept[j]!;
    if (!outsideWindow(before, i, fromUs, toUs)) continue;
    const a = rowValues(before, i);
    const b = rowValues(after, j);
    if (a.some((x, k) => x !== b[k])) return `row ${i} outside the window changed: ${a} -> ${b}`;
  }
  return null;
}
