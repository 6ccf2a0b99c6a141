/**
 * The scenario's data path: `providers:` absent means the direct path (the engine hands market
 * data to the stack); a list of providers means the provider path (the stack pulls over HTTP from
 * simulated provider APIs that msw serves from the same market). `providers: standard` is two
 * providers of different dialects with failover, for running any scenario on the provider path
 * (`--set providers=standard`).
 */
import { z } from 'zod';
import { DIALECT_NAMES, DIALECTS, durationSchema, type DialectName } from '../../engine/index.ts';

export const ProviderSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and -, starting with a letter (a host name label)')
    .describe('Provider name: its host is https://<name>.providers.gauntlet.test, and journal records name it.'),
  dialect: z.enum(DIALECT_NAMES as [DialectName, ...DialectName[]])
    .describe(`The API the provider speaks: ${DIALECT_NAMES.map((d) => `${d} (${DIALECTS[d].description})`).join('; ')}.`),
  primary: z.boolean().optional().describe('The provider the client asks first (at most one; default: the first listed). The others follow in list order for failover.'),
  auth: z.strictObject({
    keyId: z.string().min(1).max(200).optional().describe('Key id, for dialects that send one (stocks-v2).'),
    secret: z.string().min(1).max(200).describe('The secret the provider accepts and the client sends. Never written to journals or recordings.'),
  }).optional().describe('Credentials (default: demo credentials per provider). Simulated providers accept exactly these.'),
  rateLimit: z.strictObject({
    requests: z.number().int().min(1).max(1_000_000).describe('Requests allowed per window.'),
    window: durationSchema('Window length; windows are aligned to epoch multiples of it.'),
  }).optional().describe("Requests per window before 429 with Retry-After (default: the dialect's: stocks-v2 200/1m, aggs-v3 5/1s)."),
  pollInterval: durationSchema('Long-poll wait: how long a poll may be held for new data before it answers empty (default 1d).').prefault('1d'),
  recording: z.string().min(1).optional()
    .describe("Replay this recording (written by gauntlet run --record-providers, relative to the scenario file) instead of serving the market: each request gets the next recorded answer to the same URL, 404 when none is left. Auth and rate limits are as recorded."),
  latency: z.strictObject({
    min: durationSchema('Shortest response latency.').prefault('0ms'),
    max: durationSchema('Longest response latency.').prefault('0ms'),
  }).prefault({}).describe("Response latency in virtual time, uniform in [min, max] from the run's 'provider.<name>' stream (default 0: the direct path's timing)."),
}).describe('A simulated market-data provider serving the scenario\'s market over HTTP (msw).');

export const STANDARD_PROVIDERS = 'standard';

export const ProvidersSchema = z.union([
  z.literal(STANDARD_PROVIDERS).describe('Two providers: alpha (stocks-v2, primary) and beta (aggs-v3), with failover.'),
  z.array(ProviderSchema).min(1).max(16),
]).optional().describe('The provider path: the stack pulls market data over HTTP from these providers (failover in order, the primary first). Absent: the direct path.');

export type ProviderConfig = z.output<typeof ProviderSchema>;

/** The providers a scenario's `providers:` value means, primary first; [] for the direct path. */
export function resolveProviders(value: z.output<typeof ProvidersSchema>): ProviderConfig[] {
  if (value === undefined) return [];
  const list = value === STANDARD_PROVIDERS
    ? [ProviderSchema.parse({ name: 'alpha', dialect: 'stocks-v2', primary: true }), ProviderSchema.parse({ name: 'beta', dialect: 'aggs-v3' })]
    : value;
  const primary = list.findIndex((p) => p.primary === true);
  return primary <= 0 ? [...list] : [list[primary]!, ...list.filter((_, i) => i !== primary)];
}

/** Demo credentials when a provider declares none: distinct per provider, never real. */
export function providerAuth(p: ProviderConfig): { keyId?: string; secret: string } {
  return p.auth ?? { keyId: `demo-${p.name}-id`, secret: `demo-${p.name}-secret` };
}
