/**
 * `npm run bench:html [-- --json] [-- --smoke] [-- --bars N]`
 *
 * What report.html costs on a long scenario: one scenario of N one-minute GBM bars (default 1e6)
 * through the full reference stack (SMA(200) crossover, long and short), run as `gauntlet run
 * --reporter html` runs it, in one process:
 * - runSeconds: the scenario's job (load, run, metrics, gates, the fills and Parquet series
 *   sidecars written, the chart data taken from the series);
 * - htmlWriteSeconds: rendering report.html from the report and that chart data and writing it
 *   (ECharts loaded on the first chart, counted here): target <= 0.5 x runSeconds;
 * - htmlMb: the page's size (target <= 5 MB: the charts are downsampled, the sidecar has it all);
 * - htmlFromFilesSeconds: `gauntlet report html`'s path instead: the sidecars read back (SHA-256
 *   checked) and the page rendered and written;
 * - seriesMb: the Parquet sidecar's size.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { chartsFromFiles } from '../report/html/from-files.ts';
import { htmlReport } from '../report/html/html-report.ts';
import { buildReport } from '../report/report.ts';
import { ReportSchema } from '../report/schema.ts';
import { executeJob } from '../job/job.ts';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { removeTempDirs } from '../../engine/testing/temp-dirs.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const log = (s: string): void => { if (!args.json) process.stderr.write(`${s}\n`); };
const BARS = args.number('--bars', 1_000_000, 5_000);
const PERIOD = args.number('--period', 200, 20);

const scenario = `version: 1
name: bench-html
description: SMA(${PERIOD}) crossover, long and short, on ${BARS} one-minute GBM bars.
seed: 7
market:
  synthetic:
    process: gbm
    instrumentId: SYN
    priceDecimals: 2
    startTimeUs: 1577836800000000
    startPrice: 100
    count: ${BARS}
    drift: 0.05
    volatility: 0.2
    output: { type: bar, intervalUs: 60000000 }
account: { currency: USD, startCash: 1000000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SYN, period: ${PERIOD}, allowShort: true }
  allocator: { kind: fixed-quantity, quantity: 100 }
  risk: { maxPosition: 100 }
venue:
  fees: { bps: 1 }
`;

const seconds = (fromMs: number): number => (performance.now() - fromMs) / 1000;

try {
  const dir = tempDir('bench-html');
  const file = join(dir, 'bench-html.yaml');
  writeFileSync(file, scenario);
  const reportsDir = join(dir, 'reports');
  log(`bench:html · ${BARS} bars · SMA(${PERIOD})`);
  let t = performance.now();
  const outcome = await executeJob({
    file, cwd: dir, seed: { kind: 'scenario' },
    fills: { reportsDir, path: 'fills/00001-bench-html.jsonl' }, series: { reportsDir, path: 'series/00001-bench-html.parquet' }, charts: true,
  });
  const runSeconds = seconds(t);
  if (outcome.report.status !== 'passed' || outcome.charts === null) throw new Error(`bench scenario did not run: ${outcome.report.status} ${outcome.report.error?.message ?? JSON.stringify(outcome.report.problems)}`);
  const started = Date.now();
  const report = ReportSchema.parse(buildReport({ command: 'run', rootSeed: null, startedAtMs: started, scenarios: [outcome.report], finishedAtMs: started, interrupted: null }));
  const html = join(reportsDir, 'report.html');
  t = performance.now();
  writeFileAtomic(html, htmlReport(report, { charts: () => outcome.charts, memo: new WeakMap() }));
  const htmlWriteSeconds = seconds(t);
  t = performance.now();
  const again = await chartsFromFiles(report, reportsDir);
  if (again.problems.length > 0) throw new Error(again.problems.join('; '));
  writeFileAtomic(join(reportsDir, 'again.html'), htmlReport(report, { charts: (i) => again.charts[i] ?? null, memo: new WeakMap() }));
  const htmlFromFilesSeconds = seconds(t);
  const mb = (path: string): number => statSync(path).size / 1e6;
  const result = {
    bars: BARS,
    fills: outcome.report.fillsFile?.count ?? 0,
    runSeconds: Number(runSeconds.toFixed(3)),
    htmlWriteSeconds: Number(htmlWriteSeconds.toFixed(3)),
    htmlWriteRatio: Number((htmlWriteSeconds / runSeconds).toFixed(3)),
    htmlMb: Number(mb(html).toFixed(3)),
    htmlFromFilesSeconds: Number(htmlFromFilesSeconds.toFixed(3)),
    seriesMb: Number(mb(join(reportsDir, report.scenarios[0]!.seriesFile!.path)).toFixed(3)),
  };
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    log(`run (job, sidecars, chart data): ${result.runSeconds} s · ${result.fills} fills`);
    log(`report.html written in ${result.htmlWriteSeconds} s (${result.htmlWriteRatio} x the run; target <= 0.5) · ${result.htmlMb} MB (target <= 5)`);
    log(`from the sidecars (gauntlet report html): ${result.htmlFromFilesSeconds} s · series sidecar ${result.seriesMb} MB`);
  }
} finally {
  removeTempDirs();
}
