// gauntlet check as a library: it passes a sound stack, finds and shrinks a broken one, writes a
// regression scenario that fails the same way and replays byte for byte, holds `sometimes`
// properties to being reached, says "not applicable" with a reason, and is itself deterministic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReferenceStack, toMoney, type PreTradeRisk, type StackConfig } from '../../../engine/index.ts';
import { tempDir } from '../../../engine/testing/temp-dirs.ts';
import { loadScenarioFile, loadScenarioText, type LoadedScenario } from '../../scenario/load.ts';
import { runScenario, type RunOptions } from '../../scenario/run.ts';
import { checkScenario, type CheckOptions } from './check.ts';

const dir = tempDir('check-test');

const SCENARIO = `version: 1
name: small-check
seed: 3
market:
  synthetic: { process: gbm, instrumentId: SYN, priceDecimals: 2, startTimeUs: 1577836800000000, startPrice: 100, count: 120, drift: 0.05, volatility: 0.4, output: { type: bar, intervalUs: 86400000000 } }
account: { currency: USD, startCash: 100000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SYN, period: 5, allowShort: true }
  allocator: { kind: fixed-quantity, quantity: 100 }
  risk: { maxPosition: 100, maxOrderQuantity: 100 }
`;

function loadText(text: string, name = 'small-check.yaml'): LoadedScenario {
  const r = loadScenarioText(text, join(dir, name), { cwd: dir });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.loaded;
}

const options = (o: Partial<CheckOptions> = {}): CheckOptions => ({ runs: 30, seed: 42, timeBudgetMs: null, cwd: dir, regressionsDir: null, ...o });

/** The reference stack with a risk engine that lets every order through: maxPosition is breached. */
function laxRisk(loaded: LoadedScenario): Partial<RunOptions> {
  const s = loaded.scenario;
  const { dataClient: _dataClient, ...config } = s.stack;
  return {
    stack: () => createReferenceStack(config as StackConfig, {
      account: { moneyDecimals: s.account.moneyDecimals, startCash: toMoney(s.account.startCash, s.account.moneyDecimals) },
      wrap: { risk: (risk) => Object.assign(Object.create(risk) as PreTradeRisk, { check: () => null }) },
    }),
  };
}

describe('gauntlet check', () => {
  it('passes the reference stack, with every property reached or said not applicable', async () => {
    const loaded = loadText(SCENARIO);
    const c = await checkScenario(loaded, SCENARIO, options());
    expect(c.status).toBe('passed');
    expect(c.exitCode).toBe(0);
    expect(c.runs).toBe(30);
    const by = Object.fromEntries(c.properties.map((p) => [p.name, p]));
    expect(by.ledgerBalances!.status).toBe('passed');
    expect(by.ledgerBalances!.reached).toBeGreaterThan(0);
    expect(by.noStaleOrders!.status).toBe('not-applicable');
    expect(by.noStaleOrders!.note).toMatch(/no providers/);
  }, 60_000);

  it('finds a broken risk engine, shrinks it, and writes a regression that fails the same way and replays exactly', async () => {
    const regressions = join(dir, 'regressions');
    const loaded = loadText(SCENARIO);
    const broken = laxRisk(loaded);
    const c = await checkScenario(loaded, SCENARIO, options({ runs: 200, regressionsDir: regressions, runOptions: broken }));
    expect(c.status).toBe('failed');
    expect(c.exitCode).toBe(1);
    const x = c.counterexample!;
    expect(x.property).toBe('riskLimits');
    expect(x.path).toMatch(/^\d+(:\d+)*$/);
    expect(x.shrinks).toBeGreaterThan(0);
    // Shrunk: the shortest market the scenario allows, no faults needed.
    expect(x.variation.faults).toEqual([]);
    expect(x.events).toBeLessThanOrEqual(60);
    expect(x.file).toMatch(/regressions\/small-check-riskLimits-\d+\.yaml$/);
    const text = readFileSync(join(dir, x.file!), 'utf8');
    expect(text).toMatch(/riskLimits: always/);
    expect(text).toMatch(/check: \{ seed: fixed, market: false, faults: declared \}/);
    // The regression runs as a scenario and fails by the same property, with the same message.
    const r = loadScenarioFile(join(dir, x.file!), dir);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const again = await runScenario(r.loaded, { seed: r.loaded.scenario.seed, cwd: dir, ...broken });
    const gate = again.gates.find((g) => g.name === 'property riskLimits')!;
    expect(gate.pass).toBe(false);
    expect(gate.message).toBe(x.message);
    const twice = await runScenario(r.loaded, { seed: r.loaded.scenario.seed, cwd: dir, ...broken });
    expect(twice.fingerprint).toBe(again.fingerprint);
    // The same check (seed and runs) finds the same counterexample.
    const replay = await checkScenario(loaded, SCENARIO, options({ runs: 200, runOptions: broken }));
    expect(replay.counterexample!.path).toBe(x.path);
    expect(replay.counterexample!.variation).toEqual(x.variation);
  }, 120_000);

  it('stops shrinking at the shrink budget and keeps the smallest failure found so far', async () => {
    const loaded = loadText(SCENARIO);
    const broken = laxRisk(loaded);
    let clock = 0;
    // Each reading of the pinned clock moves it a second: the first shrink step is past a 0.5 s budget.
    const cut = await checkScenario(loaded, SCENARIO, options({ runs: 200, runOptions: broken, shrinkBudgetMs: 500, nowMs: () => (clock += 1_000) }));
    const full = await checkScenario(loaded, SCENARIO, options({ runs: 200, runOptions: broken }));
    expect(cut.status).toBe('failed');
    expect(cut.counterexample!.shrinkCut).toBe(true);
    expect(full.counterexample!.shrinkCut).toBe(false);
    expect(cut.counterexample!.shrinks).toBeLessThan(full.counterexample!.shrinks);
    // What it keeps still fails, the same way.
    expect(cut.counterexample!.property).toBe(full.counterexample!.property);
  }, 120_000);

  it('fails a sometimes property no run reached, unless it is optional', async () => {
    const strict = `${SCENARIO}properties:\n  ledgerBalances: always\n  noDuplicateOrders: sometimes\ncheck: { faults: none }\n`;
    const c = await checkScenario(loadText(strict), strict, options({ runs: 10 }));
    const p = c.properties.find((x) => x.name === 'noDuplicateOrders')!;
    expect(p.status).toBe('failed');
    expect(p.note).toMatch(/never reached in 10 runs/);
    expect(c.exitCode).toBe(1);
    const lenient = strict.replace('noDuplicateOrders: sometimes', 'noDuplicateOrders: { expect: sometimes, optional: true }');
    const d = await checkScenario(loadText(lenient), lenient, options({ runs: 10 }));
    expect(d.properties.find((x) => x.name === 'noDuplicateOrders')!.status).toBe('not-reached');
    expect(d.exitCode).toBe(0);
  }, 60_000);

  it("runs without the scenario's declared faults under check.faults: none, also when only the seed varies", async () => {
    // Every order rejected by a declared fault: a run that kept it would fill nothing.
    const text = `${SCENARIO}faults:\n  - { kind: venue-reject }\ncheck: { market: false, faults: none }\n`;
    let fills = 0;
    const c = await checkScenario(loadText(text), text, options({ runs: 3, runOptions: { extensions: [{ onFill: () => { fills++; } }] } }));
    expect(c.runs).toBe(3);
    expect(fills).toBeGreaterThan(0);
  }, 60_000);

  it('a time budget stops the search and reports the runs done, which --runs replays', async () => {
    const loaded = loadText(SCENARIO);
    const c = await checkScenario(loaded, SCENARIO, options({ runs: 100_000, timeBudgetMs: 300 }));
    expect(c.interrupted).toBe(true);
    expect(c.runs).toBeLessThan(1000);
    expect(c.reproduce).toBe(`gauntlet check ${loaded.file} --runs ${c.runs} --seed 42`);
  }, 60_000);
});
