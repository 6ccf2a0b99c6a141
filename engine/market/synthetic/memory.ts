/**
 * Markets held in memory: a source over hand-made rows (a recorded-like fixture for tests and
 * small scenarios), and `collectRows`, which drains any source into owned columns. Both copy, so
 * neither depends on how long a batch stays valid.
 */
import type { BarBatch, DataIssue, MarketBatch, MarketSource, MarketSourceInfo, QuoteBatch, TradeBatch } from '../types.ts';
import { newBarBatch, newQuoteBatch, newTradeBatch } from '../types.ts';

/** Columns of one data type as plain arrays (owned copies, any length). */
export type BarRows = { readonly [K in Exclude<keyof BarBatch, 'type' | 'length'>]: number[] };
export type TradeRows = { readonly [K in Exclude<keyof TradeBatch, 'type' | 'length'>]: number[] };
export type QuoteRows = { readonly [K in Exclude<keyof QuoteBatch, 'type' | 'length'>]: number[] };
export type Rows =
  | ({ readonly type: 'bar' } & BarRows)
  | ({ readonly type: 'trade' } & TradeRows)
  | ({ readonly type: 'quote' } & QuoteRows);

const COLUMNS = {
  bar: ['openTimeUs', 'closeTimeUs', 'open', 'high', 'low', 'close', 'volume'],
  trade: ['timeUs', 'price', 'size'],
  quote: ['timeUs', 'bid', 'ask', 'bidSize', 'askSize'],
} as const;

function column(batch: MarketBatch, name: string): Float64Array {
  const c = (batch as unknown as Record<string, Float64Array | undefined>)[name];
  if (c === undefined) throw new Error(`batch of type ${batch.type} has no column ${name}`);
  return c;
}

function emptyRows(type: MarketBatch['type']): Rows {
  const cols: Record<string, number[]> = {};
  for (const name of COLUMNS[type]) cols[name] = [];
  return { type, ...cols } as unknown as Rows;
}

/** Number of rows in `rows` (the length of its first column). */
export function rowCount(rows: Rows): number {
  return rows.type === 'bar' ? rows.openTimeUs.length : rows.timeUs.length;
}

/**
 * Drains `source` into owned columns. Refuses (throws) beyond `rowsMax` rows: this is for small
 * markets, and an unbounded copy of a long one is a bug.
 */
export async function collectRows(source: MarketSource, rowsMax = 10_000_000): Promise<Rows> {
  const rows = emptyRows(source.info.dataType);
  const cols = rows as unknown as Record<string, number[]>;
  let total = 0;
  for (let batch = await source.next(); batch !== null; batch = await source.next()) {
    total += batch.length;
    if (total > rowsMax) throw new RangeError(`collectRows: more than ${rowsMax} rows`);
    for (const name of COLUMNS[batch.type]) {
      const src = column(batch, name);
      const dst = cols[name] ?? [];
      for (let i = 0; i < batch.length; i++) dst.push(src[i] ?? NaN);
    }
  }
  return rows;
}

export interface MemorySourceOptions {
  readonly instrumentId?: string;
  readonly priceDecimals?: number;
  readonly barIntervalUs?: number;
  /** Rows per batch: small values exercise batch boundaries. */
  readonly batchRows?: number;
  /** When true, `next()` returns promises, as a file loader may. */
  readonly async?: boolean;
  readonly issues?: readonly DataIssue[];
}

/** A MarketSource over in-memory rows. Each `next()` fills a fresh batch: batches stay valid. */
export class MemorySource implements MarketSource {
  readonly info: MarketSourceInfo;
  readonly issues: readonly DataIssue[];
  private readonly rows: Rows;
  private readonly batchRows: number;
  private readonly isAsync: boolean;
  private offset = 0;

  constructor(rows: Rows, options: MemorySourceOptions = {}) {
    this.rows = rows;
    this.batchRows = options.batchRows ?? 4096;
    if (!Number.isInteger(this.batchRows) || this.batchRows < 1) throw new RangeError(`batchRows must be a positive integer, got ${this.batchRows}`);
    this.isAsync = options.async ?? false;
    this.issues = options.issues ?? [];
    this.info = {
      instrumentId: options.instrumentId ?? 'MEM',
      dataType: rows.type,
      priceDecimals: options.priceDecimals ?? 2,
      ...(options.barIntervalUs !== undefined ? { barIntervalUs: options.barIntervalUs } : {}),
      files: [],
    };
  }

  next(): MarketBatch | null | Promise<MarketBatch | null> {
    const batch = this.fill();
    return this.isAsync ? Promise.resolve(batch) : batch;
  }

  private fill(): MarketBatch | null {
    const total = rowCount(this.rows);
    if (this.offset >= total) return null;
    const n = Math.min(this.batchRows, total - this.offset);
    const batch = this.rows.type === 'bar' ? newBarBatch(n) : this.rows.type === 'trade' ? newTradeBatch(n) : newQuoteBatch(n);
    const cols = this.rows as unknown as Record<string, number[]>;
    for (const name of COLUMNS[batch.type]) {
      const dst = column(batch, name);
      const src = cols[name] ?? [];
      for (let i = 0; i < n; i++) dst[i] = src[this.offset + i] ?? NaN;
    }
    batch.length = n;
    this.offset += n;
    return batch;
  }
}
