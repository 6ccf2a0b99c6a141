/**
 * The Markdown summary, fit for $GITHUB_STEP_SUMMARY: an overview table of the run, then a table
 * per scenario (its gates, or its problems). Numbers are formatted without locale, so the text is
 * the same on every machine.
 */
import { describeThreshold } from '../gates/evaluate.ts';
import { describeBudget } from '../baseline/compare.ts';
import { definitionsTable } from './metric-docs.ts';
import { exact as actual, money, num, pct, signed } from './format.ts';
import { faultText, riskText } from './risk-text.ts';
import type { Report, ScenarioReport } from './schema.ts';

const ICON: Record<ScenarioReport['status'], string> = { passed: '✅', failed: '❌', invalid: '⛔', error: '💥', 'not-run': '⏸️' };

/** Escapes table cell text: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

/** The scenario against the baseline: each budget with the baseline figure, the new one and the budget. */
function baselineLines(s: ScenarioReport): string[] {
  const b = s.baseline;
  if (b === null) return [];
  if (b.status === 'new') return ['', '🆕 New: not in the baseline, nothing compared.'];
  const out = [''];
  const f = b.fingerprint;
  if (f !== null) {
    out.push(f.changed === null ? 'Fingerprint not comparable with the baseline\'s (another journal version).'
      : f.changed ? `${f.pass ? '⚠️' : '❌'} Fingerprint changed since the baseline (\`${(f.baseline ?? '').slice(0, 16)}\` → \`${(s.fingerprint ?? '').slice(0, 16)}\`; policy: ${f.onChange}).`
      : 'Fingerprint unchanged since the baseline.', '');
  }
  if (b.budgets.length > 0) {
    out.push('| regression budget | baseline | now | change | budget | result |', '|---|---:|---:|---:|---|---|');
    for (const r of b.budgets) {
      out.push(`| ${cell(r.metric)} | ${actual(r.baseline)} | ${actual(r.actual)} | ${r.delta === null ? '-' : signed(r.delta)} | ${cell(describeBudget(r))} | ${r.pass ? '✅ pass' : '❌ fail'} |`);
    }
  }
  return out;
}

function scenarioSection(s: ScenarioReport): string[] {
  const lines = [`### ${ICON[s.status]} ${cell(s.name)}: ${s.status}`, ''];
  const facts = [`\`${s.file}\``];
  if (s.seed !== null) facts.push(`seed ${s.seed}`);
  if (s.fingerprint !== null) facts.push(`fingerprint \`${s.fingerprint.slice(0, 16)}\``);
  const risk = riskText(s);
  if (risk !== '') facts.push(`**risk: ${cell(risk)}**`);
  const faults = faultText(s);
  if (faults !== '') facts.push(cell(faults));
  if (s.dataPath === 'providers') facts.push('provider path');
  lines.push(facts.join(' · '), '');
  if (s.description !== null) lines.push(`_${cell(s.description)}_`, '');
  if (s.status === 'invalid') {
    lines.push('| where | field | problem |', '|---|---|---|');
    for (const p of s.problems) {
      const detail = [p.message, p.expected === undefined ? '' : `expected ${p.expected}`, p.found === undefined ? '' : `found ${p.found}`, p.hint ?? '']
        .filter((x) => x !== '').join('; ');
      lines.push(`| ${p.line}:${p.column} | ${cell(p.path === '' ? '-' : `\`${p.path}\``)} | ${cell(detail)} |`);
    }
  } else if (s.status === 'error') {
    lines.push(`Internal error: ${cell(s.error?.message ?? '')}`);
  } else if (s.status === 'not-run') {
    lines.push('Not run: the run was interrupted first.');
  } else if (s.gates.length === 0) {
    lines.push('No gates.');
  } else {
    lines.push('| gate | metric | threshold | actual | result |', '|---|---|---|---:|---|');
    for (const g of s.gates) lines.push(`| ${cell(g.name)} | ${cell(g.metric)} | ${cell(describeThreshold(g.threshold))} | ${actual(g.actual)} | ${g.pass ? '✅ pass' : '❌ fail'} |`);
  }
  const lat = s.wallTimeLatency;
  if (lat !== undefined && lat !== null) {
    const f = (x: number): string => x.toFixed(3);
    const pct = (x: number): string => `±${(x * 100).toFixed(0)}%`;
    lines.push('', `Latency (wall time, not deterministic; median of ${lat.repeats} runs, spread beside): p50 ${f(lat.measured.p50Ms)} ms (${pct(lat.spread.p50Ms)}), p95 ${f(lat.measured.p95Ms)} ms (${pct(lat.spread.p95Ms)}), p99 ${f(lat.measured.p99Ms)} ms (${pct(lat.spread.p99Ms)}), ${lat.measured.ratePerSecond.toFixed(0)} decisions/s (${pct(lat.spread.ratePerSecond)}), ${lat.measured.errors} errors; calibration (${cell(lat.calibration.what)}): p50 ${f(lat.calibration.measured.p50Ms)} ms, p99 ${f(lat.calibration.measured.p99Ms)} ms, ${lat.calibration.measured.ratePerSecond.toFixed(0)} req/s`);
    if (lat.gates.length > 0) {
      lines.push('', '| latency budget | limit | measured | result |', '|---|---:|---:|---|');
      for (const g of lat.gates) lines.push(`| ${cell(g.name)} | ${g.kind === 'max' ? '<=' : '>='} ${g.limit} | ${g.actual}${g.spread === null ? '' : ` (${pct(g.spread)})`} | ${g.pass ? '✅ pass' : '❌ fail'} |`);
    }
  }
  lines.push(...baselineLines(s));
  const badRows = s.warnings.filter((w) => w.kind === 'bad-row');
  const first = badRows[0];
  if (first !== undefined) lines.push('', `${badRows.length} data warning(s), first: \`${first.file}:${first.line}\` ${cell(first.reason)} (${first.action})`);
  for (const w of s.warnings) if (w.kind === 'metric') lines.push('', `⚠️ \`${w.metric}\` is null: ${cell(w.reason)}`);
  for (const w of s.warnings) if (w.kind === 'annualisation') lines.push('', `⚠️ ${cell(w.message)}`);
  if (s.status !== 'passed' && s.reproduce !== null) lines.push('', `Reproduce: \`${s.reproduce}\``);
  lines.push('');
  return lines;
}

export function markdownSummary(report: Report): string {
  const sum = report.summary;
  const head = report.complete ? `**${report.status}**` : `**${report.status}** (incomplete)`;
  const commit = report.tool.gitCommit === null ? '' : ` (${report.tool.gitCommit.slice(0, 10)})`;
  const lines = [
    '## Gauntlet',
    '',
    `${head} · ${sum.scenarios} scenarios: ${sum.passed} passed, ${sum.failed} failed, ${sum.invalid} invalid, ${sum.errors} errors${sum.notRun > 0 ? `, ${sum.notRun} not run` : ''} · ${sum.gates} gates, ${sum.gatesFailed} failed · exit code ${report.exitCode ?? "none yet (still running, or killed)"}`,
    '',
    `${report.tool.package} ${report.tool.version}${commit} · Node ${report.node}${report.rootSeed === null ? '' : ` · root seed ${report.rootSeed}`} · started ${report.wallClockStartedAt}`,
    '',
    ...(report.baseline === null ? [] : [`Against baseline \`${cell(report.baseline.file)}\` (gauntlet ${cell(report.baseline.tool.version)}${report.baseline.tool.gitCommit === null ? '' : `, ${report.baseline.tool.gitCommit.slice(0, 10)}`}): ${sum.regressionsFailed} regression${sum.regressionsFailed === 1 ? '' : 's'}, ${report.scenarios.filter((x) => x.baseline?.status === 'new').length} new scenario(s).`, '']),
    '| | scenario | seed | final equity | return | max drawdown | Sharpe | trades | gates |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const s of report.scenarios) {
    const m = s.metrics;
    const gates = s.gates.length === 0 ? '-' : `${s.gates.filter((g) => g.pass).length}/${s.gates.length}`;
    lines.push(`| ${ICON[s.status]} | ${cell(s.name)} | ${s.seed ?? '-'} | ${money(m?.finalEquity)} | ${pct(m?.totalReturn)} | ${pct(m?.maxDrawdown)} | ${num(m?.sharpe)} | ${num(m?.trades)} | ${gates} |`);
  }
  lines.push('');
  for (const s of report.scenarios) lines.push(...scenarioSection(s));
  // Definitions of what this summary shows: the overview's columns and every gated metric.
  const shown = new Set(['finalEquity', 'totalReturn', 'maxDrawdown', 'sharpe', 'trades']);
  for (const s of report.scenarios) for (const g of s.gates) shown.add(g.metric);
  const table = definitionsTable([...shown]);
  if (table.length > 0) lines.push('<details><summary>Metric definitions</summary>', '', ...table, '', '</details>');
  return `${lines.join('\n').trimEnd()}\n`;
}
