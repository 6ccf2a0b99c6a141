// The suite as a user drives it: a pooled run killed with SIGKILL leaves valid reports marked
// incomplete; --set overrides are recorded and replayable; reports of schema version 1 replay;
// bad --workers and --set values are bad input; the suite benchmark's smoke size keeps its keys.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGeneratedSuite } from '../bench/generated-suite.ts';
import { PROGRESS_LOG } from '../report/report-writer.ts';
import { ReportSchema } from '../report/schema.ts';
import { parseXml } from '../report/xml-reader.ts';
import { cli, cliAsync, NODE, readFills, REPO, tempDir } from './cli-helpers.ts';
import { JOURNAL_VERSION } from '../scenario/engine-parts.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a pooled run killed with SIGKILL', () => {
  it('leaves every reporter file valid and marked incomplete, and a progress log of what finished', async () => {
    const suite = writeGeneratedSuite(join(tempDir('kill9-suite'), 'suite'), 600);
    const out = tempDir('kill9-out');
    const { child, done } = cliAsync(['run', suite, '--out', out, '--workers', '2', '--quiet']);
    const log = join(out, PROGRESS_LOG);
    const started = Date.now();
    const lines = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0);
    while (lines() < 40 && Date.now() - started < 60_000) await sleep(10);
    child.kill('SIGKILL');
    const r = await done;
    expect(r.code).toBe(null);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report).toMatchObject({ complete: false, status: 'running' });
    expect(report.summary.notRun).toBeGreaterThan(0);
    const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    expect(Number(junit.attributes.errors)).toBeGreaterThanOrEqual(report.summary.notRun);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('(incomplete)');
    const logged = readFileSync(log, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as { index: number; scenario: { status: string } });
    expect(logged.length).toBeGreaterThanOrEqual(40);
    expect(logged.every((l) => l.scenario.status === 'passed')).toBe(true);
    expect(new Set(logged.map((l) => l.index)).size).toBe(logged.length);
  });
});

describe('gauntlet run --set', () => {
  const file = 'scenarios/demo-sp500-sma-crossover.yaml';
  const out = tempDir('set');
  const r = cli(['run', file, '--out', out, '--reporter', 'json', '--set', 'stack.agents[0].period=20', '--set', 'gates=[]']);
  const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
  const s = report.scenarios[0]!;

  it('runs with the values in place of the file\'s, records them, and reproduces with them', () => {
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('--set stack.agents[0].period=20');
    expect(s.overrides).toEqual([{ path: 'stack.agents[0].period', value: 20 }, { path: 'gates', value: [] }]);
    expect(s.reproduce).toBe(`gauntlet run ${file} --seed 1 --set 'stack.agents[0].period=20' --set 'gates=[]'`);
    const plain = cli(['run', file, '--out', tempDir('set-plain'), '--json', '--quiet']);
    const plainFingerprint = (JSON.parse(plain.stdout) as { scenarios: { fingerprint: string }[] }).scenarios[0]!.fingerprint;
    expect(s.fingerprint).not.toBe(plainFingerprint);
    // The replay reruns with the recorded overrides: the same fingerprint.
    const replay = cli(['replay', join(out, 'report.json')]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  });

  it('a bad path or value is bad input naming the flag', () => {
    const bad = cli(['run', file, '--out', tempDir('set-bad'), '--set', 'stack.agents[9].period=20']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/demo-sp500-sma-crossover\.yaml:\d+:\d+: --set stack\.agents\[9\]\.period: stack\.agents\[9\] is not in the scenario/);
    const malformed = cli(['run', file, '--set', 'no-equals-sign']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--set: expected path=value');
    const wrongType = cli(['run', file, '--out', tempDir('set-type'), '--set', 'stack.agents[0].period=-3']);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stdout).toMatch(/stack\.agents\[0\]\.period: invalid value/);
  });
});

describe('flags and old reports', () => {
  it('--workers must be a positive integer', () => {
    for (const w of ['0', 'two', '-1']) {
      const r = cli(['run', 'scenarios/demo-sp500-sma-crossover.yaml', '--workers', w]);
      expect(r.code, w).toBe(2);
      expect(r.stderr).toContain('--workers');
    }
  });

  it('reads a report of schema version 1, and refuses to compare fingerprints of another journal version', () => {
    // Version 1 reports hold journal-version-1 fingerprints; this code writes a later version.
    const r = cli(['replay', 'fixtures/reports/report-v1.json']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`has fingerprints of journal version 1; this gauntlet writes version ${JOURNAL_VERSION}: fingerprints cannot be compared`);
    const future = tempDir('future-report');
    const v99 = { ...(JSON.parse(readFileSync(join(REPO, 'fixtures', 'reports', 'report-v1.json'), 'utf8')) as object), schemaVersion: 99 };
    writeFileSync(join(future, 'report.json'), JSON.stringify(v99));
    const f = cli(['replay', join(future, 'report.json')]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/report schema version 99 cannot be read by this gauntlet \(it reads versions 1, 2, 3, 4\): it was written by a newer gauntlet/);
  });
});

describe('npm run bench:suite -- --smoke', () => {
  it('prints one JSON line with the figures the issue asks for', () => {
    const r = spawnSync(NODE, [join(REPO, 'harness', 'bench', 'suite-bench.ts'), '--smoke', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['barsPerScenario', 'bench', 'node', 'nodeStartSeconds', 'scalingRatio', 'scenariosPerSecond', 'singleThreadedGc', 'smoke', 'workerSpeedup', 'workerSpeedupSuite'].sort());
    expect(Object.keys(j.singleThreadedGc as object).sort()).toEqual(['oneWorkerSeconds', 'twoWorkersSeconds', 'vsDefaultGcOneWorker', 'workerSpeedup']);
    expect(Object.keys(j.scenariosPerSecond as object)).toEqual(['3', '6']);
    expect(j.workerSpeedup).toBeGreaterThan(0);
  });
});

describe('fills beside report.json', () => {
  it('are in a sidecar file per scenario, named with its SHA-256 and count; --inline-fills keeps them inline, the same', () => {
    const side = tempDir('fills-side');
    const inline = tempDir('fills-inline');
    const file = 'scenarios/demo-sp500-sma-crossover.yaml';
    expect(cli(['run', file, '--out', side, '--quiet']).code).toBe(0);
    expect(cli(['run', file, '--out', inline, '--quiet', '--inline-fills']).code).toBe(0);
    const a = ReportSchema.parse(JSON.parse(readFileSync(join(side, 'report.json'), 'utf8'))).scenarios[0]!;
    const b = ReportSchema.parse(JSON.parse(readFileSync(join(inline, 'report.json'), 'utf8'))).scenarios[0]!;
    expect(a.fills).toEqual([]);
    expect(a.fillsFile).toMatchObject({ path: 'fills/00001-demo-sp500-sma-crossover.jsonl', count: a.metrics!.fills });
    expect(b.fillsFile).toBe(null);
    expect(b.fills.length).toBe(b.metrics!.fills);
    expect(readFills(side, a)).toEqual(b.fills);
  });
});
