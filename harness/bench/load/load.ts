/**
 * Load against a stack service: autocannon in its own process (load-worker.ts), percentiles from
 * every response time it saw (autocannon's own summary has no p95), errors and non-2xx counted.
 * With `overallRate` the requests are offered at a fixed rate, so a slow service shows as latency
 * and as requests it could not take (`missed`), not as a quietly lower rate (coordinated omission).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Result } from 'autocannon';
import { PROTOCOL_NAME, PROTOCOL_VERSION } from '../../service/protocol.ts';
import { quantile } from '../../gates/quantile.ts';

export { quantile };

export const LoadSpecSchema = z.strictObject({
  url: z.string().url(),
  kind: z.enum(['stack', 'plain']),
  connections: z.int().min(1).max(1000),
  durationSec: z.number().positive().max(3600),
  amount: z.int().min(1).optional(),
  overallRate: z.number().positive().optional(),
  timeoutSec: z.number().positive().default(10),
});
export type LoadSpec = z.input<typeof LoadSpecSchema>;

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Connection errors and timeouts plus non-2xx answers. */
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
  readonly durationSec: number;
  /** Fixed-rate mode: requests offered on schedule but never sent because the service was behind. */
  readonly missed: number | null;
}


export function loadSummary(r: Result, latenciesMs: number[], spec: z.output<typeof LoadSpecSchema>): LoadResult {
  const sorted = latenciesMs.slice().sort((a, b) => a - b);
  const durationSec = r.duration;
  const total = r.requests.total;
  return {
    requests: total,
    requestsPerSecond: total / durationSec,
    p50Ms: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), p99Ms: quantile(sorted, 0.99), maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    errors: r.errors + r.non2xx, non2xx: r.non2xx, timeouts: r.timeouts, durationSec,
    missed: spec.overallRate === undefined ? null : Math.max(0, Math.round(spec.overallRate * durationSec) - total),
  };
}

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/** Runs autocannon in a child process (the same Node) and returns what it measured. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify(LoadSpecSchema.parse(spec))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`load generator exited ${code}: ${err.trim()}`)); return; }
      resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
    });
  });
}

/** The calibration: a bare node:http server answering a fixed JSON body, the ceiling of this machine's HTTP. */
export async function startCeilingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ version: PROTOCOL_VERSION, hello: 'world' });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** The load's stack: an SMA(20) crossover on one instrument, so a share of the steps decide to trade. */
export const LOAD_STACK_CONFIG = { agents: [{ kind: 'sma-crossover', instrument: 'LOAD', period: 20 }], allocator: { kind: 'fixed-quantity', quantity: 10 } };

export function stackStartBody(session: string): string {
  return JSON.stringify({
    protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, type: 'start', session, seed: 1, clockUs: 1_700_000_000_000_000,
    instruments: [{ id: 'LOAD', kind: 'equity', currency: 'USD', priceDecimals: 2, quantityDecimals: 0, tickSizeRaw: 1, lotSizeRaw: 1, multiplier: 1, marginPerContract: 0 }],
    account: { currency: 'USD', moneyDecimals: 2, startCash: 100_000_000 },
    calendar: { open: '00:00', close: '24:00', weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] },
    config: LOAD_STACK_CONFIG,
  });
}

/** Step `seq` of a load session: one one-minute bar on a slow sine wave (the SMA crosses every ~30 bars). */
export function stackStepBody(session: string, seq: number): string {
  const t0 = 1_700_000_000_000_000;
  const closeRaw = 10_000 + Math.round(200 * Math.sin(seq / 10));
  const close = closeRaw / 100;
  return JSON.stringify({
    version: PROTOCOL_VERSION, type: 'step', session, seq, clockUs: t0 + seq * 60_000_000,
    events: [{
      type: 'bar', instrument: 'LOAD', openTimeUs: t0 + (seq - 1) * 60_000_000, closeTimeUs: t0 + seq * 60_000_000,
      openRaw: closeRaw, highRaw: closeRaw, lowRaw: closeRaw, closeRaw, open: close, high: close, low: close, close, volume: 0,
    }],
  });
}
