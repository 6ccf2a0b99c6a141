/**
 * The fault plan: a scenario's `faults:` list. Each fault has a kind, a target (a named provider,
 * the venue, the stack), a window in virtual time (RFC 3339 UTC times, or '+<duration>' offsets
 * from the market's first event), a probability and the kind's parameters. Every random choice a
 * fault makes comes from the run's fault streams ('faults.provider.<name>', 'faults.venue'), so a
 * fault never moves the market path or the venue's own draws. docs/faults.md lists every kind.
 */
import { z } from 'zod';
import { durationUs, offsetUs, parseRfc3339Us } from '../../../engine/index.ts';

/** A window bound: an RFC 3339 UTC time, or an offset from the market's first event ('+30d'). */
const bound = z.string().refine((s) => parseRfc3339Us(s) !== null || (s.startsWith('+') && offsetUs(s.slice(1)) !== null), {
  error: "expected an RFC 3339 UTC time (2020-03-02T00:00:00Z) or an offset from the market's start ('+30d', '+90m', '+1200d')",
});

export const WindowSchema = z.strictObject({
  from: bound.optional().describe("Start (inclusive): an RFC 3339 UTC time or '+<duration>' after the market's first event. Default: the start."),
  to: bound.optional().describe("End (exclusive), as `from`. Default: the end of the run."),
}).describe('When the fault is active, in virtual (market) time.');

const probability = z.number().min(0).max(1).default(1).describe('Chance that the fault hits each request (provider), order or report (venue) in its window. Default 1.');
const duration = (what: string) => z.string().refine((s) => durationUs(s) !== null, { error: "expected a duration such as '250ms', '30s', '5m'" }).describe(what);
const signedDuration = (what: string) => z.string().refine((s) => durationUs(s.replace(/^[+-]/, '')) !== null, { error: "expected a signed duration such as '-30s' or '+2m'" }).describe(what);

const common = { window: WindowSchema.prefault({}), probability };
const provider = { provider: z.string().describe('The provider it hits (a name in `providers:`).') };

export const PROVIDER_STATUSES = [401, 403, 429, 500, 502, 503] as const;

/** A provider fault: its kind, the provider it hits, window and probability, and its own fields. */
function providerFault<K extends string, E extends z.ZodRawShape = Record<never, never>>(kind: K, description: string, extra?: E) {
  return z.strictObject({ kind: z.literal(kind), ...provider, ...common, ...(extra ?? ({} as E)) }).describe(description);
}

export const FaultSchema = z.discriminatedUnion('kind', [
  providerFault('provider-status', 'The provider answers an error status (auth failures, rate limiting, server errors).', {
    status: z.union(PROVIDER_STATUSES.map((s) => z.literal(s)) as [z.ZodLiteral<401>, ...z.ZodLiteral<number>[]]).describe('The HTTP status answered: 401, 403, 429, 500, 502 or 503.'),
    retryAfter: duration("429/503: the Retry-After the provider sends, written in its dialect's style (default 2s).").optional(),
    malformedRetryAfter: z.boolean().default(false).describe('429/503: send a Retry-After that is neither seconds nor an HTTP date.'),
  }),
  providerFault('provider-reset', 'The connection is reset: no response.'),
  providerFault('provider-latency', 'Responses arrive later by `latency` (virtual time).', { latency: duration('Extra latency of each response hit.') }),
  providerFault('provider-timeout', "The provider does not answer within any client timeout (the response would come an hour later; the client's timeout fires)."),
  providerFault('provider-malformed', 'The body is not JSON.'),
  providerFault('provider-truncated', 'The body is cut off half way.'),
  providerFault('provider-wrong-schema', 'The body is JSON of another shape.'),
  providerFault('provider-bad-price', 'Prices in the body are NaN, negative or zero.', { price: z.enum(['nan', 'negative', 'zero']).describe('What the prices become.') }),
  providerFault('provider-frozen', "Timestamps stop at the window's start: new prices come with an old time (stale data)."),
  providerFault('provider-skew', 'Timestamps in the body are shifted.', { offset: signedDuration('Shift of every timestamp in the body (positive: from the future).') }),
  providerFault('provider-duplicate', 'Every item in the body comes twice.'),
  providerFault('provider-out-of-order', 'The items come in reverse order, the previous item again after the new one.'),
  providerFault('provider-flapping', 'The provider is down (503) and up in turns of `period`.', { period: duration('Length of each down and each up phase.') }),
  providerFault('provider-down', 'The provider refuses every connection (one provider down while another serves).'),
  z.strictObject({
    kind: z.literal('venue-reject'), ...common,
    reason: z.string().min(1).max(200).default('venue fault').describe("The venue's reject reason."),
    instrument: z.string().optional().describe('Only orders of this instrument (default: all).'),
  }).describe('Orders are rejected by the venue.'),
  z.strictObject({
    kind: z.literal('venue-partial-fill'), ...common,
    fillFraction: z.number().gt(0).lt(1).describe('Fraction of the order quantity that fills; the venue cancels the rest.'),
    instrument: z.string().optional(),
  }).describe('Orders fill only in part.'),
  z.strictObject({ kind: z.literal('venue-lost-ack'), ...common, instrument: z.string().optional() })
    .describe("The venue accepts the order but the acknowledgement never reaches the stack: its retry must not double the order."),
  z.strictObject({
    kind: z.literal('venue-delay'), ...common,
    delay: duration('Extra latency of acknowledgements and fills.'),
  }).describe('Venue reports (acks, fills, cancels) are delayed.'),
  z.strictObject({ kind: z.literal('venue-disconnect'), ...common }).describe('The order link is down for the window: orders sent are lost, reports wait for the link.'),
  z.strictObject({ kind: z.literal('venue-duplicate-report'), ...common }).describe('Venue reports arrive twice.'),
  z.strictObject({
    kind: z.literal('stack-clock-skew'), window: WindowSchema.prefault({}),
    offset: signedDuration("Offset of the stack's clock against venue time in the window (positive: ahead)."),
  }).describe("The stack's own clock is off by `offset` for the window."),
  z.strictObject({
    kind: z.literal('stack-clock-drift'), window: WindowSchema.prefault({}),
    ppm: z.number().min(-100_000).max(100_000).describe('Drift in parts per million of venue time since the window started.'),
  }).describe("The stack's own clock drifts for the window."),
  z.strictObject({
    kind: z.literal('stack-crash'),
    at: bound.describe("When the stack crashes: an RFC 3339 UTC time or '+<duration>' after the market's first event. It dies after the market data of that instant, before anything else happens at it."),
    downtime: z.string().refine((s) => durationUs(s) !== null, { error: "expected a duration such as '0s', '30s', '5m'" }).default('0s')
      .describe("How long the stack stays down ('0s', the default: back at once). Market data and venue reports that reach it meanwhile are lost; then a new instance restores the last snapshot and reconciles with the venue."),
  }).describe('The stack process crashes: its memory is lost, a new instance restores its last snapshot and reconciles with the venue (docs/faults.md: the recovery model).'),
]);

export type FaultConfig = z.output<typeof FaultSchema>;
export type FaultKind = FaultConfig['kind'];
export const FAULT_KINDS = FaultSchema.options.map((o) => o.shape.kind.value) as FaultKind[];

/** Most faults a plan may hold. */
export const MAX_FAULTS = 100;

export const FaultsSchema = z.array(FaultSchema).max(MAX_FAULTS).optional()
  .describe('The fault plan (chaos): faults injected into the providers, the venue and the stack, each in its window. See docs/faults.md.');

/** Signed duration text ('-30s', '+2m', '5s') to microseconds. */
export function signedDurationUs(text: string): number {
  const negative = text.startsWith('-');
  const us = durationUs(text.replace(/^[+-]/, ''))!;
  return negative ? -us : us;
}

/** A window bound to absolute microseconds, given the market's first event. */
export function boundUs(text: string, marketStartUs: number): number {
  if (text.startsWith('+')) return marketStartUs + offsetUs(text.slice(1))!;
  return parseRfc3339Us(text)!;
}
