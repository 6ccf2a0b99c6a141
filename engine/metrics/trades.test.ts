// Proves the trade statistics on a trade list with known win rate, profit factor and averages;
// how an unbounded profit factor serialises; and exposure and turnover on tiny inputs.
import { describe, expect, it } from 'vitest';
import type { Fill, RoundTrip } from './types.ts';
import { metricNumber } from './types.ts';
import { exposureStats, tradeStats, turnover } from './trades.ts';

function trade(pnl: number): RoundTrip {
  return { instrumentId: 'X', side: 'long', entryTimeUs: 0, exitTimeUs: 1, quantity: 1, entryPrice: 10, exitPrice: 10 + pnl, pnl, fees: 0 };
}

function fill(side: 'buy' | 'sell', notional: number): Fill {
  return { timeUs: 0, instrumentId: 'X', side, quantity: 1, price: notional, fee: 0, notional };
}

describe('tradeStats', () => {
  it('counts wins, losses and break-evens and averages them', () => {
    const s = tradeStats([100, -50, 30, 0, -25].map(trade));
    expect(s).toMatchObject({ tradeCount: 5, winningTrades: 2, losingTrades: 2, winRate: 0.4, grossProfit: 130, grossLoss: 75 });
    expect(s.profitFactor).toBeCloseTo(130 / 75, 15);
    expect(s.averageWin).toBe(65);
    expect(s.averageLoss).toBe(-37.5);
    expect(s.averageTradePnl).toBe(11); // (130 - 75) / 5
  });

  it('gives the string Infinity for a profit factor with no losing trade, and it survives JSON', () => {
    const s = tradeStats([10, 20].map(trade));
    expect(s.profitFactor).toBe('Infinity');
    expect(JSON.parse(JSON.stringify(s)).profitFactor).toBe('Infinity');
    expect(metricNumber(s.profitFactor)).toBe(Infinity);
    expect(s.averageLoss).toBeNull();
  });

  it('leaves ratios null with no trades, and the profit factor null when every trade broke even', () => {
    expect(tradeStats([])).toMatchObject({ tradeCount: 0, winRate: null, profitFactor: null, averageWin: null, averageLoss: null, averageTradePnl: null });
    expect(tradeStats([0, 0].map(trade))).toMatchObject({ winRate: 0, profitFactor: null });
    expect(tradeStats([-5].map(trade))).toMatchObject({ winRate: 0, profitFactor: 0 });
  });

  it('refuses a non-finite pnl', () => {
    expect(() => tradeStats([trade(NaN)])).toThrow(/pnl NaN/);
  });
});

describe('exposureStats', () => {
  it('counts marks in the market from flags', () => {
    expect(exposureStats([true, false, true, true], 4)).toEqual({ exposure: 0.75, averageGrossExposure: null });
  });

  it('counts non-zero gross exposure and averages its size', () => {
    const s = exposureStats(Float64Array.from([0, 0.5, -1.5, 0]), 4);
    expect(s.exposure).toBe(0.5);
    expect(s.averageGrossExposure).toBe(0.5);
  });

  it('a position held at zero equity (unbounded ratio) is in the market; the average is null and warned', () => {
    const warnings: string[] = [];
    const s = exposureStats(Float64Array.from([0, 0.5, Infinity, 0]), 4, (metric, reason) => warnings.push(`${metric}: ${reason}`));
    expect(s).toEqual({ exposure: 0.5, averageGrossExposure: null });
    expect(warnings).toEqual([expect.stringMatching(/^averageGrossExposure: the equity is 0 at mark 2/)]);
    expect(() => exposureStats([NaN], 1)).toThrow(/not a number/);
  });

  it('needs one value per mark', () => {
    expect(() => exposureStats([true], 2)).toThrow(/one per mark/);
    expect(exposureStats([], 0)).toEqual({ exposure: null, averageGrossExposure: null });
  });
});

describe('turnover', () => {
  it('sums both sides over the average equity', () => {
    expect(turnover([fill('buy', 10_000), fill('sell', 11_000)], 10_000)).toBeCloseTo(2.1, 15);
    expect(turnover([], 10_000)).toBe(0);
    expect(turnover([fill('buy', 1)], 0)).toBeNull();
  });
});
