/**
 * Gates: what a scenario must achieve to pass. Today a gate is a metric threshold (min, max or
 * both) on any metric of the report. Later gate kinds (invariants, latency budgets, regression
 * budgets against a baseline) will be told apart by their own key in place of `metric`
 * (`latency:`, `invariant:`, `baseline:`), so existing files keep their meaning.
 */
import { z } from 'zod';
import { MetricsSchema } from '../../engine/index.ts';
import { FAULT_KINDS } from '../chaos/faults/schema.ts';

/** Metrics the harness adds to the engine's (see HARNESS_METRIC_DEFINITIONS). */
export const HARNESS_METRICS = [
  'finalEquity', 'trades', 'fills', 'fees', 'dataWarnings', 'riskRejections', 'dailyLossHalts', 'killSwitchTrips',
  'providerRequests', 'providerFailures', 'providerRetries', 'providerFailovers', 'breakerOpens', 'payloadRejections', 'staleRejections', 'skewRejections',
  'breakerCloses', 'faultsApplied', 'ordersOnStaleData', 'requestsInRetryAfter', 'duplicateOrders',
] as const;
export type HarnessMetric = (typeof HARNESS_METRICS)[number];

export const HARNESS_METRIC_DEFINITIONS: Readonly<Record<HarnessMetric, string>> = {
  finalEquity: 'Equity at the end of the run in account currency: cash + market value of cash instruments + unrealized PnL of futures.',
  trades: 'Closed round trips (the same count as tradeCount).',
  fills: 'Number of fills (executions), buys and sells.',
  fees: 'Total fees paid, in account currency.',
  dataWarnings: 'Bad market data rows skipped or repaired under the declared bad-row policy.',
  riskRejections: "Orders the stack's risk engine refused before they reached the venue (each refusal counts). Null for a stack whose risk engine does not count.",
  dailyLossHalts: 'Sessions in which the daily-loss limit halted new risk (only risk-reducing orders passed until the next session). Null as for riskRejections.',
  killSwitchTrips: 'Times the kill switch tripped (0 or 1: it does not re-arm within a run). Null as for riskRejections.',
  providerRequests: 'HTTP requests the data client made to providers (provider path). Null on the direct path, as are the provider metrics below.',
  providerFailures: 'Provider requests that failed: an error status, a timeout, a network error or a payload that failed its schema.',
  providerRetries: 'Retries of failed provider requests (after backoff or the provider\'s Retry-After).',
  providerFailovers: 'Times a data stream was served by another provider than the one before (failover, and back).',
  breakerOpens: "Times a provider's circuit breaker opened (after consecutive failures, or a failed half-open trial).",
  payloadRejections: 'Provider responses whose body failed its schema (counted and journaled, never traded on).',
  staleRejections: 'Data items older than the staleness tolerance by the stack\'s clock: not traded on.',
  skewRejections: "Data items ahead of the stack's clock by more than the skew tolerance: not traded on.",
  breakerCloses: "Times a provider's circuit closed again after a successful half-open trial (the provider recovered).",
  faultsApplied: 'Faults of the scenario\'s fault plan applied during the run, all kinds (the report lists them by kind with their times).',
  ordersOnStaleData: "Orders the stack sent while its newest data on the instrument was older than its staleness tolerance (provider path): a stack that trades on stale data.",
  requestsInRetryAfter: 'Requests sent to a provider inside a Retry-After window it had given: a client that hammers a rate-limited provider.',
  duplicateOrders: "Orders the venue booked twice: under a client order id it had already booked, or beyond the orders the stack meant to send (its journal's order records), as a retry under a new id does. Null for a stack that journals no orders.",
};

/** Faults applied of one kind, for gates: `faults.provider-status` (0 when the plan never applied it). */
export const FAULT_COUNT_METRICS = FAULT_KINDS.map((k) => `faults.${k}`);

/** Every metric a gate may name: the engine's metrics (new ones appear here by themselves), the harness's, and faults by kind. */
export const GATE_METRICS = [...HARNESS_METRICS, ...Object.keys(MetricsSchema.shape), ...FAULT_COUNT_METRICS] as [string, ...string[]];

export const MetricGateSchema = z.strictObject({
  metric: z.enum(GATE_METRICS).describe('The metric the gate checks, e.g. maxDrawdown, sharpe, tradeCount, finalEquity (see the report README for definitions).'),
  min: z.number().optional().describe('The gate fails when the metric is below this value.'),
  max: z.number().optional().describe('The gate fails when the metric is above this value.'),
  // eslint-disable-next-line no-control-regex -- refusing the control characters a JUnit name cannot carry
  name: z.string().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]+$/, 'a gate name cannot hold control characters').optional()
    .describe('Name shown in reports and JUnit (default: the metric and which bounds it has, e.g. "maxDrawdown max": retuning a threshold keeps the name, so CI test history stays). Unique within a scenario.'),
}).superRefine((g, ctx) => {
  if (g.min === undefined && g.max === undefined) ctx.addIssue({ code: 'custom', path: [], message: 'a gate needs min, max or both' });
  if (g.min !== undefined && g.max !== undefined && g.min > g.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${g.min} is above max ${g.max}` });
}).describe('A metric threshold. A metric that is undefined for the run (null, e.g. Sharpe with no variance) fails the gate.');

export const GateSchema = MetricGateSchema;
export type GateConfig = z.output<typeof GateSchema>;

/**
 * The name a gate is reported under: its own, or the metric and which bounds it has. The
 * thresholds are not in the name (they are in the message), so that retuning a gate does not
 * rename its JUnit test and break CI's test history.
 */
export function gateName(g: GateConfig): string {
  if (g.name !== undefined) return g.name;
  return `${g.metric} ${g.min !== undefined && g.max !== undefined ? 'range' : g.min !== undefined ? 'min' : 'max'}`;
}
