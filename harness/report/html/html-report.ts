/**
 * report.html: one self-contained file (inline CSS and SVG, no script, a Content-Security-Policy
 * that forbids any fetch), so it opens anywhere with no network. A suite overview with a row per
 * scenario and a link per failing gate, then per scenario its charts (scenario-charts.ts), gates,
 * properties, problems and warnings. Every user string is escaped. The same report gives the same
 * bytes but for the text marked `class="wall"` (wall-clock times, stated as such).
 */
import { describeThreshold } from '../../gates/evaluate.ts';
import { describeBudget } from '../../baseline/compare.ts';
import { exact, grouped, money, num, pct, signed } from '../format.ts';
import type { ReportContext } from '../reporters.ts';
import { faultText, riskText } from '../risk-text.ts';
import type { Report, ScenarioReport } from '../schema.ts';
import { escapeHtml as h } from './escape.ts';
import { scenarioFigures } from './scenario-charts.ts';

const STATUS_TEXT: Record<ScenarioReport['status'], string> = { passed: 'passed', failed: 'failed', invalid: 'invalid', error: 'error', 'not-run': 'not run' };

const CSS = `
:root { color-scheme: light; --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --pass: #15803d; --fail: #b91c1c; --warn: #b45309; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg); margin: 0 auto; max-width: 1040px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 0 0 6px; } h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f1f5f9; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--muted); }
.badge.passed { background: var(--pass); } .badge.failed, .badge.error { background: var(--fail); } .badge.invalid { background: var(--warn); }
.muted, .note { color: var(--muted); } .note { font-size: 12px; font-weight: normal; }
.banner { padding: 8px 12px; border-radius: 6px; background: #fef3c7; border: 1px solid #f59e0b; margin: 10px 0; } .banner.fail { background: #fee2e2; border-color: var(--fail); }
section.scenario { border-top: 2px solid var(--line); padding-top: 16px; margin-top: 24px; }
tr.fail td { background: #fef2f2; } tr.fail td.result { color: var(--fail); font-weight: 600; } td.result.pass { color: var(--pass); }
tr:target td { background: #fde68a; border-top: 2px solid #f59e0b; border-bottom: 2px solid #f59e0b; }
figure.chart { margin: 10px 0 16px; } figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { font-weight: 600; margin-bottom: 2px; }
a.gate-link { color: var(--fail); margin-right: 8px; white-space: nowrap; }
`;

/** Anchors: by place in the report (names may hold any character). */
export const scenarioAnchor = (i: number): string => `s${i}`;
export const gateAnchor = (i: number, g: number): string => `s${i}-gate-${g}`;
export const budgetAnchor = (i: number, b: number): string => `s${i}-regression-${b}`;

function badge(status: ScenarioReport['status']): string {
  return `<span class="badge ${status}">${STATUS_TEXT[status]}</span>`;
}

/** Every failing gate and broken regression budget of a scenario, as links to its row. */
function failures(i: number, s: ScenarioReport): { href: string; text: string }[] {
  return [
    ...s.gates.map((g, k) => ({ g, k })).filter((x) => !x.g.pass).map(({ g, k }) => ({ href: gateAnchor(i, k), text: g.name })),
    ...(s.baseline?.budgets ?? []).map((b, k) => ({ b, k })).filter((x) => !x.b.pass).map(({ b, k }) => ({ href: budgetAnchor(i, k), text: `regression ${b.name}` })),
  ];
}

function failingGateLinks(i: number, s: ScenarioReport): string {
  return failures(i, s).map((f) => `<a class="gate-link" href="#${f.href}">${h(f.text)}</a>`).join('');
}

function baselineText(s: ScenarioReport): string {
  const b = s.baseline;
  if (b === null) return '';
  if (b.status === 'new') return 'new';
  const broken = b.budgets.filter((x) => !x.pass).length;
  return `${broken === 0 ? 'within budget' : `${broken} over budget`}${b.fingerprint?.changed === true ? ', fingerprint changed' : ''}`;
}

function baselineSection(i: number, s: ScenarioReport): string {
  const b = s.baseline;
  if (b === null) return '';
  if (b.status === 'new') return '<h3>Against the baseline</h3><p>New: the baseline has no such scenario, nothing compared.</p>';
  const f = b.fingerprint;
  const fp = f === null ? '' : f.changed === null ? '<p class="muted">Fingerprint not comparable with the baseline\'s (another journal version).</p>'
    : f.changed ? `<p class="${f.pass ? 'banner' : 'banner fail'}">Fingerprint changed since the baseline: <code>${h((f.baseline ?? '').slice(0, 16))}</code> → <code>${h((s.fingerprint ?? '').slice(0, 16))}</code> (policy: ${f.onChange}).</p>`
    : '<p class="muted">Fingerprint unchanged since the baseline.</p>';
  const rows = b.budgets.map((r, k) => `<tr id="${budgetAnchor(i, k)}" class="${r.pass ? '' : 'fail'}"><td><code>${h(r.metric)}</code></td><td class="n">${h(exact(r.baseline))}</td>`
    + `<td class="n">${h(exact(r.actual))}</td><td class="n">${r.delta === null ? '-' : signed(r.delta)}</td><td>${h(describeBudget(r))}</td>`
    + `<td class="result ${r.pass ? 'pass' : ''}">${r.pass ? 'pass' : 'fail'}</td><td class="muted">line ${r.line}</td></tr>`);
  const table = rows.length === 0 ? '<p class="muted">No regression budgets (`regression.budgets` in the scenario).</p>'
    : `<table><thead><tr><th>metric</th><th class="n">baseline</th><th class="n">now</th><th class="n">change</th><th>budget</th><th>result</th><th>where</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return `<h3>Against the baseline</h3>${fp}${table}`;
}

function overview(report: Report): string {
  const withBaseline = report.baseline !== null;
  const rows = report.scenarios.map((s, i) => {
    const m = s.metrics;
    const gates = s.gates.length === 0 ? '-' : `${s.gates.filter((g) => g.pass).length}/${s.gates.length}`;
    return `<tr class="${s.status === 'failed' ? 'fail' : ''}"><td>${badge(s.status)}</td><td><a href="#${scenarioAnchor(i)}">${h(s.name)}</a></td>`
      + `<td class="n">${s.seed ?? '-'}</td><td class="n">${money(m?.finalEquity)}</td><td class="n">${pct(m?.totalReturn)}</td><td class="n">${pct(m?.maxDrawdown)}</td>`
      + `<td class="n">${num(m?.sharpe)}</td><td class="n">${num(m?.trades)}</td><td class="n">${gates}</td>${withBaseline ? `<td>${h(baselineText(s))}</td>` : ''}<td>${failingGateLinks(i, s)}</td></tr>`;
  });
  return `<section id="overview"><h2>Scenarios</h2><table><thead><tr><th></th><th>scenario</th><th class="n">seed</th><th class="n">final equity</th><th class="n">return</th>`
    + `<th class="n">max drawdown</th><th class="n">Sharpe</th><th class="n">trades</th><th class="n">gates</th>${withBaseline ? '<th>baseline</th>' : ''}<th>failing gates</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function gatesTable(i: number, s: ScenarioReport): string {
  if (s.gates.length === 0) return '<p class="muted">No gates.</p>';
  const rows = s.gates.map((g, k) => `<tr id="${gateAnchor(i, k)}" class="${g.pass ? '' : 'fail'}"><td>${h(g.name)}</td><td><code>${h(g.metric)}</code></td>`
    + `<td>${h(describeThreshold(g.threshold))}</td><td class="n">${h(exact(g.actual))}</td><td class="result ${g.pass ? 'pass' : ''}">${g.pass ? 'pass' : 'fail'}</td>`
    + `<td class="muted" title="${h(s.file)}:${g.line}">line ${g.line}</td></tr>`);
  return `<h3>Gates</h3><table><thead><tr><th>gate</th><th>metric</th><th>threshold</th><th class="n">actual</th><th>result</th><th>where</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function propertiesTable(s: ScenarioReport): string {
  const props = s.properties ?? [];
  if (props.length === 0) return '';
  const rows = props.map((p) => {
    const v = p.violation;
    const detail = v === null ? '' : `${h(v.message)}${v.time === null ? '' : ` <span class="muted">at ${h(v.time)}, journal record ${v.journalPosition}</span>`}`;
    return `<tr class="${p.held ? '' : 'fail'}"><td><code>${h(p.name)}</code></td><td>${p.expect}${p.optional ? ' (optional)' : ''}</td>`
      + `<td class="result ${p.held ? 'pass' : ''}">${p.held ? 'held' : 'violated'}</td><td>${p.reached ? 'yes' : 'no'}</td><td>${detail}</td></tr>`;
  });
  return `<h3>Properties</h3><table><thead><tr><th>property</th><th>expect</th><th>result</th><th>reached</th><th>first violation</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function problemsTable(s: ScenarioReport): string {
  const rows = s.problems.map((p) => {
    const detail = [p.message, p.expected === undefined ? '' : `expected ${p.expected}`, p.found === undefined ? '' : `found ${p.found}`, p.hint ?? ''].filter((x) => x !== '').join('; ');
    return `<tr class="fail"><td>${h(p.file)}:${p.line}:${p.column}</td><td>${p.path === '' ? '-' : `<code>${h(p.path)}</code>`}</td><td>${h(detail)}</td></tr>`;
  });
  return `<h3>Problems</h3><table><thead><tr><th>where</th><th>field</th><th>problem</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function metricsTable(s: ScenarioReport): string {
  const m = s.metrics;
  if (m === null) return '';
  const cells: [string, string][] = [
    ['final equity', money(m.finalEquity)], ['return', pct(m.totalReturn)], ['max drawdown', pct(m.maxDrawdown)], ['Sharpe', num(m.sharpe)],
    ['trades', num(m.trades)], ['fills', num(m.fills)], ['fees', money(m.fees)],
  ];
  return `<table class="metrics"><tr>${cells.map(([k]) => `<th class="n">${k}</th>`).join('')}</tr><tr>${cells.map(([, v]) => `<td class="n">${h(v)}</td>`).join('')}</tr></table>`;
}

function warningsList(s: ScenarioReport): string {
  const items: string[] = [];
  const badRows = s.warnings.filter((w) => w.kind === 'bad-row');
  const first = badRows[0];
  if (first !== undefined) items.push(`${badRows.length} data warning(s), first: <code>${h(first.file)}:${first.line}</code> ${h(first.reason)} (${first.action})`);
  for (const w of s.warnings) if (w.kind === 'metric') items.push(`<code>${h(w.metric)}</code> is null: ${h(w.reason)}`);
  for (const w of s.warnings) if (w.kind === 'annualisation') items.push(h(w.message));
  return items.length === 0 ? '' : `<h3>Warnings</h3><ul>${items.map((x) => `<li>${x}</li>`).join('')}</ul>`;
}

function scenarioSection(i: number, s: ScenarioReport, context: ReportContext): string {
  const facts = [`<code>${h(s.file)}</code>`];
  if (s.seed !== null) facts.push(`seed ${s.seed}`);
  if (s.fingerprint !== null) facts.push(`fingerprint <code title="${h(s.fingerprint)}">${h(s.fingerprint.slice(0, 16))}</code>`);
  if (s.dataPath === 'providers') facts.push('provider path');
  const risk = riskText(s);
  if (risk !== '') facts.push(`<strong>risk: ${h(risk)}</strong>`);
  const faults = faultText(s);
  if (faults !== '') facts.push(h(faults));
  const parts = [
    `<section class="scenario" id="${scenarioAnchor(i)}" data-status="${s.status}"><h2>${badge(s.status)} ${h(s.name)}</h2>`,
    `<p class="muted">${facts.join(' · ')}</p>`,
  ];
  if (s.description !== null) parts.push(`<p><em>${h(s.description)}</em></p>`);
  if (s.status === 'invalid') parts.push(problemsTable(s));
  else if (s.status === 'error') parts.push(`<p class="banner">Internal error: ${h(s.error?.message ?? '')}</p>`);
  else if (s.status === 'not-run') parts.push('<p class="muted">Not run: the run was interrupted first, or is still going.</p>');
  else {
    parts.push(metricsTable(s));
    const figures = scenarioFigures(i, s, context.charts(i));
    parts.push(figures.length > 0 ? figures.join('') : '<p class="muted">No series to chart (written by `gauntlet run --reporter html` with a reports folder).</p>');
    parts.push(gatesTable(i, s), baselineSection(i, s), propertiesTable(s));
  }
  parts.push(warningsList(s));
  if (s.status !== 'passed' && s.reproduce !== null) parts.push(`<p>Reproduce: <code>${h(s.reproduce)}</code></p>`);
  parts.push('</section>');
  return parts.join('');
}

/** A finished scenario's section, rendered once per run however often the reports are rewritten. */
function memoSection(i: number, s: ScenarioReport, context: ReportContext): string {
  if (s.status === 'not-run') return scenarioSection(i, s, context);
  const charted = context.charts(i) !== null;
  const hit = context.memo.get(s);
  if (hit !== undefined && hit.index === i && hit.charted === charted) return hit.html;
  const html = scenarioSection(i, s, context);
  context.memo.set(s, { index: i, charted, html });
  return html;
}

export function htmlReport(report: Report, context: ReportContext): string {
  const sum = report.summary;
  const commit = report.tool.gitCommit === null ? '' : ` (${h(report.tool.gitCommit.slice(0, 10))})`;
  const failing = report.scenarios.flatMap((s, i) => failures(i, s).map((f) => ({ s, f })));
  const head = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may be fetched: the page is whole as written.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Gauntlet: ${h(report.status)}${report.complete ? '' : ' (incomplete)'}</title><style>${CSS}</style></head><body>`,
    `<header><h1>Gauntlet report</h1><p><strong>${h(report.status)}</strong>${report.complete ? '' : ' (incomplete)'} · ${sum.scenarios} scenarios: ${sum.passed} passed, ${sum.failed} failed, `
      + `${sum.invalid} invalid, ${sum.errors} errors${sum.notRun > 0 ? `, ${sum.notRun} not run` : ''} · ${sum.gates} gates, ${sum.gatesFailed} failed · exit code ${report.exitCode ?? 'none yet'}</p>`,
    `<p class="muted">${h(report.tool.package)} ${h(report.tool.version)}${commit} · Node ${h(report.node)}${report.rootSeed === null ? '' : ` · root seed ${report.rootSeed}`}`
      + ` · <span class="wall">started ${h(report.wallClockStartedAt)}, ${grouped(Math.round(report.wallTimeMs))} ms</span></p></header>`,
  ];
  if (report.baseline !== null) {
    const b = report.baseline;
    head.push(`<p>Against baseline <code>${h(b.file)}</code> (gauntlet ${h(b.tool.version)}${b.tool.gitCommit === null ? '' : `, ${h(b.tool.gitCommit.slice(0, 10))}`}): `
      + `${sum.regressionsFailed} regression${sum.regressionsFailed === 1 ? '' : 's'}, ${report.scenarios.filter((x) => x.baseline?.status === 'new').length} new scenario(s).</p>`);
  }
  if (!report.complete) {
    head.push(`<p class="banner">This report is incomplete: ${report.interrupted === null ? 'the run is still going, or was killed' : `the run was interrupted by ${h(report.interrupted)}`}. Scenarios not run are marked so.</p>`);
  }
  if (failing.length > 0) {
    head.push(`<p>Failing gates: ${failing.map((x) => `<a class="gate-link" href="#${x.f.href}">${h(x.s.name)}: ${h(x.f.text)}</a>`).join(' ')}</p>`);
  }
  const sections = report.scenarios.map((s, i) => memoSection(i, s, context));
  return `${[...head, overview(report), ...sections, '</body></html>'].join('\n')}\n`;
}
