/**
 * A Parquet MarketSource: a file of flat columns read one row group at a time (hyparquet), under
 * the same declared mapping as a CSV file and through the same row checks and bad-row policy.
 * Each value is turned into the text a CSV would carry and handed to the CSV's row sinks, so a
 * Parquet file and a CSV of the same data give the same batches and the same issues, with one
 * difference: an issue's `line` is the 1-based row of the Parquet file (there is no header line).
 *
 * Values: a number as its shortest round-trip decimal (a DOUBLE written from 101.25 reads
 * '101.25'; one that is not exactly a price at the declared decimals is too-many-decimals, which
 * `repair` rounds), an integer (INT64) exactly, a string as it is, a TIMESTAMP (millis, micros, or
 * nanos that are whole micros) as ISO-8601 UTC with microseconds (declare `time.format: iso`), a
 * DATE as 'YYYY-MM-DD' (format `date`), a null as an empty field.
 * Memory: one row group's rows at a time, plus one batch.
 */
import { resolve as resolvePath } from 'node:path';
import type * as HyparquetModule from 'hyparquet';
import { formatTimeUs, US_PER_DAY } from '../../kernel/time.ts';
import type { DataIssue, MarketBatch, MarketSource, MarketSourceInfo } from '../types.ts';
import { BATCH_ROWS } from '../types.ts';
import { CsvSyntaxError, fileSourceInfo, type CsvSourceOptions } from './csv-source.ts';
import { IssueLog } from './issues.ts';
import type { CsvMapping } from './mapping.ts';
import { checkedTickSizeRaw, type RowSink } from './rows.ts';
import { sinkForHeader } from './sink-for-header.ts';

/** The file is not Parquet we can read (truncated, another format, nested columns). Handled wherever broken CSV is. */
export class ParquetFormatError extends CsvSyntaxError {
  constructor(file: string, message: string, cause: unknown) {
    super(file, 1, message, cause);
    this.name = 'ParquetFormatError';
    this.message = `${file}: Parquet: ${message}`;
  }
}

type Hyparquet = typeof HyparquetModule;

/** hyparquet loads with the first Parquet file of a process (a CSV-only run never pays for it). */
let hyparquet: Promise<Hyparquet> | null = null;

/** True when `file` names a Parquet file (by its extension). */
export function isParquetFile(file: string): boolean {
  return file.toLowerCase().endsWith('.parquet');
}

const PARSERS = {
  timestampFromMilliseconds: (ms: bigint): string => formatTimeUs(Number(ms) * 1000),
  timestampFromMicroseconds: (us: bigint): string => formatTimeUs(Number(us)),
  // Nanoseconds finer than a microsecond are not an instant the engine can hold: such a value is
  // written out in full, which the time check then reports as a bad row rather than rounding it.
  timestampFromNanoseconds: (ns: bigint): string => (ns % 1000n === 0n ? formatTimeUs(Number(ns / 1000n)) : `${ns}ns`),
  dateFromDays: (days: number): string => formatTimeUs(days * US_PER_DAY).slice(0, 10),
};

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export class ParquetMarketSource implements MarketSource {
  readonly info: MarketSourceInfo;
  readonly mapping: CsvMapping;
  private readonly log: IssueLog;
  private readonly capacity: number;
  private readonly tickSizeRaw: number;
  private readonly path: string;
  private file: Awaited<ReturnType<Hyparquet['asyncBufferFromFile']>> | null = null;
  private metadata: Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>> | null = null;
  private sink: RowSink<MarketBatch> | null = null;
  private header: string[] = [];
  private rows: unknown[][] = [];
  private rowAt = 0;
  private group = 0;
  private groupStart = 0;
  private dataRows = 0;
  private rowsOut = 0;
  private batches = 0;
  private done = false;

  constructor(mapping: CsvMapping, options: CsvSourceOptions = {}) {
    this.mapping = mapping;
    this.capacity = options.batchRows ?? BATCH_ROWS;
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1) throw new RangeError(`batchRows must be a positive integer, got ${this.capacity}`);
    this.tickSizeRaw = checkedTickSizeRaw(options.tickSizeRaw);
    this.path = resolvePath(options.baseDir ?? process.cwd(), mapping.file);
    this.info = fileSourceInfo(mapping, this.path);
    this.log = new IssueLog(mapping.file, mapping.badRows);
  }

  get issues(): readonly DataIssue[] {
    return this.log.issues;
  }

  /** Bytes of the file read so far, by whole row groups (progress displays). */
  get bytesRead(): number {
    const groups = this.metadata?.row_groups ?? [];
    let bytes = 0;
    for (let i = 0; i < this.group; i++) bytes += Number(groups[i]!.total_byte_size);
    return bytes;
  }

  /** Rows read so far (the line an issue names). */
  get linesRead(): number {
    return this.log.line;
  }

  /** The footer's row count, once read (bad rows skipped make it an overestimate). */
  expectedRows(): number | undefined {
    const m = this.metadata;
    return m === null ? undefined : Number(m.num_rows);
  }

  async next(): Promise<MarketBatch | null> {
    if (this.done) return null;
    try {
      return await this.fill();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  close(): void {
    this.done = true;
    this.rows = [];
  }

  private async fill(): Promise<MarketBatch | null> {
    if (this.sink === null) await this.open();
    const sink = this.sink!;
    if (this.batches++ > 0) sink.batch = sink.newBatch(this.capacity);
    const log = this.log;
    const width = this.header.length;
    for (;;) {
      if (this.rowAt >= this.rows.length) {
        if (this.group >= this.metadata!.row_groups.length) {
          this.close();
          if (sink.batch.length > 0) return this.out(sink.batch);
          if (this.rowsOut === 0) throw log.noRowsError(this.dataRows);
          return null;
        }
        await this.readGroup();
        continue;
      }
      const row = this.rows[this.rowAt++]!;
      const rec = new Array<string>(width);
      for (let j = 0; j < width; j++) rec[j] = text(row[j]);
      log.line++;
      this.dataRows++;
      sink.accept(rec);
      if (sink.batch.length === this.capacity) return this.out(sink.batch);
    }
  }

  private out(batch: MarketBatch): MarketBatch {
    this.rowsOut += batch.length;
    return batch;
  }

  private async open(): Promise<void> {
    hyparquet ??= import('hyparquet');
    const { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } = await hyparquet;
    this.file = await asyncBufferFromFile(this.path);
    try {
      this.metadata = await parquetMetadataAsync(this.file);
      const schema = parquetSchema(this.metadata);
      const nested = schema.children.find((c) => c.children.length > 0);
      if (nested !== undefined) throw new Error(`column '${nested.element.name}' is nested; only flat columns are read`);
      this.header = schema.children.map((c) => c.element.name);
    } catch (e) {
      throw new ParquetFormatError(this.mapping.file, (e as Error).message, e);
    }
    this.sink = sinkForHeader(this.mapping, this.header, this.log, this.tickSizeRaw, this.capacity);
  }

  private async readGroup(): Promise<void> {
    const { parquetRead } = await hyparquet!;
    const n = Number(this.metadata!.row_groups[this.group]!.num_rows);
    const rowStart = this.groupStart;
    this.group++;
    this.groupStart += n;
    let rows: unknown[][] = [];
    try {
      await parquetRead({
        file: this.file!, metadata: this.metadata!, rowStart, rowEnd: rowStart + n, rowFormat: 'array', parsers: PARSERS,
        onComplete: (r: unknown[][]) => { rows = r; },
      });
    } catch (e) {
      throw new ParquetFormatError(this.mapping.file, `rows ${rowStart + 1}..${rowStart + n}: ${(e as Error).message}`, e);
    }
    this.rows = rows;
    this.rowAt = 0;
  }
}
