// Proves that loading a scenario file reports bad input as a user needs it: every problem of a
// file at once, each at its file:line:column with the field path, what was expected and what was
// found; unknown keys (even inside engine schemas that would strip them) with a "did you mean";
// YAML syntax errors located; reserved later sections refused with a message; cross-section
// checks (instruments, agent ids, gate names, CSV files relative to the scenario file); and a
// valid file loaded with its defaults.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, type LoadResult } from './load.ts';
import type { ScenarioProblem } from './problems.ts';
import { scenarioJsonSchema } from './json-schema.ts';
import { tempDir } from '../../engine/testing/temp-dirs.ts';

const dir = tempDir('load');
let n = 0;
function load(text: string): LoadResult {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, text);
  return loadScenarioFile(file, dir);
}
function problems(text: string): ScenarioProblem[] {
  const r = load(text);
  if (r.ok) throw new Error('expected problems');
  return [...r.problems];
}

const VALID = `version: 1
market: { demo: sp500 }
account: { startCash: 1000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SPX, period: 5 }
`;

describe('a valid scenario', () => {
  it('loads with defaults, named after its file', () => {
    const r = load(VALID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.loaded.name).toMatch(/^s\d+$/);
    expect(r.loaded.scenario.seed).toBe(1);
    expect(r.loaded.scenario.account.currency).toBe('USD');
    expect(r.loaded.scenario.stack.allocator).toMatchObject({ kind: 'fixed-quantity', quantity: 1 });
    expect(r.loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('bad input', () => {
  it('reports every problem of a file at once, in file order, with line and column', () => {
    const ps = problems(`version: 2
seed: -1
market: { demo: sp500 }
account: { startCash: 1000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SPX, period: "ten" }
`);
    expect(ps.map((p) => [p.line, p.column, p.path])).toEqual([[1, 10, 'version'], [2, 7, 'seed'], [7, 55, 'stack.agents[0].period']]);
    expect(ps[0]).toMatchObject({ expected: '1', found: '2 (number)' });
    expect(ps[1]).toMatchObject({ expected: 'a number >= 0', found: '-1 (number)' });
    expect(ps[2]).toMatchObject({ expected: 'a number', found: '"ten" (string)' });
  });

  it('reports unknown keys at the key, with a "did you mean"', () => {
    const ps = problems(VALID.replace('account:', 'acount:') + 'gates:\n  - { metric: sharp, min: 1 }\n');
    const unknown = ps.find((p) => p.path === 'acount')!;
    expect(unknown).toMatchObject({ line: 3, column: 1, message: "unknown key 'acount'", hint: "did you mean 'account'?" });
    expect(ps.find((p) => p.path === 'account')?.message).toBe("missing required key 'account'");
    expect(ps.find((p) => p.path === 'gates[0].metric')?.hint).toBe("did you mean 'sharpe'?");
  });

  it('finds unknown keys inside engine schemas that strip them (synthetic markets)', () => {
    const ps = problems(`version: 1
market:
  synthetic: { process: gbm, instrumentId: X, startTimeUs: 0, startPrice: 10, count: 5, volatility: 0.2, volatilty: 0.3, output: { type: bar, intervalUs: 1000000 } }
account: { startCash: 1000 }
stack: { agents: [{ kind: buy-and-hold, instrument: X }] }
`);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ path: 'market.synthetic.volatilty', line: 3, hint: "did you mean 'volatility'?" });
  });

  it('narrows unions by their kind: an agent key is checked against that agent', () => {
    const ps = problems(VALID.replace('period: 5', 'period: 5, fast: 3'));
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ path: 'stack.agents[0].fast', message: "unknown key 'fast'" });
  });

  it('suggests the closest value of an enum', () => {
    const ps = problems(VALID.replace('kind: sma-crossover', 'kind: sma-crosover'));
    expect(ps[0]).toMatchObject({ path: 'stack.agents[0].kind', hint: "did you mean 'sma-crossover'?" });
  });

  it('locates YAML syntax errors', () => {
    const ps = problems('version: 1\nmarket: { demo: sp500\naccount: x\n');
    expect(ps[0]!.message).toMatch(/^YAML: /);
    expect(ps[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses duplicate keys and empty files', () => {
    expect(problems(`${VALID}version: 1\n`)[0]!.message).toMatch(/unique/i);
    expect(problems('')[0]!.message).toMatch(/empty/);
  });

  it('names an unknown property and a bad expectation under properties:', () => {
    const ps = problems(`${VALID}properties:\n  riskLimits: always\n  neverBreach: always\n  liveness: { expect: often }\n`);
    expect(ps.map((p) => p.path)).toEqual(expect.arrayContaining(['properties.neverBreach', 'properties.liveness.expect']));
    expect(ps.find((p) => p.path === 'properties.neverBreach')).toMatchObject({ line: 9 });
  });

  it('names a missing file', () => {
    const r = loadScenarioFile(join(dir, 'nope.yaml'), dir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ file: 'nope.yaml', line: 1, column: 1, message: 'file not found' });
  });
});

describe('cross-section checks', () => {
  it('checks instruments, agent ids and gate names, and refuses what the engine would refuse', () => {
    const ps = problems(`version: 1
market: { demo: sp500 }
instruments:
  - { id: SPX, kind: equity, priceDecimals: 2 }
account: { startCash: 1000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SPX, period: 5 }
    - { kind: sma-crossover, instrument: ES, period: 9 }
venue:
  fees: { perUnit: 0.001 }
gates:
  - { metric: trades, min: 1 }
  - { metric: trades, min: 1 }
`);
    const byPath = Object.fromEntries(ps.map((p) => [p.path, p.message]));
    expect(byPath['market.demo']).toMatch(/priceDecimals 2 but its market source has 6/);
    expect(byPath['stack.agents[1]']).toMatch(/agent id 'sma-crossover' is used twice/);
    expect(byPath['stack.agents[1].instrument']).toMatch(/'ES', which is not among the instruments/);
    expect(byPath['venue']).toMatch(/more than 2 decimals/);
    expect(byPath['gates[1]']).toMatch(/used twice/);
  });

  it('resolves CSV paths against the scenario file, not the working directory', () => {
    const csv = `version: 1
market:
  csv: { file: data/x.csv, instrumentId: X, dataType: trade, priceDecimals: 2, time: { format: iso, column: t }, columns: { price: p }, badRows: reject }
account: { startCash: 1000 }
stack: { agents: [{ kind: buy-and-hold, instrument: X }] }
`;
    const ps = problems(csv);
    expect(ps[0]).toMatchObject({ path: 'market.csv.file', line: 3 });
    expect(ps[0]!.message).toContain(join(dir, 'data', 'x.csv'));
  });
});

describe('the scenario schema', () => {
  it('has every object strict: loading skips the unknown-key walk for files zod accepts', () => {
    const loose: string[] = [];
    const walk = (n: unknown, path: string): void => {
      if (Array.isArray(n)) { n.forEach((x, i) => walk(x, `${path}[${i}]`)); return; }
      if (typeof n !== 'object' || n === null) return;
      const o = n as Record<string, unknown>;
      if (o.type === 'object' && o.properties !== undefined && o.additionalProperties !== false) loose.push(path);
      for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
    };
    walk(scenarioJsonSchema(), '');
    expect(loose).toEqual([]);
  });
});
