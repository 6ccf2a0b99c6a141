// Latency budgets: figures are medians over repeats with their spread, budgets absolute or
// relative to the calibration, every budget reported with the measured figure and its limit;
// an exceeded budget fails the scenario (exit 1), and the figures stay out of everything but
// the report's wallTime fields.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { cli, withoutWallClock } from '../cli/cli-helpers.ts';
import type { Report } from '../report/schema.ts';
import { evaluateLatency, figuresOf, LatencyBudgetSchema, overRepeats } from './latency.ts';

const at = () => ({ line: 3, column: 5 });

describe('latency figures', () => {
  it('takes percentiles per run, medians over runs, and the spread (max - min) / median', () => {
    const run = (scale: number) => figuresOf({ decisionsMs: Array.from({ length: 101 }, (_, i) => i * scale), runMs: 1000, errors: scale === 2 ? 1 : 0 });
    const one = run(1);
    expect([one.p50Ms, one.p95Ms, one.p99Ms, one.ratePerSecond, one.count]).toEqual([50, 95, 99, 101, 101]);
    const r = overRepeats([run(1), run(2), run(4)]);
    expect(r.figures).toEqual({ p50Ms: 100, p95Ms: 190, p99Ms: 198, ratePerSecond: 101, errors: 1, count: 101 });
    expect(r.spread.p50Ms).toBeCloseTo((200 - 50) / 100, 12);
    expect(r.spread.ratePerSecond).toBe(0);
  });

  it('evaluates absolute budgets and budgets relative to the calibration', () => {
    const measured = overRepeats([figuresOf({ decisionsMs: [1, 2, 3, 4, 10], runMs: 100, errors: 0 })]);
    const calibration = overRepeats([figuresOf({ decisionsMs: [0.5, 1, 1, 1, 2], runMs: 10, errors: 0 })]);
    const absolute = evaluateLatency(LatencyBudgetSchema.parse({ p50: 3, p99: 5, minRate: 60, maxErrors: 0 }), measured, calibration, at);
    expect(absolute.map((g) => [g.name, g.limit, g.actual, g.pass])).toEqual([
      ['latency p50', 3, 3, true], ['latency p99', 5, 9.76, false], ['latency minRate', 60, 50, false], ['latency maxErrors', 0, 0, true],
    ]);
    expect(absolute[1]!.message).toBe('p99Ms must be <= 5 ms: measured 9.760 ms (spread 0% over repeats) (wall time, not deterministic)');
    const relative = evaluateLatency(LatencyBudgetSchema.parse({ p50: 3, p99: 3, minRate: 0.1, calibrated: true }), measured, calibration, at);
    // Calibration: p50 1 ms, p99 1.96 ms, 500 req/s: limits 3 ms, 5.88 ms, 50/s.
    expect(relative.map((g) => [g.limit, g.pass])).toEqual([[3, true], [5.88, false], [50, true]]);
    expect(relative[1]!.message).toContain("3x the calibration's 1.960 ms = 5.880 ms");
  });
});

describe('latency budgets in a scenario', () => {
  const scenario = (latency: string) => `version: 1
name: lat
seed: 11
market:
  synthetic: { process: gbm, instrumentId: SYN, priceDecimals: 2, startTimeUs: 1577836800000000, startPrice: 100, count: 300, drift: 0.05, volatility: 0.25, output: { type: bar, intervalUs: 86400000000 } }
account: { currency: USD, startCash: 50000 }
stack:
  agents: [{ kind: sma-crossover, instrument: SYN, period: 20 }]
gates:
  - { metric: trades, min: 1 }
latency:
${latency}
`;

  it('fails the scenario (exit 1) with the measured figure and the budget; the report keeps them in wallTimeLatency only', () => {
    const dir = tempDir('latency');
    writeFileSync(join(dir, 'x.yaml'), scenario('  p99: 0.000001\n  p50: 1000\n  repeats: 2'));
    const r = cli(['run', join(dir, 'x.yaml'), '--out', join(dir, 'out'), '--workers', '1', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x\.yaml:12:8: budget 'latency p99': p99Ms must be <= 0\.000001 ms: measured \d+\.\d+ ms \(spread \d+% over repeats\) \(wall time, not deterministic\)/);
    const s = (JSON.parse(r.stdout) as Report).scenarios[0]!;
    expect(s.status).toBe('failed');
    expect(s.gates.every((g) => g.pass)).toBe(true);
    expect(s.wallTimeLatency).toMatchObject({ deterministic: false, repeats: 2 });
    expect(s.wallTimeLatency!.gates.map((g) => [g.name, g.pass])).toEqual([['latency p50', true], ['latency p99', false]]);
    expect(s.wallTimeLatency!.measured.count).toBeGreaterThan(300);
    expect(s.wallTimeLatency!.calibration.measured.count).toBeGreaterThanOrEqual(200);
    // Without the wall-time fields the report is that of a run without budgets: same fingerprint, same metrics.
    writeFileSync(join(dir, 'y.yaml'), scenario('  p50: 1000\n  repeats: 1'));
    const passed = cli(['run', join(dir, 'y.yaml'), '--out', join(dir, 'out2'), '--workers', '1', '--json']);
    expect(passed.code).toBe(0);
    const p = (JSON.parse(passed.stdout) as Report).scenarios[0]!;
    expect(p.fingerprint).toBe(s.fingerprint);
    expect(withoutWallClock({ ...p, file: '', fileSha256: '', reproduce: '', fillsFile: null, status: '', exitCode: 0 }))
      .toEqual(withoutWallClock({ ...s, file: '', fileSha256: '', reproduce: '', fillsFile: null, status: '', exitCode: 0 }));
  }, 60_000);
});
