// A variation's scenario built without its text (variedScenarios) is the scenario loaded from its
// text: the same parsed scenario (values and key order), the same name, paths and SHA-256, the
// same position for every field path (present or missing, key or value), and the same refusal of
// a bad plan; for variations drawn by the check's own arbitrary (swarm faults, market lengths and
// volatilities) over scenarios that place their plan before, after or without declared faults,
// write their market in block or flow style, with comments, one or two sources, numbers in other
// notations and anchors (those take the long way), and over hand-made bad plans.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../cli/cli-helpers.ts';
import { loadScenarioText, type LoadedScenario } from '../../scenario/load.ts';
import { marketBoundsUs, marketSources } from '../../scenario/market.ts';
import { variationArbitrary, variationSpace, variedText, type Variation } from './variation.ts';
import { variedScenarios } from './varied-scenario.ts';

const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');
const BENCH = read('harness/bench/scenarios/check-252.yaml');
const CRASH = read('scenarios/chaos/stack-crash-restart.yaml');
const PROVIDERS = read('scenarios/chaos/provider-5xx.yaml');

/** Two synthetic sources, one in block style with comments, one in flow style; gates and properties after the market. */
const TWO_SOURCES = `version: 1
name: two-sources
seed: 5
market:
  sources:
    - synthetic:
        process: gbm
        instrumentId: SYN
        priceDecimals: 2
        startTimeUs: 1577836800000000
        startPrice: 100
        # a year of days
        count: 200   # trading days
        volatility: 0.3
        output: { type: bar, intervalUs: 86400000000 }
    - synthetic: { process: gbm, instrumentId: ALT, priceDecimals: 2, startTimeUs: 1577836800000000, startPrice: 50, count: 150, volatility: 0.5, output: { type: bar, intervalUs: 86400000000 } }
account: { currency: USD, startCash: 100000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SYN, period: 10, allowShort: true }
    - { kind: sma-crossover, id: alt, instrument: ALT, period: 5 }
  allocator: { kind: fixed-quantity, quantity: 100 }
  risk: { maxPosition: 100, maxOrderQuantity: 200 }
gates:
  - { metric: trades, min: 0 }
properties:
  riskLimits: always
  ordersTerminal: always
check: { faults: swarm, maxFaults: 3 }
`;

/**
 * Test scenarios: the text, the file it stands for (relative paths, names), and whether most
 * variations should take the short way (market edits that can be made in place).
 */
const CASES: readonly { name: string; text: string; file: string; fast?: boolean }[] = [
  { name: 'no declared faults, swarm', text: BENCH.replace('faults: none', 'faults: swarm'), file: 'harness/bench/scenarios/check-252.yaml' },
  { name: 'no declared faults, no seed key, swarm', text: BENCH.replace('faults: none', 'faults: swarm').replace(/^seed: 7\n/m, ''), file: 'harness/bench/scenarios/check-252.yaml' },
  { name: 'declared faults before properties and gates, swarm', text: `${CRASH}check: { market: false, faults: swarm, maxFaults: 8 }\n`, file: 'scenarios/chaos/stack-crash-restart.yaml' },
  { name: 'declared faults, faults: none', text: `${CRASH}check: { market: false, faults: none }\n`, file: 'scenarios/chaos/stack-crash-restart.yaml' },
  { name: 'declared faults, market varied', text: `${CRASH}check: { faults: swarm }\n`, file: 'scenarios/chaos/stack-crash-restart.yaml' },
  { name: 'provider path, swarm', text: `${PROVIDERS}check: { market: false, faults: swarm }\n`, file: 'scenarios/chaos/provider-5xx.yaml' },
  { name: 'provider path, faults in flow style', text: `${PROVIDERS.replace(/^faults:\n( {2}- .*\n)+/m, "faults: [{ kind: provider-reset, provider: beta, window: { from: '+1m' } }]\n")}check: { market: false, faults: swarm }\n`, file: 'scenarios/chaos/provider-5xx.yaml' },
  { name: 'market varied, no declared faults', text: BENCH.replace('check: { market: false, faults: none }', 'check: { faults: swarm }'), file: 'harness/bench/scenarios/check-252.yaml', fast: true },
  { name: 'market varied, faults: none', text: BENCH.replace('market: false, ', ''), file: 'harness/bench/scenarios/check-252.yaml', fast: true },
  { name: 'market varied, gates after it, no check key', text: read('scenarios/synthetic-gbm-sma-crossover.yaml'), file: 'scenarios/synthetic-gbm-sma-crossover.yaml', fast: true },
  { name: 'market varied, two sources, flow and block, comments', text: TWO_SOURCES, file: 'harness/bench/scenarios/two-sources.yaml', fast: true },
  { name: 'market varied, numbers not in plain decimals', text: BENCH.replace('count: 252', 'count: 0xfc').replace('volatility: 0.25', 'volatility: 0.250').replace('check: { market: false, faults: none }', 'check: { faults: swarm }'), file: 'harness/bench/scenarios/check-252.yaml', fast: false },
  { name: 'market varied, exponent volatility', text: BENCH.replace('volatility: 0.25', 'volatility: 2.5e-1').replace('check: { market: false, faults: none }', 'check: { faults: swarm }'), file: 'harness/bench/scenarios/check-252.yaml', fast: false },
  { name: 'declared ranges (values lists) and market varied, faults: none', text: read('harness/properties/teeth/scenarios/ledger-fees.yaml'), file: 'harness/properties/teeth/scenarios/ledger-fees.yaml', fast: true },
  { name: 'declared ranges (integer and real ranges, a value missing from the text, a string list)', text: read('harness/properties/teeth/scenarios/ledger-fees.yaml').replace("    - { path: 'venue.fees.bps', values: [10, 1, 25] }", "    - { path: 'venue.fees.bps', min: 0, max: 30 }\n    - { path: 'stack.allocator.quantity', min: 1, max: 500, integer: true }\n    - { path: 'stack.risk.maxOrderQuantity', values: [100, 300] }\n    - { path: 'stack.agents[0].kind', values: [sma-crossover] }").replace('faults: none', 'faults: swarm'), file: 'harness/properties/teeth/scenarios/ledger-fees.yaml' },
  { name: 'declared ranges (integer and real ranges)', text: read('harness/properties/teeth/scenarios/ledger-fees.yaml').replace("    - { path: 'venue.fees.bps', values: [10, 1, 25] }", "    - { path: 'venue.fees.bps', min: 0, max: 30 }\n    - { path: 'stack.allocator.quantity', min: 1, max: 500, integer: true }\n    - { path: 'venue.slippage.ticks', min: 0, max: 3, integer: true }"), file: 'harness/properties/teeth/scenarios/ledger-fees.yaml', fast: true },
  { name: 'declared ranges of a fault (long way)', text: read('harness/properties/teeth/scenarios/recovery-crash.yaml'), file: 'harness/properties/teeth/scenarios/recovery-crash.yaml', fast: false },
  { name: 'market varied, an anchor', text: BENCH.replace('volatility: 0.25', 'volatility: &vol 0.25').replace('check: { market: false, faults: none }', 'check: { faults: swarm }').replace('  risk: { maxPosition: 100,', '  risk: { maxDailyLoss: *vol, maxPosition: 100,'), file: 'harness/bench/scenarios/check-252.yaml', fast: false },
];

function loader(file: string): (t: string) => LoadedScenario | null {
  return (t) => {
    const r = loadScenarioText(t, join(REPO, file), { cwd: REPO });
    return r.ok ? r.loaded : null;
  };
}

/** Every field path of a value (objects and lists), with paths that are not there beside them. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix, [...prefix, 'notAKey']];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
    out.push([...prefix, value.length]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

const TOP_LEVEL_MISSING = [['gates', 0], ['regression'], ['latency'], ['providers', 0, 'name'], ['calendar'], ['instruments', 0]];

function expectSame(fast: LoadedScenario | null, slow: LoadedScenario | null): void {
  expect(fast === null).toBe(slow === null);
  if (fast === null || slow === null) return;
  expect(inspect(fast.scenario, { depth: null })).toBe(inspect(slow.scenario, { depth: null }));
  expect({ name: fast.name, file: fast.file, absPath: fast.absPath, dir: fast.dir, sha256: fast.sha256 })
    .toEqual({ name: slow.name, file: slow.file, absPath: slow.absPath, dir: slow.dir, sha256: slow.sha256 });
  for (const path of [...paths(slow.scenario), ...TOP_LEVEL_MISSING]) {
    for (const at of ['value', 'key'] as const) expect(fast.locate(path, at), `${path.join('.')} (${at})`).toEqual(slow.locate(path, at));
  }
}

describe('variedScenarios', () => {
  for (const c of CASES) {
    it(`gives the scenario the varied text loads to: ${c.name}`, async () => {
      const load = loader(c.file);
      const base = load(c.text);
      expect(base).not.toBeNull();
      const bounds = await marketBoundsUs(marketSources(base!.scenario), base!.dir, base!.scenario.seed);
      let loads = 0;
      let edited = 0;
      const varied = variedScenarios(base!, c.text, (t) => { loads++; return load(t); });
      fc.assert(fc.property(variationArbitrary(variationSpace(base!, bounds)), (v) => {
        if (v.edits.length > 0) edited++;
        expectSame(varied(v), load(variedText(base!, c.text, v)));
      }), { numRuns: 40, seed: 20261129 });
      // The short way is taken where it can be (else the comparison above proves little), and not where it cannot.
      if (c.fast === true) expect({ edited: edited > 20, loads: loads < 5 }).toEqual({ edited: true, loads: true });
      if (c.fast === false) expect(loads).toBeGreaterThan(10);
    });
  }

  it('refuses a bad plan as the text does, with the same problems', () => {
    const c = CASES[0]!;
    const load = loader(c.file);
    const base = load(c.text)!;
    const varied = variedScenarios(base, c.text, load);
    const bad: Variation['faults'][] = [
      [{ kind: 'provider-reset', provider: 'alpha' }],
      [{ kind: 'venue-delay', delay: 'soon' }],
      [{ kind: 'venue-reject', window: { from: 'yesterday' } }],
      [{ kind: 'venue-reject', probability: 2 }],
      [{ kind: 'no-such-kind' }],
      Array.from({ length: 101 }, () => ({ kind: 'venue-reject' })),
    ];
    for (const faults of bad) {
      const v: Variation = { seed: 5, edits: [], faults };
      expect(varied(v)).toBeNull();
      const r = loadScenarioText(variedText(base, c.text, v), join(REPO, c.file), { cwd: REPO });
      expect(r.ok).toBe(false);
    }
    expect(varied({ seed: -1, edits: [], faults: [] })).toBeNull();
    expect(varied({ seed: 1.5, edits: [], faults: [{ kind: 'venue-reject' }] })).toBeNull();
  });

  it('takes a fault plan it can build without the text as valid, and one with only good faults', () => {
    const c = CASES[0]!;
    const load = loader(c.file);
    const base = load(c.text)!;
    const varied = variedScenarios(base, c.text, load);
    const v: Variation = { seed: 9, edits: [], faults: [{ kind: 'venue-reject', window: { from: '+10d', to: '+20d' } }, { kind: 'stack-crash', at: '+3d' }] };
    expectSame(varied(v), load(variedText(base, c.text, v)));
  });
});
