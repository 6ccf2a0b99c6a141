/**
 * Performance metrics of a finished run: returns, drawdown, ratios, trade statistics, plus the
 * fill-to-round-trip pairing the ledger and reports use. Pure functions over plain data.
 */
export type { EquityCurve, ExposureSeries, Fill, MetricKey, MetricWarn, MetricWarning, Metrics, MetricsInput, MetricsResult, ProfitFactor, RoundTrip } from './types.ts';
export { metricNumber } from './types.ts';
export { YEAR_US, perPeriodRate, periodsPerYear } from './annualisation.ts';
export type { PeriodsPerYearParams } from './annualisation.ts';
export {
  ZERO_STD,
  annualisedVolatility,
  assertEquityCurve,
  cagr,
  calmarRatio,
  elapsedYears,
  endEquity,
  overflowToNull,
  ruinedMark,
  sharpeRatio,
  simpleReturns,
  sortinoRatio,
  totalReturn,
} from './returns.ts';
export { drawdownStats } from './drawdown.ts';
export type { DrawdownStats } from './drawdown.ts';
export { exposureStats, tradeStats, turnover } from './trades.ts';
export type { ExposureStats, TradeStats } from './trades.ts';
export { roundTripsFromFills } from './round-trips.ts';
export type { OpenPosition, RoundTripOptions, RoundTripsResult } from './round-trips.ts';
export { computeMetrics, computeMetricsWithWarnings } from './compute.ts';
export { METRIC_DEFINITIONS } from './definitions.ts';
export { MetricsSchema } from './schema.ts';
