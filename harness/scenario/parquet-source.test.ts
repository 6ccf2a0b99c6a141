// A Parquet file is a market source like a CSV: the same mapping gives the same batches and the
// same bad rows (named by the Parquet row, where the CSV names its line, one more for the header),
// and a scenario on it runs exactly as on the CSV (same fingerprint), through the data cache too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { loadAll, openMarketFile, ParquetFormatError, type CsvMappingInput, type MarketBatch } from '../../engine/index.ts';
import type { MarketDataError } from '../../engine/market/types.ts';
import { DataCache } from '../data-cache/store.ts';
import { hourlyScenarioText, writeHourlyBarsCsv, writeHourlyBarsParquet } from '../data-cache/testing/hourly-bars.ts';
import { loadScenarioFile } from './load.ts';
import { runScenario } from './run.ts';

const COLUMNS = { open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
const mapping = (file: string, badRows: 'reject' | 'skip' | 'repair' = 'skip', columns: Record<string, string> = COLUMNS): CsvMappingInput => ({
  file, instrumentId: 'SYN', dataType: 'bar', priceDecimals: 2, barInterval: '1h', timestampMarks: 'open',
  time: { format: 'iso', column: 'time' }, columns: { open: '', high: '', low: '', close: '', ...columns }, badRows,
});

/** Every row of every batch, as plain numbers. */
function rows(batches: readonly MarketBatch[]): number[][] {
  const out: number[][] = [];
  for (const b of batches) {
    if (b.type !== 'bar') throw new Error('bars expected');
    for (let i = 0; i < b.length; i++) out.push([b.openTimeUs[i]!, b.closeTimeUs[i]!, b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!]);
  }
  return out;
}

describe('Parquet market files', () => {
  it('load the rows and bad rows a CSV of the same data loads, bad rows by Parquet row number', async () => {
    const dir = tempDir('parquet');
    const badLines = [6, 40, 5000];
    writeHourlyBarsCsv(join(dir, 'bars.csv'), { bars: 9000, badLines });
    // Row groups smaller than a batch, so batches straddle them.
    await writeHourlyBarsParquet(join(dir, 'bars.parquet'), { bars: 9000, badLines, rowGroupSize: 1000 });
    const csv = openMarketFile(mapping('bars.csv'), { baseDir: dir });
    const pq = openMarketFile(mapping('bars.parquet'), { baseDir: dir });
    const [a, b] = [await loadAll(csv), await loadAll(pq)];
    expect(rows(b)).toHaveLength(9000 - 3);
    expect(rows(b)).toEqual(rows(a));
    expect(b.map((x) => x.length)).toEqual(a.map((x) => x.length));
    expect(pq.issues.map((i) => [i.line, i.column, i.reason, i.action])).toEqual(badLines.map((l) => [l - 1, 'high', 'high-below-low', 'skipped']));
    expect(pq.issues.map((i) => i.detail)).toEqual(csv.issues.map((i) => i.detail));
  });

  it('report a NaN and a bad time by row under reject, and a file that is not Parquet as such', async () => {
    const dir = tempDir('parquet-bad');
    await writeHourlyBarsParquet(join(dir, 'nan.parquet'), { bars: 100, badLines: [9] });
    await expect(loadAll(openMarketFile(mapping('nan.parquet', 'reject'), { baseDir: dir })))
      .rejects.toThrow(/^nan\.parquet:8: column open: nan: 'NaN' is NaN$/);
    writeFileSync(join(dir, 'not.parquet'), 'time,open\n');
    await expect(loadAll(openMarketFile(mapping('not.parquet'), { baseDir: dir }))).rejects.toBeInstanceOf(ParquetFormatError);
    // A mapping naming a column the file lacks: a header error, as for a CSV.
    await expect(loadAll(openMarketFile(mapping('nan.parquet', 'skip', { ...COLUMNS, open: 'Open' }), { baseDir: dir })))
      .rejects.toThrow(/column 'Open' is not in the header \[time, open, high, low, close, volume\]/);
  });

  it('runs a scenario exactly as the CSV does (same fingerprint and fills), with and without the data cache', async () => {
    const dir = tempDir('parquet-run');
    writeHourlyBarsCsv(join(dir, 'bars.csv'), { bars: 6000, badLines: [10] });
    await writeHourlyBarsParquet(join(dir, 'bars.parquet'), { bars: 6000, badLines: [10] });
    writeFileSync(join(dir, 'csv.yaml'), hourlyScenarioText({ file: 'bars.csv', badRows: 'skip' }));
    writeFileSync(join(dir, 'pq.yaml'), hourlyScenarioText({ file: 'bars.parquet', badRows: 'skip' }));
    const run = async (file: string, cache: DataCache | null) => {
      const r = loadScenarioFile(join(dir, file), { cwd: dir });
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return runScenario(r.loaded, { seed: 3, cwd: dir, dataCache: cache });
    };
    const fromCsv = await run('csv.yaml', null);
    const fromParquet = await run('pq.yaml', null);
    expect(fromCsv.fills.length).toBeGreaterThan(10);
    expect(fromParquet.fingerprint).toBe(fromCsv.fingerprint);
    expect(fromParquet.fills).toEqual(fromCsv.fills);
    expect(fromParquet.warnings.filter((w) => w.kind === 'bad-row')).toMatchObject([{ file: 'bars.parquet', line: 9, reason: 'high-below-low' }]);
    const cache = new DataCache({ dir: tempDir('parquet-cache'), maxBytes: 1e9 });
    const cold = await run('pq.yaml', cache);
    const warm = await run('pq.yaml', cache);
    expect([cold.fingerprint, warm.fingerprint]).toEqual([fromCsv.fingerprint, fromCsv.fingerprint]);
    expect(warm.warnings).toEqual(fromParquet.warnings);
    expect(cache.info().entries).toBe(1);
  });

  it('report a price off the tick grid as the CSV does (the same off-tick check, by Parquet row)', async () => {
    // Mirrors bad-rows.test.ts 'prices off the instrument tick grid': bars on a 0.05 grid but for row 3's close, 10.03.
    const dir = tempDir('parquet-tick');
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const t0 = Date.UTC(2024, 0, 2, 9);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'time', data: [0, 1, 2, 3].map((h) => new Date(t0 + h * 3_600_000)), type: 'TIMESTAMP' },
        { name: 'open', data: [10.0, 10.05, 10.1, 10.05], type: 'DOUBLE' },
        { name: 'high', data: [10.1, 10.15, 10.1, 10.2], type: 'DOUBLE' },
        { name: 'low', data: [9.95, 10.0, 10.0, 10.05], type: 'DOUBLE' },
        { name: 'close', data: [10.05, 10.1, 10.03, 10.15], type: 'DOUBLE' },
        { name: 'volume', data: [100n, 100n, 100n, 100n], type: 'INT64' },
      ],
    });
    writeFileSync(join(dir, 'tick.parquet'), new Uint8Array(buffer));
    const open = (badRows: 'reject' | 'skip' | 'repair', tickSizeRaw?: number) =>
      openMarketFile(mapping('tick.parquet', badRows), { baseDir: dir, ...(tickSizeRaw === undefined ? {} : { tickSizeRaw }) });
    const err = await loadAll(open('reject', 5)).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 3, column: 'close', reason: 'off-tick', action: 'rejected' });
    expect((err as Error).message).toContain("'10.03' is not a multiple of the tick size 0.05");
    const skip = open('skip', 5);
    expect(rows(await loadAll(skip))).toHaveLength(3);
    expect(skip.issues.map((i) => [i.line, i.column, i.reason, i.action])).toEqual([[3, 'close', 'off-tick', 'skipped']]);
    const repair = open('repair', 5);
    const repaired = rows(await loadAll(repair));
    expect(repair.issues.map((i) => [i.line, i.column, i.reason, i.action])).toEqual([[3, 'close', 'off-tick', 'repaired']]);
    expect(repaired[2]?.[5]).toBe(1005);
    expect(rows(await loadAll(open('reject')))).toHaveLength(4);
    // A tick size that is no positive integer is refused when the source is opened, as the CSV's is.
    for (const file of ['tick.parquet', 'tick.csv']) {
      expect(() => openMarketFile(mapping(file, 'reject'), { baseDir: dir, tickSizeRaw: 0 })).toThrow('tickSizeRaw must be a positive integer, got 0');
    }
  });
});
