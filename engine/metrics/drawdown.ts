/**
 * Drawdowns over the equity curve, the start point included (a run that loses from its first bar
 * is in drawdown from its start). One pass, no allocation.
 */
import { US_PER_DAY } from '../kernel/time.ts';
import type { EquityCurve } from './types.ts';

export interface DrawdownStats {
  /** Largest (peak - equity) / peak, a positive fraction of the running peak; 0 when never below a peak. */
  readonly maxDrawdown: number;
  /** Last time at the peak that the deepest drawdown fell from; null when there was no drawdown. */
  readonly peakTimeUs: number | null;
  /** Time of the deepest drawdown's lowest mark; null when there was no drawdown. */
  readonly troughTimeUs: number | null;
  /** First time the deepest drawdown was back at its peak; null when it never recovered (or none). */
  readonly recoveryTimeUs: number | null;
  /**
   * Longest peak-to-recovery span in microseconds; an unrecovered drawdown runs to the last mark.
   * Exact while it is a safe integer; the span between two safe times can be up to 2^54, where
   * the subtraction rounds (to an even count above 2^53): check Number.isSafeInteger before
   * reporting it as an integer.
   */
  readonly longestDurationUs: number;
  /** longestDurationUs in days of 86,400 s (a float, finite for any span of safe times). */
  readonly longestDurationDays: number;
  /** Longest peak-to-recovery span in bars, counted the same way (measured on its own, see below). */
  readonly longestDurationBars: number;
}

/**
 * A drawdown starts at the last mark at the running peak and ends at the first mark back at or
 * above it (equal counts as recovered). Its duration runs from that peak mark to the recovery
 * mark, or to the last mark when it never recovers. The longest duration in microseconds and in
 * bars are each the maximum over all drawdowns; with uneven spacing (weekends, halts) they can
 * come from different drawdowns.
 */
export function drawdownStats(curve: EquityCurve): DrawdownStats {
  const { startTimeUs, startEquity, timeUs, equity } = curve;
  const n = equity.length;
  let peak = startEquity;
  let peakIndex = 0; // index into the curve: 0 is the start point, i + 1 is mark i
  let peakTime = startTimeUs;
  let underwater = false;

  let maxDrawdown = 0;
  let mddPeakTime: number | null = null;
  let mddTroughTime: number | null = null;
  let mddRecoveryTime: number | null = null;
  let deepestIsCurrent = false; // the deepest drawdown so far is the one we are in

  let longestUs = 0;
  let longestBars = 0;

  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    const t = timeUs[i] as number;
    if (e >= peak) {
      if (underwater) {
        longestUs = Math.max(longestUs, t - peakTime);
        longestBars = Math.max(longestBars, i + 1 - peakIndex);
        if (deepestIsCurrent) mddRecoveryTime = t;
        deepestIsCurrent = false;
        underwater = false;
      }
      peak = e;
      peakIndex = i + 1;
      peakTime = t;
    } else {
      underwater = true;
      const dd = (peak - e) / peak;
      if (dd > maxDrawdown) {
        maxDrawdown = dd;
        mddPeakTime = peakTime;
        mddTroughTime = t;
        mddRecoveryTime = null;
        deepestIsCurrent = true;
      }
    }
  }
  if (underwater) {
    longestUs = Math.max(longestUs, (timeUs[n - 1] as number) - peakTime);
    longestBars = Math.max(longestBars, n - peakIndex);
  }
  return {
    maxDrawdown,
    peakTimeUs: mddPeakTime,
    troughTimeUs: mddTroughTime,
    recoveryTimeUs: mddRecoveryTime,
    longestDurationUs: longestUs,
    longestDurationDays: longestUs / US_PER_DAY,
    longestDurationBars: longestBars,
  };
}
