// Issue 9's report findings, one test each: what a CI system or a person reads is never greener
// than the truth. Each of these failed on the code before the fix (checked against f86cef7).
import { describe, expect, it } from 'vitest';
import { gateName } from '../gates/schema.ts';
import type { ScenarioRunResult } from '../scenario/run.ts';
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { buildReport, notRunScenario, ranScenario, type ReportState, type ScenarioIdentity } from './report.ts';
import type { ScenarioReport } from './schema.ts';
import { findAll, parseXml } from './xml-reader.ts';
import { METRICS } from './testing/sample-metrics.ts';

const id = (name: string): ScenarioIdentity => ({ name, description: null, file: `s/${name}.yaml`, fileSha256: 'c'.repeat(64), seed: 7, seedSource: 'scenario', overrides: [] });

function run(gates: ScenarioRunResult['gates']): ScenarioRunResult {
  return {
    seed: 7, dataPath: 'direct', faults: null, fingerprint: 'f'.repeat(64), decisionFingerprint: 'e'.repeat(64), journalRecords: 10, events: 20, marketEvents: 20, marketData: [], account: { currency: 'USD', startCash: 10000 },
    final: { equity: 10500.5 }, metrics: METRICS, fills: [], gates, warnings: [], properties: [], equity: { timeUs: new Float64Array(0), equity: new Float64Array(0) }, series: null, latency: null, stackLatencyUs: null,
  };
}

function report(scenarios: ScenarioReport[], finishedAtMs: number | null, interrupted: ReportState['interrupted'] = null) {
  return buildReport({ command: 'run', rootSeed: null, startedAtMs: 0, scenarios, finishedAtMs, interrupted });
}

const failingByACent = { name: gateName({ metric: 'finalEquity', min: 156767.79 }), metric: 'finalEquity', threshold: { min: 156767.79 }, actual: 156767.78, pass: false, message: 'finalEquity must be >= 156767.79: actual 156767.78', line: 9, column: 5 };

describe('a run still going, or killed', () => {
  it('has no exit code yet (not a 0 that reads as a pass)', () => {
    const r = report([notRunScenario(id('a'))], null);
    expect(r).toMatchObject({ status: 'running', complete: false, exitCode: null });
    expect(markdownSummary(r)).toContain('exit code none yet');
  });

  it('JUnit counts scenarios never run as errors, not skipped, and the unfinished run as one more', () => {
    const x = parseXml(junitXml(report([ranScenario(id('a'), run([]), 10), notRunScenario(id('b'))], 20, 'SIGINT')));
    expect(x.attributes).toMatchObject({ errors: '2', skipped: '0' });
  });

  it('JUnit is not green for an interrupted run even when every scenario in it ended', () => {
    const x = parseXml(junitXml(report([ranScenario(id('a'), run([]), 10)], 20, 'SIGINT')));
    expect(x.attributes).toMatchObject({ errors: '1', failures: '0', complete: 'false' });
    expect(findAll(x, 'error')[0]!.attributes).toMatchObject({ type: 'Incomplete', message: 'the run was interrupted by SIGINT' });
  });
});

describe('JUnit', () => {
  it('a scenario with no gates is one testcase, not an empty suite', () => {
    const x = parseXml(junitXml(report([ranScenario(id('quiet'), run([]), 10)], 20)));
    expect(findAll(x, 'testcase').map((c) => c.attributes.name)).toEqual(['scenario runs']);
  });

  it('test names stay when a threshold is retuned; the thresholds are in the message', () => {
    expect(gateName({ metric: 'finalEquity', min: 156767.79 })).toBe(gateName({ metric: 'finalEquity', min: 150000 }));
    const x = parseXml(junitXml(report([ranScenario(id('a'), run([failingByACent]), 10)], 20)));
    const failure = findAll(x, 'failure')[0]!;
    expect(failure.attributes.message).toBe('finalEquity must be >= 156767.79, actual 156767.78');
  });

  it('testcase times are the real (wall-clock) time of the scenario, shared by its gates', () => {
    const g = { ...failingByACent, pass: true };
    const x = parseXml(junitXml(report([ranScenario(id('a'), run([g, { ...g, name: 'other' }]), 1500)], 2000)));
    expect(findAll(x, 'testcase').map((c) => c.attributes.time)).toEqual(['0.750', '0.750']);
  });

  it('a control character in a name is written out, never dropped', () => {
    const x = parseXml(junitXml(report([ranScenario(id('a\u0000'), run([{ ...failingByACent, name: '\u0000' }]), 10)], 20)));
    expect(findAll(x, 'testcase')[0]!.attributes.name).toBe('\\u0000');
    expect(findAll(x, 'testsuite')[0]!.attributes.name).toBe('a\\u0000');
  });
});

describe('summary.md', () => {
  it('shows the exact figure a gate compared, and the threshold apart from the gate name', () => {
    const md = markdownSummary(report([ranScenario(id('a'), run([failingByACent]), 10)], 20));
    expect(md).toContain('| finalEquity min | finalEquity | >= 156767.79 | 156767.78 | ❌ fail |');
  });
});
