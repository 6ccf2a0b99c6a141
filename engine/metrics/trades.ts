/**
 * Trade statistics (win rate, profit factor, average win and loss), exposure and turnover.
 */
import type { ExposureSeries, Fill, Metrics, ProfitFactor, RoundTrip } from './types.ts';
import { finiteOrNull } from './returns.ts';

/** The trade statistics of Metrics (types.ts is their one definition). */
export type TradeStats = Pick<Metrics, 'tradeCount' | 'winningTrades' | 'losingTrades' | 'winRate' | 'grossProfit' | 'grossLoss'
  | 'profitFactor' | 'averageWin' | 'averageLoss' | 'averageTradePnl'>;

/**
 * A trade wins when its net pnl is above 0 and loses when below; a break-even trade counts in
 * tradeCount (so in the win rate's denominator) but neither as a win nor a loss.
 */
export function tradeStats(trades: readonly RoundTrip[]): TradeStats {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  for (const [i, trade] of trades.entries()) {
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
  if (grossLoss > 0) profitFactor = finiteOrNull(grossProfit / grossLoss);
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

/** A mark is in the market when its flag is true or its gross exposure is not zero. */
export function exposureStats(series: ExposureSeries, sampleCount: number): ExposureStats {
  if (series.length !== sampleCount) {
    throw new RangeError(`exposure: ${series.length} values for ${sampleCount} equity marks (one per mark expected)`);
  }
  if (sampleCount === 0) return { exposure: null, averageGrossExposure: null };
  let inMarket = 0;
  let gross = 0;
  let numeric = false;
  for (let i = 0; i < sampleCount; i++) {
    const v = series[i];
    if (typeof v === 'boolean') {
      if (v) inMarket++;
      continue;
    }
    numeric = true;
    const x = v as number;
    if (!Number.isFinite(x)) throw new RangeError(`exposure[${i}] = ${x} is not finite`);
    if (x !== 0) inMarket++;
    gross += Math.abs(x);
  }
  return { exposure: inMarket / sampleCount, averageGrossExposure: numeric ? gross / sampleCount : null };
}

/**
 * Sum of |fill notional| over both sides, divided by the average equity: buying the whole
 * account and selling it again is a turnover of 2. Null when the average equity is not positive.
 */
export function turnover(fills: readonly Fill[], averageEquity: number): number | null {
  let notional = 0;
  for (const [i, fill] of fills.entries()) {
    if (!Number.isFinite(fill.notional)) throw new RangeError(`fill ${i} (${fill.instrumentId}): notional ${fill.notional} is not finite`);
    notional += Math.abs(fill.notional);
  }
  if (!(averageEquity > 0)) return null;
  return finiteOrNull(notional / averageEquity);
}
