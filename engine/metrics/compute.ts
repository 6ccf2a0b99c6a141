/**
 * The metrics entry point: one call after the run, a plain JSON-safe object out, with a warning for
 * each metric that could not be computed (null) where its definition does not say it is null.
 */
import type { MetricKey, MetricWarning, Metrics, MetricsInput, MetricsResult } from './types.ts';
import { assertPeriodsPerYear } from './annualisation.ts';
import { curveByDefinition, exposureRatios, passOverCurve } from './curve-pass.ts';
import {
  cagr,
  calmarRatio,
  elapsedYears,
  endEquity,
  overflowToNull,
  sharpeOf,
  sortinoOf,
  totalReturn,
  volatilityOf,
} from './returns.ts';
import { exposureFromSums, exposureStats, tradeStats, turnover } from './trades.ts';

/**
 * Computes every metric of METRIC_DEFINITIONS and says which could not be computed: those are
 * null, and everything else is still computed. Throws RangeError when the input breaks its
 * contract (a bug upstream: the ledger produced it); never returns NaN or Infinity.
 *
 * The curve's metrics come from one pass over it (passOverCurve), each the same double as its
 * single-metric definition in returns.ts, drawdown.ts and trades.ts, which give them instead for
 * a curve the pass leaves (ruin, a broken mark, exposure at zero equity); the warnings come in
 * the same order, and a broken input throws the same error first.
 */
export function computeMetricsWithWarnings(input: MetricsInput): MetricsResult {
  const { curve, periodsPerYear } = input;
  const riskFree = input.riskFreeRatePerYear ?? 0;
  if (input.exposure !== undefined && input.grossExposure !== undefined) throw new RangeError('metrics: exposure and grossExposure are two forms of one series; give one');
  const fast = passOverCurve(curve, input.grossExposure ?? null);
  const pass = fast?.curve ?? curveByDefinition(curve);
  assertPeriodsPerYear(periodsPerYear);
  const warnings: MetricWarning[] = [];
  const warn = (metric: MetricKey, reason: string): void => { warnings.push({ metric, reason }); };

  const n = curve.equity.length;
  if (pass.ruinedMark >= 0) {
    const i = pass.ruinedMark;
    const reason = `the equity is ${curve.equity[i]} at mark ${i} (time ${curve.timeUs[i]} us), not positive: the per-period returns after it are undefined`;
    for (const metric of ['volatility', 'sharpe', 'sortino'] as const) warn(metric, reason);
  }
  const moments = pass.moments;
  // Sortino is defined from one return on (its mean is the return), the moments from two.
  const downside = pass.ruinedMark >= 0 || n === 0 ? null : { count: n, mean: moments?.mean ?? pass.returnSum / n, downsideSquares: pass.downsideSquares };
  const years = elapsedYears(curve);
  const growth = cagr(curve, warn);
  const dd = pass.drawdown;
  const calmar = calmarRatio(growth, dd.maxDrawdown, warn);
  if (growth === null && years > 0 && dd.maxDrawdown > 0) warn('calmar', 'cagr could not be computed');
  const trades = tradeStats(input.trades ?? [], warn);
  let exposure: { exposure: number | null; averageGrossExposure: number | null } = { exposure: null, averageGrossExposure: null };
  if (input.exposure !== undefined) exposure = exposureStats(input.exposure, n, warn);
  else if (input.grossExposure !== undefined) {
    const sums = fast === null ? null : fast.exposure;
    exposure = sums !== null ? exposureFromSums(sums, warn) : exposureStats(exposureRatios(curve.equity, input.grossExposure), n, warn);
  }

  // Times are safe integers, but the span between two of them can reach 2^54: past 2^53 it is no
  // longer an exact integer, so it is reported in days (a float) only.
  let durationUs: number | null = dd.longestDurationUs;
  if (!Number.isSafeInteger(durationUs)) {
    warn('maxDrawdownDurationUs', `the longest drawdown lasted ${dd.longestDurationDays} days, beyond 2^53 microseconds (about 285 years), so it is no exact integer; maxDrawdownDurationDays carries it`);
    durationUs = null;
  }

  let turnoverTotal: number | null = null;
  let turnoverYearly: number | null = null;
  // Null without fills (docs/metrics.md): a run that never traded has no turnover to state.
  if (input.fills !== undefined && input.fills.length > 0) {
    // The mean of the start equity and every mark: the capital the fills turned over.
    turnoverTotal = turnover(input.fills, pass.equitySum / (n + 1), warn);
    if (turnoverTotal === null) warn('turnoverAnnualised', 'turnover could not be computed');
    else if (years > 0) turnoverYearly = overflowToNull(turnoverTotal / years, 'turnoverAnnualised', warn, `turnover / elapsedYears = ${turnoverTotal} / ${years}`);
  }

  const metrics: Metrics = {
    periodsPerYear,
    riskFreeRatePerYear: riskFree,
    sampleCount: n,
    startEquity: curve.startEquity,
    endEquity: endEquity(curve),
    elapsedYears: years,
    totalReturn: totalReturn(curve),
    cagr: growth,
    volatility: volatilityOf(moments, periodsPerYear, warn),
    sharpe: sharpeOf(moments, periodsPerYear, riskFree, warn),
    sortino: sortinoOf(downside, periodsPerYear, riskFree, warn),
    calmar,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownPeakTimeUs: dd.peakTimeUs,
    maxDrawdownTroughTimeUs: dd.troughTimeUs,
    maxDrawdownRecoveryTimeUs: dd.recoveryTimeUs,
    maxDrawdownDurationUs: durationUs,
    maxDrawdownDurationDays: dd.longestDurationDays,
    maxDrawdownDurationBars: dd.longestDurationBars,
    ...trades,
    ...exposure,
    turnover: turnoverTotal,
    turnoverAnnualised: turnoverYearly,
  };
  assertJsonSafe(metrics);
  return { metrics, warnings };
}

/** computeMetricsWithWarnings without the warnings: the nulls stay, their reasons are dropped. */
export function computeMetrics(input: MetricsInput): Metrics {
  return computeMetricsWithWarnings(input).metrics;
}

/**
 * The promise of the Metrics type, checked: a non-finite number here is a bug in this module
 * (every metric that can overflow goes through overflowToNull; the others are bounded by a
 * finite, validated curve).
 */
function assertJsonSafe(metrics: Metrics): void {
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`computeMetrics: ${key} is ${value}, not finite`);
  }
}
