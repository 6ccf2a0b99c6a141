// `gauntlet check` as a user drives it: the seed first, one line per property, reports written
// (JUnit: one testcase per property), exit codes as `run`, `--seed random` printing the seed it drew.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './cli-helpers.ts';

const dir = tempDir('check-e2e');
const SCENARIO = `version: 1
name: e2e-check
seed: 5
market:
  synthetic: { process: gbm, instrumentId: SYN, priceDecimals: 2, startTimeUs: 1577836800000000, startPrice: 100, count: 80, drift: 0.05, volatility: 0.3, output: { type: bar, intervalUs: 86400000000 } }
account: { currency: USD, startCash: 100000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SYN, period: 5, allowShort: true }
  allocator: { kind: fixed-quantity, quantity: 10 }
  risk: { maxPosition: 10 }
`;
writeFileSync(join(dir, 'ok.yaml'), SCENARIO);
writeFileSync(join(dir, 'never.yaml'), `${SCENARIO}properties:\n  ledgerBalances: always\n  noDuplicateOrders: sometimes\ncheck: { faults: none }\n`);
writeFileSync(join(dir, 'bad.yaml'), `${SCENARIO}properties:\n  neverBreach: always\n`);

describe('gauntlet check', () => {
  it('prints the seed first, passes, and writes check.json and a JUnit testcase per property', () => {
    const r = cli(['check', 'ok.yaml', '--runs', '20', '--out', 'out'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/check · 1 scenario · 20 runs each · seeds: derived/);
    expect(lines[1]).toMatch(/^e2e-check: seed \d+$/);
    expect(r.stdout).toMatch(/✓ ledgerBalances \(always\): passed, reached in \d+\/20 runs/);
    expect(r.stdout).toMatch(/– liveness \(always\): not-applicable/);
    const report = JSON.parse(readFileSync(join(dir, 'out/check.json'), 'utf8')) as { status: string; scenarios: { runs: number; properties: unknown[] }[] };
    expect(report.status).toBe('passed');
    expect(report.scenarios[0]!.runs).toBe(20);
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)!.length).toBe(report.scenarios[0]!.properties.length);
    expect(junit).toMatch(/<skipped message="not applicable: /);
    expect(readFileSync(join(dir, 'out/summary.md'), 'utf8')).toMatch(/\| ledgerBalances \| always \| passed \|/);
  }, 60_000);

  it('the same seed twice gives the same check; --seed random prints the seed it drew', () => {
    const a = cli(['check', 'ok.yaml', '--runs', '10', '--seed', '7', '--out', 'a', '--json'], dir);
    const b = cli(['check', 'ok.yaml', '--runs', '10', '--seed', '7', '--out', 'b', '--json'], dir);
    const strip = (t: string): unknown => JSON.parse(t, (k, v: unknown) => (k === 'wallTimeMs' || k === 'msToFailure' || k === 'msToShrunk' ? 0 : v));
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
    const r = cli(['check', 'ok.yaml', '--runs', '3', '--seed', 'random', '--out', 'c'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/seed \d+ \(drawn: --seed random\)/);
  }, 60_000);

  it('exit 1 for a sometimes property never reached, 2 for bad input and bad flags', () => {
    const never = cli(['check', 'never.yaml', '--runs', '5', '--out', 'n'], dir);
    expect(never.code).toBe(1);
    expect(never.stdout).toMatch(/✗ noDuplicateOrders \(sometimes\): failed, reached in 0\/5 runs · never reached in 5 runs/);
    const bad = cli(['check', 'bad.yaml', '--out', 'x'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/bad\.yaml:\d+:\d+: .*neverBreach/);
    expect(cli(['check', 'ok.yaml', '--runs', '0'], dir).code).toBe(2);
    expect(cli(['check', 'ok.yaml', '--time-budget', 'soon'], dir).code).toBe(2);
  }, 60_000);
});
