/**
 * Trading halts: windows [fromUs, toUs) in which an instrument does not trade. The halt overlay
 * removes their market data and exposes them; the venue, told of them, takes no new order or
 * replace (rejected with the reason 'halted') and matches nothing, as an exchange does during a
 * halt. Cancels are still taken: exchanges accept them during halts.
 *
 * Windows are validated once (sorted, non-overlapping, start < end) so that the per-event check
 * is a binary search with no allocation.
 */
import { assertTimeUs } from '../kernel/time.ts';

export interface HaltWindow {
  readonly fromUs: number;
  /** Exclusive end. */
  readonly toUs: number;
}

/** The reason an order or replace arriving in a halt is rejected with. */
export const HALTED = 'halted';

/** Checks and copies a list of windows; throws (bad configuration, fail fast) naming the window. */
export function validateHaltWindows(windows: readonly HaltWindow[], what: string): readonly HaltWindow[] {
  const out: HaltWindow[] = [];
  let prevEndUs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    assertTimeUs(w.fromUs, `${what}: halt ${i} start`);
    assertTimeUs(w.toUs, `${what}: halt ${i} end`);
    if (w.toUs <= w.fromUs) throw new RangeError(`${what}: halt ${i} ends (${w.toUs}) at or before it starts (${w.fromUs})`);
    if (w.fromUs < prevEndUs) throw new RangeError(`${what}: halt ${i} starts before halt ${i - 1} ends: windows must be sorted and not overlap`);
    prevEndUs = w.toUs;
    out.push({ fromUs: w.fromUs, toUs: w.toUs });
  }
  return out;
}

/** True when `timeUs` falls inside one of the (validated, sorted) windows. */
export function isHalted(windows: readonly HaltWindow[], timeUs: number): boolean {
  let lo = 0;
  let hi = windows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = windows[mid]!;
    if (timeUs < w.fromUs) hi = mid - 1;
    else if (timeUs >= w.toUs) lo = mid + 1;
    else return true;
  }
  return false;
}
