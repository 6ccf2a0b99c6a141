// The provider data client through the real backtest, against array-served providers of both
// dialects: with no fault it decides exactly as the direct path; with faults it retries, honours
// Retry-After, fails over, opens and closes its circuits, and never trades on stale, skewed or
// malformed data.
import { zigzagBars } from '../testing/run-stack.ts';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestResult } from '../../backtest/backtest.ts';
import { US_PER_HOUR, US_PER_SECOND, utcTimeUs } from '../../kernel/time.ts';
import { arraySource, type BarRow } from '../../market/array-source.ts';
import type { InstrumentConfig } from '../../instruments/instrument.ts';
import { createReferenceStack } from '../stack-config.ts';
import { DataClientConfigSchema, type DataClientConfigInput, type ProviderEndpoint } from './config.ts';
import { DIALECTS } from './dialects/index.ts';
import type { BarItem } from './dialects/dialect.ts';
import { ProviderDataClient } from './provider-data-client.ts';
import { arrayProvider, type ArrayProviderParams } from './testing/array-provider.ts';
import { JournalCollector } from '../testing/test-kit.ts';
import type { FetchFn } from '../../kernel/settle.ts';

const T0 = utcTimeUs(2024, 1, 2);
const INSTRUMENT: InstrumentConfig = { id: 'X', kind: 'equity', priceDecimals: 2 };

function bars(n: number): BarRow[] {
  return zigzagBars(n, T0);
}
const ROWS = bars(300);
const ITEMS: BarItem[] = ROWS.map((r) => ({ openTimeUs: r.openTimeUs, closeTimeUs: r.closeTimeUs, openRaw: r.open, highRaw: r.high, lowRaw: r.low, closeRaw: r.close, volume: r.volume ?? 0 }));

const ENDPOINTS: ProviderEndpoint[] = [
  { name: 'alpha', baseUrl: 'https://alpha.test', dialect: 'stocks-v2', auth: { keyId: 'id-1', secret: 'alpha-secret-1234' }, pollIntervalUs: 6 * US_PER_HOUR },
  { name: 'beta', baseUrl: 'https://beta.test', dialect: 'aggs-v3', auth: { secret: 'beta-secret-5678' }, pollIntervalUs: 6 * US_PER_HOUR },
];

function provider(i: 0 | 1, extra: Partial<ArrayProviderParams> = {}): FetchFn {
  const e = ENDPOINTS[i]!;
  return arrayProvider({ dialect: DIALECTS[e.dialect as 'stocks-v2'], baseUrl: e.baseUrl, auth: e.auth, data: { 'bars:X': ITEMS }, priceDecimals: 2, ...extra });
}

/** Routes a request to the provider whose base URL it starts with. */
function route(alpha: FetchFn, beta: FetchFn): FetchFn {
  return (url, init, req) => (url.startsWith(ENDPOINTS[0]!.baseUrl) ? alpha(url, init, req) : beta(url, init, req));
}

interface Run { result: BacktestResult; client: ProviderDataClient | null; sink: JournalCollector }

async function run(opts: { fetch?: FetchFn; providers?: ProviderEndpoint[]; config?: DataClientConfigInput; stackClockOffsetUs?: number } = {}): Promise<Run> {
  const sink = new JournalCollector();
  let client: ProviderDataClient | null = null;
  const result = await runBacktest({
    seed: 11,
    instruments: [INSTRUMENT],
    account: { currency: 'USD', startCash: 100_000 },
    sources: [arraySource({ instrumentId: 'X', priceDecimals: 2, barIntervalUs: US_PER_HOUR }, { type: 'bar', rows: ROWS })],
    stack: () => createReferenceStack({ agents: [{ kind: 'sma-crossover', instrument: 'X', period: 5, allowShort: true }], allocator: { kind: 'fixed-quantity', quantity: 10 } }),
    journalSink: sink,
    ...(opts.stackClockOffsetUs === undefined ? {} : { stackClock: { offsetUs: opts.stackClockOffsetUs } }),
    ...(opts.fetch === undefined ? {} : {
      fetch: opts.fetch,
      dataClient: (ctx) => (client = new ProviderDataClient({
        providers: opts.providers ?? ENDPOINTS, dialects: DIALECTS, config: DataClientConfigSchema.parse(opts.config ?? {}), instruments: ctx.instruments,
        kernel: ctx.kernel, clock: ctx.clock, journal: ctx.journal, rng: ctx.rng,
      })),
    }),
  });
  return { result, client, sink };
}

const kinds = (r: Run, kind: string): number => r.sink.records().filter((x) => x.kind === kind).length;

describe('provider data client', () => {
  it('with no fault decides exactly as the direct path, on either dialect', async () => {
    const direct = await run();
    expect(direct.result.fills.length).toBeGreaterThan(20);
    for (const [name, providers] of [['stocks-v2', [ENDPOINTS[0]!]], ['aggs-v3', [ENDPOINTS[1]!]]] as const) {
      const pulled = await run({ fetch: route(provider(0), provider(1)), providers: [...providers] });
      expect(pulled.result.decisionFingerprint, name).toBe(direct.result.decisionFingerprint);
      expect(pulled.result.fingerprint, name).not.toBe(direct.result.fingerprint);
      expect(pulled.result.fills, name).toEqual(direct.result.fills);
      expect(pulled.result.equity.equity, name).toEqual(direct.result.equity.equity);
      expect(pulled.client!.counters.itemsDelivered, name).toBe(ROWS.length);
      expect(pulled.client!.counters.failures, name).toBe(0);
    }
  });

  it('journals requests without any credential', async () => {
    const pulled = await run({ fetch: route(provider(0), provider(1)) });
    expect(kinds(pulled, 'providerRequest')).toBeGreaterThanOrEqual(ROWS.length);
    const text = Buffer.from(pulled.sink.bytes()).toString('latin1');
    for (const e of ENDPOINTS) expect(text.includes(e.auth.secret)).toBe(false);
    expect(text.includes('id-1')).toBe(false);
  });

  it('fails over when the primary is down, opens its circuit, and still decides as the direct path', async () => {
    const direct = await run();
    const down = provider(0, { fault: () => ({ status: 503, body: '{"message":"down"}' }) });
    const pulled = await run({ fetch: route(down, provider(1)), config: { retries: 1, breaker: { failures: 2, cooldown: '30m' } } });
    expect(pulled.result.decisionFingerprint).toBe(direct.result.decisionFingerprint);
    const c = pulled.client!.counters;
    expect(c.failovers).toBeGreaterThan(0);
    expect(c.breakerOpens).toBeGreaterThan(1); // reopened after failed half-open trials
    expect(kinds(pulled, 'breaker')).toBeGreaterThan(2);
    const states = pulled.sink.records().filter((r) => r.kind === 'breaker').map((r) => r.state);
    expect(states.slice(0, 3)).toEqual(['open', 'half-open', 'open']);
  });

  it('comes back to a recovered primary after its half-open trial', async () => {
    const flaky = provider(0, { fault: ({ nowUs }) => (nowUs < T0 + 50 * US_PER_HOUR ? { status: 500 } : null) });
    const pulled = await run({ fetch: route(flaky, provider(1)), config: { retries: 0, breaker: { failures: 1, cooldown: '2h' } } });
    const states = pulled.sink.records().filter((r) => r.kind === 'breaker').map((r) => r.state);
    expect(states.at(-1)).toBe('closed');
    const failovers = pulled.sink.records().filter((r) => r.kind === 'failover');
    expect(failovers.at(-1)).toMatchObject({ from: 'beta', to: 'alpha' });
  });

  it('honours Retry-After in seconds and as an HTTP date, and backs off on a malformed one', async () => {
    for (const [value, expectUs] of [['7', 7 * US_PER_SECOND], ['HTTP-DATE', 9 * US_PER_SECOND], ['soon', null]] as const) {
      const limited = provider(0, {
        fault: ({ seq, nowUs }) => (seq !== 3 ? null : {
          status: 429, latencyUs: 0, body: '{"message":"slow down"}',
          headers: { 'retry-after': value === 'HTTP-DATE' ? new Date(Math.ceil((nowUs + 9 * US_PER_SECOND) / 1000)).toUTCString() : value },
        }),
      });
      const pulled = await run({ fetch: limited, providers: [ENDPOINTS[0]!], config: { retries: 2 } });
      const retry = pulled.sink.records().find((r) => r.kind === 'providerRetry')!;
      if (expectUs === null) {
        expect(kinds(pulled, 'retryAfterInvalid')).toBe(1);
        expect(retry.delayUs).toBeLessThanOrEqual(200_000);
      } else {
        // The date has whole seconds: the delay is 9 s less the sub-second part of now.
        expect(Math.abs((retry.delayUs as number) - expectUs)).toBeLessThan(US_PER_SECOND);
      }
    }
  });

  it('counts and journals a payload that fails its schema, never crashing', async () => {
    const broken = provider(0, { fault: ({ seq }) => (seq === 10 ? { body: '{"symbol":"X","bars":[{"t":"nope"}]}' } : seq === 11 ? { body: '{"symbol":' } : null) });
    const pulled = await run({ fetch: broken, providers: [ENDPOINTS[0]!] });
    expect(pulled.client!.counters.payloadRejections).toBe(2);
    const reasons = pulled.sink.records().filter((r) => r.kind === 'payloadRejected').map((r) => String(r.reason));
    expect(reasons[0]).toMatch(/bars\.0\.t/);
    expect(reasons[1]).toMatch(/malformed JSON/);
    expect(pulled.client!.counters.itemsDelivered).toBe(ROWS.length);
  });

  it('never trades on stale data', async () => {
    const slow = provider(0, { latencyUs: 2 * 60 * US_PER_SECOND });
    const pulled = await run({ fetch: slow, providers: [ENDPOINTS[0]!], config: { maxStaleness: '1m' } });
    expect(pulled.client!.counters.staleRejections).toBe(ROWS.length);
    expect(pulled.result.fills).toEqual([]);
    expect(kinds(pulled, 'signal')).toBe(0);
  });

  it('never trades on data ahead of its own clock by more than the skew tolerance', async () => {
    const pulled = await run({ fetch: provider(0), providers: [ENDPOINTS[0]!], stackClockOffsetUs: -10 * US_PER_SECOND, config: { maxSkew: '5s' } });
    expect(pulled.client!.counters.skewRejections).toBe(ROWS.length);
    expect(pulled.result.fills).toEqual([]);
  });

  it('drops a response that comes after its timeout and journals it', async () => {
    const late = provider(0, { fault: ({ seq }) => (seq === 5 ? { latencyUs: 7 * US_PER_HOUR } : null) });
    const pulled = await run({ fetch: late, providers: [ENDPOINTS[0]!], config: { timeout: '10s' } });
    expect(pulled.client!.counters.lateResponses).toBe(1);
    expect(kinds(pulled, 'providerError')).toBe(1);
    // The bars that closed while it waited come in one later response, too old to trade on.
    const c = pulled.client!.counters;
    expect(c.staleRejections).toBeGreaterThan(0);
    expect(c.itemsDelivered + c.staleRejections).toBe(ROWS.length);
  });

  it('same seed, same faults: byte-identical journals', async () => {
    const mk = (): FetchFn => route(provider(0, { fault: ({ seq }) => (seq % 7 === 3 ? 'reset' : null) }), provider(1));
    const a = await run({ fetch: mk() });
    const b = await run({ fetch: mk() });
    expect(a.client!.counters.retries).toBeGreaterThan(0);
    expect(b.result.fingerprint).toBe(a.result.fingerprint);
  });
});
