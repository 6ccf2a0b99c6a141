// Signals, as CI meets them: handled from the first moment (a SIGINT while modules load still
// marks the folder's reports interrupted), honoured within moments during a long scenario, and,
// at 20 random moments of a suite run (SIGKILL or SIGINT, fixed seed), every reporter's file is
// from one run and never claims success for a run that did not finish.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/index.ts';
import { writeGeneratedSuite } from '../bench/generated-suite.ts';
import { ReportSchema, type Report } from '../report/schema.ts';
import { parseXml } from '../report/xml-reader.ts';
import { cli, cliAsync, REPO, tempDir } from './cli-helpers.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const readJson = (out: string): Report => ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));

describe('signals', () => {
  it('a SIGINT while modules still load is handled: the reports say interrupted, not the last run\'s pass', async () => {
    const out = tempDir('early-sigint');
    const first = cli(['run', 'scenarios/synthetic-gbm-sma-crossover.yaml', '--out', out, '--quiet']);
    expect(first.code).toBe(0);
    const { child, done } = cliAsync(['run', 'scenarios/synthetic-gbm-sma-crossover.yaml', '--out', out], REPO, { GAUNTLET_TRACE_STARTUP: '1' });
    // The signal as soon as the handlers are in, while the modules still load.
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('signal handlers installed')) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    // It came before the modules had loaded: the run handled a signal kept from then.
    expect(r.stderr.indexOf('modules loaded')).toBeGreaterThan(r.stderr.indexOf('signal handlers installed'));
    expect(readJson(out)).toMatchObject({ complete: false, interrupted: 'SIGINT', status: 'interrupted', exitCode: 130 });
  });

  it('SIGTERM during a long scenario ends the run within moments, not when the scenario ends', async () => {
    const dir = tempDir('long');
    const text = readFileSync('scenarios/synthetic-gbm-sma-crossover.yaml', 'utf8').replace(/count: \d+/, 'count: 20000000').replace(/intervalUs: \d+/, 'intervalUs: 60000000');
    const file = join(dir, 'long.yaml');
    await import('node:fs').then((fs) => fs.writeFileSync(file, text));
    const out = tempDir('long-out');
    const { child, done } = cliAsync(['run', file, '--out', out]);
    await sleep(2500);
    const killedAt = Date.now();
    child.kill('SIGTERM');
    const r = await done;
    // The scenario needs tens of seconds; the signal is honoured between event batches.
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(r.code).toBe(143);
    expect(readJson(out)).toMatchObject({ complete: false, interrupted: 'SIGTERM', exitCode: 143 });
  });

  it('20 kills at random moments: every file from one run, none claiming success for an unfinished run', async () => {
    const suite = writeGeneratedSuite(join(tempDir('kills-suite'), 'suite'), 40);
    const out = tempDir('kills-out');
    const rng = Rng.derive(20261128, 'kill-moments');
    let finished = 0;
    let previousPid: number | null = null;
    let previousStart: string | null = null;
    for (let k = 0; k < 20; k++) {
      const delayMs = Math.floor(rng.nextFloat() * 1200);
      const signal = rng.nextFloat() < 0.5 ? 'SIGKILL' : 'SIGINT';
      const { child, done } = cliAsync(['run', suite, '--out', out, '--quiet']);
      await sleep(delayMs);
      child.kill(signal);
      const r = await done;
      const where = `kill ${k}: ${signal} after ${delayMs} ms, exit ${r.code}`;
      if (!existsSync(join(out, 'report.json'))) {
        // Killed before the run began writing: nothing of any run may be there yet.
        expect(k, where).toBe(0);
        continue;
      }
      const report = readJson(out);
      const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
      const md = readFileSync(join(out, 'summary.md'), 'utf8');
      expect(junit.attributes.timestamp, where).toBe(report.wallClockStartedAt);
      expect(md, where).toContain(`started ${report.wallClockStartedAt}`);
      expect(junit.attributes.complete, where).toBe(String(report.complete));
      if (report.complete) {
        finished++;
        expect(r.code === 0 || r.code === null || r.code === 130, where).toBe(true);
        expect(report.exitCode, where).toBe(0);
      } else {
        expect(report.exitCode === null || report.exitCode === 130, where).toBe(true);
        expect(report.status, where).not.toBe('passed');
        expect(Number(junit.attributes.errors), where).toBeGreaterThanOrEqual(report.summary.notRun);
        expect(Number(junit.attributes.errors) + Number(junit.attributes.failures), where).toBeGreaterThan(0);
        expect(md, where).toContain('(incomplete)');
        if (r.code === 130) expect(report.interrupted, where).toBe('SIGINT');
      }
      // A SIGKILL mid-write may leave its temporary file; the next run that writes here removes it.
      if (previousPid !== null && report.wallClockStartedAt !== previousStart) {
        expect(existsSync(join(out, `.report.json.${previousPid}.tmp`)), where).toBe(false);
      }
      previousPid = child.pid ?? null;
      previousStart = report.wallClockStartedAt;
    }
    // The moments span the whole run: some kills land after it ended.
    expect(finished).toBeLessThan(20);
    // A last run to its end leaves no temporary file of any earlier one.
    expect(cli(['run', suite, '--out', out, '--quiet']).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
