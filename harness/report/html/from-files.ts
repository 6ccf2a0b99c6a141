/**
 * What report.html charts, taken again from a reports folder: each scenario's series sidecar and
 * fills, each checked against the SHA-256 report.json recorded before it is trusted. Gives the
 * same chart data the run's jobs handed over, so `gauntlet report html` writes the page the run
 * wrote (but for wall-clock text).
 */
import { readFillsFile, readSidecar } from '../sidecar.ts';
import { FillSchema, type Report, type ScenarioReport } from '../schema.ts';
import { seriesFromParquet } from '../series-file.ts';
import { scenarioCharts, type ChartFill, type ScenarioCharts } from './chart-data.ts';

export interface ChartsFromFiles {
  readonly charts: readonly (ScenarioCharts | null)[];
  /** Sidecars missing, altered or unreadable: bad input, each naming its file. */
  readonly problems: readonly string[];
}

function fillsOf(reportsDir: string, s: ScenarioReport, problems: string[]): ChartFill[] | null {
  if (s.fillsFile === null) return s.fills;
  const r = readFillsFile(reportsDir, s.fillsFile, FillSchema);
  if (!r.ok) {
    problems.push(r.problem);
    return null;
  }
  return r.fills;
}

export async function chartsFromFiles(report: Report, reportsDir: string): Promise<ChartsFromFiles> {
  const problems: string[] = [];
  const charts: (ScenarioCharts | null)[] = [];
  for (const s of report.scenarios) {
    if (s.seriesFile === null) {
      charts.push(null);
      continue;
    }
    const bytes = readSidecar(reportsDir, s.seriesFile);
    const fills = fillsOf(reportsDir, s, problems);
    if (!bytes.ok) problems.push(bytes.problem);
    if (!bytes.ok || fills === null) {
      charts.push(null);
      continue;
    }
    const series = await seriesFromParquet(bytes.bytes);
    if (!series.ok) {
      problems.push(`${bytes.path}: ${series.problem}`);
      charts.push(null);
      continue;
    }
    charts.push(scenarioCharts(series.series, fills));
  }
  return { charts, problems };
}
