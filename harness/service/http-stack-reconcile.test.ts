// After a restart with downtime, a stack over HTTP learns what it missed as the in-process stack
// does: here an order the venue rejected while the stack was down (its reject report lost).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO } from '../cli/cli-helpers.ts';
import { runJob } from '../job/job.ts';
import { ReferenceStackService } from './reference-service.ts';
import { serveMessages, type StackServer } from './server.ts';

let served: StackServer;
const service = new ReferenceStackService();
beforeAll(async () => { served = await serveMessages((json) => service.handle(json)); });
afterAll(async () => { await served.close(); });

// The order of 09:34:00 reaches the venue at 09:34:02 and is rejected; its report would arrive at
// 09:34:07, but the stack is down from 09:34:03 for ten minutes.
const faults = [
  { kind: 'venue-reject', window: { from: '2024-01-02T09:34:00Z', to: '2024-01-02T09:36:00Z' } },
  { kind: 'stack-crash', at: '2024-01-02T09:34:03Z', downtime: '10m' },
];

it('an order rejected while the stack was down: over HTTP as in-process', async () => {
  const file = 'scenarios/chaos/stack-crash-downtime.yaml';
  const run = (service: Record<string, unknown> | null) => runJob({ file, cwd: REPO, seed: { kind: 'scenario' }, journalDir: null, overrides: [
    { path: 'faults', value: faults as never }, ...(service === null ? [] : [{ path: 'stack.service', value: service as never }]),
  ] });
  const inProcess = await run(null);
  const overHttp = await run({ url: served.url });
  expect(inProcess.status).not.toBe('error');
  expect(inProcess.faults?.byKind['venue-reject']).toBeGreaterThan(0);
  expect(overHttp.decisionFingerprint).toBe(inProcess.decisionFingerprint);
  expect(overHttp.fills).toEqual(inProcess.fills);
}, 60_000);
