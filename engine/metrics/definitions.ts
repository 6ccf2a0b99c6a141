/**
 * What each metric means, in words and formula, for reports and the README: users read the
 * definitions where they read the numbers. Typed by MetricKey so that a new metric without a
 * definition does not compile. Notation: E0 the start equity, E_i the equity mark at the end of
 * bar i (i = 1..n), r_i = E_i / E_(i-1) - 1, P the periods per year, rf the per-period risk-free
 * rate (1 + yearly rate)^(1/P) - 1.
 *
 * Null has two meanings, kept apart: a metric that is undefined for the run (no trades, zero
 * variance) is null as its definition says, with no warning; a metric that could not be computed
 * (an overflow, a span beyond exact integers, returns after ruin) is null with a warning naming it
 * (computeMetricsWithWarnings), and every other metric is still computed.
 */
import type { MetricKey } from './types.ts';

export const METRIC_DEFINITIONS: Readonly<Record<MetricKey, string>> = {
  periodsPerYear:
    'Bars per year used to annualise: sessionsPerYear * sessionLength / barInterval (a bar one session long gives sessionsPerYear; 24/7 markets use 365 sessions of one day).',
  riskFreeRatePerYear: 'Yearly risk-free rate used for Sharpe and Sortino, as a fraction; 0 unless the scenario gives one.',
  sampleCount: 'Number of equity marks n (one per bar), so also the number of per-period returns: the first return is taken against the start equity.',
  startEquity: 'Equity E0 before the first bar (the initial capital), at the start time of the run.',
  endEquity: 'Equity at the last mark E_n (E0 when there are no marks).',
  elapsedYears: 'Calendar time from the start of the run to the last mark, in years of 365.25 days.',
  totalReturn: 'E_n / E0 - 1.',
  cagr:
    'Compound annual growth rate (E_n / E0)^(1 / elapsedYears) - 1, with elapsed calendar time in years of 365.25 days. -1 when the account ends at or below zero; null with no marks; null with a warning when a run too short to annualise overflows a double (a 1 % gain in one minute is e^5233 a year).',
  volatility:
    'Annualised volatility: sample standard deviation (n - 1) of the per-period returns r_i, times sqrt(P). Null with fewer than two returns, and (with a warning) when the equity reached zero or below before the last mark (returns after it are undefined).',
  sharpe:
    'mean(r_i - rf) / std(r_i) * sqrt(P), std the sample standard deviation (n - 1). Null with fewer than two returns or a zero standard deviation (below 1e-12 per period, floating-point noise); null with a warning when the equity reached zero or below before the last mark.',
  sortino:
    'mean(r_i - rf) / DD * sqrt(P), where the downside deviation DD = sqrt(mean over ALL n periods of min(r_i, 0)^2) uses a target return of 0. Null with no returns or no negative return (unbounded); null with a warning when the equity reached zero or below before the last mark.',
  calmar: 'cagr / maxDrawdown. Null when the CAGR is undefined or there was no drawdown (with a warning when the CAGR could not be computed).',
  maxDrawdown:
    'Largest fall from a running peak, as a positive fraction of that peak: max over i of (peak_i - E_i) / peak_i, peak_i = max(E0..E_i). 0 when the equity never fell below a peak.',
  maxDrawdownPeakTimeUs: 'Time (epoch microseconds) of the last mark at the peak the deepest drawdown fell from; null with no drawdown.',
  maxDrawdownTroughTimeUs: 'Time (epoch microseconds) of the deepest drawdown\'s lowest mark; null with no drawdown.',
  maxDrawdownRecoveryTimeUs:
    'Time (epoch microseconds) of the first mark back at or above the deepest drawdown\'s peak; null when it never recovered or there was no drawdown.',
  maxDrawdownDurationUs:
    'Longest drawdown, in microseconds: from the last mark at a peak to the first mark back at or above it; a drawdown that never recovers runs to the last mark. An exact integer; null with a warning when the span exceeds 2^53 microseconds (about 285 years), where it has no exact integer value: maxDrawdownDurationDays carries it then.',
  maxDrawdownDurationDays:
    'maxDrawdownDurationUs in days of 86,400 seconds, as a float: always reported, however long the drawdown (within a few microseconds of the exact span).',
  maxDrawdownDurationBars:
    'Longest drawdown in bars, measured as maxDrawdownDurationUs is (peak mark to recovery or last mark); the longest in bars and in time can be different drawdowns.',
  tradeCount: 'Number of closed round trips (a partial close is its own round trip).',
  winningTrades: 'Round trips whose net pnl (after all fees) is above 0.',
  losingTrades: 'Round trips whose net pnl (after all fees) is below 0; a break-even trade is neither a win nor a loss.',
  winRate: 'winningTrades / tradeCount. Null with no trades.',
  grossProfit: 'Sum of the net pnl of winning trades.',
  grossLoss: 'Sum of |net pnl| of losing trades (a positive number).',
  profitFactor:
    'grossProfit / grossLoss. The string "Infinity" when there are winning but no losing trades (JSON has no Infinity); null with no trades or when every trade broke even; null with a warning when the ratio overflows a double.',
  averageWin: 'grossProfit / winningTrades: the mean net pnl of a winning trade. Null with no winning trade.',
  averageLoss: '-grossLoss / losingTrades: the mean net pnl of a losing trade, a negative number. Null with no losing trade.',
  averageTradePnl: '(grossProfit - grossLoss) / tradeCount: the mean net pnl per trade. Null with no trades.',
  exposure:
    'Fraction of equity marks in the market (a true flag, or a non-zero gross exposure / equity), a position held at the mark: one bought at a bar\'s open is in the market at that bar\'s close. Null when no exposure series was given or there are no marks.',
  averageGrossExposure:
    'Mean over marks of |gross exposure / equity|, gross exposure the sum over positions of |market value| (futures: |quantity * price * multiplier|): 1 is fully invested, 0 flat. Null for a flag series, with no exposure series or no marks; null with a warning when the equity is 0 or below while a position is held (a ratio to it means nothing).',
  turnover:
    'Sum of |notional| of all fills, buys and sells both, over the mean equity of E0..E_n: buying the whole account and selling it again is 2. Not annualised. Null without fills; null with a warning when the mean equity is not positive.',
  turnoverAnnualised: 'turnover / elapsedYears. Null without fills or with no elapsed time; null with a warning when turnover could not be computed.',
};
