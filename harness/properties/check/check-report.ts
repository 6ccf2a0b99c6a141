/**
 * The report of `gauntlet check`: check.json (every scenario's properties, runs, counterexample),
 * JUnit XML with one testcase per property (a failure carries the counterexample and how to
 * reproduce it; a property that does not apply is skipped with the reason), and a Markdown summary.
 */
import { codeVersion } from '../../report/code-version.ts';
import { xmlEscape } from '../../report/junit.ts';
import type { ScenarioCheck } from './check.ts';

export const CHECK_REPORT_VERSION = 1;

export interface CheckReport {
  readonly checkReportVersion: number;
  readonly tool: ReturnType<typeof codeVersion>;
  readonly node: string;
  readonly command: 'check';
  readonly status: 'passed' | 'failed' | 'invalid' | 'error';
  readonly exitCode: number;
  readonly scenarios: readonly (ScenarioCheck | { readonly file: string; readonly status: 'invalid'; readonly problems: readonly string[] })[];
}

export function checkReport(scenarios: CheckReport['scenarios'], exitCode: number): CheckReport {
  const status = exitCode === 0 ? 'passed' : exitCode === 1 ? 'failed' : exitCode === 2 ? 'invalid' : 'error';
  return { checkReportVersion: CHECK_REPORT_VERSION, tool: codeVersion(), node: process.version, command: 'check', status, exitCode, scenarios };
}

export function checkJson(report: CheckReport): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function checkJunit(report: CheckReport): string {
  const suites: string[] = [];
  for (const s of report.scenarios) {
    if (!('properties' in s)) {
      suites.push(`  <testsuite name="${xmlEscape(s.file)}" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="${xmlEscape(s.file)}" name="scenario loads"><error message="bad input">${xmlEscape(s.problems.join('\n'))}</error></testcase>\n  </testsuite>`);
      continue;
    }
    const cases = s.properties.map((p) => {
      const name = `${p.name} (${p.expect})`;
      const head = `    <testcase classname="${xmlEscape(s.name)}" name="${xmlEscape(name)}" file="${xmlEscape(s.file)}">`;
      const out = `<system-out>${xmlEscape(`${p.runs} runs, reached in ${p.reached}, ${p.violations} violation(s); seed ${s.seed}; reproduce: ${s.reproduce}`)}</system-out>`;
      if (p.status === 'not-applicable') return `${head}<skipped message="${xmlEscape(`not applicable: ${p.note ?? ''}`)}"/></testcase>`;
      if (p.status === 'failed') {
        const c = s.counterexample !== null && s.counterexample.property === p.name ? s.counterexample : null;
        const text = c === null ? (p.note ?? 'failed')
          : `${c.message}\n${(c.violation?.records ?? []).join('\n')}\nseed ${s.seed}, path ${c.path} (${c.shrinks} shrinks${c.shrinkCut ? ', stopped by the shrink budget' : ''})\ncounterexample: ${c.file ?? '(not written)'}\nreproduce: ${c.reproduce}`;
        return `${head}<failure message="${xmlEscape(c?.message ?? p.note ?? 'failed')}">${xmlEscape(text)}</failure>${out}</testcase>`;
      }
      return `${head}${out}</testcase>`;
    });
    if (s.counterexample?.property === 'run') {
      cases.push(`    <testcase classname="${xmlEscape(s.name)}" name="runs without error" file="${xmlEscape(s.file)}"><error message="${xmlEscape(s.counterexample.message)}">${xmlEscape(`seed ${s.seed}, path ${s.counterexample.path}\nreproduce: ${s.counterexample.reproduce}`)}</error></testcase>`);
    }
    const failures = s.properties.filter((p) => p.status === 'failed').length;
    const skipped = s.properties.filter((p) => p.status === 'not-applicable').length;
    const errors = s.counterexample?.property === 'run' ? 1 : 0;
    suites.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(s.wallTimeMs)}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gauntlet check">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function checkMarkdown(report: CheckReport): string {
  const lines = [`## gauntlet check: ${report.status}`, ''];
  for (const s of report.scenarios) {
    if (!('properties' in s)) { lines.push(`### ${s.file}: bad input`, '', ...s.problems.map((p) => `- ${p}`), ''); continue; }
    lines.push(`### ${s.name}: ${s.status}`, '', `${s.runs} runs (seed ${s.seed}${s.interrupted ? ', stopped by the time budget' : ''}); reproduce: \`${s.reproduce}\``, '');
    lines.push('| property | expect | status | runs | reached | note |', '|---|---|---|---|---|---|');
    for (const p of s.properties) lines.push(`| ${p.name} | ${p.expect}${p.optional ? ' (optional)' : ''} | ${p.status} | ${p.runs} | ${p.reached} | ${(p.note ?? '').replaceAll('|', '\\|')} |`);
    const c = s.counterexample;
    if (c !== null) {
      lines.push('', `**Counterexample** (${c.property}, ${c.shrinks} shrinks${c.shrinkCut ? ' (stopped by the shrink budget: maybe not minimal)' : ''}, ${c.events} events, ${c.faults} faults): ${c.message.replaceAll('|', '\\|')}`, '');
      if (c.file !== null) lines.push(`Written to \`${c.file}\`; reproduce: \`${c.reproduce}\``, '');
    }
    lines.push('');
  }
  return lines.join('\n');
}
