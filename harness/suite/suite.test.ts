// A suite gives the same report serially and on a worker pool (but for wall-clock fields), decides
// duplicate names by file order whatever order jobs finish in, and isolates a job that crashes its
// worker to its own scenario.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { REPO, withoutWallClock } from '../cli/cli-helpers.ts';
import { writeGeneratedSuite } from '../bench/generated-suite.ts';
import { batchSize, createJobPool, defaultWorkers } from '../distributed/pool.ts';
import { discoverScenarioFiles } from '../scenario/discover.ts';
import { createSuite, type SuiteOptions } from './suite.ts';

const dir = tempDir('suite');
const builtin = discoverScenarioFiles(['scenarios'], REPO);
const sma = readFileSync(join(REPO, 'scenarios', 'synthetic-gbm-sma-crossover.yaml'), 'utf8');
// A failing gate, a bad file and a duplicate name beside the built-in suite.
writeFileSync(join(dir, 'a-failing.yaml'), sma.replace(/^name: .*$/m, 'name: failing-copy').replace('{ metric: trades, min: 195, max: 195 }', '{ metric: trades, min: 1000 }'));
writeFileSync(join(dir, 'b-bad.yaml'), 'version: 1\nname: bad\nmarket: {}\n');
writeFileSync(join(dir, 'c-duplicate.yaml'), sma);
writeFileSync(join(dir, 'd-crash-me.yaml'), sma.replace(/^name: .*$/m, 'name: crash-me'));
const files = [...builtin, join(dir, 'a-failing.yaml'), join(dir, 'b-bad.yaml'), join(dir, 'c-duplicate.yaml')];

const options = (over: Partial<SuiteOptions>): SuiteOptions => ({
  files, cwd: REPO, seeds: { kind: 'scenario' }, command: 'run', outDir: null, reporters: [], ...over,
});

describe('createSuite', () => {
  it('writes the same report serially and on two worker threads, but for wall-clock fields', async () => {
    const serial = await createSuite(options({ workers: 1 })).run();
    const pooled = await createSuite(options({ workers: 2 })).run();
    expect(serial.summary).toMatchObject({ scenarios: files.length, passed: builtin.length, failed: 1, invalid: 2, errors: 0 });
    expect(JSON.stringify(withoutWallClock(pooled))).toBe(JSON.stringify(withoutWallClock(serial)));
  });

  it('rejects the later of two files with one name, in file order, naming the other file', async () => {
    const r = await createSuite(options({ workers: 2 })).run();
    const dup = r.scenarios[files.length - 1]!;
    expect(dup).toMatchObject({ status: 'invalid', name: 'synthetic-gbm-sma-crossover' });
    expect(dup.problems[0]!.message).toContain('scenarios/synthetic-gbm-sma-crossover.yaml');
    expect(dup.problems[0]!.line).toBe(3);
    expect(r.scenarios.find((s) => s.file === 'scenarios/synthetic-gbm-sma-crossover.yaml')!.status).toBe('passed');
  });

  it('isolates a job that kills its worker thread: that scenario errs, the others (in its batch too) run', async () => {
    const crashing = join(REPO, 'harness', 'distributed', 'testing', 'crashing-worker.ts');
    const generated = discoverScenarioFiles([writeGeneratedSuite(join(dir, 'generated'), 60)], REPO);
    const some = [...generated.slice(0, 30), join(dir, 'd-crash-me.yaml'), ...generated.slice(30)];
    expect(batchSize(some.length, 2)).toBeGreaterThan(1);
    const r = await createSuite(options({ files: some, workers: 2, createPool: (threads) => createJobPool({ threads, workerFile: crashing }) })).run();
    expect(r.scenarios.map((s) => s.status)).toEqual(some.map((f) => (f.includes('crash-me') ? 'error' : 'passed')));
    expect(r.scenarios[30]!.error!.message).toMatch(/^worker crashed/);
    expect(r.exitCode).toBe(3);
  });
});

describe('the default pool size', () => {
  it('is one thread fewer than the cores, at least one, at most one per scenario', () => {
    expect([1, 2, 3, 8].map((cores) => defaultWorkers(100, cores))).toEqual([1, 1, 2, 7]);
    expect(defaultWorkers(3, 16)).toBe(3);
    expect(defaultWorkers(1, 16)).toBe(1);
  });
});
