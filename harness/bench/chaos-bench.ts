/**
 * `npm run bench:chaos [-- --json] [-- --smoke] [-- --bars N]`
 *
 * The provider path's throughput against msw's own ceiling, in one process:
 * - mswCeilingRequestsPerSecond: bare sequential `fetch` through msw's `setupServer` to a handler
 *   returning a fixed JSON body (no kernel, no client, no provider logic): what msw itself allows;
 * - providerRequestsPerSecond: an SMA crossover on N synthetic one-minute bars on the provider
 *   path: every bar pulled through the full data client (long poll, zod payload, checks), the
 *   kernel's virtual-time fetch and the simulated provider (timeline, dialect rendering), one
 *   request per bar (no batch endpoint); mswCeilingRatio = provider / ceiling (target >= 0.5).
 *   The transport asks msw's handlers directly (getResponse, no sockets), so it passes the
 *   ceiling of a `fetch` through msw's interceptor (5-9x here);
 * - direct and provider decisions per second (bars the stack decided on, per second of real time)
 *   for contrast, and whether both paths reached the same decision fingerprint.
 *
 * --smoke: 200 bars and 200 ceiling requests; the JSON keys are what a test checks.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  arraySource, createReferenceStack, DataClientConfigSchema, DIALECTS, ProviderDataClient, runBacktest, utcTimeUs, type BacktestParams, type BarRow,
} from '../../engine/index.ts';
import { openProviderRun, providerBaseUrl, ProviderTimeline } from '../chaos/providers/index.ts';
import { RngRegistry } from '../scenario/engine-parts.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const { json } = args;
const log = (s: string): void => { if (!json) console.log(s); };
const BARS = args.number('--bars', 5_000, 200);
const CEILING_REQUESTS = args.number('--requests', 3_000, 200);
const SEED = 3;
const MINUTE_US = 60_000_000;

/** A seeded random walk of one-minute bars (integer cents), enough crossings to trade. */
function bars(n: number): BarRow[] {
  const rng = new RngRegistry(SEED).stream('market');
  const start = utcTimeUs(2024, 3, 4, 14, 30);
  const rows: BarRow[] = [];
  let price = 100_00;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1_00, price + rng.nextInt(-25, 25));
    rows.push({ openTimeUs: start + i * MINUTE_US, closeTimeUs: start + (i + 1) * MINUTE_US, open, high: Math.max(open, price) + 5, low: Math.min(open, price) - 5, close: price, volume: 100 });
  }
  return rows;
}

async function mswCeiling(requests: number): Promise<number> {
  const body = { symbol: 'X', bars: [{ t: '2024-03-04T14:30:00.000000Z', ct: '2024-03-04T14:31:00.000000Z', o: 100, h: 101, l: 99, c: 100.5, v: 100 }] };
  const server = setupServer(http.get('https://ceiling.bench.test/v2/stocks/:symbol/bars', () => HttpResponse.json(body)));
  server.listen({ onUnhandledFrame: 'error' });
  try {
    const warm = Math.min(200, requests);
    for (let i = 0; i < warm; i++) await (await fetch('https://ceiling.bench.test/v2/stocks/X/bars')).text();
    const started = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) await (await fetch('https://ceiling.bench.test/v2/stocks/X/bars')).text();
    return requests / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    server.close();
  }
}

const rows = bars(BARS);
const base = (): BacktestParams => ({
  seed: SEED,
  instruments: [{ id: 'X', kind: 'equity', priceDecimals: 2 }],
  account: { currency: 'USD', startCash: 100_000 },
  sources: [arraySource({ instrumentId: 'X', priceDecimals: 2, barIntervalUs: MINUTE_US }, { type: 'bar', rows })],
  stack: () => createReferenceStack({ agents: [{ kind: 'sma-crossover', instrument: 'X', period: 20 }], allocator: { kind: 'fixed-quantity', quantity: 10 } }),
});

async function direct(): Promise<{ seconds: number; decisionFingerprint: string; fills: number }> {
  const started = process.hrtime.bigint();
  const r = await runBacktest(base());
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, decisionFingerprint: r.decisionFingerprint, fills: r.fills.length };
}

async function providers(): Promise<{ seconds: number; requests: number; decisionFingerprint: string; fills: number }> {
  const timeline = await ProviderTimeline.fromSources([arraySource({ instrumentId: 'X', priceDecimals: 2, barIntervalUs: MINUTE_US }, { type: 'bar', rows })]);
  const auth = { keyId: 'bench-id', secret: 'bench-secret' };
  const run = openProviderRun({
    providers: [{ name: 'alpha', dialect: 'stocks-v2', auth, rateLimit: { requests: 1_000_000, windowUs: MINUTE_US }, latency: { minUs: 0, maxUs: 0 } }],
    timeline, rng: new RngRegistry(SEED),
  });
  let client: ProviderDataClient | null = null;
  const started = process.hrtime.bigint();
  try {
    const r = await runBacktest({
      ...base(),
      fetch: run.transport,
      dataClient: (ctx) => (client = new ProviderDataClient({
        providers: [{ name: 'alpha', baseUrl: providerBaseUrl('alpha'), dialect: 'stocks-v2', auth, pollIntervalUs: 3_600_000_000 }],
        dialects: DIALECTS, config: DataClientConfigSchema.parse({}), instruments: ctx.instruments, kernel: ctx.kernel, clock: ctx.clock, journal: ctx.journal, rng: ctx.rng,
      })),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, requests: (client as ProviderDataClient | null)?.counters.requests ?? 0, decisionFingerprint: r.decisionFingerprint, fills: r.fills.length };
  } finally {
    run.close();
  }
}

log(`bench:chaos: ${BARS} one-minute bars, one request per bar; msw ceiling over ${CEILING_REQUESTS} requests`);
const ceiling = await mswCeiling(CEILING_REQUESTS);
log(`  msw bare sequential fetch: ${ceiling.toFixed(0)} requests/s`);
const d = await direct();
const p = await providers();
const providerRequestsPerSecond = p.requests / p.seconds;
const result = {
  bars: BARS,
  requests: p.requests,
  fills: p.fills,
  providerRequestsPerSecond,
  mswCeilingRequestsPerSecond: ceiling,
  mswCeilingRatio: providerRequestsPerSecond / ceiling,
  directDecisionsPerSecond: BARS / d.seconds,
  providerDecisionsPerSecond: BARS / p.seconds,
  providerPathSlowdown: p.seconds / d.seconds,
  decisionFingerprintsEqual: p.decisionFingerprint === d.decisionFingerprint && p.fills === d.fills,
};
log(`  provider path: ${p.requests} requests in ${p.seconds.toFixed(2)} s = ${providerRequestsPerSecond.toFixed(0)} requests/s (ratio to msw ${result.mswCeilingRatio.toFixed(2)}, target >= 0.5)`);
log(`  decisions/s: direct ${result.directDecisionsPerSecond.toFixed(0)}, provider ${result.providerDecisionsPerSecond.toFixed(0)} (x${result.providerPathSlowdown.toFixed(0)} slower); same decisions: ${result.decisionFingerprintsEqual}`);
if (json) console.log(JSON.stringify(result));
// msw's interceptors keep handles open; the numbers are out.
process.exit(result.decisionFingerprintsEqual ? 0 : 1);
