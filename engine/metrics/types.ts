/**
 * What the metrics read (a run's equity curve, its trades and fills, its exposure) and what they
 * return. Inputs are structural so that the ledger's and venue's own records pass as they are.
 *
 * The equity curve is a start point followed by one mark per bar: `startEquity` is the account
 * at `startTimeUs`, before the first bar, and `equity[i]` is its mark at the end of bar i, at
 * `timeUs[i]`. n marks give n per-period returns, the first one against `startEquity`. The start
 * point is not repeated in the marks: a mark at `startTimeUs` would be a zero-length period with
 * a spurious zero return, so the validator refuses it.
 */
import type { TimeUs } from '../kernel/time.ts';

export interface EquityCurve {
  /** When the run began: the time of `startEquity`, strictly before `timeUs[0]`. */
  readonly startTimeUs: TimeUs;
  /** Equity before the first bar (the initial capital); must be positive. */
  readonly startEquity: number;
  /** End-of-bar times, strictly increasing safe integers (epoch microseconds). */
  readonly timeUs: ArrayLike<number>;
  /** End-of-bar equity in account currency, one per time. */
  readonly equity: ArrayLike<number>;
}

/** A closed round trip. `pnl` is net of `fees` (entry and exit fees both). */
export interface RoundTrip {
  readonly instrumentId: string;
  readonly side: 'long' | 'short';
  readonly entryTimeUs: TimeUs;
  readonly exitTimeUs: TimeUs;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly pnl: number;
  readonly fees: number;
}

/** One execution. `quantity` is positive; `side` gives its sign. `notional` = quantity * price (* multiplier). */
export interface Fill {
  readonly timeUs: TimeUs;
  readonly instrumentId: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly notional: number;
}

/**
 * Exposure per equity mark (same length as `equity`): either gross exposure / equity (0 = flat)
 * or a plain in-the-market flag.
 */
export type ExposureSeries = ArrayLike<number> | readonly boolean[];

export interface MetricsInput {
  readonly curve: EquityCurve;
  /** Bars per year, from `periodsPerYear(...)`: annualises volatility, Sharpe and Sortino. */
  readonly periodsPerYear: number;
  /** Risk-free rate per year as a fraction (0.03 = 3 %); 0 when omitted. */
  readonly riskFreeRatePerYear?: number;
  /** Closed round trips; none when omitted. */
  readonly trades?: readonly RoundTrip[];
  /** Fills, for turnover; turnover is null when omitted. */
  readonly fills?: readonly Fill[];
  /** Exposure per mark; exposure metrics are null when omitted (and without grossExposure). */
  readonly exposure?: ExposureSeries;
  /**
   * The other form of `exposure`, in money: gross exposure (sum of |market value| over positions)
   * at each mark, one per mark; the metrics take its ratio to the mark's equity, +Infinity where
   * the equity is 0 or below while a position is held (averageGrossExposure is then null, warned).
   * Giving both forms is refused. For a healthy curve the ratios are taken in the pass over it,
   * with no array of them built: the harness's form.
   */
  readonly grossExposure?: ArrayLike<number>;
}

/**
 * A profit factor with no losing trade is unbounded. JSON has no Infinity, so the object carries
 * the string 'Infinity' there (it survives JSON.stringify/parse unchanged); `metricNumber` turns
 * it back into a number for comparisons.
 */
export type ProfitFactor = number | 'Infinity' | null;

/**
 * A run's metrics as plain JSON-safe data: every number is finite, and null marks a metric that
 * is undefined for this run (too few samples, a zero denominator). METRIC_DEFINITIONS defines
 * each key; MetricsSchema validates the object.
 */
export interface Metrics {
  readonly periodsPerYear: number;
  readonly riskFreeRatePerYear: number;
  readonly sampleCount: number;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly elapsedYears: number;
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly volatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownPeakTimeUs: number | null;
  readonly maxDrawdownTroughTimeUs: number | null;
  readonly maxDrawdownRecoveryTimeUs: number | null;
  /** Null when the span is not a safe integer (beyond 2^53 us, about 285 years): see maxDrawdownDurationDays. */
  readonly maxDrawdownDurationUs: number | null;
  /** The same span in days of 86,400 s, as a float: always finite, whatever the span. */
  readonly maxDrawdownDurationDays: number;
  readonly maxDrawdownDurationBars: number;
  readonly tradeCount: number;
  readonly winningTrades: number;
  readonly losingTrades: number;
  readonly winRate: number | null;
  readonly grossProfit: number;
  readonly grossLoss: number;
  readonly profitFactor: ProfitFactor;
  readonly averageWin: number | null;
  readonly averageLoss: number | null;
  readonly averageTradePnl: number | null;
  readonly exposure: number | null;
  readonly averageGrossExposure: number | null;
  readonly turnover: number | null;
  readonly turnoverAnnualised: number | null;
}

export type MetricKey = keyof Metrics;

/**
 * A metric that could not be computed for this run (its value is null) and why: a figure beyond
 * the range a report can carry exactly, a ratio that overflows a double, returns undefined after
 * the account was ruined. A metric that is null by its definition (no trades, zero variance) gets
 * no warning: its definition says when it is null.
 */
export interface MetricWarning {
  readonly metric: MetricKey;
  readonly reason: string;
}

/** Receives each metric that could not be computed, as it is found. */
export type MetricWarn = (metric: MetricKey, reason: string) => void;

/** Metrics and the warnings about those of them that could not be computed. */
export interface MetricsResult {
  readonly metrics: Metrics;
  readonly warnings: MetricWarning[];
}

/** A metric as a number for comparisons (gates): 'Infinity' becomes Infinity; null stays null. */
export function metricNumber(value: number | 'Infinity' | null): number | null {
  return value === 'Infinity' ? Infinity : value;
}
