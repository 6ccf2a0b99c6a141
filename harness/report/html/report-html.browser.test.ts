// report.html in a real browser (Debian's chromium through playwright-core): the built-in suite,
// plus a copy of one scenario whose trade gate is tightened so that it fails, run once through the
// CLI; the page loads with no console error and no request beyond itself, every scenario that ran
// has its equity, drawdown and price charts drawn with data (and its faults timeline when faults
// applied), and a link to a failing gate lands on that gate's row. A screenshot is kept in
// reports/test-artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO, tempDir } from '../../cli/cli-helpers.ts';
import { ReportSchema, type Report } from '../schema.ts';
import { artifactPath, launchChromium } from './testing/chromium.ts';

let browser: Browser;
let page: Page;
let report: Report;
const problems: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  const dir = tempDir('html-browser');
  const source = readFileSync(join(REPO, 'scenarios', 'demo-sp500-sma-crossover.yaml'), 'utf8');
  const failing = source
    .replace(/^name: .*$/m, 'name: demo-sp500-tightened-trades')
    .replace(/^description: .*$/m, 'description: "Tightened <b>&amp;</b> failing"')
    .replace('{ metric: trades, min: 177, max: 177 }', '{ metric: trades, max: 100 }');
  expect(failing).toContain('max: 100');
  writeFileSync(join(dir, 'tightened.yaml'), failing);
  const out = join(dir, 'out');
  const r = cli(['run', 'scenarios', join(dir, 'tightened.yaml'), '--reporter', 'html', '--reporter', 'json', '--out', out, '--quiet']);
  expect(r.code, r.stderr).toBe(1);
  report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (q) => requests.push(q.url()));
  const url = pathToFileURL(join(out, 'report.html')).href;
  await page.goto(url, { waitUntil: 'load' });
  requests.splice(requests.indexOf(url), 1);
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe('report.html of the built-in suite in chromium', () => {
  it('loads with no console error or warning and fetches nothing', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('has a section with equity, drawdown and price charts with data for every scenario that ran', async () => {
    const ran = report.scenarios.map((s, i) => ({ s, i })).filter((x) => x.s.status === 'passed' || x.s.status === 'failed');
    expect(ran.length).toBe(report.scenarios.length);
    expect(ran.length).toBeGreaterThan(40);
    const charts = await page.$$eval('section.scenario', (sections) => sections.map((sec) => ({
      id: sec.id,
      figures: [...sec.querySelectorAll('figure.chart')].map((f) => ({
        kind: f.getAttribute('data-chart'),
        points: Number(f.getAttribute('data-points')),
        // The longest path drawn: a line with data has one segment per point or so.
        segments: Math.max(0, ...[...f.querySelectorAll('svg path')].map((p) => (p.getAttribute('d') ?? '').split(/[LlCc]/).length - 1)),
        width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      })),
    })));
    for (const { s, i } of ran) {
      const section = charts.find((c) => c.id === `s${i}`);
      expect(section, s.name).toBeDefined();
      const kinds = section!.figures.map((f) => f.kind);
      expect(kinds, s.name).toEqual(expect.arrayContaining(['equity', 'drawdown', 'price']));
      if ((s.faults?.list.length ?? 0) > 0) expect(kinds, s.name).toContain('faults');
      for (const f of section!.figures) {
        expect(f.points, `${s.name} ${f.kind}`).toBeGreaterThan(0);
        expect(f.width, `${s.name} ${f.kind}`).toBeGreaterThan(300);
        if (f.kind !== 'faults') expect(f.segments, `${s.name} ${f.kind}`).toBeGreaterThan(Math.min(f.points, 20) / 2);
      }
    }
  });

  it('escapes user text and links every failing gate to its row', async () => {
    const i = report.scenarios.findIndex((s) => s.name.startsWith('demo-sp500-tightened-trades'));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(await page.textContent(`#s${i} em`)).toBe('Tightened <b>&amp;</b> failing');
    const g = report.scenarios[i]!.gates.findIndex((x) => !x.pass);
    const links = await page.$$eval('a.gate-link', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toContain(`#s${i}-gate-${g}`);
    expect(links.length).toBe(2 * report.summary.gatesFailed); // in the header and in the overview row
    await page.click(`header ~ p a.gate-link[href="#s${i}-gate-${g}"]`);
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe(`#s${i}-gate-${g}`);
    const target = await page.$eval('tr:target', (tr) => ({ text: tr.textContent ?? '', cls: tr.className, top: tr.getBoundingClientRect().top, h: (globalThis as unknown as { innerHeight: number }).innerHeight }));
    expect(target.cls).toBe('fail');
    expect(target.text).toContain('trades');
    expect(target.top).toBeGreaterThanOrEqual(0);
    expect(target.top).toBeLessThan(target.h);
    await page.screenshot({ path: artifactPath('report-html-failing-gate.png') });
    await page.goto(page.url().replace(/#.*$/, '#overview'));
    await page.screenshot({ path: artifactPath('report-html-overview.png') });
  });
});
