// `gauntlet bench`: per-component timings of a scenario's decision path and a load on a stack
// service with its calibration beside it. The figures are wall time, so only their shape is checked.
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.ts';
import type { BenchReport } from './bench-command.ts';

describe('gauntlet bench', () => {
  it('times each component of a scenario and loads the served reference stack', () => {
    const r = cli(['bench', 'scenarios/synthetic-futures-sma-crossover.yaml', 'fixtures/stacks/sma-python.yaml', '--time', '50ms', '--load', '--duration', '1s', '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as BenchReport;
    const [futures, python] = j.scenarios;
    expect(Object.keys(futures!.components!)).toEqual(['agent', 'allocator', 'risk', 'execution', 'decision']);
    for (const t of Object.values(futures!.components!)) {
      expect(t).not.toBeNull();
      expect(t!.calls).toBeGreaterThan(0);
      expect(t!.p50Us).toBeLessThanOrEqual(t!.p95Us);
      expect(t!.p95Us).toBeLessThanOrEqual(t!.p99Us);
      // A sample is a batch of calls: the batch is what makes a sub-microsecond call measurable.
      expect(t!.batch * t!.meanUs).toBeGreaterThan(1);
    }
    expect(python!.skipped).toMatch(/not the reference stack/);
    expect(j.load).toMatchObject({ target: 'in-process reference stack', connections: 10, errors: 0, overallRate: null });
    expect(j.load!.requests).toBeGreaterThan(100);
    expect(j.load!.ceiling.requests).toBeGreaterThan(100);
  }, 60_000);

  it('refuses a remote URL without --allow-remote', () => {
    const r = cli(['bench', '--url', 'http://192.0.2.1:9/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--url: 192\.0\.2\.1 is not this machine/);
  });
});
