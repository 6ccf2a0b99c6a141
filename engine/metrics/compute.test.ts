// Proves computeMetrics' contract: edge cases (no marks, a flat curve, zero variance) give null
// rather than NaN or Infinity; the object survives JSON and validates against MetricsSchema;
// every key has a definition; optional inputs are honoured; and a broken curve is refused.
import { describe, expect, it } from 'vitest';
import type { EquityCurve, MetricsInput } from './types.ts';
import { METRIC_DEFINITIONS, MetricsSchema, computeMetrics } from './index.ts';

const DAY_US = 86_400_000_000;
const T0 = 946_684_800_000_000; // 2000-01-01

function curve(startEquity: number, equity: number[]): EquityCurve {
  return { startTimeUs: T0, startEquity, timeUs: equity.map((_, i) => T0 + (i + 1) * DAY_US), equity };
}

function expectJsonSafe(input: MetricsInput): void {
  const m = computeMetrics(input);
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  expect(MetricsSchema.safeParse(m).success).toBe(true);
  for (const v of Object.values(m)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
}

describe('computeMetrics', () => {
  it('handles a curve with no marks', () => {
    const m = computeMetrics({ curve: curve(1000, []), periodsPerYear: 252 });
    expect(m).toMatchObject({
      sampleCount: 0,
      endEquity: 1000,
      elapsedYears: 0,
      totalReturn: 0,
      cagr: null,
      volatility: null,
      sharpe: null,
      sortino: null,
      calmar: null,
      maxDrawdown: 0,
      maxDrawdownDurationUs: 0, maxDrawdownDurationDays: 0,
      tradeCount: 0,
      winRate: null,
      exposure: null,
      turnover: null,
    });
    expectJsonSafe({ curve: curve(1000, []), periodsPerYear: 252, fills: [], exposure: [] });
  });

  it('handles a flat curve: zero return and volatility, null ratios', () => {
    const input = { curve: curve(1000, [1000, 1000, 1000]), periodsPerYear: 252 };
    expect(computeMetrics(input)).toMatchObject({ totalReturn: 0, cagr: 0, volatility: 0, sharpe: null, sortino: null, calmar: null, maxDrawdown: 0 });
    expectJsonSafe(input);
  });

  it('handles a rising curve with zero variance: no Sharpe, no Sortino, no Calmar', () => {
    const input = { curve: curve(100, [101, 102.01, 103.0301]), periodsPerYear: 252 };
    const m = computeMetrics(input);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.cagr).toBeGreaterThan(0);
    expectJsonSafe(input);
  });

  it('handles a ruined account', () => {
    const input = { curve: curve(100, [50, -10, 5]), periodsPerYear: 252 };
    expect(computeMetrics(input)).toMatchObject({ totalReturn: -0.95, sharpe: null, volatility: null, maxDrawdown: 1.1 });
    expectJsonSafe(input);
  });

  it('wires trades, exposure and fills through', () => {
    const trade = { instrumentId: 'X', side: 'long' as const, entryTimeUs: T0, exitTimeUs: T0 + DAY_US, quantity: 1, entryPrice: 1, exitPrice: 2, pnl: 1, fees: 0 };
    const fill = { timeUs: T0, instrumentId: 'X', side: 'buy' as const, quantity: 1, price: 100, fee: 0, notional: 100 };
    const input = { curve: curve(100, [100, 100, 100]), periodsPerYear: 252, trades: [trade], fills: [fill, { ...fill, side: 'sell' as const }], exposure: [true, false, false] };
    const m = computeMetrics(input);
    expect(m).toMatchObject({ tradeCount: 1, winRate: 1, profitFactor: 'Infinity', exposure: 1 / 3, turnover: 2 });
    expect(m.turnoverAnnualised).toBeCloseTo(2 / (3 / 365.25), 12);
    expectJsonSafe(input);
  });

  it('refuses a curve that breaks its contract', () => {
    const bad: EquityCurve[] = [
      { startTimeUs: T0, startEquity: 100, timeUs: [T0], equity: [100] }, // a mark at the start time
      { startTimeUs: T0, startEquity: 100, timeUs: [T0 + 2, T0 + 1], equity: [1, 1] },
      { startTimeUs: T0, startEquity: 100, timeUs: [T0 + 1], equity: [] },
      { startTimeUs: T0, startEquity: 0, timeUs: [], equity: [] },
      { startTimeUs: T0, startEquity: 100, timeUs: [T0 + 1], equity: [NaN] },
      { startTimeUs: 0.5, startEquity: 100, timeUs: [], equity: [] },
    ];
    for (const c of bad) expect(() => computeMetrics({ curve: c, periodsPerYear: 252 })).toThrow(RangeError);
    expect(() => computeMetrics({ curve: curve(100, []), periodsPerYear: 0 })).toThrow(RangeError);
  });
});

describe('METRIC_DEFINITIONS and MetricsSchema', () => {
  it('define every metric key, in one to three sentences', () => {
    const keys = Object.keys(computeMetrics({ curve: curve(100, [101]), periodsPerYear: 252 })).sort();
    expect(Object.keys(METRIC_DEFINITIONS).sort()).toEqual(keys);
    expect(Object.keys(MetricsSchema.shape).sort()).toEqual(keys);
    for (const text of Object.values(METRIC_DEFINITIONS)) {
      const sentences = text.split(/(?<=\.)\s+(?=[A-Z(])/).length;
      expect(sentences).toBeGreaterThanOrEqual(1);
      expect(sentences).toBeLessThanOrEqual(3);
    }
  });

  it('rejects NaN, Infinity and unknown keys', () => {
    const m = computeMetrics({ curve: curve(100, [101, 99]), periodsPerYear: 252 });
    expect(MetricsSchema.safeParse({ ...m, sharpe: NaN }).success).toBe(false);
    expect(MetricsSchema.safeParse({ ...m, profitFactor: Infinity }).success).toBe(false);
    expect(MetricsSchema.safeParse({ ...m, extra: 1 }).success).toBe(false);
  });
});

describe('computeMetrics on spans longer than exact microseconds reach', () => {
  it('gives a drawdown of 320 years in days, and null (not an unsafe integer) in microseconds', () => {
    // Marks from 1700 to 2020 (negative epoch times are exact), falling all the way.
    const startUs = Date.UTC(1700, 0, 1) * 1000;
    const stepUs = 365 * 86_400_000_000;
    const timeUs = Float64Array.from({ length: 321 }, (_, i) => startUs + i * stepUs);
    const equity = Float64Array.from({ length: 321 }, (_, i) => 1000 - i);
    const m = computeMetrics({ curve: { startTimeUs: startUs - stepUs, startEquity: 1001, timeUs, equity }, periodsPerYear: 1 });
    expect(m.maxDrawdownDurationUs).toBeNull();
    expect(m.maxDrawdownDurationDays).toBe(321 * 365);
    expect(m.maxDrawdownDurationBars).toBe(321);
    expect(MetricsSchema.safeParse(m).success).toBe(true);
  });
});
