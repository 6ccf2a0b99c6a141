/**
 * Relative Strength Index with Wilder's smoothing, as Wilder defined it (1978):
 * - a change is close[t] - close[t-1]; a gain is max(change, 0), a loss max(-change, 0);
 * - the first average gain (loss) is the simple mean of the first `period` gains (losses);
 * - after that, avg = (avg * (period - 1) + current) / period;
 * - RSI = 100 - 100 / (1 + avgGain / avgLoss); 100 when avgLoss is 0, and 50 when both are 0 (a
 *   flat market is neither overbought nor oversold; TA-Lib says 0 there, which would read as
 *   "oversold" and make a mean-reversion agent buy a dead market).
 * Defined from the (period + 1)-th value on. O(1) per update, no allocation.
 *
 * State is plain, JSON-safe data: snapshot() and restore() round-trip exactly.
 */
import { assertPeriod } from './sma.ts';

export interface RsiState {
  period: number;
  /** Changes seen, capped at `period`. */
  changes: number;
  hasPrev: boolean;
  prev: number;
  /** Sums of gains and losses while seeding; Wilder averages once ready. */
  avgGain: number;
  avgLoss: number;
}

export class Rsi {
  private s: RsiState;

  constructor(period: number) {
    assertPeriod(period, 'RSI');
    this.s = { period, changes: 0, hasPrev: false, prev: 0, avgGain: 0, avgLoss: 0 };
  }

  get period(): number { return this.s.period; }
  get ready(): boolean { return this.s.changes === this.s.period; }
  /** The RSI in [0, 100], NaN until ready. */
  get value(): number { return this.s.changes === this.s.period ? rsiOf(this.s.avgGain, this.s.avgLoss) : Number.NaN; }

  /** Adds a value; returns the RSI, NaN until ready. */
  update(x: number): number {
    const s = this.s;
    if (!s.hasPrev) {
      s.hasPrev = true;
      s.prev = x;
      return Number.NaN;
    }
    const change = x - s.prev;
    s.prev = x;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const n = s.period;
    if (s.changes === n) {
      s.avgGain = (s.avgGain * (n - 1) + gain) / n;
      s.avgLoss = (s.avgLoss * (n - 1) + loss) / n;
      return rsiOf(s.avgGain, s.avgLoss);
    }
    s.avgGain += gain;
    s.avgLoss += loss;
    s.changes++;
    if (s.changes < n) return Number.NaN;
    s.avgGain /= n;
    s.avgLoss /= n;
    return rsiOf(s.avgGain, s.avgLoss);
  }

  snapshot(): RsiState {
    return { ...this.s };
  }

  restore(state: RsiState): void {
    if (state.period !== this.s.period) throw new RangeError(`RSI(${this.s.period}): snapshot is for period ${state.period}`);
    this.s = { ...state };
  }
}

function rsiOf(avgGain: number, avgLoss: number): number {
  if (avgLoss === 0) return avgGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + avgGain / avgLoss);
}
