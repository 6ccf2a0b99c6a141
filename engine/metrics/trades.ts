/**
 * Trade statistics (win rate, profit factor, average win and loss), exposure and turnover.
 */
import type { ExposureSeries, Fill, MetricWarn, Metrics, ProfitFactor, RoundTrip } from './types.ts';
import { overflowToNull } from './returns.ts';

/** The trade statistics of Metrics (types.ts is their one definition). */
export type TradeStats = Pick<Metrics, 'tradeCount' | 'winningTrades' | 'losingTrades' | 'winRate' | 'grossProfit' | 'grossLoss'
  | 'profitFactor' | 'averageWin' | 'averageLoss' | 'averageTradePnl'>;

/**
 * A trade wins when its net pnl is above 0 and loses when below; a break-even trade counts in
 * tradeCount (so in the win rate's denominator) but neither as a win nor a loss.
 */
export function tradeStats(trades: readonly RoundTrip[], warn?: MetricWarn): TradeStats {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  // Indexed loops, not entries(): these run once per process, mostly before V8 optimises them,
  // where an iterator's [i, x] pairs cost several times the loop's own work.
  for (let i = 0; i < trades.length; i++) {
    const trade = trades[i]!;
    const pnl = trade.pnl;
    if (!Number.isFinite(pnl)) throw new RangeError(`trade ${i} (${trade.instrumentId}): pnl ${pnl} is not finite`);
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
    }
  }
  const count = trades.length;
  let profitFactor: ProfitFactor = null;
  if (grossLoss > 0) profitFactor = overflowToNull(grossProfit / grossLoss, 'profitFactor', warn, `grossProfit / grossLoss = ${grossProfit} / ${grossLoss}`);
  else if (grossProfit > 0) profitFactor = 'Infinity';
  return {
    tradeCount: count,
    winningTrades: wins,
    losingTrades: losses,
    winRate: count === 0 ? null : wins / count,
    grossProfit,
    grossLoss,
    profitFactor,
    averageWin: wins === 0 ? null : grossProfit / wins,
    averageLoss: losses === 0 ? null : -grossLoss / losses,
    averageTradePnl: count === 0 ? null : (grossProfit - grossLoss) / count,
  };
}

export interface ExposureStats {
  /** Fraction of marks in the market; null with no marks. */
  readonly exposure: number | null;
  /** Mean |gross exposure / equity| over marks; null with no marks or for a boolean series. */
  readonly averageGrossExposure: number | null;
}

/** What exposureStats counts over a series, in mark order; the pass over the curve counts the same. */
export interface ExposureSums {
  /** Marks in the series. */
  readonly count: number;
  readonly inMarket: number;
  /** Sum of |x| over the finite values, in mark order. */
  readonly grossSum: number;
  /** The series has a number in it (a flag series has no average). */
  readonly numeric: boolean;
  /** First mark whose value is +-Infinity; -1 when none. */
  readonly unbounded: number;
}

/**
 * A mark is in the market when its flag is true or its gross exposure is not zero. A gross
 * exposure of +-Infinity (a position held while the equity is exactly zero) is in the market, but
 * leaves the average undefined: averageGrossExposure is then null, with a warning.
 */
export function exposureStats(series: ExposureSeries, sampleCount: number, warn?: MetricWarn): ExposureStats {
  if (series.length !== sampleCount) {
    throw new RangeError(`exposure: ${series.length} values for ${sampleCount} equity marks (one per mark expected)`);
  }
  if (sampleCount === 0) return { exposure: null, averageGrossExposure: null };
  let inMarket = 0;
  let gross = 0;
  let numeric = false;
  let unbounded = -1;
  for (let i = 0; i < sampleCount; i++) {
    const v = series[i];
    if (typeof v === 'boolean') {
      if (v) inMarket++;
      continue;
    }
    numeric = true;
    const x = v as number;
    if (Number.isNaN(x)) throw new RangeError(`exposure[${i}] = ${x} is not a number`);
    if (x !== 0) inMarket++;
    if (Number.isFinite(x)) gross += Math.abs(x);
    else if (unbounded < 0) unbounded = i;
  }
  return exposureFromSums({ count: sampleCount, inMarket, grossSum: gross, numeric, unbounded }, warn);
}

/** The exposure metrics of the sums (exposureStats' ending, shared with the pass over the curve). */
export function exposureFromSums(sums: ExposureSums, warn?: MetricWarn): ExposureStats {
  if (sums.count === 0) return { exposure: null, averageGrossExposure: null };
  let average: number | null = sums.numeric ? sums.grossSum / sums.count : null;
  if (sums.unbounded >= 0) {
    warn?.('averageGrossExposure', `the equity is 0 at mark ${sums.unbounded} (or negative) while a position is held: its gross exposure / equity is undefined there`);
    average = null;
  }
  return { exposure: sums.inMarket / sums.count, averageGrossExposure: average };
}

/**
 * Sum of |fill notional| over both sides, divided by the average equity: buying the whole
 * account and selling it again is a turnover of 2. Null (warned) when the average equity is not
 * positive: a ruined account has no capital to turn over.
 */
export function turnover(fills: readonly Fill[], averageEquity: number, warn?: MetricWarn): number | null {
  let notional = 0;
  for (let i = 0; i < fills.length; i++) {
    const fill = fills[i]!;
    if (!Number.isFinite(fill.notional)) throw new RangeError(`fill ${i} (${fill.instrumentId}): notional ${fill.notional} is not finite`);
    notional += Math.abs(fill.notional);
  }
  if (!(averageEquity > 0)) {
    warn?.('turnover', `the mean equity of the run is ${averageEquity}, not positive: there is no capital to turn over`);
    return null;
  }
  return overflowToNull(notional / averageEquity, 'turnover', warn, `sum |notional| / mean equity = ${notional} / ${averageEquity}`);
}
