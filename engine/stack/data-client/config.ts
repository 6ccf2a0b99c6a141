/**
 * How the stack's data client behaves on the provider path: its timeouts, retries and backoff,
 * circuit breaker and data checks. The providers themselves (where, which dialect, which key)
 * are the scenario's `providers:`; this is the stack's own policy (`stack.dataClient`).
 */
import { z } from 'zod';
import { durationSchema } from '../../kernel/duration.ts';

export const DataClientConfigSchema = z.strictObject({
  timeout: durationSchema('Per-request timeout in virtual time, counted after the long-poll wait (default 10s).').prefault('10s'),
  retries: z.number().int().min(0).max(20).default(3)
    .describe('Retries of a failed request on one provider before failing over to the next (default 3).'),
  backoff: z.strictObject({
    initial: durationSchema('First retry delay before jitter (default 200ms).').prefault('200ms'),
    max: durationSchema('Largest retry delay (default 30s).').prefault('30s'),
    multiplier: z.number().min(1).max(10).default(2).describe('Growth of the delay per retry (default 2).'),
  }).prefault({}).describe("Exponential backoff with full jitter drawn from the run's 'data-client' stream. A provider's Retry-After wins when valid."),
  breaker: z.strictObject({
    failures: z.number().int().min(1).max(1000).default(5).describe('Consecutive failures that open a provider\'s circuit (default 5).'),
    cooldown: durationSchema('How long an open circuit refuses requests before one trial (half-open; default 30s).').prefault('30s'),
  }).prefault({}).describe('A circuit breaker per provider: closed, open, half-open.'),
  maxStaleness: durationSchema('Data older than this by the stack\'s clock is not traded on (default 1m).').prefault('1m'),
  maxSkew: durationSchema('Data time ahead of the stack\'s clock by more than this is not traded on (default 5s).').prefault('5s'),
}).describe('The data client on the provider path: timeouts, retries, failover, circuit breaker, staleness and skew checks.');
export type DataClientConfig = z.output<typeof DataClientConfigSchema>;
export type DataClientConfigInput = z.input<typeof DataClientConfigSchema>;

/** One provider as the client sees it: where it is, how to speak to it, and its place in the failover order. */
export const ProviderEndpointSchema = z.strictObject({
  name: z.string(),
  baseUrl: z.string(),
  dialect: z.string(),
  auth: z.strictObject({ keyId: z.string().optional(), secret: z.string() }),
  /** Long-poll wait: how long one poll may be held for new data. */
  pollIntervalUs: z.number().int().positive(),
});
export type ProviderEndpoint = z.output<typeof ProviderEndpointSchema>;
