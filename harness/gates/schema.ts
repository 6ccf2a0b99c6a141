/**
 * Gates: what a scenario must achieve to pass. Today a gate is a metric threshold (min, max or
 * both) on any metric of the report. Later gate kinds (invariants, latency budgets, regression
 * budgets against a baseline) will be told apart by their own key in place of `metric`
 * (`latency:`, `invariant:`, `baseline:`), so existing files keep their meaning.
 */
import { z } from 'zod';
import { MetricsSchema } from '../../engine/index.ts';

/** Metrics the harness adds to the engine's (see HARNESS_METRIC_DEFINITIONS). */
export const HARNESS_METRICS = ['finalEquity', 'trades', 'fills', 'fees', 'dataWarnings'] as const;
export type HarnessMetric = (typeof HARNESS_METRICS)[number];

export const HARNESS_METRIC_DEFINITIONS: Readonly<Record<HarnessMetric, string>> = {
  finalEquity: 'Equity at the end of the run in account currency: cash + market value of cash instruments + unrealized PnL of futures.',
  trades: 'Closed round trips (the same count as tradeCount).',
  fills: 'Number of fills (executions), buys and sells.',
  fees: 'Total fees paid, in account currency.',
  dataWarnings: 'Bad market data rows skipped or repaired under the declared bad-row policy.',
};

/** Every metric a gate may name: the engine's metrics (new ones appear here by themselves) and the harness's. */
export const GATE_METRICS = [...HARNESS_METRICS, ...Object.keys(MetricsSchema.shape)] as [string, ...string[]];

export const MetricGateSchema = z.strictObject({
  metric: z.enum(GATE_METRICS).describe('The metric the gate checks, e.g. maxDrawdown, sharpe, tradeCount, finalEquity (see the report README for definitions).'),
  min: z.number().optional().describe('The gate fails when the metric is below this value.'),
  max: z.number().optional().describe('The gate fails when the metric is above this value.'),
  name: z.string().min(1).max(200).optional().describe('Name shown in reports and JUnit (default: the metric and its bounds, e.g. "maxDrawdown <= 0.25"). Unique within a scenario.'),
}).superRefine((g, ctx) => {
  if (g.min === undefined && g.max === undefined) ctx.addIssue({ code: 'custom', path: [], message: 'a gate needs min, max or both' });
  if (g.min !== undefined && g.max !== undefined && g.min > g.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${g.min} is above max ${g.max}` });
}).describe('A metric threshold. A metric that is undefined for the run (null, e.g. Sharpe with no variance) fails the gate.');

export const GateSchema = MetricGateSchema;
export type GateConfig = z.output<typeof GateSchema>;

/** The name a gate is reported under. */
export function gateName(g: GateConfig): string {
  if (g.name !== undefined) return g.name;
  if (g.min !== undefined && g.max !== undefined) return g.min === g.max ? `${g.metric} == ${g.min}` : `${g.metric} in [${g.min}, ${g.max}]`;
  return g.min !== undefined ? `${g.metric} >= ${g.min}` : `${g.metric} <= ${g.max}`;
}
