// Proves that computeMetricsWithWarnings, which takes the curve's metrics from one pass over it
// (passOverCurve), gives the very doubles (Object.is, so bit for bit), the same warnings in the
// same order, and the same first error as the metrics composed one definition at a time, as
// compute.ts did before the pass: on random curves with losses, flat stretches, ruin, gross
// exposure at zero equity, NaN and broken times. Reports are compared byte for byte, so "close"
// would not do. fast-check prints the seed and path of any counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EquityCurve, Fill, MetricKey, MetricWarning, Metrics, MetricsInput, MetricsResult, RoundTrip } from './types.ts';
import { assertPeriodsPerYear } from './annualisation.ts';
import { computeMetricsWithWarnings } from './compute.ts';
import { curveByDefinition, exposureRatios, passOverCurve } from './curve-pass.ts';
import { drawdownStats } from './drawdown.ts';
import {
  annualisedVolatility, assertEquityCurve, cagr, calmarRatio, elapsedYears, endEquity, overflowToNull, returnMoments, ruinedMark, sharpeRatio, simpleReturns,
  sortinoRatio, totalReturn,
} from './returns.ts';
import { exposureFromSums, exposureStats, tradeStats, turnover } from './trades.ts';

const DAY_US = 86_400_000_000;

/** compute.ts before the pass, word for word: one loop per metric, over the definitions. */
function perDefinition(input: MetricsInput): MetricsResult {
  const { curve, periodsPerYear } = input;
  const riskFree = input.riskFreeRatePerYear ?? 0;
  assertEquityCurve(curve);
  assertPeriodsPerYear(periodsPerYear);
  const warnings: MetricWarning[] = [];
  const warn = (metric: MetricKey, reason: string): void => { warnings.push({ metric, reason }); };
  const n = curve.equity.length;
  const returns = simpleReturns(curve);
  if (returns === null) {
    const i = ruinedMark(curve);
    const reason = `the equity is ${curve.equity[i]} at mark ${i} (time ${curve.timeUs[i]} us), not positive: the per-period returns after it are undefined`;
    for (const metric of ['volatility', 'sharpe', 'sortino'] as const) warn(metric, reason);
  }
  const moments = returnMoments(returns);
  const years = elapsedYears(curve);
  const growth = cagr(curve, warn);
  const dd = drawdownStats(curve);
  const calmar = calmarRatio(growth, dd.maxDrawdown, warn);
  if (growth === null && years > 0 && dd.maxDrawdown > 0) warn('calmar', 'cagr could not be computed');
  const trades = tradeStats(input.trades ?? [], warn);
  const series = input.grossExposure === undefined ? input.exposure : harnessRatios(curve.equity, input.grossExposure);
  const exposure = series === undefined ? { exposure: null, averageGrossExposure: null } : exposureStats(series, n, warn);
  let durationUs: number | null = dd.longestDurationUs;
  if (!Number.isSafeInteger(durationUs)) {
    warn('maxDrawdownDurationUs', `the longest drawdown lasted ${dd.longestDurationDays} days, beyond 2^53 microseconds (about 285 years), so it is no exact integer; maxDrawdownDurationDays carries it`);
    durationUs = null;
  }
  let turnoverTotal: number | null = null;
  let turnoverYearly: number | null = null;
  if (input.fills !== undefined && input.fills.length > 0) {
    turnoverTotal = turnover(input.fills, averageEquity(curve.startEquity, curve.equity), warn);
    if (turnoverTotal === null) warn('turnoverAnnualised', 'turnover could not be computed');
    else if (years > 0) turnoverYearly = overflowToNull(turnoverTotal / years, 'turnoverAnnualised', warn, `turnover / elapsedYears = ${turnoverTotal} / ${years}`);
  }
  const metrics: Metrics = {
    periodsPerYear,
    riskFreeRatePerYear: riskFree,
    sampleCount: n,
    startEquity: curve.startEquity,
    endEquity: endEquity(curve),
    elapsedYears: years,
    totalReturn: totalReturn(curve),
    cagr: growth,
    volatility: annualisedVolatility(returns, periodsPerYear, warn, moments),
    sharpe: sharpeRatio(returns, periodsPerYear, riskFree, warn, moments),
    sortino: sortinoRatio(returns, periodsPerYear, riskFree, warn, moments),
    calmar,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownPeakTimeUs: dd.peakTimeUs,
    maxDrawdownTroughTimeUs: dd.troughTimeUs,
    maxDrawdownRecoveryTimeUs: dd.recoveryTimeUs,
    maxDrawdownDurationUs: durationUs,
    maxDrawdownDurationDays: dd.longestDurationDays,
    maxDrawdownDurationBars: dd.longestDurationBars,
    ...trades,
    ...exposure,
    turnover: turnoverTotal,
    turnoverAnnualised: turnoverYearly,
  };
  return { metrics, warnings };
}

function averageEquity(start: number, equity: ArrayLike<number>): number {
  let sum = start;
  for (let i = 0; i < equity.length; i++) sum += equity[i] as number;
  return sum / (equity.length + 1);
}

/** The ratio series harness/scenario/run.ts built before the pass took gross exposure in money. */
function harnessRatios(equity: ArrayLike<number>, gross: ArrayLike<number>): Float64Array {
  const ratio = new Float64Array(equity.length);
  for (let i = 0; i < equity.length; i++) {
    const g = gross[i] as number;
    if (g !== 0) ratio[i] = (equity[i] as number) > 0 ? g / (equity[i] as number) : Number.POSITIVE_INFINITY;
  }
  return ratio;
}

type Outcome = { readonly result: MetricsResult } | { readonly error: string };

function outcome(f: () => MetricsResult): Outcome {
  try {
    return { result: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Equal as reports are: every number the same double (Object.is tells 0 from -0), warnings in order. */
function expectIdentical(actual: Outcome, expected: Outcome): void {
  if ('error' in expected || 'error' in actual) {
    expect(actual).toEqual(expected);
    return;
  }
  const a = actual.result.metrics as unknown as Record<string, unknown>;
  const b = expected.result.metrics as unknown as Record<string, unknown>;
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const key of Object.keys(b)) {
    if (!Object.is(a[key], b[key])) expect.fail(`${key}: ${String(a[key])} from the pass, ${String(b[key])} by definition`);
  }
  expect(actual.result.warnings).toEqual(expected.result.warnings);
}

/** Every number in `actual` is the very double in `expected` (nested objects too); nulls alike. */
function expectSameDoubles(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectSameDoubles((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if (!Object.is(actual, expected)) {
    expect.fail(`${path}: ${String(actual)} from the pass, ${String(expected)} by definition`);
  }
}

/**
 * A mark: its move (a gain or loss, exactly flat so a peak is touched again, and with `rare` to
 * zero or below: ruin), the gap in days since the last (with `rare` 0, times not increasing, or
 * about 36 million years, past safe integers) and gross exposure in money (flat as 0 or -0, a
 * position of either sign, and with `rare` unbounded or NaN, a bug upstream).
 */
function markArbOf(rare: boolean) {
  const r = rare ? 1 : 0;
  const some = <T,>(weight: number, arbitrary: fc.Arbitrary<T>) => (weight > 0 ? [{ weight, arbitrary }] : []);
  return fc.record({
    factor: fc.oneof(
      { weight: 12, arbitrary: fc.double({ min: 0.5, max: 1.5, noNaN: true }) },
      { weight: 3, arbitrary: fc.constant(1) },
      ...some(r, fc.constant(0)),
      ...some(r, fc.double({ min: -2, max: -0.01, noNaN: true })),
    ),
    gap: fc.oneof(
      { weight: 30, arbitrary: fc.integer({ min: 1, max: 4 }).map((d) => d * DAY_US) },
      ...some(r, fc.constant(0)),
      ...some(r, fc.constant(2 ** 50)),
    ),
    gross: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(0, -0) },
      { weight: 10, arbitrary: fc.double({ min: -1e7, max: 1e7, noNaN: true }) },
      ...some(r, fc.constant(Number.POSITIVE_INFINITY)),
      ...some(r, fc.constant(Number.NaN)),
    ),
  });
}

/** Inputs with rare marks (and now and then a NaN or infinite equity) in half of them, healthy curves in the other. */
const inputArb = fc
  .boolean()
  .chain((rare) => fc.record({
    start: fc.double({ min: 1e-3, max: 1e9, noNaN: true }),
    startTimeUs: fc.constantFrom(0, 946_684_800_000_000),
    marks: fc.array(markArbOf(rare), { maxLength: 80 }),
    brokenEquity: rare ? fc.option(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY), { freq: 20 }) : fc.constant(null),
    periodsPerYear: fc.constantFrom(252, 8766, 1, 31_557_600),
    riskFree: fc.option(fc.double({ min: 0, max: 0.2, noNaN: true }), { nil: undefined }),
    pnls: fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 10 }),
    notionals: fc.option(fc.array(fc.double({ min: -1e7, max: 1e7, noNaN: true }), { maxLength: 10 }), { nil: undefined }),
    exposureForm: fc.constantFrom('money', 'ratio', 'none'),
  }))
  .map((x) => {
    const timeUs: number[] = [];
    const equity: number[] = [];
    const gross: number[] = [];
    let t = x.startTimeUs;
    let e = x.start;
    for (const m of x.marks) {
      t += m.gap;
      e *= m.factor;
      timeUs.push(t);
      equity.push(e);
      gross.push(m.gross);
    }
    if (x.brokenEquity !== null && equity.length > 0) equity[equity.length >> 1] = x.brokenEquity;
    const curve: EquityCurve = { startTimeUs: x.startTimeUs, startEquity: x.start, timeUs: Float64Array.from(timeUs), equity: Float64Array.from(equity) };
    const trades: RoundTrip[] = x.pnls.map((pnl, i) => ({
      instrumentId: 'X', side: 'long', entryTimeUs: i, exitTimeUs: i + 1, quantity: 1, entryPrice: 1, exitPrice: 1, pnl, fees: 0,
    }));
    const fills: Fill[] | undefined = x.notionals?.map((notional, i) => ({ timeUs: i, instrumentId: 'X', side: 'buy', quantity: 1, price: 1, fee: 0, notional }));
    const input: MetricsInput = {
      curve, periodsPerYear: x.periodsPerYear, trades,
      ...(x.riskFree === undefined ? {} : { riskFreeRatePerYear: x.riskFree }),
      ...(fills === undefined ? {} : { fills }),
      ...(x.exposureForm === 'money' ? { grossExposure: Float64Array.from(gross) } : {}),
      ...(x.exposureForm === 'ratio' ? { exposure: harnessRatios(curve.equity, gross) } : {}),
    };
    return input;
  });

describe('computeMetricsWithWarnings from one pass over the curve', () => {
  it('gives every metric, warning and error that the definitions give one at a time', () => {
    fc.assert(fc.property(inputArb, (input) => {
      expectIdentical(outcome(() => computeMetricsWithWarnings(input)), outcome(() => perDefinition(input)));
    }), { numRuns: 2000 });
  });

  it('covers what the property means to: ruin, a drawdown that recovers, unbounded exposure, broken inputs', () => {
    // Without these the property above could pass on curves that never reach the pass's branches.
    const seen = new Set<string>();
    fc.assert(fc.property(inputArb, (input) => {
      const o = outcome(() => computeMetricsWithWarnings(input));
      if ('error' in o) {
        seen.add(o.error.includes('NaN is not a number') ? 'nan exposure' : 'broken curve');
        return;
      }
      const { metrics, warnings } = o.result;
      if (warnings.some((w) => w.metric === 'sortino')) seen.add('ruin');
      if (metrics.maxDrawdownRecoveryTimeUs !== null) seen.add('recovered');
      if (warnings.some((w) => w.metric === 'averageGrossExposure')) seen.add('unbounded exposure');
      if (metrics.sortino !== null && metrics.sharpe !== null) seen.add('ratios');
    }), { numRuns: 2000 });
    expect([...seen].sort()).toEqual(['broken curve', 'nan exposure', 'ratios', 'recovered', 'ruin', 'unbounded exposure']);
  });

  it('takes from the pass what the definitions give, bit for bit, whenever the pass takes the curve', () => {
    // The pass leaves some curves to the definitions (null); on the others it must agree with them.
    let taken = 0;
    let runs = 0;
    fc.assert(fc.property(inputArb, (input) => {
      runs++;
      const fast = passOverCurve(input.curve, input.grossExposure ?? null);
      if (fast === null) return;
      taken++;
      expectSameDoubles(fast.curve, curveByDefinition(input.curve));
      if (input.grossExposure !== undefined) {
        const ratios = exposureRatios(input.curve.equity, input.grossExposure);
        expect(exposureFromSums(fast.exposure!)).toEqual(exposureStats(ratios, ratios.length));
      }
    }), { numRuns: 1000 });
    // Half the inputs are healthy curves: the pass must take at least those.
    expect(taken).toBeGreaterThan(runs / 2);
  });

  it('refuses gross exposure of another length, and both forms at once', () => {
    const curve: EquityCurve = { startTimeUs: 0, startEquity: 100, timeUs: [1, 2], equity: [100, 101] };
    expect(passOverCurve(curve, [0])).toBeNull();
    expect(() => computeMetricsWithWarnings({ curve, periodsPerYear: 252, grossExposure: [0] })).toThrow(/1 values for 2 equity marks/);
    expect(() => computeMetricsWithWarnings({ curve, periodsPerYear: 252, exposure: [0, 0], grossExposure: [0, 0] })).toThrow(/give one/);
  });

  it('takes gross exposure in money as its ratio to equity, Infinity at zero equity with a position', () => {
    // By hand: ratios 0 (flat), 50/100, 0 (flat), Infinity (equity 0, a position held): 2 of 4
    // marks in the market; the Infinity leaves the average undefined, with a warning.
    const curve: EquityCurve = { startTimeUs: 0, startEquity: 100, timeUs: [1, 2, 3, 4], equity: [100, 100, 50, 0] };
    const { metrics, warnings } = computeMetricsWithWarnings({ curve, periodsPerYear: 252, grossExposure: [0, 50, 0, 10] });
    expect(metrics.exposure).toBe(0.5);
    expect(metrics.averageGrossExposure).toBeNull();
    expect(warnings.map((w) => w.metric)).toEqual(['averageGrossExposure']);
    const bounded = computeMetricsWithWarnings({ curve: { ...curve, equity: [100, 100, 50, 25] }, periodsPerYear: 252, grossExposure: [0, 50, 0, 10] });
    expect(bounded.metrics.averageGrossExposure).toBe((0.5 + 0.4) / 4);
  });
});
