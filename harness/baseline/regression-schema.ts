/**
 * A scenario's regression budgets (`regression:`): how far each metric may move against a
 * baseline report (`gauntlet run --baseline <file>`), in the metric's own units, and what a
 * changed fingerprint is. Checked only when a baseline is given; without one they are inert.
 */
import { z } from 'zod';
import { MetricsSchema } from '../../engine/index.ts';
import { HARNESS_METRICS } from '../gates/schema.ts';

/** Metrics a budget may name: every metric of the report. */
export const BUDGET_METRICS = [...HARNESS_METRICS, ...Object.keys(MetricsSchema.shape)] as [string, ...string[]];

export const BudgetSchema = z.strictObject({
  maxDrop: z.number().nonnegative().optional()
    .describe('The largest fall allowed below the baseline figure, in the metric\'s units (e.g. 0.1 of Sharpe, 500 of finalEquity).'),
  maxRise: z.number().nonnegative().optional()
    .describe('The largest rise allowed above the baseline figure, in the metric\'s units (e.g. 0.02 of maxDrawdown, a fraction).'),
}).superRefine((b, ctx) => {
  if (b.maxDrop === undefined && b.maxRise === undefined) ctx.addIssue({ code: 'custom', path: [], message: 'a budget needs maxDrop, maxRise or both' });
}).describe('How far a metric may move against the baseline. A metric null in one run and not the other breaks its budget.');

export const RegressionSchema = z.strictObject({
  budgets: z.partialRecord(z.enum(BUDGET_METRICS), BudgetSchema).default({})
    .describe('Per metric, how far it may move against the baseline, e.g. sharpe: { maxDrop: 0.1 }, maxDrawdown: { maxRise: 0.02 }.'),
  fingerprint: z.enum(['warn', 'fail']).default('warn')
    .describe('A fingerprint different from the baseline\'s (the run decided or saw something else): a warning in the reports (warn), or a failure of the scenario (fail).'),
}).describe('Regression budgets against a baseline report (`gauntlet run --baseline <file>`); inert without one. Latency budgets compare only against a calibration taken on the same machine, and none is measured yet.');
export type Regression = z.output<typeof RegressionSchema>;
