// Proves that the properties have teeth: a check of TEETH_RUNS runs under TEETH_SEED catches every
// deliberately broken variant of the reference stack by the property the variant names, shrunk to
// a counterexample of at most its stated number of market events, while the reference stack
// passes the very same check on the same scenario and reaches the state each variant breaks.
// Known gaps (mistakes no property catches yet) are kept in sight: they still pass, the reference
// passes too, and the mistake does change the run.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../scenario/run.ts';
import { declaredProperties } from '../schema.ts';
import { checkTeeth, loadTeethScenario, REPO_ROOT } from './check-teeth.ts';
import { GAP_RUNS, KNOWN_GAPS, TEETH, TEETH_RUNS, type TeethArea } from './variants.ts';

const scenarios = [...new Set(TEETH.map((v) => v.scenario))];

describe('teeth: every broken variant fails the check by its property', () => {
  it.each(TEETH.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const s = loadTeethScenario(v.scenario);
    // The scenario declares the property, so the check is held to it (not to the defaults).
    expect(declaredProperties(s.loaded.scenario.properties).map((p) => p.name)).toContain(v.expect);
    const c = await checkTeeth(s, v);
    expect(c.status, `${v.name} was not caught in ${c.runs} runs`).toBe('failed');
    const x = c.counterexample!;
    expect(x.property, x.message).toBe(v.expect);
    expect(x.marketEvents, `${v.name}: counterexample of ${x.marketEvents} market events`).toBeLessThanOrEqual(v.maxMarketEvents);
    expect(x.marketEvents).toBeGreaterThan(0);
    expect(c.runs).toBeLessThanOrEqual(TEETH_RUNS);
  }, 120_000);
});

describe('teeth: the reference stack passes the same check', () => {
  it.each(scenarios)('%s', async (file) => {
    const c = await checkTeeth(loadTeethScenario(file), null);
    const failing = c.properties.filter((p) => p.status !== 'passed').map((p) => `${p.name}: ${p.status} ${p.note ?? ''}`);
    expect(failing, c.counterexample?.message).toEqual([]);
    expect(c.status).toBe('passed');
    expect(c.runs).toBe(TEETH_RUNS);
    // The reference reaches what each variant breaks (risk refusals, resends, fills, recoveries,
    // stale data refused), so passing is not for want of exercising it.
    for (const v of TEETH.filter((x) => x.scenario === file)) {
      const p = c.properties.find((x) => x.name === v.expect)!;
      expect(p.reached, `${v.expect} never reached on ${file} (variant ${v.name})`).toBeGreaterThan(0);
    }
  }, 180_000);
});

describe('teeth: known gaps still pass the check (move one into TEETH once a property catches it)', () => {
  it.each(KNOWN_GAPS.map((g) => [g.name, g] as const))('%s', async (_name, g) => {
    const s = loadTeethScenario(g.scenario);
    const c = await checkTeeth(s, g, { runs: GAP_RUNS });
    expect(c.status, `${g.name} is caught now (${c.counterexample?.message ?? ''}): move it into TEETH`).toBe('passed');
    expect((await checkTeeth(s, null, { runs: GAP_RUNS })).status).toBe('passed');
    // Reachable: the mistake changes the run, so it is the properties that miss it.
    const seed = s.loaded.scenario.seed;
    const reference = await runScenario(s.loaded, { seed, cwd: REPO_ROOT });
    const broken = await runScenario(s.loaded, { seed, cwd: REPO_ROOT, ...g.runOptions(s.loaded.scenario) });
    expect(broken.fingerprint).not.toBe(reference.fingerprint);
    expect(reference.gates.filter((x) => !x.pass).map((x) => x.name)).toEqual([]);
    if (g.caughtByGate !== undefined) expect(broken.gates.filter((x) => !x.pass).map((x) => x.name)).toContain(g.caughtByGate);
  }, 120_000);
});

describe('teeth: coverage', () => {
  it('has at least ten variants, spread over the stack and the engine, with unique names', () => {
    expect(TEETH.length).toBeGreaterThanOrEqual(10);
    expect(new Set(TEETH.map((v) => v.name)).size).toBe(TEETH.length);
    const areas = new Set<TeethArea>(TEETH.map((v) => v.area));
    for (const a of ['risk', 'execution', 'ledger', 'data-client', 'venue'] as const) expect(areas, a).toContain(a);
  });
});
