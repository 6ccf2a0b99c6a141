/**
 * Simple moving average over the last `period` values, incremental: a ring buffer in a Float64Array
 * (a plain array made V8 check on every store that a value still fits its small-integer elements)
 * and a running sum, so an update costs O(1) and allocates nothing.
 *
 * Fed raw integer prices (closeRaw), the running sum is an exact integer (below 2^53), so agents can
 * compare "price > SMA" exactly as price * period > sum, with no drift over long runs. Fed floats,
 * the sum drifts by rounding; use RollingStd's recomputing scheme if that matters.
 *
 * State is plain, JSON-safe data (no NaN): snapshot() and restore() round-trip exactly.
 */

export interface SmaState {
  period: number;
  window: number[];
  /** Next slot to write. */
  head: number;
  /** Values seen, capped at `period`. */
  count: number;
  sum: number;
}

export function assertPeriod(period: number, what: string): void {
  if (!Number.isSafeInteger(period) || period < 1) throw new RangeError(`${what}: period must be a positive integer, got ${period}`);
}

/** SmaState with the window in a typed array (snapshot() hands out a plain copy). */
interface SmaRing extends Omit<SmaState, 'window'> {
  window: Float64Array;
}

export class Sma {
  private s: SmaRing;

  constructor(period: number) {
    assertPeriod(period, 'SMA');
    this.s = { period, window: new Float64Array(period), head: 0, count: 0, sum: 0 };
  }

  get period(): number { return this.s.period; }
  /** True once `period` values are in. */
  get ready(): boolean { return this.s.count === this.s.period; }
  /** Sum of the window (exact for integer inputs). */
  get sum(): number { return this.s.sum; }
  /** The mean, NaN until ready. */
  get value(): number { return this.s.count === this.s.period ? this.s.sum / this.s.period : Number.NaN; }

  /** Adds a value; returns the mean, NaN until ready. */
  update(x: number): number {
    this.add(x);
    const s = this.s;
    return s.count === s.period ? s.sum / s.period : Number.NaN;
  }

  /**
   * Adds a value and returns nothing: for callers that read `sum` (the exact comparison) rather
   * than the mean. A double returned by a call V8 does not inline is boxed, and update's mean was
   * 16 bytes of garbage a bar whenever the agent's handler was compiled without it inlined.
   */
  add(x: number): void {
    const s = this.s;
    const evicted = s.window[s.head]!;
    s.window[s.head] = x;
    s.head = s.head + 1 === s.period ? 0 : s.head + 1;
    if (s.count === s.period) s.sum += x - evicted;
    else { s.sum += x; s.count++; }
  }

  snapshot(): SmaState {
    return { ...this.s, window: Array.from(this.s.window) };
  }

  restore(state: SmaState): void {
    if (state.period !== this.s.period || state.window.length !== state.period) throw new RangeError(`SMA(${this.s.period}): snapshot is for period ${state.period}`);
    this.s = { ...state, window: Float64Array.from(state.window) };
  }
}
