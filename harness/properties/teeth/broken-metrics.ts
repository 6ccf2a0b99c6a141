/**
 * Deliberately broken metric computations: each recomputes one figure of a report the way a
 * plausible bug would (an annualiser hard-coded to 365, a population std, a drawdown from the
 * start rather than the running peak, ...) and puts it in place of the right one. Passed to
 * runScenario as `models.metrics`, they make a report that metricsRecomputed must fail: the proof
 * that the invariant has teeth. Each is written on its own, from the run's inputs only.
 */
import type { MetricsRewrite } from '../../scenario/run.ts';

type RunInputs = Parameters<MetricsRewrite>[1];

export interface BrokenMetric {
  /** The report key it breaks (the first metric the invariant must name). */
  readonly metric: string;
  /** The mistake, in one sentence. */
  readonly mistake: string;
  readonly rewrite: MetricsRewrite;
}

const YEAR_365_US = 365 * 86_400_000_000;

/** E0 and the per-period simple returns, the first against E0. */
function returns(inputs: RunInputs): { e0: number; r: number[] } {
  const e0 = inputs.startCash;
  const r: number[] = [];
  let prev = e0;
  for (const e of inputs.equity.equity) {
    r.push(e / prev - 1);
    prev = e;
  }
  return { e0, r };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sumSquaredDeviations(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0);
}

function riskFreePerPeriod(inputs: RunInputs): number {
  return (1 + inputs.riskFreeRatePerYear) ** (1 / (inputs.periodsPerYear ?? 1)) - 1;
}

/** Replaces one metric; a metric the report has as null stays null (there was nothing to break). */
function replace(metrics: Readonly<Record<string, number | null>>, key: string, value: () => number): Record<string, number | null> {
  return { ...metrics, [key]: metrics[key] === null ? null : value() };
}

export const BROKEN_METRICS = {
  sharpeAnnualisedWith365: {
    metric: 'sharpe',
    mistake: 'Sharpe annualised with sqrt(365), whatever the periods per year',
    rewrite: (m, inputs) => replace(m, 'sharpe', () => {
      const { r } = returns(inputs);
      return ((mean(r) - riskFreePerPeriod(inputs)) / Math.sqrt(sumSquaredDeviations(r) / (r.length - 1))) * Math.sqrt(365);
    }),
  },
  volatilityPopulationStd: {
    metric: 'volatility',
    mistake: 'volatility from the population standard deviation (n) instead of the sample one (n - 1)',
    rewrite: (m, inputs) => replace(m, 'volatility', () => {
      const { r } = returns(inputs);
      return Math.sqrt(sumSquaredDeviations(r) / r.length) * Math.sqrt(inputs.periodsPerYear ?? 1);
    }),
  },
  maxDrawdownFromStart: {
    metric: 'maxDrawdown',
    mistake: 'max drawdown measured from the start equity instead of the running peak',
    rewrite: (m, inputs) => replace(m, 'maxDrawdown', () => {
      const e0 = inputs.startCash;
      let worst = 0;
      for (const e of inputs.equity.equity) worst = Math.max(worst, (e0 - e) / e0);
      return worst;
    }),
  },
  sortinoDownsideOfLosingPeriods: {
    metric: 'sortino',
    mistake: 'Sortino with the downside deviation averaged over the losing periods only, not all of them',
    rewrite: (m, inputs) => replace(m, 'sortino', () => {
      const { r } = returns(inputs);
      const losing = r.filter((x) => x < 0);
      const downside = Math.sqrt(losing.reduce((a, x) => a + x * x, 0) / losing.length);
      return ((mean(r) - riskFreePerPeriod(inputs)) / downside) * Math.sqrt(inputs.periodsPerYear ?? 1);
    }),
  },
  cagrYearOf365Days: {
    metric: 'cagr',
    mistake: 'CAGR over years of 365 days instead of 365.25',
    rewrite: (m, inputs) => replace(m, 'cagr', () => {
      const { timeUs, equity } = inputs.equity;
      const years = (timeUs[timeUs.length - 1]! - inputs.startTimeUs) / YEAR_365_US;
      return (equity[equity.length - 1]! / inputs.startCash) ** (1 / years) - 1;
    }),
  },
  averageLossUnsigned: {
    metric: 'averageLoss',
    mistake: 'average loss reported as a positive amount (gross loss / losing trades), not the mean pnl of a losing trade',
    rewrite: (m) => replace(m, 'averageLoss', () => (m['grossLoss'] ?? 0) / (m['losingTrades'] ?? 1)),
  },
} as const satisfies Readonly<Record<string, BrokenMetric>>;

export type BrokenMetricName = keyof typeof BROKEN_METRICS;
