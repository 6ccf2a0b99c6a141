/**
 * A streaming CSV MarketSource: node:fs read stream -> csv-parse (records as string arrays) ->
 * declared mapping -> columnar batches. Memory is bounded by one read chunk, the parser's
 * buffer and one batch, whatever the file's length. Records are pulled with read() in a loop and
 * the source awaits only when the parser's buffer is empty (once a chunk, not once a row).
 *
 * Line numbers count the header as line 1 and every later line, blank ones included (a blank line
 * carries no data: it is counted and otherwise ignored). They assume no quoted field spans lines,
 * which numeric market files never do.
 */
import { createReadStream } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { CsvError, parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import { resolveCalendar, sessionLengthUs } from '../calendar.ts';
import type { DataIssue, MarketBatch, MarketSource, MarketSourceInfo } from '../types.ts';
import { BATCH_ROWS } from '../types.ts';
import { IssueLog } from './issues.ts';
import type { CsvMapping, CsvMappingInput } from './mapping.ts';
import { CsvMappingSchema, barIntervalUs } from './mapping.ts';
import { checkedTickSizeRaw, type RowSink } from './rows.ts';
import { sinkForHeader } from './sink-for-header.ts';

export interface CsvSourceOptions {
  /** Directory a relative `mapping.file` is resolved against. Default: the process's working directory. */
  readonly baseDir?: string;
  /** Rows per batch. Default BATCH_ROWS. */
  readonly batchRows?: number;
  /**
   * The instrument's tick size in raw price units (at the mapping's priceDecimals). Every price
   * the file writes must be a multiple of it, else the row is bad (off-tick) under the mapping's
   * policy. Default 1: one unit of the last decimal, which every price is a multiple of.
   */
  readonly tickSizeRaw?: number;
}

/** The CSV text itself is broken (e.g. an unclosed quote): no policy can step over it. */
export class CsvSyntaxError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string, cause: unknown) {
    super(`${file}:${line}: CSV syntax: ${message}`, { cause });
    this.name = 'CsvSyntaxError';
    this.file = file;
    this.line = line;
  }
}

/** Longest record csv-parse accepts: bounds memory on a file that is not line-oriented text. */
const MAX_RECORD_CHARS = 1 << 20;

/** Opens `mapping` (validated by CsvMappingSchema; throws ZodError when invalid) as a source. */
export function openCsvSource(mapping: CsvMappingInput, options: CsvSourceOptions = {}): CsvMarketSource {
  return new CsvMarketSource(CsvMappingSchema.parse(mapping), options);
}

export class CsvMarketSource implements MarketSource {
  readonly info: MarketSourceInfo;
  readonly mapping: CsvMapping;
  private readonly log: IssueLog;
  private readonly capacity: number;
  private readonly tickSizeRaw: number;
  /** Non-blank records after the header, and rows handed out in batches: none of either is an error. */
  private dataRows = 0;
  private rowsOut = 0;
  private readonly fileStream: ReadStream;
  private readonly parser: Parser;
  private sink: RowSink<MarketBatch> | null = null;
  private ended = false;
  private done = false;
  private busy = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(mapping: CsvMapping, options: CsvSourceOptions) {
    this.mapping = mapping;
    this.capacity = options.batchRows ?? BATCH_ROWS;
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1) throw new RangeError(`batchRows must be a positive integer, got ${this.capacity}`);
    this.tickSizeRaw = checkedTickSizeRaw(options.tickSizeRaw);
    const path = resolvePath(options.baseDir ?? process.cwd(), mapping.file);
    this.info = fileSourceInfo(mapping, path);
    this.log = new IssueLog(mapping.file, mapping.badRows);
    this.fileStream = createReadStream(path);
    this.parser = parse({
      delimiter: mapping.delimiter, bom: true, relax_column_count: true, relax_quotes: true,
      skip_empty_lines: false, max_record_size: MAX_RECORD_CHARS,
    });
    const wake = (): void => { const w = this.wake; this.wake = null; w?.(); };
    this.fileStream.on('error', (err) => { this.failure ??= err; wake(); });
    this.parser.on('error', (err) => { this.failure ??= err; wake(); });
    this.parser.on('readable', wake);
    this.parser.on('end', () => { this.ended = true; wake(); });
    this.fileStream.pipe(this.parser);
  }

  get issues(): readonly DataIssue[] {
    return this.log.issues;
  }

  /** Lines read so far, the header included (a cache records where each batch ended). */
  get linesRead(): number {
    return this.log.line;
  }

  /** Bytes read from the file so far (progress displays). */
  get bytesRead(): number {
    return this.fileStream.bytesRead;
  }

  async next(): Promise<MarketBatch | null> {
    if (this.done) return null;
    if (this.busy) throw new Error('CsvMarketSource.next() called again before the previous call settled');
    this.busy = true;
    try {
      return await this.fill();
    } catch (err) {
      this.close();
      throw err;
    } finally {
      this.busy = false;
    }
  }

  private async fill(): Promise<MarketBatch | null> {
    const log = this.log;
    let sink = this.sink;
    if (sink !== null) sink.batch = sink.newBatch(this.capacity);
    for (;;) {
      const rec = this.parser.read() as string[] | null;
      if (rec !== null) {
        log.line++;
        if (sink === null) {
          sink = this.sink = this.makeSink(rec);
          continue;
        }
        if (rec.length === 1 && rec[0] === '') continue; // blank line
        this.dataRows++;
        sink.accept(rec);
        if (sink.batch.length === this.capacity) return this.out(sink.batch);
        continue;
      }
      if (this.failure !== null) throw this.wrapFailure(this.failure);
      if (this.ended) {
        if (sink === null) throw log.headerError('', 'the file is empty: no header line');
        this.close();
        if (sink.batch.length > 0) return this.out(sink.batch);
        if (this.rowsOut === 0) throw log.noRowsError(this.dataRows);
        return null;
      }
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  private out(batch: MarketBatch): MarketBatch {
    this.rowsOut += batch.length;
    return batch;
  }

  /** Releases the file; safe to call twice. */
  close(): void {
    this.done = true;
    this.fileStream.unpipe(this.parser);
    this.fileStream.destroy();
    this.parser.destroy();
  }

  private wrapFailure(err: Error): Error {
    if (!(err instanceof CsvError)) return err;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse reports an unclosed quote where the file ends (counting each CRLF inside the
      // quote twice, past the last line): the line to fix is where the quote opened, the line
      // after the last record it finished (records are one line each, as above).
      const records = (err as { records?: unknown }).records;
      const line = typeof records === 'number' ? records + 1 : this.log.line + 1;
      return new CsvSyntaxError(this.mapping.file, line, 'a quote opened on this line is never closed', err);
    }
    const lines = (err as { lines?: unknown }).lines;
    return new CsvSyntaxError(this.mapping.file, typeof lines === 'number' ? lines : this.log.line, err.message, err);
  }

  /** Resolves the declared columns against the header and builds the row sink. */
  private makeSink(header: readonly string[]): RowSink<MarketBatch> {
    return sinkForHeader(this.mapping, header, this.log, this.tickSizeRaw, this.capacity);
  }
}

/** What a source reading `mapping`'s file at `path` says about itself, before reading a byte. */
export function fileSourceInfo(mapping: CsvMapping, path: string): MarketSourceInfo {
  return { instrumentId: mapping.instrumentId, dataType: mapping.dataType, priceDecimals: mapping.priceDecimals, barIntervalUs: barIntervalOf(mapping), files: [path] };
}

function barIntervalOf(m: CsvMapping): number | undefined {
  if (m.dataType !== 'bar') return undefined;
  // A daily bar's interval is its session length (nominal, by the local clock).
  return m.time.format === 'date' ? sessionLengthUs(resolveCalendar(m.time.calendar)) : barIntervalUs(m.barInterval);
}
