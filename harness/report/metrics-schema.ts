/**
 * The metrics of a scenario in report.json, and what makes a run's figures reportable: apart from
 * the rest of the report's schema (schema.ts), which a run never parses, so that a run builds only
 * these.
 */
import { z } from 'zod';
import { MetricsSchema } from '../../engine/index.ts';
import { PARSE_ONCE } from '../parse-once.ts';
import type { ScenarioWarning } from './schema.ts';

/** An integer; schema.ts uses this one too: the report's JSON Schema keeps naming it once, in $defs. */
export const int = z.number().int();

/** The harness's metrics beside the engine's; each checked on its own (reportableMetrics). */
const ScenarioMetricsStrictSchema = MetricsSchema.extend({
  finalEquity: z.number().describe('Equity at the end, in account currency.'),
  trades: int.nonnegative().describe('Closed round trips (= tradeCount).'),
  fills: int.nonnegative().describe('Number of fills.'),
  fees: z.number().nonnegative().describe('Total fees, in account currency.'),
  dataWarnings: int.nonnegative().describe('Bad market data rows skipped or repaired.'),
  riskRejections: int.nonnegative().nullable().describe("Orders the risk engine refused; null when the stack's risk engine does not count."),
  dailyLossHalts: int.nonnegative().nullable().describe('Sessions halted by the daily-loss limit; null as for riskRejections.'),
  killSwitchTrips: int.nonnegative().nullable().describe('Kill switch trips (0 or 1); null as for riskRejections.'),
  providerRequests: int.nonnegative().nullable().describe('HTTP requests the data client made (provider path; null on the direct path).'),
  providerFailures: int.nonnegative().nullable().describe('Requests that failed (error status, timeout, network error, bad payload); null on the direct path.'),
  providerRetries: int.nonnegative().nullable().describe('Retries after a failed request; null on the direct path.'),
  providerFailovers: int.nonnegative().nullable().describe('Times a stream was served by another provider than the last one; null on the direct path.'),
  breakerOpens: int.nonnegative().nullable().describe("Times a provider's circuit opened; null on the direct path."),
  payloadRejections: int.nonnegative().nullable().describe('Responses whose body failed its schema; null on the direct path.'),
  staleRejections: int.nonnegative().nullable().describe('Data items older than the staleness tolerance, not traded on; null on the direct path.'),
  skewRejections: int.nonnegative().nullable().describe("Data items ahead of the stack's clock by more than the skew tolerance, not traded on; null on the direct path."),
  breakerCloses: int.nonnegative().nullable().describe("Times a provider's circuit closed again after a successful trial; null on the direct path."),
  faultsApplied: int.nonnegative().nullable().describe('Faults of the fault plan applied during the run (all kinds; by kind in `faults`).'),
  ordersOnStaleData: int.nonnegative().nullable().describe("Orders sent while the stack's newest data on the instrument was older than its staleness tolerance; null on the direct path."),
  requestsInRetryAfter: int.nonnegative().nullable().describe('Requests sent to a provider inside a Retry-After window it had given; null on the direct path.'),
  duplicateOrders: int.nonnegative().nullable().describe("Orders the venue booked twice: under one client order id, or beyond the orders the stack journaled (a retry under a new id); null for a stack that journals no orders."),
});

/**
 * Every metric may be null in a report: a figure that cannot be computed or represented (a
 * duration past 2^53, a ratio past the float range) is null with a warning naming it, and the
 * run still reports the rest rather than dying at the report stage.
 */
export const ScenarioMetricsSchema = z.strictObject(
  Object.fromEntries(Object.entries(ScenarioMetricsStrictSchema.shape).map(([k, v]) => [k, (v as z.ZodType).nullable()])) as {
    [K in keyof typeof ScenarioMetricsStrictSchema.shape]: z.ZodNullable<(typeof ScenarioMetricsStrictSchema.shape)[K]>
  },
);

/** Whether a value certainly passes a schema: true only when zod would accept it too. */
type Accepts = (value: unknown) => boolean;

/** Accepts nothing: zod decides every value (a schema the fast check does not understand). */
const DEFER: Accepts = () => false;

/**
 * The fast check of a metric's schema, read from its definition: finite numbers with bounds and
 * an integer format, literals, null, and nullables and unions of those. A run reports about sixty
 * metrics and zod's safeParse costs a microsecond apiece; the figures are nearly always fine, so
 * only a value this refuses goes to zod (which then decides). Anything else in a schema (a
 * refinement, another format) makes the check defer to zod for every value: it stays exact.
 */
export function fastAccepts(schema: z.ZodType): Accepts {
  const def = schema.def as {
    type: string; innerType?: z.ZodType; options?: readonly z.ZodType[]; values?: readonly unknown[]; checks?: readonly { _zod: { def: unknown } }[];
    coerce?: boolean; check?: string;
  };
  switch (def.type) {
    case 'null': return (v) => v === null;
    case 'nullable': {
      const inner = fastAccepts(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'literal': {
      const values = def.values ?? [];
      return (v) => values.includes(v);
    }
    case 'union': {
      const options = (def.options ?? []).map(fastAccepts);
      return (v) => options.some((o) => o(v));
    }
    // A number format schema (z.int(), z.int32()) is itself a check, on its definition.
    case 'number': return def.coerce === true ? DEFER : numberAccepts([...(def.check === undefined ? [] : [{ _zod: { def } }]), ...def.checks ?? []]);
    default: return DEFER;
  }
}

/** z.number() (finite) with its checks: greater/less than a bound, a safe integer. */
function numberAccepts(checks: readonly { _zod: { def: unknown } }[]): Accepts {
  let safeInteger = false;
  let min = Number.NEGATIVE_INFINITY;
  let minInclusive = true;
  let max = Number.POSITIVE_INFINITY;
  let maxInclusive = true;
  for (const c of checks) {
    const d = c._zod.def as { check?: string; format?: string; value?: unknown; inclusive?: boolean };
    if (d.check === 'number_format' && d.format === 'safeint') safeInteger = true;
    else if (d.check === 'greater_than' && typeof d.value === 'number' && min === Number.NEGATIVE_INFINITY) { min = d.value; minInclusive = d.inclusive === true; }
    else if (d.check === 'less_than' && typeof d.value === 'number' && max === Number.POSITIVE_INFINITY) { max = d.value; maxInclusive = d.inclusive === true; }
    else return DEFER;
  }
  return (v) => typeof v === 'number' && Number.isFinite(v) && (!safeInteger || Number.isSafeInteger(v))
    && (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
}

interface MetricCheck {
  readonly key: string;
  readonly schema: z.ZodType;
  readonly accepts: Accepts;
}

/** Each report metric with its schema and fast check, in the schema's order (built at first use). */
let metricChecks: readonly MetricCheck[] | null = null;

function checks(): readonly MetricCheck[] {
  metricChecks ??= Object.entries(ScenarioMetricsStrictSchema.shape as Record<string, z.ZodType>)
    .map(([key, schema]) => ({ key, schema, accepts: fastAccepts(schema) }));
  return metricChecks;
}

/** The metrics a report can carry: each checked against its schema; one that fails is null with a warning. */
export function reportableMetrics(metrics: Readonly<Record<string, unknown>>): { metrics: z.output<typeof ScenarioMetricsSchema>; warnings: ScenarioWarning[] } {
  const out: Record<string, unknown> = {};
  const warnings: ScenarioWarning[] = [];
  const list = checks();
  for (const { key, schema, accepts } of list) {
    const value = metrics[key] ?? null;
    const ok = value === null || accepts(value) || schema.safeParse(value, PARSE_ONCE).success;
    out[key] = ok ? value : null;
    if (!ok) warnings.push({ kind: 'metric', metric: key, reason: `${String(value)} cannot be reported: ${unreportable(value)}` });
  }
  const shape = ScenarioMetricsStrictSchema.shape;
  for (const key of Object.keys(metrics)) if (!(key in shape)) throw new Error(`reportableMetrics: '${key}' is not a report metric (add it to ScenarioMetricsSchema)`);
  // Not parsed again as a whole: `out` has exactly the schema's keys, in its order, each null or
  // passed by its own schema just above, which is what ScenarioMetricsSchema (the same schemas,
  // nullable, in a strict object) checks; its parse returned an equal object, a run at a time.
  return { metrics: out as z.output<typeof ScenarioMetricsSchema>, warnings };
}

function unreportable(v: unknown): string {
  if (typeof v !== 'number') return `not a number (${typeof v})`;
  if (Number.isNaN(v)) return 'not a number (NaN)';
  if (!Number.isFinite(v)) return 'not finite';
  if (Number.isInteger(v) && !Number.isSafeInteger(v)) return 'an integer beyond 2^53, which a float cannot hold exactly';
  return 'outside the range the metric allows';
}

