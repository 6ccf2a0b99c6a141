/**
 * The per-scenario series sidecar: one Parquet file beside report.json (never inline in it), one
 * row per equity mark. Columns: `timeUs` (INT64, epoch microseconds UTC), `equity` (account
 * currency), `drawdown` (fraction below the running peak), then per instrument `price:<id>` and
 * `position:<id>` (DOUBLE). The key-value metadata names the instruments in column order
 * (`gauntlet.instruments`, JSON) and the format version (`gauntlet.series`). report.json records
 * the file's SHA-256; readers check it before they trust the bytes.
 *
 * Written with hyparquet-writer and read with hyparquet (pandas, polars, DuckDB read it too).
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ScenarioSeries } from '../scenario/series.ts';

export const SERIES_FORMAT_VERSION = '1';

export function seriesColumns(instrumentIds: readonly string[]): string[] {
  return ['timeUs', 'equity', 'drawdown', ...instrumentIds.flatMap((id) => [`price:${id}`, `position:${id}`])];
}

export function seriesToParquet(series: ScenarioSeries): Uint8Array {
  const n = series.timeUs.length;
  const time = new BigInt64Array(n);
  for (let i = 0; i < n; i++) time[i] = BigInt(series.timeUs[i]!);
  const buffer = parquetWriteBuffer({
    // One row group: a sidecar is read whole. Statistics cost time and serve no query here.
    rowGroupSize: Math.max(1, n),
    statistics: false,
    createdBy: 'gauntlet',
    kvMetadata: [
      { key: 'gauntlet.series', value: SERIES_FORMAT_VERSION },
      { key: 'gauntlet.instruments', value: JSON.stringify(series.instruments.map((i) => i.id)) },
    ],
    columnData: [
      { name: 'timeUs', data: time, type: 'INT64', nullable: false },
      { name: 'equity', data: series.equity, type: 'DOUBLE', nullable: false },
      { name: 'drawdown', data: series.drawdown, type: 'DOUBLE', nullable: false },
      ...series.instruments.flatMap((i) => [
        { name: `price:${i.id}`, data: i.price, type: 'DOUBLE' as const, nullable: false },
        { name: `position:${i.id}`, data: i.position, type: 'DOUBLE' as const, nullable: false },
      ]),
    ],
  });
  return new Uint8Array(buffer);
}

export type ReadSeriesResult = { readonly ok: true; readonly series: ScenarioSeries } | { readonly ok: false; readonly problem: string };

/** Reads a sidecar written by seriesToParquet; a file that is not one is a problem named, not a throw. */
export async function seriesFromParquet(bytes: Uint8Array): Promise<ReadSeriesResult> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let instrumentIds: string[];
  let rows: number;
  try {
    const meta = parquetMetadata(file);
    rows = Number(meta.num_rows);
    const kv = new Map((meta.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    if (kv.get('gauntlet.series') !== SERIES_FORMAT_VERSION) return { ok: false, problem: `not a Gauntlet series file of format ${SERIES_FORMAT_VERSION} (gauntlet.series is ${kv.get('gauntlet.series') ?? 'missing'})` };
    const ids: unknown = JSON.parse(kv.get('gauntlet.instruments') ?? 'null');
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return { ok: false, problem: 'gauntlet.instruments metadata is not a list of instrument ids' };
    instrumentIds = ids as string[];
  } catch (e) {
    return { ok: false, problem: `not a Parquet file: ${(e as Error).message}` };
  }
  const columns = seriesColumns(instrumentIds);
  const data = new Map<string, Float64Array>(columns.map((c) => [c, new Float64Array(rows)]));
  try {
    await parquetRead({
      file, columns,
      onChunk: (chunk) => {
        const target = data.get(chunk.columnName);
        if (target === undefined) return;
        const values = chunk.columnData as ArrayLike<number | bigint>;
        for (let i = 0; i < values.length; i++) target[chunk.rowStart + i] = Number(values[i]);
      },
    });
  } catch (e) {
    return { ok: false, problem: `unreadable series file: ${(e as Error).message}` };
  }
  const col = (name: string): Float64Array => data.get(name)!;
  return {
    ok: true,
    series: {
      timeUs: col('timeUs'), equity: col('equity'), drawdown: col('drawdown'),
      instruments: instrumentIds.map((id) => ({ id, price: col(`price:${id}`), position: col(`position:${id}`) })),
    },
  };
}
