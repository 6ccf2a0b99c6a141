/**
 * The metrics entry point: one call after the run, a plain JSON-safe object out.
 */
import type { Metrics, MetricsInput } from './types.ts';
import { assertPeriodsPerYear } from './annualisation.ts';
import { drawdownStats } from './drawdown.ts';
import {
  annualisedVolatility,
  assertEquityCurve,
  cagr,
  calmarRatio,
  elapsedYears,
  endEquity,
  finiteOrNull,
  sharpeRatio,
  simpleReturns,
  sortinoRatio,
  totalReturn,
} from './returns.ts';
import { exposureStats, tradeStats, turnover } from './trades.ts';

const US_PER_DAY = 86_400_000_000;

/**
 * Computes every metric of METRIC_DEFINITIONS. Throws RangeError when the input breaks its
 * contract (a bug upstream: the ledger produced it); never returns NaN or Infinity.
 */
export function computeMetrics(input: MetricsInput): Metrics {
  const { curve, periodsPerYear } = input;
  const riskFree = input.riskFreeRatePerYear ?? 0;
  assertEquityCurve(curve);
  assertPeriodsPerYear(periodsPerYear);

  const n = curve.equity.length;
  const returns = simpleReturns(curve);
  const years = elapsedYears(curve);
  const growth = cagr(curve);
  const dd = drawdownStats(curve);
  const trades = tradeStats(input.trades ?? []);
  const exposure = input.exposure === undefined ? { exposure: null, averageGrossExposure: null } : exposureStats(input.exposure, n);

  let turnoverTotal: number | null = null;
  if (input.fills !== undefined) turnoverTotal = turnover(input.fills, averageEquity(curve.startEquity, curve.equity));

  const metrics: Metrics = {
    periodsPerYear,
    riskFreeRatePerYear: riskFree,
    sampleCount: n,
    startEquity: curve.startEquity,
    endEquity: endEquity(curve),
    elapsedYears: years,
    totalReturn: totalReturn(curve),
    cagr: growth,
    volatility: annualisedVolatility(returns, periodsPerYear),
    sharpe: sharpeRatio(returns, periodsPerYear, riskFree),
    sortino: sortinoRatio(returns, periodsPerYear, riskFree),
    calmar: calmarRatio(growth, dd.maxDrawdown),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownPeakTimeUs: dd.peakTimeUs,
    maxDrawdownTroughTimeUs: dd.troughTimeUs,
    maxDrawdownRecoveryTimeUs: dd.recoveryTimeUs,
    // Two exact times can be further apart than an exact integer reaches (2^53 us, 285 years).
    maxDrawdownDurationUs: Number.isSafeInteger(dd.longestDurationUs) ? dd.longestDurationUs : null,
    maxDrawdownDurationDays: dd.longestDurationUs / US_PER_DAY,
    maxDrawdownDurationBars: dd.longestDurationBars,
    ...trades,
    ...exposure,
    turnover: turnoverTotal,
    turnoverAnnualised: turnoverTotal === null || years <= 0 ? null : finiteOrNull(turnoverTotal / years),
  };
  assertJsonSafe(metrics);
  return metrics;
}

/** The promise of the Metrics type, checked: a non-finite number here is a bug in this module. */
function assertJsonSafe(metrics: Metrics): void {
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`computeMetrics: ${key} is ${value}, not finite`);
  }
}

/** Mean of the start equity and every mark: the capital the fills turned over. */
function averageEquity(start: number, equity: ArrayLike<number>): number {
  let sum = start;
  for (let i = 0; i < equity.length; i++) sum += equity[i] as number;
  return sum / (equity.length + 1);
}
