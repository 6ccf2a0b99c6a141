/**
 * What computeMetricsWithWarnings needs from the equity curve, in two passes over it instead of
 * one per metric: the curve's validation, the returns' sum and downside, the drawdowns, the sum
 * of equity for turnover, and the exposure from gross exposure, then the returns' squared
 * deviations (the sample std needs the mean first).
 *
 * Why: the metrics run once per process, on curves of hundreds of thousands of marks, and each
 * loop starts in V8's interpreter until it is compiled on the stack; ten loops warm up ten times.
 *
 * The single-metric functions (assertEquityCurve, simpleReturns, returnMoments, sortinoRatio,
 * drawdownStats, exposureStats, averageEquity) stay the definitions: every sum here adds the same
 * terms in the same order, so each result is the same double, and curve-pass.test.ts checks that
 * bit for bit on random curves. A change to one of them is a change here too.
 */
import { US_PER_DAY } from '../kernel/time.ts';
import type { DrawdownStats } from './drawdown.ts';
import type { ExposureSums } from './trades.ts';
import type { EquityCurve } from './types.ts';
import { ZERO_STD, type ReturnMoments } from './returns.ts';

export interface CurvePass {
  /** Index of the first mark at or below zero that a later return divides by (ruinedMark); -1 when none. */
  readonly ruinedMark: number;
  /** Sum of the per-period returns in mark order; 0 when ruined. */
  readonly returnSum: number;
  /** Sum of r^2 over the negative returns in mark order (the Sortino's downside); 0 when ruined. */
  readonly downsideSquares: number;
  /** returnMoments of simpleReturns: null when ruined or with fewer than two marks. */
  readonly moments: ReturnMoments | null;
  /** startEquity plus every mark in order: (n + 1) times the mean equity turnover divides by. */
  readonly equitySum: number;
  readonly drawdown: DrawdownStats;
  /** exposureStats' sums over gross exposure / equity per mark; null without gross exposure. */
  readonly exposure: ExposureSums | null;
}

/**
 * Throws assertEquityCurve's RangeError (the same message, at the same first bad mark) on a
 * curve that breaks its contract. `grossExposure` is the gross exposure in money at each mark (as
 * long as the curve): its ratio to the mark's equity is exposureStats' series, Infinity where the
 * equity is 0 or below while a position is held.
 */
export function passOverCurve(curve: EquityCurve, grossExposure: ArrayLike<number> | null): CurvePass {
  const { startTimeUs, startEquity, timeUs, equity } = curve;
  if (!Number.isFinite(startEquity) || startEquity <= 0) throw new RangeError(`equity curve: startEquity must be positive and finite, got ${startEquity}`);
  if (!Number.isSafeInteger(startTimeUs)) throw new RangeError(`equity curve: startTimeUs ${startTimeUs} is not a safe integer`);
  if (timeUs.length !== equity.length) throw new RangeError(`equity curve: ${timeUs.length} times but ${equity.length} equity values`);
  const n = equity.length;
  if (grossExposure !== null && grossExposure.length !== n) {
    throw new RangeError(`grossExposure: ${grossExposure.length} values for ${n} equity marks (one per mark expected)`);
  }

  let prevTime = startTimeUs;
  // Returns: r[i] = equity[i] / base - 1, base the previous mark (startEquity first).
  let base = startEquity;
  let ruined = -1;
  let returnSum = 0;
  let downsideSquares = 0;
  let equitySum = startEquity;

  // Drawdowns, as drawdownStats keeps them (its comments say what each is).
  let peak = startEquity;
  let peakIndex = 0;
  let peakTime = startTimeUs;
  let underwater = false;
  let maxDrawdown = 0;
  let mddPeakTime: number | null = null;
  let mddTroughTime: number | null = null;
  let mddRecoveryTime: number | null = null;
  let deepestIsCurrent = false;
  let longestUs = 0;
  let longestBars = 0;

  // Exposure, as exposureStats counts it over the ratio series.
  const gross = grossExposure;
  let inMarket = 0;
  let grossRatioSum = 0;
  let unbounded = -1;
  let notANumber = -1;

  for (let i = 0; i < n; i++) {
    const t = timeUs[i] as number;
    const e = equity[i] as number;
    if (!Number.isSafeInteger(t) || t <= prevTime) {
      throw new RangeError(`equity curve: time[${i}] = ${t} is not a safe integer after ${prevTime} (times start after startTimeUs and strictly increase)`);
    }
    if (!Number.isFinite(e)) throw new RangeError(`equity curve: equity[${i}] = ${e} is not finite`);
    prevTime = t;
    equitySum += e;

    // A ruined base leaves every later return undefined: the sums stop, and are dropped below.
    if (ruined < 0) {
      if (base > 0) {
        const r = e / base - 1;
        returnSum += r;
        if (r < 0) downsideSquares += r * r;
      } else {
        ruined = i - 1;
      }
    }
    base = e;

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

    if (gross !== null) {
      const g = gross[i] as number;
      // A flat mark is 0 without a division; adding its |0| would leave the sum as it is.
      if (g !== 0) {
        const x = e > 0 ? g / e : Number.POSITIVE_INFINITY;
        if (Number.isNaN(x)) {
          if (notANumber < 0) notANumber = i;
        } else if (x !== 0) {
          inMarket++;
          if (Number.isFinite(x)) grossRatioSum += Math.abs(x);
          else if (unbounded < 0) unbounded = i;
        }
      }
    }
  }
  if (underwater) {
    longestUs = Math.max(longestUs, (timeUs[n - 1] as number) - peakTime);
    longestBars = Math.max(longestBars, n - peakIndex);
  }
  if (ruined >= 0) {
    returnSum = 0;
    downsideSquares = 0;
  }

  return {
    ruinedMark: ruined,
    returnSum,
    downsideSquares,
    moments: ruined >= 0 || n < 2 ? null : moments(curve, returnSum / n),
    equitySum,
    drawdown: {
      maxDrawdown,
      peakTimeUs: mddPeakTime,
      troughTimeUs: mddTroughTime,
      recoveryTimeUs: mddRecoveryTime,
      longestDurationUs: longestUs,
      longestDurationDays: longestUs / US_PER_DAY,
      longestDurationBars: longestBars,
    },
    exposure: gross === null ? null : { count: n, inMarket, grossSum: grossRatioSum, numeric: true, unbounded, notANumber },
  };
}

/**
 * returnMoments' sample std, the returns taken again from the curve (the same division gives the
 * same double) rather than kept in an array of n returns.
 */
function moments(curve: EquityCurve, mean: number): ReturnMoments {
  const { startEquity, equity } = curve;
  const n = equity.length;
  let base = startEquity;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    const d = e / base - 1 - mean;
    ss += d * d;
    base = e;
  }
  const std = Math.sqrt(ss / (n - 1));
  return { mean, std: std <= ZERO_STD ? 0 : std };
}
