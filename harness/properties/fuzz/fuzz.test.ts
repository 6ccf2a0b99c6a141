// Proves that every input boundary answers bad input as documented: a few hundred seeded inputs
// each of scenario YAML, CSV rows, provider payloads and fault plans (and a few gently mutated
// scenario files run through executeJob) give no crash, no hang and no bad input let through, and
// reach both sides of each boundary (accepted and refused). Also proves the fuzz loop itself: it
// counts every finding instead of stopping at the first, and input i of a run is at fast-check
// path i. GAUNTLET_FUZZ_RUNS=10000 runs each boundary at the bench's size (opt-in: minutes);
// GAUNTLET_FUZZ_SEED moves the search. A finding prints its seed and path: rerun it with
// `npm run bench:fuzz -- --only <boundary> --seed S --path P`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fuzzCsvRows, fuzzFaultPlans, fuzzProviderPayloads, fuzzScenarioRuns, fuzzScenarioYaml, payloadInputArb, runFuzz, type FuzzResult,
} from './index.ts';

const WIDE = process.env.GAUNTLET_FUZZ_RUNS === undefined ? null : Number(process.env.GAUNTLET_FUZZ_RUNS);
const SEED = Number(process.env.GAUNTLET_FUZZ_SEED ?? 20_261_128);
const runs = (modest: number): number => WIDE ?? modest;
const TIMEOUT_MS = WIDE === null ? 60_000 : 3_600_000;

function clean(r: FuzzResult): void {
  const found = r.examples.map((e) => `${e.kind} at seed ${e.seed} path ${e.path}: ${e.message}\n  ${e.input}`).join('\n');
  expect({ crashes: r.crashes, hangs: r.hangs, violations: r.violations }, found).toEqual({ crashes: 0, hangs: 0, violations: 0 });
}

/** How many inputs ended in an outcome whose name matches. */
const reached = (r: FuzzResult, re: RegExp): number => Object.entries(r.outcomes).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);

describe('fuzzing the input boundaries', () => {
  it('scenario YAML: located problems or a loaded file, never a throw', async () => {
    const r = await fuzzScenarioYaml({ runs: runs(500), seed: SEED });
    clean(r);
    expect(r.inputs).toBe(runs(500));
    expect(reached(r, /\/loaded$/)).toBeGreaterThan(0);
    expect(reached(r, /\/invalid$/)).toBeGreaterThan(0);
    expect(reached(r, /\/yaml-syntax$/)).toBeGreaterThan(0);
  }, TIMEOUT_MS);

  it('scenario files through executeJob: never status error', async () => {
    const r = await fuzzScenarioRuns({ runs: WIDE === null ? 12 : 200, seed: SEED });
    clean(r);
    expect(reached(r, /^(passed|failed)$/)).toBeGreaterThan(0);
  }, TIMEOUT_MS);

  it('CSV rows: rows or located issues under every policy, nothing dropped silently', async () => {
    const r = await fuzzCsvRows({ runs: runs(400), seed: SEED });
    clean(r);
    for (const policy of ['reject', 'skip', 'repair']) {
      expect(reached(r, new RegExp(`^${policy}/rows`)), policy).toBeGreaterThan(0);
      expect(reached(r, new RegExp(`^${policy}/(?!rows)`)), policy).toBeGreaterThan(0);
    }
  }, TIMEOUT_MS);

  it('provider payloads: items or a rejection naming its field, never a throw', async () => {
    const r = await fuzzProviderPayloads({ runs: runs(1000), seed: SEED });
    clean(r);
    for (const dialect of ['stocks-v2', 'aggs-v3']) {
      expect(r.outcomes[`${dialect}/accepted`] ?? 0, dialect).toBeGreaterThan(0);
      expect(r.outcomes[`${dialect}/rejected`] ?? 0, dialect).toBeGreaterThan(0);
    }
    expect(r.outcomes['malformed-json'] ?? 0).toBeGreaterThan(0);
  }, TIMEOUT_MS);

  it('fault plans: problems at faults[i].field and their line, plans with exact windows', async () => {
    const r = await fuzzFaultPlans({ runs: runs(400), seed: SEED });
    clean(r);
    expect(r.outcomes.planned ?? 0).toBeGreaterThan(0);
    expect(r.outcomes.refused ?? 0).toBeGreaterThan(0);
  }, TIMEOUT_MS);
});

describe('the fuzz loop', () => {
  it('counts every finding, and each example replays at its path', async () => {
    const check = (n: number) => (n % 7 === 0 ? (() => { throw new Error(`seven ${n}`); })()
      : n % 5 === 0 ? { kind: 'violation' as const, message: `five ${n}` } : { kind: 'ok' as const, outcome: n % 2 === 0 ? 'even' : 'odd' });
    const arb = fc.integer({ min: 0, max: 1000 });
    const r = await runFuzz(arb, check, { runs: 200, seed: 7, show: String });
    const drawn: number[] = [];
    fc.assert(fc.property(arb, (n) => { drawn.push(n); }), { numRuns: 200, seed: 7 });
    expect(r.inputs).toBe(200);
    expect(r.crashes).toBe(drawn.filter((n) => n % 7 === 0).length);
    expect(r.violations).toBe(drawn.filter((n) => n % 7 !== 0 && n % 5 === 0).length);
    expect(r.outcomes.even! + r.outcomes.odd! + r.crashes + r.violations).toBe(200);
    expect(r.examples.length).toBeGreaterThan(0);
    for (const e of r.examples) {
      expect(e.message).toContain(e.input);
      const again = await runFuzz(arb, check, { runs: 1, seed: e.seed, path: e.path, show: String });
      expect(again.examples[0]?.input).toBe(e.input);
    }
  });

  it('input i of a boundary run is at fast-check path i', () => {
    const seen: string[] = [];
    fc.assert(fc.property(payloadInputArb(), (x) => { seen.push(JSON.stringify(x)); }), { numRuns: 40, seed: SEED });
    for (const i of [0, 1, 17, 39]) {
      let replayed = '';
      fc.assert(fc.property(payloadInputArb(), (x) => { replayed = JSON.stringify(x); }), { numRuns: 1, seed: SEED, path: String(i) });
      expect(replayed, `path ${i}`).toBe(seen[i]);
    }
  });
});
