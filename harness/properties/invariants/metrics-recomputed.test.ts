// Proves metricsRecomputed: its recomputation gives the figures of a small run worked out by hand
// in this file; every built-in scenario's report agrees with it (no violation, reached); and it has
// teeth: each deliberately broken metric of teeth/broken-metrics.ts, applied to a real run's report
// directly or through runScenario's metrics hook, is reported, naming the broken metric.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunContext } from '../../../engine/index.ts';
import { discoverScenarioFiles } from '../../scenario/discover.ts';
import { loadScenarioFile, type LoadedScenario } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';
import type { OnlineInvariant, RunEnd } from '../property.ts';
import { BROKEN_METRICS } from '../teeth/broken-metrics.ts';
import { metricsRecomputed } from './metrics-recomputed.ts';
import { recomputeMetrics } from './recompute-metrics.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DAY_US = 86_400_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;
const at = (days: number): number => T0 + days * DAY_US;
/** What finish needs of a context outside a run: where the journal stands. */
const NO_RUN = { journal: { records: 0 } } as unknown as RunContext;

function load(file: string): LoadedScenario {
  const r = loadScenarioFile(file, root);
  if (!r.ok) throw new Error(`${file} is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.loaded;
}

function check(end: RunEnd): OnlineInvariant {
  const inv = metricsRecomputed({} as never);
  inv.finish!(NO_RUN, end);
  return inv;
}

/**
 * Five daily marks from 1000: up to a peak of 1100, down to 990 (10 % below it), a recovery to a new
 * peak of 1210 three days after the first, then 1150, never recovered. Five round trips: a long
 * won 18 net (20 - 2 fees); a short on a multiplier-2 contract lost 11 net (-10 - 1); a partial
 * close lost 2.4 net (-2 - 0.2 of the entry fee - 0.2), with 2 still held; a fill through zero
 * closed a long of 3 for 2.4 net (3 - 0.3 - 0.3, its fee split 3:2) and opened a short of 2 that
 * won 1.6 net (2 - 0.2 - 0.2).
 */
function handMadeRun(metrics: Record<string, number | null> = {}, closeAll = false): RunEnd {
  const fill = (day: number, instrument: string, side: 'buy' | 'sell', quantity: number, price: number, fee: number, multiplier = 1) =>
    ({ timeUs: at(day), instrument, side, quantity, price, fee, notional: quantity * price * multiplier, clientOrderId: `o${day}${instrument}${side}` });
  return {
    startCash: 1000, moneyDecimals: 2, startTimeUs: T0, metrics,
    equity: {
      timeUs: Float64Array.from([1, 2, 3, 4, 5], at),
      equity: Float64Array.from([1100, 990, 1045, 1210, 1150]),
      grossExposure: Float64Array.from([120, 0, 210, 250, 18]),
    },
    fills: [
      fill(1, 'X', 'buy', 10, 10, 1), fill(2, 'X', 'sell', 10, 12, 1),
      fill(3, 'Y', 'sell', 5, 20, 0.5, 2), fill(4, 'Y', 'buy', 5, 21, 0.5, 2),
      fill(1, 'Z', 'buy', 3, 10, 0.3), fill(2, 'Z', 'sell', 5, 11, 0.5), fill(3, 'Z', 'buy', 2, 10, 0.2),
      ...(closeAll ? [] : [fill(4, 'X', 'buy', 4, 10, 0.4), fill(5, 'X', 'sell', 2, 9, 0.2)]),
    ],
    multipliers: { X: 1, Y: 2 }, periodsPerYear: 252, riskFreeRatePerYear: 0, final: { equity: 1150, fees: closeAll ? 4 : 4.6 }, journalRecords: 0,
  };
}

describe('the recomputation', () => {
  const figures = new Map(recomputeMetrics(handMadeRun()).map((r) => [r.metric, r.value]));

  it('measures the curve and its drawdowns as worked out by hand', () => {
    expect(figures.get('sampleCount')).toBe(5);
    expect(figures.get('totalReturn')).toBeCloseTo(0.15, 12);
    expect(figures.get('elapsedYears')).toBeCloseTo(5 / 365.25, 12);
    expect(figures.get('cagr')).toBeCloseTo(1.15 ** (365.25 / 5) - 1, 9);
    expect(figures.get('maxDrawdown')).toBeCloseTo(0.1, 12);
    expect(figures.get('maxDrawdownPeakTimeUs')).toBe(at(1));
    expect(figures.get('maxDrawdownTroughTimeUs')).toBe(at(2));
    expect(figures.get('maxDrawdownRecoveryTimeUs')).toBe(at(4));
    expect(figures.get('maxDrawdownDurationUs')).toBe(3 * DAY_US);
    expect(figures.get('maxDrawdownDurationDays')).toBe(3);
    expect(figures.get('maxDrawdownDurationBars')).toBe(3);
    expect(figures.get('exposure')).toBe(0.8);
    expect(figures.get('averageGrossExposure')).toBeCloseTo((120 / 1100 + 210 / 1045 + 250 / 1210 + 18 / 1150) / 5, 12);
  });

  it('leaves the average gross exposure undefined where equity is 0 or below with a position held', () => {
    for (const bad of [0, -40]) {
      const run = handMadeRun();
      const equity = Float64Array.from(run.equity.equity);
      equity[2] = bad; // a position is held at that mark (gross 210)
      const recomputed = new Map(recomputeMetrics({ ...run, equity: { ...run.equity, equity } }).map((r) => [r.metric, r.value]));
      expect(recomputed.get('averageGrossExposure')).toBeNull();
    }
  });

  it('annualises the returns with the sample std, the downside over all periods', () => {
    const e = [1000, 1100, 990, 1045, 1210, 1150];
    const r = e.slice(1).map((x, i) => x / e[i]! - 1);
    const mean = r.reduce((a, b) => a + b, 0) / 5;
    const std = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 4);
    const downside = Math.sqrt(r.filter((x) => x < 0).reduce((a, x) => a + x * x, 0) / 5);
    expect(figures.get('volatility')).toBeCloseTo(std * Math.sqrt(252), 12);
    expect(figures.get('sharpe')).toBeCloseTo((mean / std) * Math.sqrt(252), 10);
    expect(figures.get('sortino')).toBeCloseTo((mean / downside) * Math.sqrt(252), 10);
  });

  it('pairs the fills into average-cost round trips net of fees, with multipliers', () => {
    expect(figures.get('tradeCount')).toBe(5);
    expect(figures.get('winningTrades')).toBe(3);
    expect(figures.get('losingTrades')).toBe(2);
    expect(figures.get('winRate')).toBeCloseTo(0.6, 15);
    expect(figures.get('grossProfit')).toBeCloseTo(22, 9);
    expect(figures.get('grossLoss')).toBeCloseTo(13.4, 9);
    expect(figures.get('profitFactor')).toBeCloseTo(22 / 13.4, 12);
    expect(figures.get('averageWin')).toBeCloseTo(22 / 3, 9);
    expect(figures.get('averageLoss')).toBeCloseTo(-6.7, 9);
    expect(figures.get('averageTradePnl')).toBeCloseTo(8.6 / 5, 9);
    expect(figures.get('fills')).toBe(9);
    expect(figures.get('fees')).toBeCloseTo(4.6, 12);
    const notional = 100 + 120 + 200 + 210 + 30 + 55 + 20 + 40 + 18;
    expect(figures.get('turnover')).toBeCloseTo(notional / ((1000 + 1100 + 990 + 1045 + 1210 + 1150) / 6), 12);
    expect(figures.get('finalEquity')).toBe(1150);
  });
});

describe('metricsRecomputed on a hand-made run', () => {
  // The report the recomputation agrees with, as plain figures (the hand-checked ones above).
  const agreed = Object.fromEntries(recomputeMetrics(handMadeRun()).map((r) => [r.metric, r.value]));

  it('holds for figures within tolerance and is reached', () => {
    const inv = check(handMadeRun({ ...agreed, sharpe: agreed['sharpe']! * (1 + 1e-12), fees: 4.6 + 0.004 }));
    expect(inv.violation()).toBeNull();
    expect(inv.reached()).toBe(true);
  });

  it('reports a ratio off by more than 1e-9, a count off by one, money off by a cent, a null on one side', () => {
    const broken = (m: Record<string, number | null>): string => check(handMadeRun({ ...agreed, ...m })).violation()?.message ?? 'held';
    expect(broken({ sharpe: agreed['sharpe']! * (1 + 1e-7) })).toMatch(/^sharpe reported .*, recomputed .* from 5 marks \(periodsPerYear 252\)/);
    expect(broken({ losingTrades: 1 })).toMatch(/^losingTrades reported 1, recomputed 2 from 9 fills \(5 round trips\)/);
    expect(broken({ grossLoss: 13.41 })).toMatch(/^grossLoss reported 13.41/);
    expect(broken({ sortino: null })).toMatch(/^sortino reported null, recomputed .*null on one side only/);
    expect(broken({ maxDrawdownRecoveryTimeUs: null })).toMatch(/^maxDrawdownRecoveryTimeUs reported null/);
    const { profitFactor: _omitted, ...missing } = agreed;
    expect(check(handMadeRun(missing)).violation()?.message).toMatch(/^profitFactor reported nothing/);
  });

  it('holds the final equity of a closed-out run to start cash plus the fills\' cash flows less fees', () => {
    // Every position closed: 1000 + 20 - 10 + 5 - 4 fees = 1011, whatever the ledger says.
    const closed = Object.fromEntries(recomputeMetrics(handMadeRun({}, true)).map((r) => [r.metric, r.value]));
    const tally = recomputeMetrics(handMadeRun({}, true)).filter((r) => r.metric === 'finalEquity').map((r) => r.value);
    expect(tally[0]).toBe(1150);
    expect(tally[1]).toBeCloseTo(1011, 9);
    const ledgerSays = { ...closed, finalEquity: 1150 };
    expect(check(handMadeRun(ledgerSays, true)).violation()?.message).toMatch(/^finalEquity reported 1150, recomputed 1011.* every position closed/);
  });
});

describe('metricsRecomputed on the built-in suite', () => {
  const files = discoverScenarioFiles(['scenarios'], root);

  it('finds every built-in scenario', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files.map((f) => [relative(root, f)]))('%s: the report agrees with the recomputation', async (file) => {
    const loaded = load(file);
    const run = await runScenario(loaded, { seed: loaded.scenario.seed, cwd: root, checkProperties: ['metricsRecomputed'] });
    const outcome = run.properties.find((p) => p.name === 'metricsRecomputed');
    expect(outcome?.violation ?? null, outcome?.violation?.message).toBeNull();
    expect(outcome?.reached).toBe(true);
  });
});

describe('metricsRecomputed has teeth', () => {
  // Daily bars (252 a year, so sqrt(365) is wrong), trades won and lost, a drawdown below a peak above the start.
  const file = 'scenarios/demo-sp500-ema-momentum.yaml';
  const broken = Object.entries(BROKEN_METRICS).map(([name, b]) => [name, b] as const);
  let end: RunEnd;
  let ctx: RunContext;

  beforeAll(async () => {
    const loaded = load(file);
    const capture: OnlineInvariant = {
      name: 'metricsRecomputed',
      finish: (c, e) => { ctx = c; end = e; },
      violation: () => null,
      reached: () => true,
    };
    await runScenario(loaded, { seed: loaded.scenario.seed, cwd: root, invariants: [capture] });
  });

  it.each(broken)('reports %s in a run\'s metrics', (_name, b) => {
    const metrics = b.rewrite(end.metrics, end);
    // The mistake changes the figure in this run (else the test would prove nothing).
    expect(metrics[b.metric]).not.toBeNull();
    expect(Math.abs(metrics[b.metric]! - end.metrics[b.metric]!)).toBeGreaterThan(1e-6 * Math.abs(end.metrics[b.metric]!));
    const inv = metricsRecomputed({} as never);
    inv.finish!(ctx, { ...end, metrics });
    const message = inv.violation()?.message ?? 'held';
    expect(message.startsWith(`${b.metric} reported ${metrics[b.metric]}, recomputed `), message).toBe(true);
    // What it recomputed is the report's own figure (to the tolerance), not the broken one.
    const recomputed = Number(/recomputed (\S+)/.exec(message)![1]);
    expect(Math.abs(recomputed - end.metrics[b.metric]!)).toBeLessThanOrEqual(1e-9 * Math.abs(recomputed));
    expect(inv.violation()?.timeUs).toBeNull();
    expect(inv.violation()?.records.length).toBeGreaterThan(0);
  });

  it.each(broken)('fails a report that runScenario computed with %s', async (_name, b) => {
    const loaded = load(file);
    const run = await runScenario(loaded, { seed: loaded.scenario.seed, cwd: root, checkProperties: ['metricsRecomputed'], models: { metrics: b.rewrite } });
    // The report carries the broken figure (gates would see it), and the invariant names it.
    expect(run.metrics[b.metric]).not.toBe(end.metrics[b.metric]);
    const outcome = run.properties.find((p) => p.name === 'metricsRecomputed');
    expect(outcome?.violation?.message).toMatch(new RegExp(`^${b.metric} reported `));
  });
});
