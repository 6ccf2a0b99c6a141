/**
 * Makes the committed fixture `fixtures/providers/test-market.json`: a fixed workload against one
 * provider of each dialect serving the test market (polls, a held long poll, range, latest, a 401,
 * a 404, a burst that hits the rate limit), recorded with secrets redacted. The recording is a pure
 * function of this file and the seed; a test checks the committed file still equals a fresh one.
 *
 *   node harness/chaos/providers/record-fixture.ts
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdirSync } from 'node:fs';
import { DIALECTS, RngRegistry, type TransportResponse } from '../../../engine/index.ts';
import { providerBaseUrl, type ProviderSpec } from './provider.ts';
import { saveRecording, type RecordedExchange } from './recording.ts';
import { ProviderTimeline } from './timeline.ts';
import { openProviderRun, type ProviderRun } from './transport.ts';
import { MINUTE_US, T0_US, testSources, testSpec } from './test-market.ts';

export const FIXTURE_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/providers/test-market.json');
export const FIXTURE_SEED = 7;

export const FIXTURE_SPECS: readonly ProviderSpec[] = [
  testSpec('stocks-v2', { rateLimit: { requests: 4, windowUs: 1_000_000 } }),
  testSpec('aggs-v3', { rateLimit: { requests: 4, windowUs: 1_000_000 } }),
];

export interface WorkloadRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly nowUs: number;
}

/** The fixture's requests, in order: 15 per provider. */
export function fixtureWorkload(specs: readonly ProviderSpec[] = FIXTURE_SPECS): WorkloadRequest[] {
  const out: WorkloadRequest[] = [];
  for (const spec of specs) {
    const d = DIALECTS[spec.dialect];
    const base = providerBaseUrl(spec.name);
    const h = d.authHeaders(spec.auth);
    let nowUs = T0_US + 3 * MINUTE_US;
    const at = (url: string, headers = h): void => {
      out.push({ url, headers, nowUs });
      nowUs += 1_000_000; // one request a second: under the limit
    };
    at(d.pollUrl(base, 'bars', 'ACME', null, 0));
    for (const kind of ['bars', 'quotes', 'trades'] as const) at(d.latestUrl(base, kind, 'ACME'));
    at(d.pollUrl(base, 'trades', 'ACME', T0_US + 3 * MINUTE_US - 1, 30_000_000));
    at(d.pollUrl(base, 'quotes', 'ACME', T0_US + 3 * MINUTE_US, 0));
    at(d.rangeUrl(base, 'ACME', T0_US, T0_US + 2 * MINUTE_US));
    at(d.latestUrl(base, 'bars', 'BRK.B'));
    at(d.latestUrl(base, 'bars', 'ACME'), d.authHeaders({ ...spec.auth, secret: 'not-the-secret' }));
    at(d.pollUrl(base, 'bars', 'NOPE', null, 0));
    // A burst at one instant: four admitted, one limited.
    for (let i = 0; i < 5; i++) out.push({ url: d.latestUrl(base, 'trades', 'ACME'), headers: h, nowUs });
  }
  return out;
}

/** Sends the workload one request after another; returns the responses. */
export async function runWorkload(run: ProviderRun, workload: readonly WorkloadRequest[]): Promise<TransportResponse[]> {
  const out: TransportResponse[] = [];
  for (const [seq, w] of workload.entries()) out.push(await run.transport(w.url, { method: 'GET', headers: w.headers }, { nowUs: w.nowUs, seq }));
  return out;
}

export async function recordFixture(): Promise<RecordedExchange[]> {
  const sources = testSources();
  const timeline = await ProviderTimeline.fromSources(sources);
  for (const s of sources) await s.close?.();
  const exchanges: RecordedExchange[] = [];
  const run = openProviderRun({ providers: FIXTURE_SPECS, timeline, rng: new RngRegistry(FIXTURE_SEED), record: (x) => exchanges.push(x) });
  try {
    await runWorkload(run, fixtureWorkload());
  } finally {
    run.close();
  }
  return exchanges;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const exchanges = await recordFixture();
  mkdirSync(dirname(FIXTURE_PATH), { recursive: true });
  saveRecording(FIXTURE_PATH, exchanges);
  console.log(`wrote ${exchanges.length} exchanges to ${FIXTURE_PATH}`);
  // The msw server keeps no handle open, but say so explicitly rather than rely on it.
  process.exit(0);
}
