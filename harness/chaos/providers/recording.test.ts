// Proves that a recording never holds a secret, survives a save and a load, replays to identical
// responses (and records identically again), and that a bad recording names its file and field.
// Also proves the committed fixture is what record-fixture.ts makes today.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, RngRegistry } from '../../../engine/index.ts';
import { tempDir } from '../../../engine/testing/temp-dirs.ts';
import { FIXTURE_PATH, FIXTURE_SPECS, fixtureWorkload, recordFixture, runWorkload } from './record-fixture.ts';
import { providerBaseUrl } from './provider.ts';
import { REDACTED, loadRecording, saveRecording, type RecordedExchange } from './recording.ts';
import { ProviderTimeline } from './timeline.ts';
import { openProviderRun, type ProviderRun } from './transport.ts';
import { TEST_AUTH, testSources } from './test-market.ts';

const open: ProviderRun[] = [];
afterEach(() => {
  for (const run of open.splice(0)) run.close();
});

async function replayRun(exchanges: readonly RecordedExchange[], record?: (x: RecordedExchange) => void): Promise<ProviderRun> {
  const timeline = await ProviderTimeline.fromSources(testSources());
  const providers = FIXTURE_SPECS.map((s) => ({ ...s, recording: exchanges.filter((x) => x.provider === s.name) }));
  // Another seed than the recording's: a replay takes its latencies from the recording.
  const run = openProviderRun({ providers, timeline, rng: new RngRegistry(99), record });
  open.push(run);
  return run;
}

describe('recordings', () => {
  it('never contain a secret value, and redact every secret header of the dialect', async () => {
    const exchanges = await recordFixture();
    const text = JSON.stringify(exchanges);
    for (const auth of Object.values(TEST_AUTH)) {
      expect(text).not.toContain(auth.secret);
      if (auth.keyId !== undefined) expect(text).not.toContain(auth.keyId);
    }
    expect(text).not.toContain('not-the-secret');
    expect(text).not.toContain('x-gauntlet-');
    for (const x of exchanges) {
      const secrets = DIALECTS[FIXTURE_SPECS.find((s) => s.name === x.provider)!.dialect].secretHeaders;
      for (const h of secrets) expect(x.requestHeaders[h]).toBe(REDACTED);
    }
  });

  it('the committed fixture is what record-fixture.ts makes, and holds no secret', async () => {
    const committed = loadRecording(FIXTURE_PATH);
    expect(committed).toEqual(await recordFixture());
    expect(committed.length).toBe(30);
    expect(new Set(committed.map((x) => x.status))).toEqual(new Set([200, 401, 404, 429]));
    // A held long poll is in it: its latency is more than the largest drawn latency.
    expect(committed.some((x) => x.latencyUs > FIXTURE_SPECS[0]!.latency.maxUs)).toBe(true);
  });

  it('replays to identical responses, and a replay records the same recording', async () => {
    const recorded = await recordFixture();
    const path = join(tempDir('providers-recording'), 'run.json');
    saveRecording(path, recorded);
    const loaded = loadRecording(path);
    expect(loaded).toEqual(recorded);
    const again: RecordedExchange[] = [];
    const run = await replayRun(loaded, (x) => again.push(x));
    const responses = await runWorkload(run, fixtureWorkload());
    expect(responses).toEqual(recorded.map((x) => ({ status: x.status, headers: x.responseHeaders, body: x.body, latencyUs: x.latencyUs })));
    expect(again).toEqual(recorded);
  });

  it('answers 404 naming the URL when a replay has no recorded exchange left for it', async () => {
    const run = await replayRun(loadRecording(FIXTURE_PATH));
    const spec = FIXTURE_SPECS[1]!;
    const url = DIALECTS[spec.dialect].latestUrl(providerBaseUrl(spec.name), 'quotes', 'ACME');
    const headers = DIALECTS[spec.dialect].authHeaders(spec.auth);
    const first = await run.transport(url, { headers }, { nowUs: 0, seq: 0 });
    expect(first.status).toBe(200);
    const second = await run.transport(url, { headers }, { nowUs: 0, seq: 1 });
    expect(second.status).toBe(404);
    expect(JSON.parse(second.body)).toEqual(DIALECTS[spec.dialect].renderError(404, `no recorded response left for GET ${url}`));
  });

  it('refuses a bad recording, naming the file and the field', () => {
    const dir = tempDir('providers-bad-recording');
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{"version": 1, "exchanges": [');
    expect(() => loadRecording(notJson)).toThrow(new RegExp(`^${notJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not JSON`));
    const badField = join(dir, 'bad-field.json');
    const good = loadRecording(FIXTURE_PATH);
    writeFileSync(badField, JSON.stringify({ version: 1, exchanges: [good[0], { ...good[1], status: 'ok' }] }));
    expect(() => loadRecording(badField)).toThrow(/bad-field\.json: exchanges\.1\.status: /);
    const badHeader = join(dir, 'bad-header.json');
    writeFileSync(badHeader, JSON.stringify({ version: 1, exchanges: [{ ...good[0], responseHeaders: { 'Content-Type': 'x' } }] }));
    expect(() => loadRecording(badHeader)).toThrow(/bad-header\.json: exchanges\.0\.responseHeaders\.Content-Type: .*lower-case header name/);
    expect(() => loadRecording(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
  });
});
