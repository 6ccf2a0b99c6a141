// The series sidecar and report.html without a browser: the sidecar's SHA-256 is the one recorded,
// its drawdown peaks at the engine's maxDrawdown (two separate computations) and its last equity
// is the final equity; the chart data read back from the sidecar equals what the job handed over;
// downsampling keeps every bucket's extremes; the page is the same bytes whatever was drawn
// before it, but for wall-clock text; `gauntlet report html` refuses an altered sidecar.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO, tempDir } from '../../cli/cli-helpers.ts';
import { executeJob, type JobOutcome } from '../../job/job.ts';
import { buildReport, erroredScenario, notRunScenario } from '../report.ts';
import { emptyReportContext } from '../reporters.ts';
import { ReportSchema, type Report } from '../schema.ts';
import { seriesFromParquet } from '../series-file.ts';
import { sha256Hex } from '../../scenario/load.ts';
import { downsample, scenarioCharts } from './chart-data.ts';
import { renderSvg } from './charts.ts';
import { chartsFromFiles } from './from-files.ts';
import { htmlReport } from './html-report.ts';

async function job(reportsDir: string): Promise<JobOutcome> {
  return executeJob({
    file: 'scenarios/demo-sp500-sma-crossover.yaml', cwd: REPO, seed: { kind: 'scenario' },
    fills: { reportsDir, path: 'fills/1.jsonl' }, series: { reportsDir, path: 'series/1.parquet' }, charts: true,
  });
}

const report = (o: JobOutcome, startedAtMs: number): Report => ReportSchema.parse(buildReport({
  command: 'run', rootSeed: null, startedAtMs, scenarios: [o.report], finishedAtMs: startedAtMs + 1234, interrupted: null,
}));

describe('the series sidecar', () => {
  it('is recorded with its SHA-256 and agrees with the metrics computed apart from it', async () => {
    const dir = tempDir('series');
    const o = await job(dir);
    const s = o.report;
    expect(s.seriesFile).not.toBeNull();
    const bytes = readFileSync(join(dir, s.seriesFile!.path));
    expect(sha256Hex(bytes)).toBe(s.seriesFile!.sha256);
    const read = await seriesFromParquet(bytes);
    if (!read.ok) throw new Error(read.problem);
    const { series } = read;
    expect(series.timeUs.length).toBe(s.seriesFile!.rows);
    expect(series.timeUs.length).toBeGreaterThan(5000);
    expect(Math.max(...series.drawdown)).toBeCloseTo(s.metrics!.maxDrawdown!, 12);
    expect(series.equity.at(-1)).toBeCloseTo(s.final!.equity!, 6);
    expect(series.instruments.map((i) => i.id)).toEqual(['SPX']);
    // The position never leaves the risk limit (10) and is 0 or 10 for this long-only agent.
    expect(new Set(series.instruments[0]!.position)).toEqual(new Set([0, 10]));
    const closes = series.instruments[0]!.price;
    expect(closes.every((p) => p > 0)).toBe(true);
    // What the job handed over for the HTML report is what the sidecar gives back.
    const again = await chartsFromFiles(report(o, 0), dir);
    expect(again.problems).toEqual([]);
    expect(again.charts[0]).toEqual(o.charts);
  });

  it('refuses a file that is not a series sidecar', async () => {
    const r = await seriesFromParquet(new TextEncoder().encode('not parquet at all'));
    expect(r.ok).toBe(false);
  });
});

describe('downsample', () => {
  it('keeps a short series whole (but for NaN) and a long one within its budget with every bucket extreme', () => {
    expect(downsample([1000, 2000, 3000], [1, Number.NaN, 3])).toEqual({ timeMs: [1, 3], values: [1, 3], fullPoints: 3 });
    const n = 100_000;
    const t = Float64Array.from({ length: n }, (_, i) => i * 1000);
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50) + (i === 77_777 ? -10 : 0) + (i === 12_345 ? 10 : 0));
    const d = downsample(t, v, 500);
    expect(d.values.length).toBeLessThanOrEqual(500);
    expect(d.fullPoints).toBe(n);
    expect(Math.min(...d.values)).toBe(v[77_777]);
    expect(Math.max(...d.values)).toBe(v[12_345]);
    expect(d.timeMs).toEqual([...d.timeMs].sort((a, b) => a - b));
  });
});

describe('report.html', () => {
  it('is the same bytes whatever was rendered before it, but for wall-clock text, and escapes user text', async () => {
    const dir = tempDir('html-det');
    const o = await job(dir);
    const withText = { ...o.report, description: `<script>alert("x")</script> & 'quotes'` };
    const ctx = () => ({ ...emptyReportContext(), charts: () => o.charts });
    const a = htmlReport(report({ ...o, report: withText }, 0), ctx());
    // Charts drawn in between move ECharts' process-wide id counters.
    renderSvg({ xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'line', data: [[0, 1], [1, 2]] }] }, { width: 200, height: 100 }, 'other');
    const b = htmlReport(report({ ...o, report: withText }, 86_400_000), ctx());
    expect(b).not.toBe(a);
    const wall = /<span class="wall">[^<]*<\/span>/g;
    expect(b.replace(wall, '')).toBe(a.replace(wall, ''));
    expect(a).not.toContain('<script');
    expect(a).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(a.match(/<figure class="chart" data-chart="(equity|drawdown|price)"/g)).toHaveLength(3);
  });

  it('marks a property\'s first violation on the equity chart and lists it under Properties', async () => {
    const o = await job(tempDir('html-prop'));
    const timeUs = 1_200_000_000_000_000; // 2008-01-10, inside the S&P 500 demo data
    const violated = { ...o.report, status: 'failed' as const, exitCode: 1 as const, properties: [{
      name: 'riskLimits', expect: 'always' as const, optional: false, held: false, reached: true,
      violation: { message: 'position 11 over maxPosition 10', time: '2008-01-10T21:20:00.000000Z', timeUs, journalPosition: 42, records: [] },
    }] };
    const html = htmlReport(report({ ...o, report: violated }, 0), { ...emptyReportContext(), charts: () => o.charts });
    const equity = /<figure class="chart" data-chart="equity".*?<\/figure>/s.exec(html)![0];
    expect(equity).toContain('Dashed: where a property was first violated.');
    expect(equity).toMatch(/<text[^>]*>riskLimits violated<\/text>/);
    expect(html).toContain('position 11 over maxPosition 10 <span class="muted">at 2008-01-10T21:20:00.000000Z, journal record 42</span>');
  });

  it('has chart text escaped by ECharts itself (instrument ids, fault targets reach the SVG through it)', () => {
    const svg = renderSvg({ xAxis: { type: 'value' }, yAxis: { type: 'category', data: ['<b>x&y</b>'] }, series: [{ type: 'scatter', data: [[1, '<b>x&y</b>']] }] }, { width: 300, height: 100 }, 'esc');
    expect(svg).toContain('&lt;b&gt;x&amp;y&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('is written again by `gauntlet report html`, which exits 2 on an altered sidecar', () => {
    const dir = tempDir('html-cli');
    const out = join(dir, 'out');
    expect(cli(['run', 'scenarios/demo-sp500-sma-crossover.yaml', '--reporter', 'json', '--reporter', 'html', '--out', out, '--quiet']).code).toBe(0);
    const first = readFileSync(join(out, 'report.html'), 'utf8');
    const r = cli(['report', 'html', join(out, 'report.json'), '--out', join(dir, 'again.html')]);
    expect(r.code, r.stderr).toBe(0);
    const wall = /<span class="wall">[^<]*<\/span>/g;
    expect(readFileSync(join(dir, 'again.html'), 'utf8').replace(wall, '')).toBe(first.replace(wall, ''));
    const parsed = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const sidecar = join(out, parsed.scenarios[0]!.seriesFile!.path);
    writeFileSync(sidecar, Buffer.concat([readFileSync(sidecar), Buffer.from([0])]));
    const bad = cli(['report', 'html', join(out, 'report.json'), '--out', join(dir, 'bad.html')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/series\/00001-demo-sp500-sma-crossover\.parquet: SHA-256 [0-9a-f]{64} is not the/);
  });
});

describe('report.html of an unfinished run', () => {
  it('reads as incomplete, never green: a banner, the title, and scenarios not run marked so', () => {
    const id = (name: string) => ({ name, description: null, file: `${name}.yaml`, fileSha256: null, seed: 1, seedSource: 'scenario' as const, overrides: [] });
    const running = ReportSchema.parse(buildReport({ command: 'run', rootSeed: null, startedAtMs: 0, scenarios: [notRunScenario(id('a'))], finishedAtMs: null, interrupted: null }));
    const html = htmlReport(running, emptyReportContext());
    expect(html).toContain('<title>Gauntlet: running (incomplete)</title>');
    expect(html).toContain('This report is incomplete: the run is still going, or was killed.');
    expect(html).toContain('<span class="badge not-run">not run</span>');
    expect(html).not.toContain('badge passed');
    const interrupted = ReportSchema.parse(buildReport({ command: 'run', rootSeed: null, startedAtMs: 0, scenarios: [notRunScenario(id('a'))], finishedAtMs: 5, interrupted: 'SIGTERM' }));
    expect(htmlReport(interrupted, emptyReportContext())).toContain('the run was interrupted by SIGTERM');
  });
});

describe('report.html rewritten in one run', () => {
  it('renders a scenario again when the suite replaces its report, at its new place', () => {
    const id = (name: string) => ({ name, description: null, file: `${name}.yaml`, fileSha256: null, seed: 1, seedSource: 'scenario' as const, overrides: [] });
    const ctx = emptyReportContext();
    const page = (scenarios: Parameters<typeof buildReport>[0]['scenarios']) => htmlReport(buildReport({ command: 'run', rootSeed: null, startedAtMs: 0, scenarios, finishedAtMs: null, interrupted: null }), ctx);
    const first = erroredScenario(id('a'), 'first failure', 1);
    expect(page([first])).toContain('first failure');
    expect(page([first])).toContain('first failure');
    const other = page([notRunScenario(id('b')), first]);
    expect(other).toBe(htmlReport(buildReport({ command: 'run', rootSeed: null, startedAtMs: 0, scenarios: [notRunScenario(id('b')), first], finishedAtMs: null, interrupted: null }), emptyReportContext()));
    const replaced = page([erroredScenario(id('a'), 'second failure', 1)]);
    expect(replaced).toContain('second failure');
    expect(replaced).not.toContain('first failure');
  });
});

describe('scenarioCharts', () => {
  it('marks every fill when they are few, and says how many there were', () => {
    const t = Float64Array.from([1, 2, 3]);
    const c = scenarioCharts({ timeUs: t, equity: t, drawdown: t, instruments: [{ id: 'X', price: t, position: t }] },
      [{ timeUs: 2, instrument: 'X', side: 'buy', price: 5 }, { timeUs: 3, instrument: 'X', side: 'sell', price: 6 }, { timeUs: 3, instrument: 'Y', side: 'sell', price: 6 }]);
    expect(c.instruments[0]!.fills).toEqual({ buys: [[0.002, 5]], sells: [[0.003, 6]], total: 2 });
  });
});
