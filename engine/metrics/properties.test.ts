// Proves, over random curves (fast-check prints the seed and path of any counterexample), that
// scaling every equity by k > 0 leaves every returns-based metric unchanged, and that the
// per-period returns compound back to the total return.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EquityCurve } from './types.ts';
import { computeMetrics, simpleReturns } from './index.ts';

const DAY_US = 86_400_000_000;

/** Random positive curves: a start equity, then per-bar growth factors and gaps of 1..4 days. */
const curveArb = fc
  .record({
    start: fc.double({ min: 1, max: 1e6, noNaN: true }),
    steps: fc.array(fc.record({ factor: fc.double({ min: 0.5, max: 1.5, noNaN: true }), gapDays: fc.integer({ min: 1, max: 4 }) }), { maxLength: 60 }),
  })
  .map(({ start, steps }): EquityCurve => {
    const timeUs: number[] = [];
    const equity: number[] = [];
    let t = 0;
    let e = start;
    for (const s of steps) {
      t += s.gapDays * DAY_US;
      e *= s.factor;
      timeUs.push(t);
      equity.push(e);
    }
    return { startTimeUs: 0, startEquity: start, timeUs, equity };
  });

function closeOrBothNull(a: number | null, b: number | null): void {
  if (a === null || b === null) {
    expect(a).toBe(b);
    return;
  }
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
}

describe('metric properties', () => {
  it('are unchanged by scaling all equities by k', () => {
    fc.assert(
      fc.property(curveArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (curve, k) => {
        const scaled: EquityCurve = { ...curve, startEquity: curve.startEquity * k, equity: Array.from(curve.equity, (e) => e * k) };
        const a = computeMetrics({ curve, periodsPerYear: 252 });
        const b = computeMetrics({ curve: scaled, periodsPerYear: 252 });
        for (const key of ['totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'calmar', 'maxDrawdown'] as const) closeOrBothNull(a[key], b[key]);
        expect(b.maxDrawdownDurationUs).toBe(a.maxDrawdownDurationUs);
        expect(b.maxDrawdownDurationBars).toBe(a.maxDrawdownDurationBars);
      }),
    );
  });

  it('compound per-period returns to the total return', () => {
    fc.assert(
      fc.property(curveArb, (curve) => {
        const r = simpleReturns(curve) ?? [];
        const growth = Array.from(r).reduce((g, x) => g * (1 + x), 1);
        closeOrBothNull(growth - 1, computeMetrics({ curve, periodsPerYear: 252 }).totalReturn);
      }),
    );
  });
});
