// A stack over HTTP in lockstep: the reference stack served gives the in-process run's decisions
// (same decision fingerprint, fills and metrics), a retry after a lost answer never doubles an
// order, and a stack that breaks the protocol ends the run as bad input naming the instant and field.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { REPO } from '../cli/cli-helpers.ts';
import { runJob } from '../job/job.ts';
import { PROTOCOL_VERSION } from './protocol.ts';
import { ReferenceStackService } from './reference-service.ts';
import { serveMessages, type StackServer } from './server.ts';
import { stackUrlProblem } from './transport.ts';

let served: StackServer;
const service = new ReferenceStackService();

beforeAll(async () => { served = await serveMessages((json) => service.handle(json)); });
afterAll(async () => { await served.close(); });

function job(file: string, service: Record<string, unknown> | null, more: { path: string; value: number }[] = []) {
  return runJob({ file, cwd: REPO, seed: { kind: 'scenario' }, overrides: [...more, ...(service === null ? [] : [{ path: 'stack.service', value: service as never }])] });
}

describe('the reference stack over HTTP', () => {
  // Kill switch and risk limits, futures, lost acks with retries, a skewed and drifting stack clock, the provider path with duplicates,
  // crashes with and without downtime (the adapter reconciles for the service: fills lost while it was down are forwarded).
  const files = [
    'scenarios/synthetic-sma-fast-slow-kill-switch.yaml', 'scenarios/synthetic-futures-sma-crossover.yaml', 'scenarios/chaos/venue-lost-ack.yaml',
    'scenarios/chaos/stack-clock-skew-and-drift.yaml', 'scenarios/chaos/provider-duplicates.yaml',
    'scenarios/chaos/stack-crash-restart.yaml', 'scenarios/chaos/stack-crash-downtime.yaml',
  ];
  it.each(files)('decides as in-process: %s', async (file) => {
    const inProcess = await job(file, null);
    const overHttp = await job(file, { url: served.url });
    expect(inProcess.status).toBe('passed');
    expect(overHttp.status).toBe('passed');
    expect(overHttp.decisionFingerprint).toBe(inProcess.decisionFingerprint);
    expect(overHttp.fills).toEqual(inProcess.fills);
    expect(overHttp.metrics).toEqual(inProcess.metrics);
  }, 60_000);
});

describe('latency of a stack over HTTP', () => {
  it('times each step (the exchange), counts re-sent messages as errors, and keeps the decisions', async () => {
    const file = 'scenarios/synthetic-futures-sma-crossover.yaml';
    const r = await runJob({ file, cwd: REPO, seed: { kind: 'scenario' }, overrides: [
      { path: 'stack.service', value: { url: served.url } }, { path: 'latency', value: { p99: 10_000, maxErrors: 0, repeats: 2 } },
    ] });
    expect(r.status).toBe('passed');
    const lat = r.wallTimeLatency!;
    expect(lat.repeats).toBe(2);
    expect(lat.measured.errors).toBe(0);
    // One step per input the stack handled: at least one per bar.
    expect(lat.measured.count).toBeGreaterThan(100);
    expect(lat.measured.p50Ms).toBeGreaterThan(0);
    expect(lat.gates.map((g) => [g.name, g.pass])).toEqual([['latency p99', true], ['latency maxErrors', true]]);
  }, 60_000);
});

/** A stack service whose answers a test writes: `answer(json, n)` for the n-th request. */
async function fakeStack(answer: (json: Record<string, unknown>, n: number) => { status?: number; text: string } | 'hang' | 'drop'): Promise<StackServer> {
  let n = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const a = answer(JSON.parse(body) as Record<string, unknown>, ++n);
      if (a === 'hang') return;
      if (a === 'drop') { req.socket.destroy(); return; }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(a.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, server, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const FILE = 'scenarios/synthetic-gbm-sma-crossover.yaml';

describe('a retry after a lost answer', () => {
  it('re-sends the same step, is answered from the last answer, and doubles nothing', async () => {
    const inner = new ReferenceStackService();
    const lost = new Set<string>();
    // A proxy that loses the first answer to every 97th step on its way back: the stack has acted on it.
    const proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        const json = JSON.parse(body) as { session?: string; seq?: number };
        void inner.handle(json).then((a) => {
          const key = `${json.session}:${json.seq}`;
          if ((json.seq ?? 0) % 97 === 0 && !lost.has(key)) { lost.add(key); req.socket.destroy(); return; }
          res.writeHead(a.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(a.body));
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    try {
      const shorter = [{ path: 'market.synthetic.count', value: 500 }];
      const clean = await job(FILE, null, shorter);
      const retried = await job(FILE, { url, retries: 2 }, shorter);
      expect(retried.problems).toEqual([]);
      expect(lost.size).toBeGreaterThan(5);
      expect(retried.fills.length).toBeGreaterThan(40);
      expect(retried.decisionFingerprint).toBe(clean.decisionFingerprint);
      expect(retried.metrics!.duplicateOrders).toBe(0);
      expect(retried.fills.length).toBe(clean.fills.length);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  }, 60_000);

  it('answers a repeated sequence number from the last answer and refuses an older one (the service)', async () => {
    const s = new ReferenceStackService();
    const start = {
      protocol: 'gauntlet-stack', version: 1, type: 'start', session: 'x', seed: 1, clockUs: 0, config: { agents: [{ kind: 'buy-and-hold', instrument: 'A' }], allocator: { kind: 'fixed-quantity', quantity: 5 } },
      instruments: [{ id: 'A', kind: 'equity', currency: 'USD', priceDecimals: 2, quantityDecimals: 0, tickSizeRaw: 1, lotSizeRaw: 1, multiplier: 1, marginPerContract: 0 }],
      account: { currency: 'USD', moneyDecimals: 2, startCash: 1_000_000 }, calendar: { open: '00:00', close: '24:00', weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] },
    };
    expect((await s.handle(start)).status).toBe(200);
    const bar = (seq: number) => ({
      version: 1, type: 'step', session: 'x', seq, clockUs: seq * 60e6,
      events: [{ type: 'bar', instrument: 'A', openTimeUs: 0, closeTimeUs: seq * 60e6, openRaw: 100, highRaw: 100, lowRaw: 100, closeRaw: 100, open: 1, high: 1, low: 1, close: 1, volume: 0 }],
    });
    const first = await s.handle(bar(1));
    const submits = (a: { body: object }) => (a.body as { actions: { type: string }[] }).actions.filter((x) => x.type === 'submit').length;
    expect(submits(first)).toBe(1);
    const state = (await s.handle({ version: 1, type: 'snapshot', session: 'x' })).body;
    const again = await s.handle(bar(1));
    expect(again).toEqual(first);
    expect((await s.handle({ version: 1, type: 'snapshot', session: 'x' })).body).toEqual(state);
    expect(submits(await s.handle(bar(2)))).toBe(0);
    const old = await s.handle(bar(1));
    expect(old.status).toBe(409);
    expect((old.body as { error: string }).error).toContain('older than the last step 2');
    expect((await s.handle({ ...bar(3), version: 2 })).status).toBe(400);
  });
});

describe('reconcile after a restart, for a stack over HTTP', () => {
  it("forwards a replace the venue made while the stack was down, as the venue's new terms", async () => {
    // A stack that rests a limit buy far below the market at the first bar and moves its price at
    // the second; it crashes after the venue took the replace, before the report arrives.
    const reports: { session: string; kind: string; limitPriceRaw: number | undefined }[] = [];
    let steps = 0;
    const stack = await fakeStack((json) => {
      const session = String(json['session']);
      const reply = (type: string, more: Record<string, unknown> = {}) => ({ text: JSON.stringify({ version: PROTOCOL_VERSION, type, session, ...more }) });
      switch (json['type']) {
        case 'start': return reply('started', { journal: 'actions' });
        case 'snapshot': return reply('snapshot', { state: {} });
        case 'restore': return reply('restored');
        case 'stop': return reply('stopped');
        default: break;
      }
      const events = json['events'] as { type: string; report?: { kind: string; request?: { limitPriceRaw?: number } } }[];
      for (const e of events) if (e.type === 'report') reports.push({ session, kind: e.report!.kind, limitPriceRaw: e.report!.request?.limitPriceRaw });
      const bars = events.filter((e) => e.type === 'bar').length;
      const actions: unknown[] = [];
      if (bars > 0 && ++steps === 1) actions.push({ type: 'submit', order: { clientOrderId: 'L1', instrument: 'SYN', side: 1, quantityRaw: 10, type: 'limit', timeInForce: 'GTC', limitPriceRaw: 100 } });
      if (bars > 0 && steps === 2) actions.push({ type: 'replace', clientOrderId: 'L1', limitPriceRaw: 200 });
      return reply('actions', { seq: json['seq'], actions });
    });
    try {
      const dir = tempDir('http-reconcile');
      const file = join(dir, 'replace-crash.yaml');
      writeFileSync(file, `version: 1
name: http-replace-crash
seed: 5
market:
  synthetic: { process: gbm, instrumentId: SYN, priceDecimals: 2, startTimeUs: 1704186000000000, startPrice: 100, count: 30, drift: 0, volatility: 0.1, output: { type: bar, intervalUs: 60000000 } }
faults:
  - { kind: stack-crash, at: '2024-01-02T09:02:03Z', downtime: 10m }   # the replace reached the venue at 09:02:02; its report arrives at 09:02:07
account: { currency: USD, startCash: 100000 }
stack:
  agents:
    - { kind: buy-and-hold, instrument: SYN }
  allocator: { kind: fixed-quantity, quantity: 10 }
  service: { url: '${stack.url}' }
venue:
  latency: { model: constant, orderUs: 2000000, reportUs: 5000000 }
`);
      const r = await runJob({ file, cwd: dir, seed: { kind: 'scenario' } });
      expect(r.problems).toEqual([]);
      const sessions = [...new Set(reports.map((x) => x.session))];
      // Before the crash: the order's ack. After the restart: the replace, with the new price, once.
      expect(reports.filter((x) => x.session === sessions[0]).map((x) => x.kind)).toEqual(['accepted']);
      const after = reports.filter((x) => x.session !== sessions[0]);
      expect(after.filter((x) => x.kind === 'replaced').map((x) => [x.kind, x.limitPriceRaw])).toEqual([['replaced', 200]]);
    } finally {
      await stack.close();
    }
  }, 60_000);
});

describe('a stack that breaks the protocol', () => {
  const started = (json: Record<string, unknown>) => JSON.stringify({ version: PROTOCOL_VERSION, type: 'started', session: json['session'] });
  const cases: [string, (json: Record<string, unknown>, n: number) => { status?: number; text: string } | 'hang', RegExp][] = [
    ['times out', (j, n) => (n === 1 ? { text: started(j) } : 'hang'), /at 2020-01-\d\dT.*\(step 1\): timeout: step: no answer within 300 ms/],
    ['answers something that is not JSON', (j, n) => (n === 1 ? { text: started(j) } : { text: '<html>oops' }), /\(step 1\): step: the answer is not JSON/],
    ['speaks another protocol version', (j) => ({ text: JSON.stringify({ version: 2, type: 'started', session: j['session'] }) }), /version: start: protocol version 2, expected 1/],
    ['orders an unknown instrument', (j, n) => (n === 1 ? { text: started(j) } : {
      text: JSON.stringify({ version: 1, type: 'actions', session: j['session'], seq: j['seq'], actions: [{ type: 'submit', order: { clientOrderId: 'a', instrument: 'NOPE', side: 1, quantityRaw: 1, type: 'market' } }] }),
    }), /\(step 1\): actions\[0\]\.order\.instrument: unknown instrument 'NOPE' \(instruments: SYN-GBM\)/],
    ['answers a field of the wrong type', (j, n) => (n === 1 ? { text: started(j) } : {
      text: JSON.stringify({ version: 1, type: 'actions', session: j['session'], seq: j['seq'], actions: [{ type: 'cancel', clientOrderId: 7 }] }),
    }), /\(step 1\): actions\[0\]\.clientOrderId: step: /],
  ];
  it.each(cases)('ends the run as bad input when it %s', async (_what, answer, message) => {
    const stack = await fakeStack(answer);
    try {
      const r = await job(FILE, { url: stack.url, timeout: '300ms' });
      expect(r.status).toBe('invalid');
      expect(r.problems[0]).toMatchObject({ path: 'stack.service' });
      expect(r.problems[0]!.message).toMatch(message);
    } finally {
      await stack.close();
    }
  }, 30_000);

  it('refuses a stack on another machine unless allowed', async () => {
    expect(stackUrlProblem('http://10.0.0.5:8080/', false)).toMatch(/not this machine .* --allow-remote/);
    expect(stackUrlProblem('http://10.0.0.5:8080/', true)).toBeNull();
    expect(stackUrlProblem('http://[::1]:8080/', false)).toBeNull();
    expect(stackUrlProblem('ftp://127.0.0.1/', false)).toMatch(/only http/);
    const r = await job(FILE, { url: 'http://192.0.2.1:9/' });
    expect(r.status).toBe('invalid');
    expect(r.problems[0]).toMatchObject({ path: 'stack.service.url' });
  });
});
