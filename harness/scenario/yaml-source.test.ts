// Regression found by the scenario YAML fuzzer (harness/properties/fuzz/scenario-yaml.ts): a
// mapping or list used as a key made the yaml package print a Node process warning ("Keys with
// collection values will be stringified") that names no file or line, beside the problem.
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.ts';
import { parseYaml } from './yaml-source.ts';

describe('YAML with collections as keys', () => {
  const warnings: string[] = [];
  const listen = (w: Error): void => { warnings.push(w.message); };
  afterEach(() => { process.off('warning', listen); warnings.length = 0; });

  it('prints no process warning and reports the key as unknown', async () => {
    process.on('warning', listen);
    const r = loadScenarioText('version: 1\n? [a, b]\n: 1\n{x: 1}: 2\n', 'complex-keys.yaml', { cwd: process.cwd() });
    expect(parseYaml('? {a: 1}\n: 2\n').syntaxProblems).toEqual([]);
    // Process warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);
    expect(r.ok).toBe(false);
    const unknown = r.ok ? [] : r.problems.filter((p) => p.message.startsWith('unknown key'));
    // Located at the document's start: locate() finds keys by their scalar value, which these have not.
    expect(unknown.map((p) => [p.line, p.path, p.message])).toEqual([[1, '[ a, b ]', "unknown key '[ a, b ]'"], [1, '{ x: 1 }', "unknown key '{ x: 1 }'"]]);
  });
});
