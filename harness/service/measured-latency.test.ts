// Measured-latency mode: a stack over HTTP that takes 20 ms to answer has its orders reach the
// venue 20 ms later in virtual time; each delay is journaled as an input and kept in the report,
// so `gauntlet replay` reproduces the run exactly although real response times differ.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { cliAsync } from '../cli/cli-helpers.ts';
import type { Report } from '../report/schema.ts';
import { ReferenceStackService } from './reference-service.ts';

const DELAY_MS = 20;
let proxy: Server;
let url = '';
const service = new ReferenceStackService();

beforeAll(async () => {
  // The reference stack, answering every step DELAY_MS late (a slow stack).
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const json = JSON.parse(body) as { type: string };
      void service.handle(json).then((a) => setTimeout(() => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      }, json.type === 'step' ? DELAY_MS : 0));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
});
afterAll(async () => { proxy.closeAllConnections(); await new Promise<void>((resolve) => proxy.close(() => resolve())); });

describe('measured latency as virtual latency', () => {
  it('delays the stack\'s orders by its measured response time, journals each delay, and replays exactly', async () => {
    // The CLI runs in a child process, asynchronously: the slow stack answers from this one.
    const cli = (a: string[]) => cliAsync(a).done;
    const dir = tempDir('measured-latency');
    const args = ['scenarios/synthetic-futures-sma-crossover.yaml', '--set', 'market.synthetic.count=120', '--workers', '1', '--json', '--quiet', '--journal'];
    const r = await cli(['run', ...args, '--set', `stack.service={url: '${url}', latency: measured}`, '--out', dir]);
    // A shorter market than the file's: its trade gates fail (exit 1), but it ran.
    expect(r.code, r.stderr).toBe(1);
    const s = (JSON.parse(r.stdout) as Report).scenarios[0]!;
    const delays = s.measuredStackLatencyUs!;
    expect(delays.length).toBeGreaterThan(100);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(DELAY_MS * 1000);
    // The journal has each delay as an input, and each order reached the venue (accepted) that much after the stack decided.
    const records = readFileSync(join(dir, 'journals', `${s.name}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const journaled = records.filter((x) => x['kind'] === 'stackLatency').map((x) => x['latencyUs']);
    expect(journaled).toEqual(delays);
    const orderTime = new Map(records.filter((x) => x['kind'] === 'order').map((x) => [x['clientOrderId'], x['timeUs'] as number]));
    const accepts = records.filter((x) => x['kind'] === 'venueAccept');
    expect(accepts.length).toBeGreaterThan(0);
    for (const a of accepts) expect((a['timeUs'] as number) - orderTime.get(a['clientOrderId'])!).toBeGreaterThanOrEqual(DELAY_MS * 1000);
    // Replay feeds the recorded delays back: the same fingerprint, whatever the stack takes this time.
    const replay = await cli(['replay', join(dir, 'report.json')]);
    expect(replay.stdout + replay.stderr).not.toMatch(/differ/);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  }, 120_000);
});
