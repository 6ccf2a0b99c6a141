/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the simple mean of the
 * first `period` values (TA-Lib's convention), so its value is defined from the period-th value on
 * and does not depend on where the series happened to start. O(1) per update, no allocation.
 *
 * State is plain, JSON-safe data: snapshot() and restore() round-trip exactly.
 */
import { assertPeriod } from './sma.ts';

export interface EmaState {
  period: number;
  /** Values seen, capped at `period` (the seed is complete at `period`). */
  count: number;
  /** Sum of the first values while seeding; the EMA once ready. */
  value: number;
}

export class Ema {
  private s: EmaState;
  private readonly alpha: number;

  constructor(period: number) {
    assertPeriod(period, 'EMA');
    this.alpha = 2 / (period + 1);
    this.s = { period, count: 0, value: 0 };
  }

  get period(): number { return this.s.period; }
  get ready(): boolean { return this.s.count === this.s.period; }
  /** The EMA, NaN until ready. */
  get value(): number { return this.s.count === this.s.period ? this.s.value : Number.NaN; }

  /** Adds a value; returns the EMA, NaN until ready. */
  update(x: number): number {
    const s = this.s;
    if (s.count === s.period) {
      s.value += this.alpha * (x - s.value);
      return s.value;
    }
    s.value += x;
    s.count++;
    if (s.count < s.period) return Number.NaN;
    s.value /= s.period; // the seed: the simple mean of the first `period` values
    return s.value;
  }

  snapshot(): EmaState {
    return { ...this.s };
  }

  restore(state: EmaState): void {
    if (state.period !== this.s.period) throw new RangeError(`EMA(${this.s.period}): snapshot is for period ${state.period}`);
    this.s = { ...state };
  }
}
