// A user's own stack named in YAML by module path: it runs, its config is checked by the schema the
// module exports (problems at their lines), and a missing module or export is bad input (exit 2).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO } from '../cli/cli-helpers.ts';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { runJob } from '../job/job.ts';

const MODULE = join(REPO, 'fixtures', 'stacks', 'sma-stack.ts');

/** A scenario on 400 seeded daily bars with the given stack section (YAML lines, indented by two). */
function smaScenario(stack: string): string {
  return `version: 1
name: module-sma
seed: 5
market:
  synthetic: { process: gbm, instrumentId: SYN, priceDecimals: 2, startTimeUs: 1577836800000000, startPrice: 100, count: 400, drift: 0.05, volatility: 0.3, output: { type: bar, intervalUs: 86400000000 } }
account: { currency: USD, startCash: 50000 }
stack:
${stack}
venue:
  fees: { perUnit: 0.01, minimum: 1 }
`;
}

async function run(stack: string) {
  return runJob({ file: join(REPO, 'scenarios', 'module-sma.yaml'), text: smaScenario(stack), cwd: REPO, seed: { kind: 'scenario' } });
}

describe('module stacks', () => {
  it('runs a stack from a module and trades as the reference SMA crossover does on the same market', async () => {
    const mine = await run(`  module: ${MODULE}\n  export: createStack\n  config: { instrument: SYN, period: 20, quantity: 10 }`);
    const reference = await run('  agents: [{ kind: sma-crossover, instrument: SYN, period: 20 }]\n  allocator: { kind: fixed-quantity, quantity: 10 }');
    expect(mine.status).toBe('passed');
    expect(reference.status).toBe('passed');
    const key = (f: { timeUs: number; side: string; quantity: number; price: number }) => `${f.timeUs} ${f.side} ${f.quantity} ${f.price}`;
    expect(mine.fills.length).toBeGreaterThan(10);
    expect(mine.fills.map(key)).toEqual(reference.fills.map(key));
    expect(mine.metrics!.finalEquity).toBe(reference.metrics!.finalEquity);
  });

  it("checks the config with the module's schema, each problem at its line", async () => {
    const r = await run(`  module: ${MODULE}\n  config:\n    instrument: SYN\n    period: -3\n    quantity: ten`);
    expect(r.status).toBe('invalid');
    expect(r.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 11, path: 'stack.config.period', expected: 'a number >= 1' }),
      expect.objectContaining({ line: 12, path: 'stack.config.quantity', expected: 'a number', found: '"ten" (string)' }),
    ]));
  });

  it('refuses a missing module or export, and a config the module cannot check, as bad input', async () => {
    const missing = await run('  module: ./no-such-stack.ts');
    expect(missing.problems[0]).toMatchObject({ line: 8, path: 'stack.module' });
    expect(missing.problems[0]!.message).toMatch(/module not found: .*no-such-stack\.ts/);
    const noExport = await run(`  module: ${MODULE}\n  export: makeIt\n  config: { instrument: SYN, period: 20, quantity: 10 }`);
    expect(noExport.problems[0]).toMatchObject({ line: 9, path: 'stack.export' });
    expect(noExport.problems[0]!.message).toContain("has no export 'makeIt' (it exports configSchema, createStack)");
    const both = await run(`  module: ${MODULE}\n  agents: [{ kind: buy-and-hold, instrument: SYN }]`);
    expect(both.status).toBe('invalid');
    expect(both.problems[0]!.path).toBe('stack.agents');
  });

  it('exits 2 from the CLI, naming the file and line', () => {
    const dir = tempDir('module-stack');
    writeFileSync(join(dir, 'x.yaml'), smaScenario(`  module: ./missing.ts\n  config: { period: 3 }`));
    const r = cli(['run', join(dir, 'x.yaml'), '--out', join(dir, 'out'), '--workers', '1']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/x\.yaml:8:\d+: stack\.module: module not found/);
  });
});
