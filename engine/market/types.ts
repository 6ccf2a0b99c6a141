/**
 * Market data types. Prices are fixed-point integers: a price's raw value is the price times
 * 10^priceDecimals of its source (ORCL at 6 decimals: 2.179012 -> 2179012). Comparisons and
 * rolling sums on raw values are exact; money is computed from them in the ledger.
 *
 * Data moves in columnar batches (a few thousand rows each) so that replaying a long market
 * allocates per batch, never per event, and memory stays flat however long the market.
 */
import type { TimeUs } from '../kernel/time.ts';

export type MarketDataType = 'bar' | 'trade' | 'quote';

/** Bars in time order. Row i is the bar [openTimeUs[i], closeTimeUs[i]). Volume 0 means unknown. */
export interface BarBatch {
  readonly type: 'bar';
  length: number;
  readonly openTimeUs: Float64Array;
  readonly closeTimeUs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Trade ticks in time order (several may share a timestamp: file order is kept). */
export interface TradeBatch {
  readonly type: 'trade';
  length: number;
  readonly timeUs: Float64Array;
  readonly price: Float64Array;
  readonly size: Float64Array;
}

/** Top-of-book quotes in time order. Sizes 0 mean unknown. */
export interface QuoteBatch {
  readonly type: 'quote';
  length: number;
  readonly timeUs: Float64Array;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly bidSize: Float64Array;
  readonly askSize: Float64Array;
}

export type MarketBatch = BarBatch | TradeBatch | QuoteBatch;

/** What a source says about itself: enough for the kernel to schedule it and the venue to price it. */
export interface MarketSourceInfo {
  readonly instrumentId: string;
  readonly dataType: MarketDataType;
  /** Raw price = price * 10^priceDecimals. */
  readonly priceDecimals: number;
  /** Bar sources: the bar interval (a daily bar's interval is its session length). */
  readonly barIntervalUs?: number;
  /** Files the source reads, for report hashes; empty for synthetic sources. */
  readonly files: readonly string[];
}

/** A bad row, reported with where it is and what was done about it. Nothing is dropped silently. */
export interface DataIssue {
  readonly file: string;
  /** 1-based line in the file (the header is line 1); in a Parquet file, the 1-based row. */
  readonly line: number;
  /** The column's header name (or its 1-based index when unnamed). */
  readonly column: string;
  readonly reason: DataIssueReason;
  readonly detail: string;
  readonly action: 'rejected' | 'skipped' | 'repaired';
}

export type DataIssueReason =
  | 'not-a-number'
  | 'nan'
  | 'non-positive-price'
  | 'high-below-low'
  | 'ohlc-outside-range'
  | 'out-of-order'
  | 'duplicate-time'
  | 'jump'
  | 'wide-spread'
  | 'crossed-quote'
  | 'bad-time'
  | 'too-many-decimals'
  | 'missing-column'
  | 'extra-fields'
  | 'off-tick'
  | 'no-rows';

/** Per-source policy for bad rows. */
export type BadRowPolicy = 'reject' | 'skip' | 'repair';

/**
 * A stream of market batches from one source (one instrument, one data type). `next()` returns
 * null at the end. A source under the `reject` policy throws `MarketDataError` at the first bad row.
 */
export interface MarketSource {
  readonly info: MarketSourceInfo;
  /** Bad rows found so far (skipped or repaired; a rejected row is in the thrown error). */
  readonly issues: readonly DataIssue[];
  next(): MarketBatch | null | Promise<MarketBatch | null>;
  /** Releases files; safe to call twice. */
  close?(): void | Promise<void>;
  /**
   * About how many rows the whole source holds, once it has handed out its first batch, when it
   * knows without reading on (a cache entry, a Parquet footer, a synthetic market's count);
   * undefined otherwise. A hint for sizing work (where the journal hashes, the equity series'
   * columns): no result depends on it.
   */
  expectedRows?(): number | undefined;
}

/** About how many rows all of `sources` hold (see MarketSource.expectedRows), or undefined when one does not know. */
export function expectedRows(sources: readonly MarketSource[]): number | undefined {
  let rows = 0;
  for (const s of sources) {
    const n = s.expectedRows?.();
    if (n === undefined) return undefined;
    rows += n;
  }
  return rows;
}

/** Bad input in market data under the `reject` policy: carries the location. */
export class MarketDataError extends Error {
  readonly issue: DataIssue;
  constructor(issue: DataIssue) {
    // A file-level issue (no header, no rows) has no column to name.
    super(`${issue.file}:${issue.line}: ${issue.column === '' ? '' : `column ${issue.column}: `}${issue.reason}: ${issue.detail}`);
    this.name = 'MarketDataError';
    this.issue = issue;
  }
}

/** Default rows per batch: large enough to amortise per-batch work, small enough to stay in cache. */
export const BATCH_ROWS = 4096;

export function newBarBatch(capacity = BATCH_ROWS): BarBatch {
  return {
    type: 'bar', length: 0,
    openTimeUs: new Float64Array(capacity), closeTimeUs: new Float64Array(capacity),
    open: new Float64Array(capacity), high: new Float64Array(capacity), low: new Float64Array(capacity),
    close: new Float64Array(capacity), volume: new Float64Array(capacity),
  };
}

export function newTradeBatch(capacity = BATCH_ROWS): TradeBatch {
  return { type: 'trade', length: 0, timeUs: new Float64Array(capacity), price: new Float64Array(capacity), size: new Float64Array(capacity) };
}

export function newQuoteBatch(capacity = BATCH_ROWS): QuoteBatch {
  return {
    type: 'quote', length: 0, timeUs: new Float64Array(capacity), bid: new Float64Array(capacity), ask: new Float64Array(capacity),
    bidSize: new Float64Array(capacity), askSize: new Float64Array(capacity),
  };
}

/** Exact decimal -> raw conversion helper: 10^d for d in 0..9. */
export const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000] as const;

export function priceScale(priceDecimals: number): number {
  const s = POW10[priceDecimals];
  if (s === undefined) throw new RangeError(`priceDecimals must be 0..9, got ${priceDecimals}`);
  return s;
}

/**
 * Largest raw price a generated or rewritten price may take. Above it raw prices would leave the
 * exact integers (and floor(x + 0.5) would stop agreeing with rounding); the venue refuses a fill
 * price that is not a safe integer. Generators and overlays clamp to it, as they floor at 1 tick.
 */
export const RAW_PRICE_MAX = 2 ** 52;

/** A raw price back to a price, for people: price = raw / 10^decimals. */
export function rawToPrice(raw: number, priceDecimals: number): number {
  return raw / priceScale(priceDecimals);
}

export type { TimeUs };
