// Regressions found by the scenario YAML fuzzer (harness/properties/fuzz/scenario-yaml.ts):
// - a mapping or list used as a key made the yaml package print a Node process warning that
//   names no file or line, and a few hundred nested `{? ` (3 KB) kept the loader busy for minutes
//   while the package wrote each nested key out as text: such keys are now refused where they are;
// - duplicate keys were found by comparing every key with every key before it (13 s for a
//   mapping of 16,000 keys), and each problem was located by a search of its mapping: both are
//   one pass now, and keys the data cannot tell apart (`1` and `"1"`) are duplicates too;
// - a file of 1 MiB (the old limit) took ten seconds to parse at worst: the limit is 128 KiB.
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenarioText, MAX_SCENARIO_BYTES } from './load.ts';
import { parseYaml } from './yaml-source.ts';

const syntax = (text: string): [number, number, string][] => parseYaml(text).syntaxProblems.map((p) => [p.line, p.column, p.message]);
const COMPLEX = 'YAML: a mapping or list used as a key (scenario keys are names)';

describe('keys that are mappings or lists', () => {
  const warnings: string[] = [];
  const listen = (w: Error): void => { warnings.push(w.message); };
  afterEach(() => { process.off('warning', listen); warnings.length = 0; });

  it('are refused at their place, with no process warning', async () => {
    process.on('warning', listen);
    const r = loadScenarioText('version: 1\n? [a, b]\n: 1\n{x: 1}: 2\nc: &l [1]\n*l : 3\n', 'complex-keys.yaml', { cwd: process.cwd() });
    // Process warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);
    expect(r.ok ? [] : r.problems.map((p) => [p.line, p.column, p.message])).toEqual([[2, 3, COMPLEX], [4, 1, COMPLEX], [6, 1, COMPLEX]]);
  });

  it('nested a few hundred deep are refused at once (the data was never built)', () => {
    const text = `description: ${'{? '.repeat(400)}${'}'.repeat(400)}\n`;
    const parsed = parseYaml(text);
    expect(parsed.data).toBeUndefined();
    expect(parsed.syntaxProblems).toEqual([{ line: 1, column: 17, message: COMPLEX }]);
  });
});

describe('duplicate keys', () => {
  it('are found in one pass, each where it is again, as the data sees keys', () => {
    expect(syntax('a: 1\nb: 2\na: 3\n')).toEqual([[3, 1, "YAML: Map keys must be unique: 'a' is here again"]]);
    expect(syntax('m: {1: a, "1": b}\n')).toEqual([[1, 11, "YAML: Map keys must be unique: '1' is here again"]]);
    expect(syntax('x: &k a\nm: {a: 1, *k : 2}\n')).toEqual([[2, 11, "YAML: Map keys must be unique: 'a' is here again"]]);
    expect(syntax('l: [{a: 1}, {a: 2}]\nn: {a: 1, b: {a: 2}}\n')).toEqual([]);
  });

  it('of a mapping of thousands of keys are all reported, each on its line', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}: 1`);
    const problems = syntax(`${keys.join('\n')}\n${keys.join('\n')}\n`);
    expect(problems).toHaveLength(5000);
    expect(problems[4999]).toEqual([10_000, 1, "YAML: Map keys must be unique: 'k4999' is here again"]);
  });
});

describe('the size limit', () => {
  it('is 128 KiB: a page of YAML, read in about a second at worst', () => {
    expect(MAX_SCENARIO_BYTES).toBe(131_072);
    const r = loadScenarioText(`description: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`, 'big.yaml', { cwd: process.cwd() });
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(['text is larger than 131072 bytes: not a scenario']);
  });
});
