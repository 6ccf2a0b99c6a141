/**
 * Returns-based metrics: per-period returns, total return, CAGR, volatility, Sharpe, Sortino,
 * Calmar. Every function returns null rather than NaN or Infinity when its metric is undefined,
 * so that nothing non-finite reaches a report.
 */
import type { EquityCurve, MetricKey, MetricWarn } from './types.ts';
import { YEAR_US, assertPeriodsPerYear, perPeriodRate } from './annualisation.ts';

/**
 * A standard deviation at or below this (per period) is floating-point noise, not risk: a curve
 * growing at a constant rate computed in doubles has a std near 1e-17 and would otherwise show a
 * Sharpe of 1e15. No real series has a per-period return std this small.
 */
export const ZERO_STD = 1e-12;

/** Throws (a bug in the caller, not bad user input) when the curve breaks EquityCurve's contract. */
export function assertEquityCurve(curve: EquityCurve): void {
  const { startTimeUs, startEquity, timeUs, equity } = curve;
  if (!Number.isFinite(startEquity) || startEquity <= 0) throw new RangeError(`equity curve: startEquity must be positive and finite, got ${startEquity}`);
  if (!Number.isSafeInteger(startTimeUs)) throw new RangeError(`equity curve: startTimeUs ${startTimeUs} is not a safe integer`);
  if (timeUs.length !== equity.length) throw new RangeError(`equity curve: ${timeUs.length} times but ${equity.length} equity values`);
  let prev = startTimeUs;
  for (let i = 0; i < timeUs.length; i++) {
    const t = timeUs[i] as number;
    if (!Number.isSafeInteger(t) || t <= prev) {
      throw new RangeError(`equity curve: time[${i}] = ${t} is not a safe integer after ${prev} (times start after startTimeUs and strictly increase)`);
    }
    if (!Number.isFinite(equity[i] as number)) throw new RangeError(`equity curve: equity[${i}] = ${equity[i]} is not finite`);
    prev = t;
  }
}

/** Equity at the last mark, or the start equity when there is none. */
export function endEquity(curve: EquityCurve): number {
  const n = curve.equity.length;
  return n === 0 ? curve.startEquity : (curve.equity[n - 1] as number);
}

/**
 * Simple per-period returns: r[0] = equity[0] / startEquity - 1, r[i] = equity[i] / equity[i-1] - 1.
 * Null when some base is not positive (a ruined account has no meaningful returns after ruin;
 * ruinedMark says where).
 */
export function simpleReturns(curve: EquityCurve): Float64Array | null {
  const { startEquity, equity } = curve;
  const out = new Float64Array(equity.length);
  let base = startEquity;
  for (let i = 0; i < equity.length; i++) {
    if (!(base > 0)) return null;
    const e = equity[i] as number;
    out[i] = e / base - 1;
    base = e;
  }
  return out;
}

/** Index of the first mark at or below zero that a later return would divide by; -1 when none. */
export function ruinedMark(curve: EquityCurve): number {
  const { equity } = curve;
  for (let i = 0; i + 1 < equity.length; i++) if (!((equity[i] as number) > 0)) return i;
  return -1;
}

/** end / start - 1; 0 for a curve with no marks. */
export function totalReturn(curve: EquityCurve): number {
  return endEquity(curve) / curve.startEquity - 1;
}

/** Calendar years from startTimeUs to the last mark, in years of 365.25 days; 0 with no marks. */
export function elapsedYears(curve: EquityCurve): number {
  const n = curve.timeUs.length;
  return n === 0 ? 0 : ((curve.timeUs[n - 1] as number) - curve.startTimeUs) / YEAR_US;
}

/**
 * Compound annual growth: (end / start)^(1 / years) - 1 over elapsedYears. A curve that ends at or
 * below zero lost everything: -1. Null with no marks, or when a very short run annualises past
 * the range of a double (warned: a gain of 1 % in one minute is e^5233 a year).
 */
export function cagr(curve: EquityCurve, warn?: MetricWarn): number | null {
  const years = elapsedYears(curve);
  if (years <= 0) return null;
  const ratio = endEquity(curve) / curve.startEquity;
  if (ratio <= 0) return -1;
  return overflowToNull(Math.pow(ratio, 1 / years) - 1, 'cagr', warn, `(E_n / E0)^(1 / elapsedYears) = ${ratio}^(1 / ${years}): the run is too short to annualise its return`);
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Sample standard deviation (n - 1), two-pass for accuracy; noise below ZERO_STD snaps to 0. */
function sampleStd(xs: ArrayLike<number>, m: number): number {
  let ss = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] as number) - m;
    ss += d * d;
  }
  const std = Math.sqrt(ss / (xs.length - 1));
  return std <= ZERO_STD ? 0 : std;
}

/** The mean and sample std (noise snapped to 0) of per-period returns. */
export interface ReturnMoments {
  readonly mean: number;
  readonly std: number;
}

/**
 * The moments, computed once for the ratios below that all need them (each is a pass over every
 * mark); null with fewer than two returns.
 */
export function returnMoments(returns: ArrayLike<number> | null): ReturnMoments | null {
  if (returns === null || returns.length < 2) return null;
  const m = mean(returns);
  return { mean: m, std: sampleStd(returns, m) };
}

/** Sample std of per-period returns * sqrt(periodsPerYear). Null with fewer than two returns. */
export function annualisedVolatility(returns: ArrayLike<number> | null, periodsPerYear: number, warn?: MetricWarn, moments = returnMoments(returns)): number | null {
  return volatilityOf(moments, periodsPerYear, warn);
}

/** annualisedVolatility from the moments (null: fewer than two returns). */
export function volatilityOf(moments: ReturnMoments | null, periodsPerYear: number, warn?: MetricWarn): number | null {
  assertPeriodsPerYear(periodsPerYear);
  if (moments === null) return null;
  return overflowToNull(moments.std * Math.sqrt(periodsPerYear), 'volatility', warn, 'std(r_i) * sqrt(P)');
}

/**
 * mean(r - rf) / std(r) * sqrt(periodsPerYear), rf the per-period equivalent of the yearly rate
 * (the std of excess returns is the std of returns: rf is constant). Null with fewer than two
 * returns or a zero std.
 */
export function sharpeRatio(returns: ArrayLike<number> | null, periodsPerYear: number, riskFreeRatePerYear = 0, warn?: MetricWarn, moments = returnMoments(returns)): number | null {
  return sharpeOf(moments, periodsPerYear, riskFreeRatePerYear, warn);
}

/** sharpeRatio from the moments (null: fewer than two returns). */
export function sharpeOf(moments: ReturnMoments | null, periodsPerYear: number, riskFreeRatePerYear: number, warn?: MetricWarn): number | null {
  const rf = perPeriodRate(riskFreeRatePerYear, periodsPerYear);
  if (moments === null) return null;
  const { mean: m, std } = moments;
  if (std === 0) return null;
  return overflowToNull(((m - rf) / std) * Math.sqrt(periodsPerYear), 'sharpe', warn, 'mean(r_i - rf) / std(r_i) * sqrt(P)');
}

/**
 * mean(r - rf) / downside deviation * sqrt(periodsPerYear), where the downside deviation is
 * sqrt(mean(min(r, 0)^2)) over ALL periods (target return 0; periods above it count as zeros,
 * not dropped). Null with no returns or no downside (the ratio would be unbounded).
 */
export function sortinoRatio(returns: ArrayLike<number> | null, periodsPerYear: number, riskFreeRatePerYear = 0, warn?: MetricWarn, moments = returnMoments(returns)): number | null {
  if (returns === null || returns.length === 0) return sortinoOf(null, periodsPerYear, riskFreeRatePerYear, warn);
  let sum = 0;
  let downSq = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    sum += r;
    if (r < 0) downSq += r * r;
  }
  // One return has a mean but no moments (no sample std): it is its own mean.
  return sortinoOf({ count: returns.length, mean: moments?.mean ?? sum / returns.length, downsideSquares: downSq }, periodsPerYear, riskFreeRatePerYear, warn);
}

/** What the Sortino ratio needs of n > 0 returns: their mean, and the sum of r^2 over the negative ones (in order). */
export interface DownsideSums {
  readonly count: number;
  readonly mean: number;
  readonly downsideSquares: number;
}

/** sortinoRatio from the returns' sums (null: no returns). */
export function sortinoOf(sums: DownsideSums | null, periodsPerYear: number, riskFreeRatePerYear: number, warn?: MetricWarn): number | null {
  const rf = perPeriodRate(riskFreeRatePerYear, periodsPerYear);
  if (sums === null) return null;
  const downside = Math.sqrt(sums.downsideSquares / sums.count);
  if (downside <= ZERO_STD) return null;
  return overflowToNull(((sums.mean - rf) / downside) * Math.sqrt(periodsPerYear), 'sortino', warn, 'mean(r_i - rf) / DD * sqrt(P)');
}

/** CAGR / max drawdown (a positive fraction). Null when either is undefined or there was no drawdown. */
export function calmarRatio(cagrValue: number | null, maxDrawdown: number, warn?: MetricWarn): number | null {
  if (cagrValue === null || !(maxDrawdown > 0)) return null;
  return overflowToNull(cagrValue / maxDrawdown, 'calmar', warn, `cagr / maxDrawdown = ${cagrValue} / ${maxDrawdown}`);
}

export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * x when finite; else null, and `warn` hears which metric could not be computed and from what
 * formula: a null that the metric's definition does not explain must say why.
 */
export function overflowToNull(x: number, metric: MetricKey, warn: MetricWarn | undefined, formula: string): number | null {
  if (Number.isFinite(x)) return x;
  warn?.(metric, `${formula} is ${x}, beyond the range of a double`);
  return null;
}
