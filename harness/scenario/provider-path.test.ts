// With no fault injected, the provider path (the stack pulling over HTTP from msw-served
// providers, failover configured) decides exactly as the direct path on every built-in scenario:
// the same decision fingerprint and decision records, fills, final ledger and metrics. Scenarios
// alternate which dialect is primary, so both dialects serve the suite. No exception is needed
// today; with several instruments closing at one instant the order in which their responses
// arrive could differ from the feed's, which is why none is claimed for such markets.
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/cli-helpers.ts';
import { decisionRecordsSha256 } from './decision-records.ts';
import { discoverScenarioFiles } from './discover.ts';
import { loadScenarioFile, type LoadedScenario } from './load.ts';
import { ProvidersSchema } from './providers-schema.ts';
import { runScenario, type ScenarioRunResult } from './run.ts';

const ALPHA_PRIMARY = ProvidersSchema.parse('standard');
const BETA_PRIMARY = ProvidersSchema.parse([
  { name: 'beta', dialect: 'aggs-v3', primary: true },
  { name: 'alpha', dialect: 'stocks-v2' },
]);

async function run(loaded: LoadedScenario): Promise<{ result: ScenarioRunResult; decisions: { count: number; sha256: string } }> {
  const chunks: Uint8Array[] = [];
  const result = await runScenario(loaded, { seed: loaded.scenario.seed, cwd: REPO, journalSink: { write: (b) => { chunks.push(b.slice()); } } });
  return { result, decisions: decisionRecordsSha256(Buffer.concat(chunks)) };
}

const PROVIDER_METRICS = [
  'providerRequests', 'providerFailures', 'providerRetries', 'providerFailovers', 'breakerOpens', 'breakerCloses', 'payloadRejections', 'staleRejections', 'skewRejections',
  'ordersOnStaleData', 'requestsInRetryAfter',
];

describe('provider path against the direct path, every built-in scenario', () => {
  // The chaos scenarios inject faults on purpose: their decisions are meant to differ.
  const files = discoverScenarioFiles(['scenarios'], REPO).filter((f) => !f.includes('/chaos/'));
  it.each(files.map((f, i) => [f, i] as const))('%s', async (file, i) => {
    const r = loadScenarioFile(file, REPO);
    if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.problems)}`);
    expect(r.loaded.scenario.faults ?? [], 'a built-in scenario outside scenarios/chaos/ has no fault plan').toEqual([]);
    const direct = await run(r.loaded);
    const providers = i % 2 === 0 ? ALPHA_PRIMARY : BETA_PRIMARY;
    const pulled = await run({ ...r.loaded, scenario: { ...r.loaded.scenario, providers } });
    const d = direct.result;
    const p = pulled.result;
    expect(d.dataPath).toBe('direct');
    expect(p.dataPath).toBe('providers');
    expect(p.decisionFingerprint).toBe(d.decisionFingerprint);
    expect(p.fingerprint).not.toBe(d.fingerprint); // the transport is journaled too
    expect(pulled.decisions).toEqual(direct.decisions);
    expect(p.fills).toEqual(d.fills);
    expect(p.final).toEqual(d.final);
    expect(p.gates.map((g) => g.pass)).toEqual(d.gates.map((g) => g.pass));
    const strip = (m: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(m).filter(([k]) => !PROVIDER_METRICS.includes(k)));
    expect(strip(p.metrics)).toEqual(strip(d.metrics));
    for (const k of PROVIDER_METRICS) expect(d.metrics[k], k).toBeNull();
    expect(p.metrics.providerRequests).toBeGreaterThan(10);
    expect(p.metrics.providerFailures).toBe(0);
    expect(p.metrics.staleRejections).toBe(0);
  }, 120_000);
});
