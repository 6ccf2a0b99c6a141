/**
 * The data side of `gauntlet validate`: each CSV source's declared mapping against its file, read
 * by the same loader a run uses (header, rows under the declared bad-row policy, the instrument's
 * tick grid, a file with no usable row), without running anything.
 *
 * `validate` reads the whole file (`wholeFile: true`), so it passes exactly the data that a run
 * loads: reading only the first rows let a bad row near the end pass validate and fail run. That
 * costs what loading the file for a run costs (`npm run bench:csv`: ~375k rows/s; 17 ms for the
 * largest shared file against 15 ms for its first batch), which is why validate always does it
 * rather than behind a `--full` flag. A run checks only the header and first batch before it
 * starts (to point a mapping error at its field in the scenario) and meets any later bad row
 * while it runs: reading the whole file there too would load every file twice.
 * Synthetic and demo sources need no check beyond the schema.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BATCH_ROWS, CsvSyntaxError, MarketDataError, openMarketFile, type CsvMapping } from './engine-parts.ts';
import { fileEntryKey } from '../data-cache/cached-source.ts';
import type { DataCache } from '../data-cache/store.ts';
import { displayPath, type LoadedScenario } from './load.ts';
import { csvPath, csvSourceOptions, marketSources } from './market.ts';
import type { ScenarioProblem } from './problems.ts';

export interface CheckDataOptions {
  /** Read every row (validate); default false: the header and the first batch only (a run's pre-check). */
  readonly wholeFile?: boolean;
  /** Called after each batch with the bytes read of the current file and its size (progress displays). */
  readonly onBytes?: (bytesRead: number, totalBytes: number, file: string) => void;
  /**
   * A run's data cache: a file with an entry there was read whole without an error under this
   * very mapping, so its first batch needs no second look.
   */
  readonly cache?: DataCache | null;
}

export async function checkMarketData(loaded: LoadedScenario, cwd: string = process.cwd(), options: CheckDataOptions = {}): Promise<ScenarioProblem[]> {
  const problems: ScenarioProblem[] = [];
  const { onBytes, wholeFile = false, cache = null } = options;
  for (const d of marketSources(loaded.scenario)) {
    if (d.csv === undefined || d.config.demo !== undefined) continue;
    const path = csvPath(d.csv, loaded.dir);
    if (cache !== null && !wholeFile) {
      const key = await fileEntryKey({ cache, mapping: d.csv, path, tickSizeRaw: d.tickSizeRaw, batchRows: BATCH_ROWS });
      if (cache.has(key)) continue;
    }
    const source = openMarketFile(d.csv, csvSourceOptions(d, loaded.dir));
    try {
      const totalBytes = onBytes === undefined ? 0 : statSync(path).size;
      const shown = displayPath(path, cwd);
      if (wholeFile) {
        while (await source.next() !== null) onBytes?.(source.bytesRead, totalBytes, shown);
      } else {
        await source.next();
      }
      onBytes?.(source.bytesRead, totalBytes, shown);
    } catch (e) {
      const csvPath = [...d.path, 'csv'];
      if (e instanceof MarketDataError) {
        const { issue } = e;
        const field = issue.reason === 'missing-column' ? mappingFieldOf(d.csv, issue.column) : null;
        const path = field === null ? csvPath : [...csvPath, ...field];
        problems.push({
          file: loaded.file, ...loaded.locate(path), path: formatSourcePath(path),
          message: `${displayPath(resolve(loaded.dir, issue.file), cwd)}:${issue.line}: ${issue.column === '' ? '' : `column ${issue.column}: `}${issue.reason}: ${issue.detail}`,
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
