/**
 * What report.html charts, taken again from a reports folder: each scenario's series sidecar and
 * fills, each checked against the SHA-256 report.json recorded before it is trusted. Gives the
 * same chart data the run's jobs handed over, so `gauntlet report html` writes the page the run
 * wrote (but for wall-clock text).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256Hex } from '../../scenario/load.ts';
import { FillSchema, type Report, type ScenarioReport } from '../schema.ts';
import { seriesFromParquet } from '../series-file.ts';
import { scenarioCharts, type ChartFill, type ScenarioCharts } from './chart-data.ts';

export interface ChartsFromFiles {
  readonly charts: readonly (ScenarioCharts | null)[];
  /** Sidecars missing, altered or unreadable: bad input, each naming its file. */
  readonly problems: readonly string[];
}

function readChecked(reportsDir: string, file: { path: string; sha256: string }): { ok: true; bytes: Buffer } | { ok: false; problem: string } {
  const path = resolve(reportsDir, file.path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, problem: `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const actual = sha256Hex(bytes);
  if (actual !== file.sha256) return { ok: false, problem: `${path}: SHA-256 ${actual} is not the ${file.sha256} report.json recorded (the file was changed after the run)` };
  return { ok: true, bytes };
}

function fillsOf(reportsDir: string, s: ScenarioReport, problems: string[]): ChartFill[] | null {
  if (s.fillsFile === null) return s.fills;
  const r = readChecked(reportsDir, s.fillsFile);
  if (!r.ok) {
    problems.push(r.problem);
    return null;
  }
  const lines = r.bytes.toString('utf8').split('\n').filter((l) => l !== '');
  const fills: ChartFill[] = [];
  for (const [k, line] of lines.entries()) {
    let parsed;
    try {
      parsed = FillSchema.safeParse(JSON.parse(line));
    } catch {
      parsed = null;
    }
    if (parsed === null || !parsed.success) {
      problems.push(`${resolve(reportsDir, s.fillsFile.path)}:${k + 1}: not a fill`);
      return null;
    }
    fills.push(parsed.data);
  }
  return fills;
}

export async function chartsFromFiles(report: Report, reportsDir: string): Promise<ChartsFromFiles> {
  const problems: string[] = [];
  const charts: (ScenarioCharts | null)[] = [];
  for (const s of report.scenarios) {
    if (s.seriesFile === null) {
      charts.push(null);
      continue;
    }
    const bytes = readChecked(reportsDir, s.seriesFile);
    const fills = fillsOf(reportsDir, s, problems);
    if (!bytes.ok) problems.push(bytes.problem);
    if (!bytes.ok || fills === null) {
      charts.push(null);
      continue;
    }
    const series = await seriesFromParquet(bytes.bytes);
    if (!series.ok) {
      problems.push(`${resolve(reportsDir, s.seriesFile.path)}: ${series.problem}`);
      charts.push(null);
      continue;
    }
    charts.push(scenarioCharts(series.series, fills));
  }
  return { charts, problems };
}
