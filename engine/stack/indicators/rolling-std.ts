/**
 * Rolling sample standard deviation (divisor n - 1) of the last `period` values, incremental: a
 * ring buffer in a plain array with running sums of x and x^2, O(1) per update, no allocation.
 *
 * Running sums of floats drift, and sum(x^2) - sum(x)^2 / n cancels badly when the mean is large
 * next to the spread; so values are centred on a shift (the first value seen in the current
 * window's epoch) and the sums are recomputed from the window every `period` updates, which
 * bounds the drift at O(period) roundings and keeps the cost amortised O(1).
 *
 * State is plain, JSON-safe data: snapshot() and restore() round-trip exactly.
 */
import { assertPeriod } from './sma.ts';

export interface RollingStdState {
  period: number;
  window: number[];
  head: number;
  count: number;
  /** Values are summed as (x - shift). */
  shift: number;
  sum: number;
  sumSq: number;
  /** Updates since the sums were last recomputed from the window. */
  sinceRecompute: number;
}

export class RollingStd {
  private s: RollingStdState;

  constructor(period: number) {
    assertPeriod(period, 'rolling std');
    if (period < 2) throw new RangeError(`rolling std: period must be at least 2, got ${period}`);
    this.s = { period, window: new Array<number>(period).fill(0), head: 0, count: 0, shift: 0, sum: 0, sumSq: 0, sinceRecompute: 0 };
  }

  get period(): number { return this.s.period; }
  get ready(): boolean { return this.s.count === this.s.period; }
  /** The sample standard deviation, NaN until ready. */
  get value(): number { return this.s.count === this.s.period ? this.std() : Number.NaN; }

  /** Adds a value; returns the sample std, NaN until ready. */
  update(x: number): number {
    const s = this.s;
    if (s.count === 0) s.shift = x;
    const evicted = s.window[s.head]!;
    s.window[s.head] = x;
    s.head = s.head + 1 === s.period ? 0 : s.head + 1;
    const d = x - s.shift;
    if (s.count === s.period) {
      const e = evicted - s.shift;
      s.sum += d - e;
      s.sumSq += d * d - e * e;
      if (++s.sinceRecompute >= s.period) this.recompute();
    } else {
      s.sum += d;
      s.sumSq += d * d;
      s.count++;
    }
    return s.count === s.period ? this.std() : Number.NaN;
  }

  private recompute(): void {
    const s = this.s;
    let mean = 0;
    for (let i = 0; i < s.period; i++) mean += s.window[i]!;
    s.shift = mean / s.period;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < s.period; i++) {
      const d = s.window[i]! - s.shift;
      sum += d;
      sumSq += d * d;
    }
    s.sum = sum;
    s.sumSq = sumSq;
    s.sinceRecompute = 0;
  }

  private std(): number {
    const s = this.s;
    const variance = (s.sumSq - (s.sum * s.sum) / s.period) / (s.period - 1);
    return variance > 0 ? Math.sqrt(variance) : 0;
  }

  snapshot(): RollingStdState {
    return { ...this.s, window: this.s.window.slice() };
  }

  restore(state: RollingStdState): void {
    if (state.period !== this.s.period || state.window.length !== state.period) throw new RangeError(`rolling std(${this.s.period}): snapshot is for period ${state.period}`);
    this.s = { ...state, window: state.window.slice() };
  }
}
