/**
 * JUnit XML for CI (GitLab's and GitHub's JUnit readers): one <testsuite> per scenario, one
 * <testcase> per gate with classname = scenario name and name = gate name (unique, since gate
 * names are unique in a scenario and scenario names in a suite), and file/line pointing at the
 * gate in the scenario's YAML. A failure's message gives the threshold and the actual value.
 * A scenario that could not run has one testcase with an <error> (bad input, internal error) or
 * an error of type NotRun (the run was interrupted, or is still running, before it ran).
 */
import { describeBudget } from '../baseline/compare.ts';
import { describeThreshold } from '../gates/evaluate.ts';
import type { Report, ScenarioReport } from './schema.ts';

/** Escapes text for XML attributes and content. */
export function xmlEscape(text: string): string {
  return text
    // Characters XML 1.0 cannot carry are written out as \uXXXX: a name never becomes empty, nor two names one.
    // eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

interface Case {
  readonly name: string;
  readonly line: number;
  readonly body: string;
}

/** Against a baseline: a testcase per regression budget (baseline figure, new figure, budget), and the fingerprint when it changed or must not. */
function regressionCases(s: ScenarioReport, repro: string): Case[] {
  const b = s.baseline;
  if (b === null || b.status === 'new') return [];
  const cases: Case[] = b.budgets.map((r) => ({
    name: `regression ${r.name}`,
    line: r.line,
    body: r.pass ? '' : `<failure${attrs({ message: `${r.metric}: baseline ${r.baseline ?? 'null'}, now ${r.actual ?? 'null'}, budget ${describeBudget(r)}`, type: 'RegressionBudget' })}>${xmlEscape(`${r.message}${repro}`)}</failure>`,
  }));
  const f = b.fingerprint;
  if (f !== null && (f.changed === true || f.onChange === 'fail')) {
    const text = `fingerprint ${f.baseline ?? 'null'} in the baseline, ${s.fingerprint ?? 'null'} now`;
    cases.push({
      name: 'fingerprint unchanged since baseline', line: 1,
      body: f.pass ? (f.changed === true ? `<system-out>${xmlEscape(`warning: ${text}`)}</system-out>` : '') : `<failure${attrs({ message: 'fingerprint changed since the baseline', type: 'FingerprintChanged' })}>${xmlEscape(text)}</failure>`,
    });
  }
  return cases;
}

function casesOf(s: ScenarioReport): Case[] {
  const repro = s.reproduce === null ? '' : `\nreproduce: ${s.reproduce}`;
  switch (s.status) {
    case 'passed':
    case 'failed':
      // A run with no gates still ran without error: one testcase says so, never an empty suite.
      if (s.gates.length === 0 && (s.baseline?.budgets.length ?? 0) === 0 && (s.wallTimeLatency?.gates ?? []).length === 0) return [{ name: 'scenario runs', line: 1, body: '<system-out>no gates: only that the scenario runs without error is checked</system-out>' }];
      return [
        ...s.gates.map((g) => ({
          name: g.name,
          line: g.line,
          body: g.pass ? '' : `<failure${attrs({ message: `${g.metric} must be ${describeThreshold(g.threshold)}, actual ${g.actual ?? 'null'}`, type: 'GateFailed' })}>${xmlEscape(`${g.message}${repro}`)}</failure>`,
        })),
        // Latency budgets: wall time, so the testcase says it is not deterministic.
        ...(s.wallTimeLatency?.gates ?? []).map((g) => ({
          name: `${g.name} (wall time)`,
          line: g.line,
          body: g.pass ? `<system-out>${xmlEscape(g.message)}</system-out>` : `<failure${attrs({ message: g.message, type: 'LatencyBudgetExceeded' })}>${xmlEscape(g.message)}</failure>`,
        })),
        ...regressionCases(s, repro),
      ];
    case 'invalid': {
      const text = s.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path === '' ? '' : `${p.path}: `}${p.message}${p.expected === undefined ? '' : ` (expected ${p.expected}${p.found === undefined ? '' : `, found ${p.found}`})`}`).join('\n');
      const first = s.problems[0];
      return [{ name: 'scenario is valid', line: first?.line ?? 1, body: `<error${attrs({ message: first === undefined ? 'bad input' : `${s.problems.length} problem(s): ${first.message}`, type: 'BadInput' })}>${xmlEscape(text)}</error>` }];
    }
    case 'error':
      return [{ name: 'scenario runs', line: 1, body: `<error${attrs({ message: s.error?.message ?? 'internal error', type: 'InternalError' })}>${xmlEscape(`${s.error?.message ?? ''}${repro}`)}</error>` }];
    case 'not-run':
      // An error, not <skipped/>: a JUnit-only reader must never see an unfinished run as green.
      return [{ name: 'scenario runs', line: 1, body: `<error${attrs({ message: 'not run: the run was interrupted or is still running (report incomplete)', type: 'NotRun' })}/>` }];
  }
}

export function junitXml(report: Report): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const suites = report.scenarios.map((s) => ({ s, cases: casesOf(s) }));
  // An unfinished run is an error of its own, even when every scenario in it ended: a JUnit-only
  // reader must never see a run that was interrupted, or is still going, as green.
  const unfinished: Case | null = report.complete ? null : {
    name: 'run completes', line: 1,
    body: `<error${attrs({ message: report.interrupted === null ? 'the run has not ended (still running, or killed): this file is a snapshot' : `the run was interrupted by ${report.interrupted}`, type: 'Incomplete' })}/>`,
  };
  const all = unfinished === null ? suites.map((x) => x.cases) : [...suites.map((x) => x.cases), [unfinished]];
  const count = (pred: (c: Case) => boolean): number => all.reduce((n, cases) => n + cases.filter(pred).length, 0);
  out.push(`<testsuites${attrs({
    name: 'gauntlet', tests: count(() => true), failures: count((c) => c.body.startsWith('<failure')),
    errors: count((c) => c.body.startsWith('<error')), skipped: count((c) => c.body.startsWith('<skipped')), time: seconds(report.wallTimeMs),
    // Which run wrote the file (its wall-clock start, as in report.json), and whether it ended.
    timestamp: report.wallClockStartedAt, complete: String(report.complete),
  })}>`);
  for (const { s, cases } of suites) {
    out.push(`  <testsuite${attrs({
      name: s.name, tests: cases.length, failures: cases.filter((c) => c.body.startsWith('<failure')).length,
      errors: cases.filter((c) => c.body.startsWith('<error')).length, skipped: cases.filter((c) => c.body.startsWith('<skipped')).length,
      time: seconds(s.wallTimeMs), timestamp: report.wallClockStartedAt.slice(0, 19), file: s.file,
    })}>`);
    const m = s.metrics;
    const props: [string, string | number | null][] = [
      ['seed', s.seed], ['fingerprint', s.fingerprint], ['reproduce', s.reproduce], ['status', s.status], ['baseline', s.baseline?.status ?? null],
      ['riskRejections', m?.riskRejections ?? null], ['dailyLossHalts', m?.dailyLossHalts ?? null], ['killSwitchTrips', m?.killSwitchTrips ?? null],
    ];
    out.push('    <properties>');
    for (const [name, value] of props) if (value !== null) out.push(`      <property${attrs({ name, value })}/>`);
    out.push('    </properties>');
    // The scenario's wall time shared among its testcases: each gate's verdict took the whole run,
    // and the suite's testcases add up to the scenario's time.
    const caseTime = seconds(cases.length === 0 ? 0 : s.wallTimeMs / cases.length);
    for (const c of cases) {
      const open = `    <testcase${attrs({ classname: s.name, name: c.name, file: s.file, line: c.line, time: caseTime })}`;
      out.push(c.body === '' ? `${open}/>` : `${open}>\n      ${c.body}\n    </testcase>`);
    }
    out.push('  </testsuite>');
  }
  if (unfinished !== null) {
    out.push(`  <testsuite${attrs({ name: 'gauntlet run', tests: 1, failures: 0, errors: 1, skipped: 0, time: seconds(report.wallTimeMs), timestamp: report.wallClockStartedAt.slice(0, 19) })}>`);
    out.push(`    <testcase${attrs({ classname: 'gauntlet run', name: unfinished.name, time: seconds(report.wallTimeMs) })}>\n      ${unfinished.body}\n    </testcase>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
