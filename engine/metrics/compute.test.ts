// Proves computeMetrics' contract: edge cases (no marks, a flat curve, zero variance) give null
// rather than NaN or Infinity; the object survives JSON and validates against MetricsSchema;
// every key has a definition; optional inputs are honoured; and a broken curve is refused.
import { describe, expect, it } from 'vitest';
import type { EquityCurve, MetricsInput } from './types.ts';
import { METRIC_DEFINITIONS, MetricsSchema, computeMetrics, computeMetricsWithWarnings } from './index.ts';

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
      maxDrawdownDurationUs: 0,
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

// A metric that cannot be computed is null with a warning naming it; one that is null by its
// definition (no trades, zero variance) gets none; every other metric is still computed.
describe('computeMetricsWithWarnings', () => {
  it('warns of nothing on an ordinary run, nor for nulls its definitions explain', () => {
    const { metrics, warnings } = computeMetricsWithWarnings({ curve: curve(100, [101, 102.01, 103.0301]), periodsPerYear: 252, trades: [] });
    expect(metrics.sharpe).toBeNull();
    expect(metrics.winRate).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('a drawdown longer than 2^53 us: the duration in us is null and warned, in days it is reported', () => {
    // 300 years of 365.25 days, in two marks: from 1700 (a safe negative time) to 2000.
    const start = -8_520_336_000_000_000; // 1700-01-01T00:00:00Z
    const spanUs = 300 * 365.25 * DAY_US;
    const c: EquityCurve = { startTimeUs: start - DAY_US, startEquity: 100, timeUs: [start, start + spanUs], equity: [100, 50] };
    expect(spanUs).toBeGreaterThan(2 ** 53);
    const { metrics, warnings } = computeMetricsWithWarnings({ curve: c, periodsPerYear: 1 });
    expect(metrics.maxDrawdownDurationUs).toBeNull();
    expect(metrics.maxDrawdownDurationDays).toBe(300 * 365.25);
    expect(metrics.maxDrawdownDurationBars).toBe(1);
    expect(metrics.maxDrawdown).toBe(0.5);
    expect(warnings).toEqual([{ metric: 'maxDrawdownDurationUs', reason: expect.stringContaining('109575 days') }]);
    expect(MetricsSchema.safeParse(metrics).success).toBe(true);
  });

  it('a run too short to annualise: cagr and calmar are null and warned', () => {
    // Doubling, then halving to 150, in one-second bars: 2^(seconds per year) overflows.
    const c: EquityCurve = { startTimeUs: T0, startEquity: 100, timeUs: [T0 + 1e6, T0 + 2e6], equity: [200, 150] };
    const { metrics, warnings } = computeMetricsWithWarnings({ curve: c, periodsPerYear: 31_557_600 });
    expect(metrics).toMatchObject({ cagr: null, calmar: null, totalReturn: 0.5, maxDrawdown: 0.25 });
    expect(warnings.map((w) => w.metric)).toEqual(['cagr', 'calmar']);
  });

  it('a ruined account: volatility, Sharpe, Sortino and turnover are null and warned', () => {
    const fill = { timeUs: T0, instrumentId: 'X', side: 'buy' as const, quantity: 1, price: 100, fee: 0, notional: 100 };
    const { metrics, warnings } = computeMetricsWithWarnings({ curve: curve(100, [50, -300, 5]), periodsPerYear: 252, fills: [fill] });
    expect(metrics).toMatchObject({ volatility: null, sharpe: null, sortino: null, turnover: null, turnoverAnnualised: null, totalReturn: -0.95 });
    expect(warnings.map((w) => w.metric)).toEqual(['volatility', 'sharpe', 'sortino', 'turnover', 'turnoverAnnualised']);
    expect(warnings[0]!.reason).toContain('-300 at mark 1');
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
