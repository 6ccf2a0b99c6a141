// The online invariants hold on every built-in scenario (the reference stack is not broken), and
// each reports a broken stack's first violation with its time, journal position and records.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReferenceStack, toMoney, type PreTradeRisk, type StackConfig } from '../../../engine/index.ts';
import { withNewIdRetries } from '../../../engine/stack/testing/broken-execution.ts';
import { REPO } from '../../cli/cli-helpers.ts';
import { loadScenarioFile, type LoadedScenario } from '../../scenario/load.ts';
import { runScenario, type RunOptions } from '../../scenario/run.ts';
import type { OnlinePropertyName } from '../property.ts';
import { INVARIANTS } from '../registry.ts';

const ALL = Object.keys(INVARIANTS) as OnlinePropertyName[];
const files = [
  ...readdirSync(`${REPO}/scenarios`).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`),
  ...readdirSync(`${REPO}/scenarios/chaos`).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/chaos/${f}`),
];

function load(file: string): LoadedScenario {
  const r = loadScenarioFile(file, REPO);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.loaded;
}

async function run(file: string, options: Partial<RunOptions> = {}) {
  const loaded = load(file);
  return runScenario(loaded, { seed: loaded.scenario.seed, cwd: REPO, checkProperties: ALL, ...options });
}

/** The reference stack of a scenario with its risk engine wrapped. */
function stackWithRisk(loaded: LoadedScenario, wrap: (risk: PreTradeRisk) => PreTradeRisk): RunOptions['stack'] {
  const s = loaded.scenario;
  const { dataClient: _dataClient, ...config } = s.stack;
  return () => createReferenceStack(config as StackConfig, { account: { moneyDecimals: s.account.moneyDecimals, startCash: toMoney(s.account.startCash, s.account.moneyDecimals) }, wrap: { risk: wrap } });
}

describe('online invariants on the built-in suite', () => {
  it.each(files)('%s: every property holds', async (file) => {
    const r = await run(file);
    expect(r.properties.map((p) => p.name).sort()).toEqual([...ALL].sort());
    expect(r.properties.filter((p) => p.violation !== null).map((p) => `${p.name}: ${p.violation!.message}`)).toEqual([]);
    // A run with fills reached the ledger's and the orders' properties: the checks were not vacuous.
    if (r.fills.length > 0) expect(r.properties.filter((p) => p.reached).map((p) => p.name)).toEqual(expect.arrayContaining(['ledgerBalances', 'ordersTerminal']));
  }, 60_000);
});

describe('online invariants catch a broken stack', () => {
  it('riskLimits: a risk engine that passes every order breaks maxPosition, reported at the order', async () => {
    const file = 'scenarios/demo-sp500-two-agents-risk.yaml';
    const loaded = load(file);
    const lax = stackWithRisk(loaded, (risk) => Object.assign(Object.create(risk) as PreTradeRisk, { check: () => null }));
    const r = await run(file, { stack: lax });
    const v = r.properties.find((p) => p.name === 'riskLimits')!.violation;
    expect(v).not.toBeNull();
    expect(v!.message).toMatch(/breaks a risk limit/);
    expect(v!.timeUs).toBeGreaterThan(0);
    expect(v!.journalPosition).toBeGreaterThan(0);
    expect(v!.records.at(-1)).toMatch(/order o-?\d+/);
  }, 60_000);

  it('noDuplicateOrders: retrying a lost ack under a new id doubles the order', async () => {
    const file = 'scenarios/chaos/venue-lost-ack.yaml';
    const loaded = load(file);
    const s = loaded.scenario;
    const { dataClient: _dataClient, ...config } = s.stack;
    const r = await run(file, { stack: () => withNewIdRetries(createReferenceStack(config as StackConfig, { account: { moneyDecimals: 2, startCash: toMoney(s.account.startCash, 2) } })) });
    const v = r.properties.find((p) => p.name === 'noDuplicateOrders')!.violation;
    expect(v?.message).toMatch(/booked \d+ orders but the stack meant to send \d+/);
  }, 60_000);

  it('noStaleOrders: a data client without staleness checks trades on frozen data', async () => {
    const r = await run('scenarios/chaos/provider-frozen.yaml', { dataClientFlaws: { noDataChecks: true } });
    const v = r.properties.find((p) => p.name === 'noStaleOrders')!.violation;
    expect(v?.message).toMatch(/old, tolerance/);
  }, 60_000);

  it('a declared property that is violated fails its gate, located at its key', async () => {
    const file = 'scenarios/demo-sp500-two-agents-risk.yaml';
    const base = load(file);
    const { loadScenarioText } = await import('../../scenario/load.ts');
    const { readFileSync } = await import('node:fs');
    const text = `${readFileSync(base.absPath, 'utf8')}\nproperties:\n  riskLimits: always\n`;
    const lr = loadScenarioText(text, base.absPath, { cwd: REPO });
    if (!lr.ok) throw new Error(JSON.stringify(lr.problems));
    const lax = stackWithRisk(lr.loaded, (risk) => Object.assign(Object.create(risk) as PreTradeRisk, { check: () => null }));
    const r = await runScenario(lr.loaded, { seed: lr.loaded.scenario.seed, cwd: REPO, stack: lax });
    const gate = r.gates.find((g) => g.name === 'property riskLimits')!;
    expect(gate.pass).toBe(false);
    expect(gate.line).toBe(lr.loaded.locate(['properties', 'riskLimits']).line);
    expect(gate.message).toMatch(/riskLimits violated at \d{4}-/);
  }, 60_000);
});
