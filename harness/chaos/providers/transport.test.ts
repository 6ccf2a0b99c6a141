// Proves, through the real transport and msw for both dialects, that a simulated provider serves
// exactly the timeline (as the dialect's client parses it), as of the request's virtual time or the
// time a long poll was held to, never an item later than that; that auth, rate limits, unknown
// symbols and bad queries get the right errors; and that latencies and answers depend only on the
// seed and the order of requests, not on how the real I/O interleaves.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DIALECTS, DIALECT_NAMES, Rng, RngRegistry, arraySource, itemTimeUs, type AnyItem, type BarRow, type DialectName, type ProviderAuth, type Route,
  type StreamKind, type TransportResponse,
} from '../../../engine/index.ts';
import { providerBaseUrl, type ProviderSpec } from './provider.ts';
import type { RecordedExchange } from './recording.ts';
import { openProviderRun, type ProviderRun } from './transport.ts';
import { ProviderTimeline } from './timeline.ts';
import { ACME_BARS, ACME_QUOTES, ACME_TRADES, BRK_BARS, MINUTE_US, T0_US, testSources, testSpec } from './test-market.ts';

const SEED = 20240102;
/** Node's own fetch, before any run of this file opened the providers. */
const NODE_FETCH = globalThis.fetch;
const open: ProviderRun[] = [];
afterEach(() => {
  for (const run of open.splice(0)) run.close();
});

async function openRun(providers: ProviderSpec[], seed = SEED, record?: (x: RecordedExchange) => void): Promise<{ run: ProviderRun; timeline: ProviderTimeline }> {
  const timeline = await ProviderTimeline.fromSources(testSources());
  const run = openProviderRun({ providers, timeline, rng: new RngRegistry(seed), record });
  open.push(run);
  return { run, timeline };
}

function authHeaders(dialect: DialectName, auth: ProviderAuth): Record<string, string> {
  return DIALECTS[dialect].authHeaders(auth);
}

function parse(dialect: DialectName, route: Route, kind: StreamKind, res: TransportResponse, decimals: number): AnyItem[] {
  expect(res.status, res.body).toBe(200);
  const r = DIALECTS[dialect].parse(route, kind, JSON.parse(res.body), decimals);
  if (!r.ok) throw new Error(r.reason);
  return [...r.items];
}

/** The test market's rows as dialect items, independently of the timeline. */
const bar = (b: BarRow) => ({ openTimeUs: b.openTimeUs, closeTimeUs: b.closeTimeUs, openRaw: b.open, highRaw: b.high, lowRaw: b.low, closeRaw: b.close, volume: b.volume ?? 0 });
const EXPECTED: Record<StreamKind, AnyItem[]> = {
  bars: ACME_BARS.map(bar),
  quotes: ACME_QUOTES.map((q) => ({ timeUs: q.timeUs, bidRaw: q.bid, askRaw: q.ask, bidSize: q.bidSize ?? 0, askSize: q.askSize ?? 0 })),
  trades: ACME_TRADES.map((t) => ({ timeUs: t.timeUs, priceRaw: t.price, size: t.size ?? 0 })),
};
const upTo = (kind: StreamKind, items: AnyItem[], asOfUs: number) => items.filter((x) => itemTimeUs(kind, x) <= asOfUs);

/** Malformed queries, per dialect. */
const BAD_QUERY: Record<DialectName, { path: string; message: RegExp }> = {
  'stocks-v2': { path: '/v2/stocks/ACME/bars?after=yesterday', message: /after: not an RFC 3339 UTC time/ },
  'aggs-v3': { path: '/v3/aggs/ACME?after_ns=12x', message: /after_ns: epoch nanoseconds expected/ },
};

describe.each(DIALECT_NAMES)('provider of dialect %s', (dialect) => {
  const d = DIALECTS[dialect];
  const spec = testSpec(dialect);
  const base = providerBaseUrl(spec.name);
  const headers = authHeaders(dialect, spec.auth);
  const get = (run: ProviderRun, url: string, nowUs: number, h: Record<string, string> = headers) => run.transport(url, { method: 'GET', headers: h }, { nowUs, seq: 0 });

  it('serves exactly the timeline as of now: poll, range and latest, raw prices equal', async () => {
    const { run } = await openRun([spec]);
    const nowUs = T0_US + 5 * MINUTE_US + 30_000_000;
    for (const kind of ['bars', 'quotes', 'trades'] as const) {
      const items = parse(dialect, 'poll', kind, await get(run, d.pollUrl(base, kind, 'ACME', null, 0), nowUs), 2);
      expect(items).toEqual(upTo(kind, EXPECTED[kind], nowUs));
      const latest = parse(dialect, 'latest', kind, await get(run, d.latestUrl(base, kind, 'ACME'), nowUs), 2);
      expect(latest).toEqual(upTo(kind, EXPECTED[kind], nowUs).slice(-1));
    }
    // Everything, at the end of the market; BRK.B at 4 decimals.
    const endUs = T0_US + 60 * MINUTE_US;
    expect(parse(dialect, 'poll', 'trades', await get(run, d.pollUrl(base, 'trades', 'ACME', null, 0), endUs), 2)).toEqual(EXPECTED.trades);
    expect(parse(dialect, 'poll', 'bars', await get(run, d.pollUrl(base, 'bars', 'BRK.B', null, 0), endUs), 4)).toEqual(BRK_BARS.map(bar));
    // Range: bars by close time, inclusive, never past now.
    const range = parse(dialect, 'range', 'bars', await get(run, d.rangeUrl(base, 'ACME', ACME_BARS[1]!.closeTimeUs, ACME_BARS[9]!.closeTimeUs), nowUs), 2);
    expect(range).toEqual(EXPECTED.bars.slice(1, 5));
  });

  it('answers 401 to wrong credentials, with the dialect error body', async () => {
    const { run } = await openRun([spec]);
    const wrong = authHeaders(dialect, { ...spec.auth, secret: 'wrong' });
    const res = await get(run, d.latestUrl(base, 'bars', 'ACME'), T0_US, wrong);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual(d.renderError(401, 'unauthorized: missing or wrong credentials'));
    expect((await get(run, d.latestUrl(base, 'bars', 'ACME'), T0_US, {})).status).toBe(401);
  });

  it('answers 429 past the rate limit, with a Retry-After that parses back to the window end', async () => {
    const { run } = await openRun([{ ...spec, rateLimit: { requests: 2, windowUs: 10_000_000 } }]);
    const nowUs = T0_US + 3_000_000; // T0 is a multiple of 10 s, so the window is [T0, T0 + 10 s).
    const url = d.latestUrl(base, 'bars', 'ACME');
    expect((await get(run, url, nowUs)).status).toBe(200);
    expect((await get(run, url, nowUs + 1)).status).toBe(200);
    const limited = await get(run, url, nowUs + 2);
    expect(limited.status).toBe(429);
    const ra = limited.headers['retry-after']!;
    const freesUs = d.retryAfterStyle === 'seconds' ? nowUs + Number(ra) * 1_000_000 : Date.parse(ra) * 1000;
    expect(freesUs).toBe(T0_US + 10_000_000);
    expect(d.retryAfterStyle === 'seconds' ? ra : /GMT$/.test(ra) ? 'http-date' : ra).toBe(d.retryAfterStyle === 'seconds' ? '7' : 'http-date');
    // The next window admits again.
    expect((await get(run, url, T0_US + 10_000_000)).status).toBe(200);
    expect(run.counters().byStatus).toEqual({ 200: 3, 429: 1 });
  });

  it('answers 404 to an unknown symbol, kind or path and 400 to a malformed query', async () => {
    const { run } = await openRun([spec]);
    const nowUs = T0_US + MINUTE_US;
    expect((await get(run, d.pollUrl(base, 'bars', 'NOPE', null, 0), nowUs)).status).toBe(404);
    expect((await get(run, d.latestUrl(base, 'quotes', 'BRK.B'), nowUs)).status).toBe(404);
    expect((await get(run, `${base}/v9/nothing`, nowUs)).status).toBe(404);
    // A path of the other dialect is not this provider's.
    const other = DIALECTS[dialect === 'stocks-v2' ? 'aggs-v3' : 'stocks-v2'];
    expect((await get(run, other.latestUrl(base, 'bars', 'ACME'), nowUs)).status).toBe(404);
    const bad = await get(run, `${base}${BAD_QUERY[dialect].path}`, nowUs);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(BAD_QUERY[dialect].message);
  });

  it('holds a long poll until the next item, or to the end of the wait, adding the drawn latency', async () => {
    const { run } = await openRun([spec]);
    const draws = Rng.derive(SEED, `provider.${spec.name}`);
    const nowUs = T0_US + 10_000_000;
    const seenUs = ACME_TRADES[2]!.timeUs; // T0 + 7.000003 s; the next pair is at T0 + 14.000006 s.
    const nextUs = ACME_TRADES[4]!.timeUs;
    const held = await get(run, d.pollUrl(base, 'trades', 'ACME', seenUs, 30_000_000), nowUs);
    expect(parse(dialect, 'poll', 'trades', held, 2)).toEqual(EXPECTED.trades.slice(4, 6));
    expect(held.latencyUs).toBe(nextUs - nowUs + draws.nextInt(spec.latency.minUs, spec.latency.maxUs));
    // Nothing within the wait: an empty list at the end of the wait.
    const lastUs = ACME_TRADES.at(-1)!.timeUs;
    const empty = await get(run, d.pollUrl(base, 'trades', 'ACME', lastUs, 5_000_000), lastUs + 1);
    expect(parse(dialect, 'poll', 'trades', empty, 2)).toEqual([]);
    expect(empty.latencyUs).toBe(5_000_000 + draws.nextInt(spec.latency.minUs, spec.latency.maxUs));
    // Something already there: answered at once.
    const ready = await get(run, d.pollUrl(base, 'trades', 'ACME', T0_US, 30_000_000), nowUs);
    expect(parse(dialect, 'poll', 'trades', ready, 2)).toEqual(EXPECTED.trades.slice(2, 4));
    expect(ready.latencyUs).toBe(draws.nextInt(spec.latency.minUs, spec.latency.maxUs));
  });
});

describe('long polls over random timelines (property)', () => {
  it('answer as of the next item or the end of the wait and never serve an item later than that', async () => {
    const rows = fc.array(fc.record({ timeUs: fc.integer({ min: 0, max: 100 }), price: fc.integer({ min: 1, max: 10_000 }) }), { maxLength: 25 });
    const req = fc.record({
      nowUs: fc.integer({ min: 0, max: 120 }), afterUs: fc.option(fc.integer({ min: -1, max: 110 }), { nil: null }), waitUs: fc.integer({ min: 0, max: 60 }),
    });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...DIALECT_NAMES), rows, fc.array(req, { minLength: 1, maxLength: 5 }), async (dialect, tradeRows, requests) => {
      const base = T0_US;
      const trades = tradeRows.map((r, i) => ({ timeUs: base + r.timeUs, price: r.price, size: i }));
      const timeline = await ProviderTimeline.fromSources([arraySource({ instrumentId: 'R', priceDecimals: 2 }, { type: 'trade', rows: trades })]);
      const spec = testSpec(dialect, { latency: { minUs: 0, maxUs: 1000 } });
      const run = openProviderRun({ providers: [spec], timeline, rng: new RngRegistry(SEED), record: undefined });
      const draws = Rng.derive(SEED, `provider.${spec.name}`);
      const sorted = trades.map((t, order) => ({ ...t, order })).sort((a, b) => a.timeUs - b.timeUs || a.order - b.order)
        .map((t) => ({ timeUs: t.timeUs, priceRaw: t.price, size: t.size }));
      try {
        for (const r of requests) {
          const nowUs = base + r.nowUs;
          const afterUs = r.afterUs === null ? null : base + r.afterUs;
          const newer = sorted.filter((t) => afterUs === null || t.timeUs > afterUs);
          const first = newer[0]?.timeUs;
          const asOfUs = r.waitUs === 0 || (first !== undefined && first <= nowUs) ? nowUs : first !== undefined && first <= nowUs + r.waitUs ? first : nowUs + r.waitUs;
          const url = DIALECTS[dialect].pollUrl(providerBaseUrl(spec.name), 'trades', 'R', afterUs, r.waitUs);
          const res = await run.transport(url, { headers: DIALECTS[dialect].authHeaders(spec.auth) }, { nowUs, seq: 0 });
          const items = parse(dialect, 'poll', 'trades', res, 2);
          expect(res.latencyUs).toBe(asOfUs - nowUs + draws.nextInt(0, 1000));
          for (const x of items) expect(itemTimeUs('trades', x)).toBeLessThanOrEqual(asOfUs);
          expect(items).toEqual(newer.filter((t) => t.timeUs <= asOfUs));
        }
      } finally {
        run.close();
      }
    }), { numRuns: 40 });
  });
});

describe('determinism and run lifecycle', () => {
  const alpha = testSpec('stocks-v2', { rateLimit: { requests: 7, windowUs: 1_000_000 } });
  const beta = testSpec('aggs-v3', { rateLimit: { requests: 4, windowUs: 1_000_000 } });
  /** A mixed workload: both providers, polls that hold, latests, errors, rate limits. */
  const workload = Array.from({ length: 48 }, (_, i) => {
    const spec = i % 3 === 0 ? beta : alpha;
    const d = DIALECTS[spec.dialect];
    const base = providerBaseUrl(spec.name);
    const kinds = ['bars', 'quotes', 'trades'] as const;
    const kind = kinds[i % 3]!;
    const url = i % 5 === 0 ? d.latestUrl(base, kind, 'ACME') : i % 7 === 0 ? d.pollUrl(base, kind, 'NOPE', null, 0) : d.pollUrl(base, kind, 'ACME', T0_US + i * 1_000_000, 20_000_000);
    return { url, headers: d.authHeaders(spec.auth), nowUs: T0_US + Math.floor(i / 6) * 400_000 };
  });

  it('gives identical latencies and responses for the same seed, serial or all in flight at once', async () => {
    const serialLog: RecordedExchange[] = [];
    const { run: serial } = await openRun([alpha, beta], SEED, (x) => serialLog.push(x));
    const one: TransportResponse[] = [];
    for (const [seq, w] of workload.entries()) one.push(await serial.transport(w.url, { headers: w.headers }, { nowUs: w.nowUs, seq }));
    const parallelLog: RecordedExchange[] = [];
    const { run: parallel } = await openRun([alpha, beta], SEED, (x) => parallelLog.push(x));
    const all = await Promise.all(workload.map((w, seq) => parallel.transport(w.url, { headers: w.headers }, { nowUs: w.nowUs, seq })));
    expect(all).toEqual(one);
    expect(parallelLog).toEqual(serialLog);
    expect(new Set(one.map((r) => r.status))).toEqual(new Set([200, 404, 429]));
    expect(parallel.counters()).toEqual(serial.counters());
    // Another seed draws other latencies, and the same statuses and bodies.
    const { run: other } = await openRun([alpha, beta], SEED + 1);
    const three = await Promise.all(workload.map((w, seq) => other.transport(w.url, { headers: w.headers }, { nowUs: w.nowUs, seq })));
    expect(three.map((r) => r.body)).toEqual(one.map((r) => r.body));
    expect(three.map((r) => r.latencyUs)).not.toEqual(one.map((r) => r.latencyUs));
  });

  it('leaves no socket or other handle open however many requests it answers, and the global fetch as it was', async () => {
    // A fetch through msw's Node interceptor left a TCP handle (and an HTTP client) per request,
    // and the interceptor slowed every other fetch of the process.
    const sockets = (): number => process.getActiveResourcesInfo().filter((r) => /TCP|TLS|Pipe/.test(r)).length;
    const before = sockets();
    const { run } = await openRun([alpha, beta]);
    const answered = await Promise.all(workload.map((w, seq) => run.transport(w.url, { headers: w.headers }, { nowUs: w.nowUs, seq })));
    expect(answered).toHaveLength(workload.length);
    expect(sockets()).toBe(before);
    expect(globalThis.fetch).toBe(NODE_FETCH);
  });

  it('rejects a URL that no provider of the run serves', async () => {
    const { run } = await openRun([alpha]);
    await expect(run.transport('https://gamma.providers.gauntlet.test/v2/stocks/ACME/bars', undefined, { nowUs: T0_US, seq: 0 }))
      .rejects.toThrow(/no provider of this run serves https:\/\/gamma\.providers\.gauntlet\.test.*it has https:\/\/alpha\.providers\.gauntlet\.test/);
    await expect(run.transport('https://example.com/x', undefined, { nowUs: T0_US, seq: 1 })).rejects.toThrow(/no provider of this run serves/);
    expect(run.counters().requests).toBe(0);
  });

  it('answers 404 once the run is closed', async () => {
    const { run } = await openRun([alpha]);
    const url = DIALECTS['stocks-v2'].latestUrl(providerBaseUrl('alpha'), 'bars', 'ACME');
    const h = DIALECTS['stocks-v2'].authHeaders(alpha.auth);
    expect((await run.transport(url, { headers: h }, { nowUs: T0_US + MINUTE_US, seq: 0 })).status).toBe(200);
    run.close();
    const after = await run.transport(url, { headers: h }, { nowUs: T0_US + MINUTE_US, seq: 1 });
    expect(after.status).toBe(404);
    expect(after.body).toMatch(/no open run serves alpha\.providers\.gauntlet\.test/);
  });

  it('refuses a bad spec, naming the field', async () => {
    const timeline = await ProviderTimeline.fromSources([]);
    const rng = new RngRegistry(1);
    expect(() => openProviderRun({ providers: [{ ...alpha, name: 'Alpha' }], timeline, rng })).toThrow(/name must be a lower-case host label/);
    expect(() => openProviderRun({ providers: [{ ...alpha, latency: { minUs: 5, maxUs: 4 } }], timeline, rng })).toThrow(/latency\.maxUs/);
    expect(() => openProviderRun({ providers: [{ ...alpha, rateLimit: { requests: 0, windowUs: 1 } }], timeline, rng })).toThrow(/rateLimit\.requests/);
    expect(() => openProviderRun({ providers: [alpha, alpha], timeline, rng })).toThrow(/given twice/);
  });
});
