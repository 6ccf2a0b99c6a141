// From the moment a run starts writing into a folder, nothing there reads as an earlier run's
// result or as a pass: every reporter's file says incomplete, the files of reporters this run does
// not write and an earlier run's journals are gone; while running, one log line per scenario and a
// full rewrite only when a snapshot is due.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { buildReport, notRunScenario, type ReportState } from './report.ts';
import { PROGRESS_LOG, ReportWriter } from './report-writer.ts';
import { ReportSchema, type ScenarioReport } from './schema.ts';
import { findAll, parseXml } from './xml-reader.ts';

const id = (name: string) => ({ name, description: null, file: `s/${name}.yaml`, fileSha256: null, seed: null, seedSource: null, overrides: [] });

function state(scenarios: ScenarioReport[], finishedAtMs: number | null): ReportState {
  return { command: 'run', rootSeed: null, startedAtMs: 0, scenarios, finishedAtMs, interrupted: null };
}

describe('ReportWriter', () => {
  it('begin: every reporter file reads incomplete, never green; stale files of other reporters and journals are removed', () => {
    const out = tempDir('writer-begin');
    for (const f of ['report.json', 'junit.xml', 'summary.md']) writeFileSync(join(out, f), 'from an earlier, passing run');
    mkdirSync(join(out, 'journals'));
    writeFileSync(join(out, 'journals', 'old.jsonl'), '{}\n');
    writeFileSync(join(out, '.report.json.12345.tmp'), 'left by a killed run');
    const w = new ReportWriter({ outDir: out, reporters: ['json', 'junit'] });
    w.begin(buildReport(state([notRunScenario(id('a')), notRunScenario(id('b'))], null)));
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report).toMatchObject({ complete: false, status: 'running' });
    const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    // Two scenarios not run yet, and the run itself unfinished.
    expect(Number(junit.attributes.errors)).toBe(3);
    expect(findAll(junit, 'skipped')).toHaveLength(0);
    expect(existsSync(join(out, 'summary.md'))).toBe(false);
    expect(existsSync(join(out, 'journals'))).toBe(false);
    expect(existsSync(join(out, '.report.json.12345.tmp'))).toBe(false);
    expect(existsSync(join(out, PROGRESS_LOG))).toBe(true);
  });

  it('appends one log line per scenario and rewrites the reports only when a snapshot is due', () => {
    const out = tempDir('writer-snapshot');
    let nowMs = 1_000;
    const w = new ReportWriter({ outDir: out, reporters: ['json', 'md'], snapshotEveryMs: 5_000, nowMs: () => nowMs });
    const scenarios = [notRunScenario(id('a')), notRunScenario(id('b')), notRunScenario(id('c'))];
    w.begin(buildReport(state(scenarios, null)));
    let builds = 0;
    const current = () => { builds++; return buildReport(state(scenarios, null)); };
    nowMs = 2_000;
    w.scenarioDone(0, scenarios[0]!, current);
    nowMs = 5_999;
    w.scenarioDone(1, scenarios[1]!, current);
    expect(builds).toBe(0);
    nowMs = 6_000;
    w.scenarioDone(2, scenarios[2]!, current);
    expect(builds).toBe(1);
    const log = readFileSync(join(out, PROGRESS_LOG), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { index: number; scenario: { name: string } });
    expect(log.map((l) => [l.index, l.scenario.name])).toEqual([[0, 'a'], [1, 'b'], [2, 'c']]);
    w.finish(buildReport(state(scenarios, 7_000)));
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toMatchObject({ complete: true });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).not.toContain('(incomplete)');
    // A complete run's reports hold all the log did.
    expect(existsSync(join(out, PROGRESS_LOG))).toBe(false);
  });

  it('refuses to begin with a complete report and an empty reporter list', () => {
    expect(() => new ReportWriter({ outDir: tempDir('writer-bad'), reporters: [] })).toThrow(/no reporters/);
    const w = new ReportWriter({ outDir: tempDir('writer-bad2'), reporters: ['json'] });
    expect(() => w.begin(buildReport(state([], 1)))).toThrow(/incomplete/);
  });
});
