/**
 * The data side of `gauntlet validate`: each CSV source's declared mapping against its file (the
 * header has the declared columns; the first rows read under the declared policy), without
 * running anything. Synthetic and demo sources need no check beyond the schema.
 */
import { resolve } from 'node:path';
import { CsvSyntaxError, MarketDataError, openCsvSource, type CsvMapping } from './engine-parts.ts';
import { displayPath, type LoadedScenario } from './load.ts';
import { marketSources } from './market.ts';
import type { ScenarioProblem } from './problems.ts';

export async function checkMarketData(loaded: LoadedScenario, cwd: string = process.cwd()): Promise<ScenarioProblem[]> {
  const problems: ScenarioProblem[] = [];
  for (const d of marketSources(loaded.scenario)) {
    if (d.csv === undefined || d.config.demo !== undefined) continue;
    const source = openCsvSource(d.csv, { baseDir: loaded.dir });
    try {
      await source.next();
    } catch (e) {
      const csvPath = [...d.path, 'csv'];
      if (e instanceof MarketDataError) {
        const { issue } = e;
        const field = issue.reason === 'missing-column' ? mappingFieldOf(d.csv, issue.column) : null;
        const path = field === null ? csvPath : [...csvPath, ...field];
        problems.push({
          file: loaded.file, ...loaded.locate(path), path: formatSourcePath(path),
          message: `${displayPath(resolve(loaded.dir, issue.file), cwd)}:${issue.line}: column ${issue.column}: ${issue.reason}: ${issue.detail}`,
        });
      } else if (e instanceof CsvSyntaxError) {
        problems.push({ file: loaded.file, ...loaded.locate(csvPath), path: formatSourcePath(csvPath), message: `${displayPath(resolve(loaded.dir, e.file), cwd)}:${e.line}: ${e.message}` });
      } else {
        throw e;
      }
    } finally {
      source.close();
    }
  }
  return problems;
}

function formatSourcePath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Which mapping field declares a column the file lacks, so the problem points at it. */
function mappingFieldOf(mapping: CsvMapping, column: string): (string | number)[] | null {
  for (const [key, ref] of Object.entries(mapping.columns)) if (ref !== undefined && String(ref) === column) return ['columns', key];
  for (const key of ['column', 'dateColumn', 'timeColumn'] as const) {
    const ref = (mapping.time as Record<string, unknown>)[key];
    if (ref !== undefined && String(ref) === column) return ['time', key];
  }
  return null;
}
