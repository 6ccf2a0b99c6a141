// Proves the returns-based metrics on tiny curves whose answers are worked out by hand in the
// comments, and that undefined metrics (too few returns, zero variance, no downside, a ruined
// account) come out as null, never NaN or Infinity.
import { describe, expect, it } from 'vitest';
import type { EquityCurve } from './types.ts';
import { annualisedVolatility, cagr, calmarRatio, sharpeRatio, simpleReturns, sortinoRatio, totalReturn } from './returns.ts';

const DAY_US = 86_400_000_000;
const T0 = 946_684_800_000_000; // 2000-01-01

function curve(startEquity: number, equity: number[], stepUs = DAY_US): EquityCurve {
  return { startTimeUs: T0, startEquity, timeUs: equity.map((_, i) => T0 + (i + 1) * stepUs), equity };
}

describe('returns', () => {
  it('takes the first return against the start equity', () => {
    const r = simpleReturns(curve(100, [110, 99]));
    expect(r).toHaveLength(2);
    expect(r?.[0]).toBeCloseTo(0.1, 15);
    expect(r?.[1]).toBeCloseTo(-0.1, 15);
    expect(totalReturn(curve(100, [110, 99]))).toBeCloseTo(-0.01, 15);
    expect(totalReturn(curve(100, []))).toBe(0);
  });

  it('computes CAGR over calendar years of 365.25 days', () => {
    // 100 -> 121 over two years is 10 % a year.
    const twoYears = curve(100, [121], 2 * 365.25 * DAY_US);
    expect(cagr(twoYears)).toBeCloseTo(0.1, 12);
    expect(cagr(curve(100, []))).toBeNull();
    expect(cagr(curve(100, [0]))).toBe(-1);
  });

  it('returns null for a CAGR that overflows a double', () => {
    // Doubling in one microsecond annualises to 2^(3.2e13).
    expect(cagr(curve(100, [200], 1))).toBeNull();
  });

  it('computes volatility, Sharpe and Sortino', () => {
    // r = [0.1, -0.1, 0.1]: mean 1/30, sample std sqrt(1/75), downside sqrt(0.01 / 3).
    const r = simpleReturns(curve(100, [110, 99, 108.9]));
    expect(annualisedVolatility(r, 4)).toBeCloseTo(Math.sqrt(1 / 75) * 2, 12);
    expect(sharpeRatio(r, 4)).toBeCloseTo(1 / Math.sqrt(3), 12); // (1/30) * sqrt(75) * 2
    expect(sortinoRatio(r, 4)).toBeCloseTo(2 / Math.sqrt(3), 12); // (1/30) / sqrt(1/300) * 2
  });

  it('subtracts the per-period risk-free rate from the mean', () => {
    const r = simpleReturns(curve(100, [110, 99, 108.9]));
    const rf = 1.1 ** (1 / 4) - 1;
    expect(sharpeRatio(r, 4, 0.1)).toBeCloseTo(((1 / 30 - rf) / Math.sqrt(1 / 75)) * 2, 12);
    expect(sortinoRatio(r, 4, 0.1)).toBeCloseTo(((1 / 30 - rf) / Math.sqrt(0.01 / 3)) * 2, 12);
  });

  it('gives null Sharpe and Sortino, and zero volatility, for a flat curve', () => {
    const r = simpleReturns(curve(100, [100, 100, 100]));
    expect(annualisedVolatility(r, 252)).toBe(0);
    expect(sharpeRatio(r, 252)).toBeNull();
    expect(sortinoRatio(r, 252)).toBeNull();
  });

  it('treats a constant growth rate as zero variance despite floating-point noise', () => {
    const equity = Array.from({ length: 50 }, (_, i) => 100 * 1.01 ** (i + 1));
    const r = simpleReturns(curve(100, equity));
    expect(annualisedVolatility(r, 252)).toBe(0);
    expect(sharpeRatio(r, 252)).toBeNull();
  });

  it('needs two returns for volatility and Sharpe, one for Sortino', () => {
    const one = simpleReturns(curve(100, [90]));
    expect(annualisedVolatility(one, 252)).toBeNull();
    expect(sharpeRatio(one, 252)).toBeNull();
    expect(sortinoRatio(one, 1)).toBeCloseTo(-1, 12); // mean -0.1 over downside 0.1
    expect(sortinoRatio(simpleReturns(curve(100, [])), 252)).toBeNull();
  });

  it('has no returns after the account is ruined', () => {
    const ruined = simpleReturns(curve(100, [50, 0, 10]));
    expect(ruined).toBeNull();
    expect(sharpeRatio(ruined, 252)).toBeNull();
    expect(annualisedVolatility(ruined, 252)).toBeNull();
  });

  it('divides CAGR by the drawdown for Calmar, null without a drawdown', () => {
    expect(calmarRatio(0.1, 0.25)).toBeCloseTo(0.4, 15);
    expect(calmarRatio(0.1, 0)).toBeNull();
    expect(calmarRatio(null, 0.2)).toBeNull();
  });
});
