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
 * drawdownStats, exposureStats) stay the definitions, and give the metrics of the curves the pass
 * leaves to them (curveByDefinition): every sum here adds the same terms in the same order, so
 * each result is the same double, and curve-pass.test.ts checks that bit for bit on random
 * curves. A change to one of them is a change here too.
 */
import { US_PER_DAY } from '../kernel/time.ts';
import { drawdownStats, type DrawdownStats } from './drawdown.ts';
import type { ExposureSums } from './trades.ts';
import type { EquityCurve } from './types.ts';
import { ZERO_STD, assertEquityCurve, returnMoments, ruinedMark, simpleReturns, type ReturnMoments } from './returns.ts';

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
}

/**
 * The pass over a healthy curve, with exposureStats' sums over gross exposure / equity per mark
 * (`grossExposure` in money, as long as the curve; none when null).
 *
 * Null when the input has anything the definitions treat apart: a curve or a mark that breaks
 * the curve's contract, gross exposure of another length, a mark at or below zero that a later
 * return divides by (ruin), a position held at zero equity or below, or a ratio that is NaN,
 * unbounded or rounds to 0; curveByDefinition and exposureStats then give the metrics, the
 * warnings and the error. The loop leaves at the first such mark rather than carry state for it:
 * with that state (branches that never run), the code V8 13 compiled for the loop on the stack
 * boxed its numbers, a heap allocation each per mark, and took 3x as long per mark.
 */
export function passOverCurve(curve: EquityCurve, grossExposure: ArrayLike<number> | null): { readonly curve: CurvePass; readonly exposure: ExposureSums | null } | null {
  const { startTimeUs, startEquity, timeUs, equity } = curve;
  const n = equity.length;
  if (!Number.isFinite(startEquity) || startEquity <= 0 || !Number.isSafeInteger(startTimeUs) || timeUs.length !== n) return null;
  if (grossExposure !== null && grossExposure.length !== n) return null;

  let prevTime = startTimeUs;
  // Returns: r[i] = equity[i] / base - 1, base the previous mark (startEquity first).
  let base = startEquity;
  let returnSum = 0;
  let downsideSquares = 0;
  let equitySum = startEquity;

  // Drawdowns, as drawdownStats keeps them (its comments say what each is); a time is only read
  // when maxDrawdown > 0 (peak, trough) or `recovered` (recovery).
  let peak = startEquity;
  let peakIndex = 0;
  let peakTime = startTimeUs;
  let underwater = false;
  let maxDrawdown = 0;
  let mddPeakTime = 0;
  let mddTroughTime = 0;
  let mddRecoveryTime = 0;
  let recovered = false;
  let deepestIsCurrent = false;
  let longestUs = 0;
  let longestBars = 0;

  // Exposure, as exposureStats counts it over the ratio series (a flat mark adds nothing).
  const gross = grossExposure;
  let inMarket = 0;
  let grossRatioSum = 0;

  let i = 0;
  for (; i < n; i++) {
    const t = timeUs[i] as number;
    const e = equity[i] as number;
    if (!Number.isSafeInteger(t) || t <= prevTime || !Number.isFinite(e) || !(base > 0)) break;
    prevTime = t;
    equitySum += e;

    const r = e / base - 1;
    returnSum += r;
    if (r < 0) downsideSquares += r * r;
    base = e;

    if (e >= peak) {
      if (underwater) {
        longestUs = Math.max(longestUs, t - peakTime);
        longestBars = Math.max(longestBars, i + 1 - peakIndex);
        if (deepestIsCurrent) {
          mddRecoveryTime = t;
          recovered = true;
        }
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
        recovered = false;
        deepestIsCurrent = true;
      }
    }

    if (gross !== null) {
      const g = gross[i] as number;
      if (g !== 0) {
        const x = g / e;
        if (!(e > 0) || x === 0 || !Number.isFinite(x)) break;
        inMarket++;
        grossRatioSum += Math.abs(x);
      }
    }
  }
  if (i < n) return null;

  if (underwater) {
    longestUs = Math.max(longestUs, (timeUs[n - 1] as number) - peakTime);
    longestBars = Math.max(longestBars, n - peakIndex);
  }
  return {
    curve: {
      ruinedMark: -1,
      returnSum,
      downsideSquares,
      moments: n < 2 ? null : moments(curve, returnSum / n),
      equitySum,
      drawdown: {
        maxDrawdown,
        peakTimeUs: maxDrawdown > 0 ? mddPeakTime : null,
        troughTimeUs: maxDrawdown > 0 ? mddTroughTime : null,
        recoveryTimeUs: recovered ? mddRecoveryTime : null,
        longestDurationUs: longestUs,
        longestDurationDays: longestUs / US_PER_DAY,
        longestDurationBars: longestBars,
      },
    },
    exposure: gross === null ? null : { count: n, inMarket, grossSum: grossRatioSum, numeric: true, unbounded: -1 },
  };
}

/**
 * The same from the definitions, one loop each, for any curve passOverCurve leaves: throws
 * assertEquityCurve's RangeError on a broken one.
 */
export function curveByDefinition(curve: EquityCurve): CurvePass {
  assertEquityCurve(curve);
  const returns = simpleReturns(curve);
  let returnSum = 0;
  let downsideSquares = 0;
  if (returns !== null) {
    for (let i = 0; i < returns.length; i++) {
      const r = returns[i] as number;
      returnSum += r;
      if (r < 0) downsideSquares += r * r;
    }
  }
  let equitySum = curve.startEquity;
  for (let i = 0; i < curve.equity.length; i++) equitySum += curve.equity[i] as number;
  return {
    ruinedMark: returns === null ? ruinedMark(curve) : -1,
    returnSum,
    downsideSquares,
    moments: returnMoments(returns),
    equitySum,
    drawdown: drawdownStats(curve),
  };
}

/**
 * Gross exposure / equity at each mark, exposureStats' series: +Infinity where the equity is 0 or
 * below while a position is held (exposureStats counts it in the market and leaves the average
 * undefined, warned).
 */
export function exposureRatios(equity: ArrayLike<number>, gross: ArrayLike<number>): Float64Array {
  if (gross.length !== equity.length) throw grossLengthError(gross.length, equity.length);
  const ratio = new Float64Array(equity.length);
  for (let i = 0; i < equity.length; i++) {
    const g = gross[i] as number;
    if (g !== 0) ratio[i] = (equity[i] as number) > 0 ? g / (equity[i] as number) : Number.POSITIVE_INFINITY;
  }
  return ratio;
}

function grossLengthError(length: number, marks: number): RangeError {
  return new RangeError(`grossExposure: ${length} values for ${marks} equity marks (one per mark expected)`);
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
