// A job is plain data in and out: the same scenario given as a file or as text gives the same
// report; overrides and seed choices reach the run; bad input stays bad input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, withoutWallClock } from '../cli/cli-helpers.ts';
import { deriveSeed } from '../scenario/engine-parts.ts';
import { executeJob, JobSpecSchema, runJob } from './job.ts';

const file = 'scenarios/demo-sp500-sma-crossover.yaml';

describe('runJob', () => {
  it('gives the same report for a file and for its text (relative data paths resolve against the named file)', async () => {
    const fromFile = await runJob({ file, cwd: REPO, seed: { kind: 'scenario' } });
    const fromText = await runJob({ file, text: readFileSync(join(REPO, file), 'utf8'), cwd: REPO, seed: { kind: 'scenario' } });
    expect(fromFile.status).toBe('passed');
    expect(withoutWallClock(fromText)).toEqual(withoutWallClock(fromFile));
  });

  it('applies seed choices and overrides', async () => {
    const derived = await runJob({ file, cwd: REPO, seed: { kind: 'derived', rootSeed: 9 } });
    expect(derived).toMatchObject({ seed: deriveSeed(9, 'demo-sp500-sma-crossover'), seedSource: 'derived' });
    const faster = await runJob({ file, cwd: REPO, seed: { kind: 'cli', seed: 1 }, overrides: [{ path: 'stack.agents[0].period', value: 10 }] });
    expect(faster.overrides).toEqual([{ path: 'stack.agents[0].period', value: 10 }]);
    // A 10-day average crosses far more often than the file's 50-day one: its trade gates fail.
    expect(faster.status).toBe('failed');
    expect(faster.metrics!.trades).toBeGreaterThan(177);
  });

  it('returns bad input as an invalid scenario with its place, and where the name is', async () => {
    const o = await executeJob({ file: 'x.yaml', text: 'version: 1\nname: x\nacount: {}\n', cwd: REPO, seed: { kind: 'scenario' } });
    expect(o.report.status).toBe('invalid');
    expect(o.report.problems.some((p) => p.line === 3 && p.message.includes("unknown key 'acount'"))).toBe(true);
    const ok = await executeJob({ file, cwd: REPO, seed: { kind: 'scenario' } });
    expect(ok.nameAt).toEqual({ line: 3, column: 7 });
  });

  it('takes only plain data', () => {
    expect(JobSpecSchema.safeParse({ file, cwd: REPO, seed: { kind: 'cli', seed: -1 } }).success).toBe(false);
    expect(JobSpecSchema.safeParse({ file, cwd: REPO, seed: { kind: 'scenario' }, hooks: () => 0 }).success).toBe(false);
  });
});
