// Baselines as a user drives them: a run saved with `gauntlet baseline save`, then a deliberate
// regression (a copy of a built-in scenario with its fee raised from 1 to 5 bps, its own gates
// removed so that only the budgets can fail it) run with --baseline fails its finalEquity and
// sharpe budgets with exit 1, shown with baseline figure, new figure and budget in every reporter;
// a scenario the baseline lacks is new; a missing, corrupt or newer-version baseline exits 2;
// `fingerprint: fail` fails a run whose journal changed. `gauntlet diff` names the first journal
// record where the two runs diverge.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO, tempDir } from '../cli/cli-helpers.ts';
import { parseXml } from '../report/xml-reader.ts';
import { ReportSchema, type Report } from '../report/schema.ts';

const REGRESSION = `
regression:
  budgets:
    finalEquity: { maxDrop: 100 }
    sharpe: { maxDrop: 0.01 }
    maxDrawdown: { maxRise: 0.02 }
`;

let dir: string;
let scenarioFile: string;
let baselineFile: string;

/** The demo scenario under another name, its gates removed, with regression budgets and this fee. */
function writeScenario(path: string, name: string, feeBps: number, extra = REGRESSION): void {
  const source = readFileSync(join(REPO, 'scenarios', 'demo-sp500-sma-crossover.yaml'), 'utf8');
  const text = source.replace(/^name: .*$/m, `name: ${name}`).replace(/^gates:\n( {2}- .*\n)+/m, '').replace('fees: { bps: 1 }', `fees: { bps: ${feeBps} }`);
  expect(text).not.toContain('gates:');
  expect(text).toContain(`fees: { bps: ${feeBps} }`);
  writeFileSync(path, `${text.trimEnd()}\n${extra}`);
}

const readReport = (out: string): Report => ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));

beforeAll(() => {
  dir = tempDir('baseline');
  scenarioFile = join(dir, 'fee.yaml');
  writeScenario(scenarioFile, 'fee-regression', 1);
  const r = cli(['run', scenarioFile, '--out', join(dir, 'before'), '--journal', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  const saved = cli(['baseline', 'save', join(dir, 'before', 'report.json'), '--dir', join(dir, 'baselines'), '--name', 'release-1']);
  expect(saved.code, saved.stderr).toBe(0);
  baselineFile = join(dir, 'baselines', 'release-1.json');
  expect(readFileSync(baselineFile, 'utf8')).toBe(readFileSync(join(dir, 'before', 'report.json'), 'utf8'));
});

describe('gauntlet run --baseline', () => {
  it('passes the unchanged scenario within its budgets, fingerprint unchanged', () => {
    const out = join(dir, 'same');
    const r = cli(['run', scenarioFile, '--out', out, '--baseline', baselineFile, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const s = readReport(out).scenarios[0]!;
    expect(s.baseline).toMatchObject({ status: 'compared', pass: true, fingerprint: { changed: false } });
    expect(s.baseline!.budgets.every((b) => b.delta === 0)).toBe(true);
  });

  it('fails a raised fee on its budgets with exit 1, in every reporter with baseline figure, new figure and budget', () => {
    writeScenario(scenarioFile, 'fee-regression', 5);
    const out = join(dir, 'after');
    const r = cli(['run', scenarioFile, '--out', out, '--journal', '--baseline', baselineFile, '--reporter', 'json', '--reporter', 'junit', '--reporter', 'md', '--reporter', 'html']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/fee\.yaml:\d+:\d+: regression 'finalEquity maxDrop': finalEquity fell [\d.]+ \(baseline 101935\.36, now [\d.]+\); budget drop <= 100/);
    const report = readReport(out);
    const before = readReport(join(dir, 'before')).scenarios[0]!;
    const s = report.scenarios[0]!;
    expect(s.gates).toEqual([]);
    expect(s.status).toBe('failed');
    expect(report.summary.regressionsFailed).toBe(2);
    expect(report.baseline).toMatchObject({ file: baselineFile, schemaVersion: 4 });
    const byMetric = Object.fromEntries(s.baseline!.budgets.map((b) => [b.metric, b]));
    // Higher fees: the same trades, less equity; the figures are the two runs' own metrics.
    expect(s.metrics!.trades).toBe(before.metrics!.trades);
    expect(byMetric.finalEquity).toMatchObject({ baseline: before.metrics!.finalEquity, actual: s.metrics!.finalEquity, pass: false, maxDrop: 100 });
    expect(byMetric.finalEquity!.delta).toBeCloseTo(s.metrics!.finalEquity! - before.metrics!.finalEquity!, 6);
    expect(byMetric.finalEquity!.delta!).toBeLessThan(-100);
    expect(byMetric.sharpe!.pass).toBe(false);
    expect(byMetric.maxDrawdown!.pass).toBe(true);
    expect(s.baseline!.fingerprint).toMatchObject({ baseline: before.fingerprint, changed: true, onChange: 'warn', pass: true });
    const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    const cases = junit.children[0]!.children.filter((c) => c.name === 'testcase');
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    expect(failed.map((c) => c.attributes.name)).toEqual(['regression finalEquity maxDrop', 'regression sharpe maxDrop']);
    expect(failed[0]!.children[0]!.attributes.message).toBe(`finalEquity: baseline ${before.metrics!.finalEquity}, now ${s.metrics!.finalEquity}, budget drop <= 100`);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain(`| finalEquity | ${before.metrics!.finalEquity} | ${s.metrics!.finalEquity} | ${byMetric.finalEquity!.delta} | drop <= 100 | ❌ fail |`);
    expect(md).toContain('⚠️ Fingerprint changed since the baseline');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<tr id="s0-regression-0" class="fail"><td><code>finalEquity</code></td>');
    expect(html).toContain('href="#s0-regression-1"');
  });

  it('annotates each broken budget at its line of the scenario under GitHub Actions', () => {
    const r = cli(['run', scenarioFile, '--out', join(dir, 'gha'), '--baseline', baselineFile, '--reporter', 'json'], REPO, { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(1);
    const line = readFileSync(scenarioFile, 'utf8').split('\n').findIndex((l) => l.includes('finalEquity: { maxDrop: 100 }')) + 1;
    expect(r.stdout).toMatch(new RegExp(`^::error file=${relative(REPO, scenarioFile).replaceAll('.', '\\.')},line=${line},col=\\d+,title=regression finalEquity maxDrop \\(fee-regression\\)::finalEquity: baseline 101935\\.36, now [\\d.]+, budget drop <= 100$`, 'm'));
    expect(r.stdout).toMatch(/^::warning file=.*,line=1,title=fingerprint changed since the baseline \(fee-regression\)::/m);
    expect(cli(['run', scenarioFile, '--out', join(dir, 'gha2'), '--baseline', baselineFile, '--reporter', 'json']).stdout).not.toContain('::error');
  });

  it('reports a scenario the baseline lacks as new, and passes it', () => {
    const other = join(dir, 'other.yaml');
    writeScenario(other, 'brand-new', 1);
    const out = join(dir, 'new');
    const r = cli(['run', other, '--out', out, '--baseline', baselineFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('new (not in the baseline)');
    expect(readReport(out).scenarios[0]!.baseline).toEqual({ status: 'new', fingerprint: null, budgets: [], pass: true });
  });

  it('fails a changed fingerprint under `fingerprint: fail`, budgets or not', () => {
    const strict = join(dir, 'strict.yaml');
    writeScenario(strict, 'fee-regression', 1.01, '\nregression: { fingerprint: fail }\n');
    const r = cli(['run', strict, '--out', join(dir, 'strict'), '--baseline', baselineFile, '--reporter', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(readReport(join(dir, 'strict')).scenarios[0]!.baseline).toMatchObject({ pass: false, fingerprint: { changed: true, onChange: 'fail', pass: false } });
  });

  it('exits 2 on a missing, corrupt, incomplete or newer-version baseline, naming it, before running anything', () => {
    const bad = (name: string, text: string | null): { code: number | null; stderr: string } => {
      const path = join(dir, name);
      if (text !== null) writeFileSync(path, text);
      const out = join(dir, `out-${name}`);
      const r = cli(['run', scenarioFile, '--out', out, '--baseline', path]);
      expect(() => readFileSync(join(out, 'report.json'))).toThrow();
      return r;
    };
    expect(bad('missing.json', null)).toMatchObject({ code: 2, stderr: expect.stringContaining('missing.json: no such file') });
    expect(bad('corrupt.json', '{"schemaVersion": 4, "scen')).toMatchObject({ code: 2, stderr: expect.stringContaining('corrupt.json: not JSON') });
    const newer = { ...JSON.parse(readFileSync(baselineFile, 'utf8')) as object, schemaVersion: 5 };
    expect(bad('newer.json', JSON.stringify(newer))).toMatchObject({ code: 2, stderr: expect.stringContaining('written by a newer gauntlet') });
    const incomplete = { ...JSON.parse(readFileSync(baselineFile, 'utf8')) as object, complete: false, status: 'running', exitCode: null, wallClockFinishedAt: null };
    expect(bad('incomplete.json', JSON.stringify(incomplete))).toMatchObject({ code: 2, stderr: expect.stringContaining('did not finish') });
    expect(cli(['baseline', 'save', join(dir, 'missing.json')]).code).toBe(2);
  });
});

describe('gauntlet diff', () => {
  it('names the first journal record where the fee change made the runs diverge, with the fills changed and the metric deltas', () => {
    const a = join(dir, 'before', 'report.json');
    const b = join(dir, 'after', 'report.json');
    // Where the journals part, found here line by line (independently of the diff code).
    const la = readFileSync(join(dir, 'before', 'journals', 'fee-regression.jsonl'), 'utf8').split('\n');
    const lb = readFileSync(join(dir, 'after', 'journals', 'fee-regression.jsonl'), 'utf8').split('\n');
    const first = la.findIndex((line, k) => line !== lb[k]);
    expect(first).toBeGreaterThan(0);
    const ra = JSON.parse(la[first]!) as { kind: string; fee: number };
    const rb = JSON.parse(lb[first]!) as { kind: string; fee: number };
    expect(ra.kind).toBe('fill');
    const r = cli(['diff', a, b]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`journal: first divergence at record ${first + 1} (a fill record): fee ${ra.fee} -> ${rb.fee}`);
    expect(r.stdout).toContain(`      a ${String(first + 1).padStart(7)}  ${la[first]}`);
    expect(r.stdout).toContain(`      b ${String(first + 1).padStart(7)}  ${lb[first]}`);
    expect(r.stdout).toContain(`        ${String(first).padStart(7)}  ${la[first - 1]}`);
    const fills = readReport(join(dir, 'before')).scenarios[0]!.fillsFile!.count;
    expect(r.stdout).toContain(`fills: 0 added, 0 removed, ${fills} changed, 0 unchanged`);
    expect(r.stdout).toMatch(/^ {4}fees: [\d.]+ -> [\d.]+ \(\+[\d.]+\)$/m);
    const json = cli(['diff', a, b, '--json', '--quiet']);
    const parsed = JSON.parse(json.stdout) as { same: boolean; scenarios: { journal: { kind: string; divergence: { line: number } } }[] };
    expect(parsed.same).toBe(false);
    expect(parsed.scenarios[0]!.journal).toMatchObject({ kind: 'diverged', divergence: { line: first + 1 } });
  });

  it('exits 0 on the same run, compares journals given as folders, and exits 2 on a report it cannot read', () => {
    const a = join(dir, 'before', 'report.json');
    const same = cli(['diff', a, a]);
    expect(same.code, same.stdout).toBe(0);
    expect(same.stdout).toContain('the runs are the same');
    // The baseline copy has no journals beside it: given as folders instead.
    const given = cli(['diff', baselineFile, join(dir, 'after', 'report.json'), '--journal-a', join(dir, 'before', 'journals'), '--journal-b', join(dir, 'after', 'journals')]);
    expect(given.code).toBe(1);
    expect(given.stdout).toContain('journal: first divergence at record');
    const none = cli(['diff', baselineFile, join(dir, 'after', 'report.json')]);
    expect(none.stdout).toContain('journal: not compared (no journal for a');
    expect(cli(['diff', a, join(dir, 'nope.json')]).code).toBe(2);
  });
});
