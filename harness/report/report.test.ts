// Proves the report writers on a hand-made run of four scenarios (passed, failed, invalid,
// interrupted before it ran): report.json validates against its schema and carries the most
// severe exit code; the JUnit XML is well-formed (parsed strictly), has one testsuite per scenario
// and one testcase per gate with unique classname/name and the gate's file/line, and escapes
// hostile names; the Markdown has a table per scenario; writes are atomic and leave no temp file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScenarioRunResult } from '../scenario/run.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { buildReport, invalidScenario, notRunScenario, ranScenario, serializeReport, suiteExitCode, type ScenarioIdentity } from './report.ts';
import { ReportSchema, type Report } from './schema.ts';
import { findAll, parseXml } from './xml-reader.ts';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { METRICS } from './testing/sample-metrics.ts';


function run(gates: ScenarioRunResult['gates']): ScenarioRunResult {
  return {
    seed: 7, dataPath: 'direct', faults: null, fingerprint: 'a'.repeat(64), decisionFingerprint: 'c'.repeat(64), journalRecords: 100, events: 50, marketEvents: 50, marketData: [{ file: 'data/x.csv', sha256: 'b'.repeat(64) }],
    account: { currency: 'USD', startCash: 10000 }, final: { equity: 10500.5, cash: 10500.5 }, metrics: METRICS,
    fills: [{ time: '2020-01-02T14:30:00.000000Z', timeUs: 1577975400000000, instrument: 'X', side: 'buy', quantity: 1, price: 10, fee: 1, notional: 10, clientOrderId: 'o-1' }],
    gates, warnings: [], properties: [], equity: { timeUs: new Float64Array(0), equity: new Float64Array(0) }, series: null, latency: null, stackLatencyUs: null,
  };
}
const gate = (name: string, pass: boolean, line: number): ScenarioRunResult['gates'][number] => ({
  name, metric: 'trades', threshold: { min: 5 }, actual: 3, pass, message: pass ? 'ok' : 'trades must be >= 5: actual 3', line, column: 5,
});
const id = (name: string, file: string): ScenarioIdentity => ({ name, description: 'd | e', file, fileSha256: 'c'.repeat(64), seed: 7, seedSource: 'scenario', overrides: [] });

function sampleReport(): Report {
  const scenarios = [
    ranScenario(id('good', 's/good.yaml'), run([gate('trades >= 1', true, 10), gate('sharpe >= 1', true, 11)]), 12),
    ranScenario(id('bad <&> "gate"', 's/bad.yaml'), run([gate('a <tricky> & "quoted" gate', false, 20), gate('trades >= 1', true, 21)]), 15),
    invalidScenario({ ...id('broken', 's/broken.yaml'), seed: null, seedSource: null }, [{ file: 's/broken.yaml', line: 3, column: 7, path: 'seed', message: 'invalid value', expected: 'a number >= 0', found: '-1 (number)' }]),
    notRunScenario(id('later', 's/later.yaml')),
  ];
  return buildReport({ command: 'run', rootSeed: null, startedAtMs: Date.UTC(2024, 0, 1), scenarios, finishedAtMs: null, interrupted: 'SIGTERM' });
}

describe('report.json', () => {
  it('validates against its schema, is marked incomplete when interrupted, and takes the most severe exit code', () => {
    const report = sampleReport();
    expect(ReportSchema.safeParse(JSON.parse(serializeReport(report))).success).toBe(true);
    expect(report).toMatchObject({ complete: false, interrupted: 'SIGTERM', status: 'interrupted', exitCode: 143 });
    expect(suiteExitCode(report.scenarios)).toBe(2);
    expect(report.summary).toMatchObject({ scenarios: 4, passed: 1, failed: 1, invalid: 1, notRun: 1, gates: 4, gatesFailed: 1 });
    expect(report.scenarios[1]!.reproduce).toBe('gauntlet run s/bad.yaml --seed 7');
  });
});

describe('JUnit XML', () => {
  const xml = junitXml(sampleReport());
  const root = parseXml(xml);

  it('is well-formed, one testsuite per scenario, counts that add up', () => {
    expect(root.name).toBe('testsuites');
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attributes.name)).toEqual(['good', 'bad <&> "gate"', 'broken', 'later', 'gauntlet run']);
    expect(root.attributes).toMatchObject({ tests: '7', failures: '1', errors: '3', skipped: '0' });
    for (const s of suites) expect(Number(s.attributes.tests)).toBe(findAll(s, 'testcase').length);
  });

  it('has one testcase per gate with unique classname+name, and the gate file and line', () => {
    const cases = findAll(root, 'testcase');
    const keys = cases.map((c) => `${c.attributes.classname}\u0000${c.attributes.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const tricky = cases.find((c) => c.attributes.name === 'a <tricky> & "quoted" gate')!;
    expect(tricky.attributes).toMatchObject({ classname: 'bad <&> "gate"', file: 's/bad.yaml', line: '20' });
    const failure = findAll(tricky, 'failure')[0]!;
    expect(failure.attributes.message).toBe('trades must be >= 5, actual 3');
    expect(failure.text).toContain('reproduce: gauntlet run s/bad.yaml --seed 7');
  });

  it('reports bad input as an error with each problem located, and a scenario not run as an error (never green)', () => {
    const broken = findAll(root, 'testsuite').find((s) => s.attributes.name === 'broken')!;
    expect(findAll(broken, 'error')[0]!.text).toContain('s/broken.yaml:3:7: seed: invalid value');
    const later = findAll(root, 'testsuite').find((s) => s.attributes.name === 'later')!;
    expect(findAll(later, 'skipped')).toHaveLength(0);
    expect(findAll(later, 'error').map((e) => e.attributes.type)).toEqual(['NotRun']);
  });

  it('the strict reader refuses what is not well-formed', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(SyntaxError);
    expect(() => parseXml('<a x=1/>')).toThrow(SyntaxError);
    expect(() => parseXml('<a>&</a>')).toThrow(SyntaxError);
  });
});

describe('Markdown summary', () => {
  it('has an overview and a table per scenario, with pipes escaped', () => {
    const md = markdownSummary(sampleReport());
    expect(md).toMatch(/^## Gauntlet\n/);
    expect(md).toContain('| ✅ | good | 7 | 10,500.50 | 5.00% | 3.00% | 1.40 | 3 | 2/2 |');
    expect(md.match(/^### /gm)).toHaveLength(4);
    expect(md).toContain('| gate | metric | threshold | actual | result |');
    expect(md).toContain('_d \\| e_');
    expect(md).toContain('Reproduce: `gauntlet run s/bad.yaml --seed 7`');
  });
});

describe('atomic writes', () => {
  it('replaces the file whole and leaves no temporary file', () => {
    const dir = tempDir('atomic');
    const path = join(dir, 'sub', 'report.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['report.json']);
  });
});

describe('metric definitions', () => {
  it('docs/metrics.md is up to date with the code (regenerate: node harness/report/metric-docs.ts --write)', async () => {
    const { readFileSync } = await import('node:fs');
    const { metricsDoc, METRICS_DOC_PATH, ALL_METRIC_DEFINITIONS } = await import('./metric-docs.ts');
    expect(readFileSync(METRICS_DOC_PATH, 'utf8')).toBe(metricsDoc());
    for (const m of ['sharpe', 'maxDrawdown', 'finalEquity', 'cagr', 'profitFactor']) expect(ALL_METRIC_DEFINITIONS[m]!.length).toBeGreaterThan(20);
  });
});
