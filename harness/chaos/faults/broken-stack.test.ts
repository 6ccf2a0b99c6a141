// The chaos scenarios prove something only if a broken stack fails them. Each story scenario runs
// here with the reference data client (its gates pass) and with a deliberately broken variant
// (the gate that guards against that flaw fails).
import { describe, expect, it } from 'vitest';
import { REPO } from '../../cli/cli-helpers.ts';
import { loadScenarioFile } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';
import { createReferenceStack, toMoney, type DataClientFlaws } from '../../../engine/index.ts';
import { withNewIdRetries } from '../../../engine/stack/testing/broken-execution.ts';
import { referenceConfig } from '../../scenario/stack-schema.ts';

async function failedGates(file: string, flaws?: DataClientFlaws): Promise<string[]> {
  const r = loadScenarioFile(file, REPO);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const run = await runScenario(r.loaded, { seed: r.loaded.scenario.seed, cwd: REPO, ...(flaws === undefined ? {} : { dataClientFlaws: flaws }) });
  return run.gates.filter((g) => !g.pass).map((g) => g.name);
}

describe('chaos stories catch a broken data client', () => {
  it.each([
    ['scenarios/chaos/provider-401-storm.yaml', { noFailover: true }, 'providerFailovers min'],
    ['scenarios/chaos/provider-429-retry-after.yaml', { ignoreRetryAfter: true }, 'requestsInRetryAfter max'],
    ['scenarios/chaos/provider-frozen.yaml', { noDataChecks: true }, 'ordersOnStaleData max'],
    ['scenarios/chaos/provider-skew.yaml', { noDataChecks: true }, 'skewRejections min'],
  ] as const)('%s: passes with the reference client, fails with %j', async (file, flaws, gate) => {
    expect(await failedGates(file)).toEqual([]);
    expect(await failedGates(file, flaws)).toContain(gate);
  }, 60_000);
});

describe('chaos stories catch a broken execution', () => {
  it('lost acks: the reference execution doubles no order; one that retries under a new id fails the duplicate-orders gate', async () => {
    const file = 'scenarios/chaos/venue-lost-ack.yaml';
    expect(await failedGates(file)).toEqual([]);
    const r = loadScenarioFile(file, REPO);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const s = r.loaded.scenario;
    const config = referenceConfig(s.stack);
    const run = await runScenario(r.loaded, {
      seed: s.seed, cwd: REPO,
      stack: () => withNewIdRetries(createReferenceStack(config, { account: { moneyDecimals: s.account.moneyDecimals, startCash: toMoney(s.account.startCash, s.account.moneyDecimals) } })),
    });
    expect(run.metrics.duplicateOrders).toBeGreaterThan(0);
    expect(run.gates.filter((g) => !g.pass).map((g) => g.name)).toContain('duplicateOrders max');
  }, 60_000);
});
