/**
 * A market file read through the data cache. On a hit it hands out the entry's batches, exactly
 * as the loader cut them, and its data issues as the loader would have reported them by then (an
 * issue shows once the batch that read past its line is out); on a miss it reads the file with
 * the loader and writes the entry batch by batch as the run consumes them, renaming it into place
 * only when the file was read to its end without an error (a file that fails under its policy is
 * never cached: every run meets the error the same way) and did not change meanwhile. So a warm
 * run gets the very batches and issues of a cold one, and its report is the same.
 */
import type { CsvMapping, DataIssue, MarketBatch, MarketSource, MarketSourceInfo } from '../../engine/index.ts';
import type { EntryData, EntryWriter } from './entry-format.ts';
import { entryKey } from './key.ts';
import type { DataCache } from './store.ts';

/** A loader's source over one file: how far it has read is what the entry records per batch. */
export interface FileMarketSource extends MarketSource {
  /** Lines (CSV, header included) or rows (Parquet) read so far. */
  readonly linesRead: number;
}

export interface CachedSourceParams {
  readonly cache: DataCache;
  readonly mapping: CsvMapping;
  /** The file's absolute path. */
  readonly path: string;
  readonly info: MarketSourceInfo;
  readonly tickSizeRaw: number;
  readonly batchRows: number;
  /** Opens the loader on the file (a miss). */
  readonly open: () => FileMarketSource;
}

/** The entry key of a file source (hashes the file once per cache object). */
export async function fileEntryKey(p: Pick<CachedSourceParams, 'cache' | 'mapping' | 'path' | 'tickSizeRaw' | 'batchRows'>): Promise<string> {
  return entryKey({ contentSha256: await p.cache.sha256(p.path), mapping: p.mapping, tickSizeRaw: p.tickSizeRaw, batchRows: p.batchRows });
}

export class CachedFileSource implements MarketSource {
  readonly info: MarketSourceInfo;
  private readonly p: CachedSourceParams;
  private started = false;
  /** Hit: the entry, and how many of its batches are out. */
  private hit: EntryData | null = null;
  private served = 0;
  /** Miss: the loader, and the entry being written (null when the cache cannot be written). */
  private inner: FileMarketSource | null = null;
  private writer: EntryWriter | null = null;
  private key = '';
  private done = false;

  constructor(params: CachedSourceParams) {
    this.p = params;
    this.info = params.info;
  }

  get issues(): readonly DataIssue[] {
    if (this.inner !== null) return this.inner.issues;
    const hit = this.hit;
    if (hit === null) return [];
    // Every issue up to the line the last batch out ended on; all of them at the end.
    const upTo = this.done ? Number.POSITIVE_INFINITY : this.served === 0 ? 0 : hit.batchEndLines[this.served - 1]!;
    const file = this.p.mapping.file;
    const out: DataIssue[] = [];
    for (const i of hit.issues) {
      if (i.line > upTo) break;
      out.push({ file, ...i });
    }
    return out;
  }

  async next(): Promise<MarketBatch | null> {
    if (!this.started) await this.start();
    if (this.hit !== null) {
      const b = this.hit.batches[this.served];
      if (b === undefined) { this.done = true; return null; }
      this.served++;
      return b;
    }
    const inner = this.inner!;
    let b: MarketBatch | null;
    try {
      b = await inner.next();
    } catch (e) {
      this.dropWriter();
      throw e;
    }
    if (b !== null) {
      this.writer?.append(b, inner.linesRead);
      // An entry larger than the whole cache would be evicted as soon as it was written.
      if (this.writer !== null && this.writer.bytes > this.p.cache.maxBytes) this.dropWriter();
      return b;
    }
    this.done = true;
    this.finishWriter(inner.issues);
    return null;
  }

  /** On a hit, the entry's rows; on a miss, what the loader knows. */
  expectedRows(): number | undefined {
    const hit = this.hit;
    if (hit === null) return this.inner?.expectedRows?.();
    let rows = 0;
    for (const b of hit.batches) rows += b.length;
    return rows;
  }

  close(): void | Promise<void> {
    this.dropWriter();
    return this.inner?.close?.();
  }

  private async start(): Promise<void> {
    this.started = true;
    const { cache, mapping } = this.p;
    this.key = await fileEntryKey(this.p);
    this.hit = cache.lookup(this.key, mapping.dataType, mapping.file);
    if (this.hit !== null) return;
    this.inner = this.p.open();
    this.writer = cache.newWriter(this.key, mapping.dataType);
  }

  private finishWriter(issues: readonly DataIssue[]): void {
    const w = this.writer;
    if (w === null) return;
    this.writer = null;
    try {
      w.finish(issues);
      // A file changed while it was read would be cached under the hash of its old bytes.
      if (this.p.cache.unchangedSinceHashed(this.p.path)) this.p.cache.commit(w, this.key);
      else w.abort();
    } catch (e) {
      w.abort();
      throw e;
    }
  }

  private dropWriter(): void {
    this.writer?.abort();
    this.writer = null;
  }
}
