/**
 * The market as simulated providers serve it: per (instrument, kind) one columnar stream sorted by
 * item time (a bar's close time, a tick's time), and queries "as of" a virtual time that never
 * return an item whose time is later than that instant (a bar has happened at t iff its close
 * time <= t). Lookups are binary searches on the time column; a query allocates only the items it
 * returns.
 *
 * Several sources of one (instrument, kind) are merged; rows with equal times keep their order
 * (sources in the order given, rows in source order), so the timeline is a pure function of its
 * sources.
 */
import type { BarItem, ItemOf, MarketBatch, MarketDataType, MarketSource, QuoteItem, StreamKind, TradeItem } from '../../../engine/index.ts';

/** Most items one query returns: the dialects' list schemas allow no more. */
export const ITEMS_PER_QUERY_MAX = 10_000;

const KIND_OF: Record<MarketDataType, StreamKind> = { bar: 'bars', quote: 'quotes', trade: 'trades' };

/** One sorted stream. `cols` holds the item fields column by column, in the order of `FIELDS`. */
interface Stream {
  readonly kind: StreamKind;
  readonly priceDecimals: number;
  /** Item times (bars: close time), ascending. */
  readonly timeUs: Float64Array;
  readonly cols: readonly Float64Array[];
  readonly length: number;
}

const FIELDS = {
  bars: ['openTimeUs', 'closeTimeUs', 'open', 'high', 'low', 'close', 'volume'],
  quotes: ['timeUs', 'bid', 'ask', 'bidSize', 'askSize'],
  trades: ['timeUs', 'price', 'size'],
} as const;

/** Columns of one (instrument, kind) while draining, in arrival order, before sorting. */
interface Pending {
  readonly kind: StreamKind;
  readonly priceDecimals: number;
  cols: Float64Array[];
  length: number;
}

/** The batch's columns in the order of `FIELDS`. */
function batchCols(batch: MarketBatch): Float64Array[] {
  if (batch.type === 'bar') return [batch.openTimeUs, batch.closeTimeUs, batch.open, batch.high, batch.low, batch.close, batch.volume];
  if (batch.type === 'quote') return [batch.timeUs, batch.bid, batch.ask, batch.bidSize, batch.askSize];
  return [batch.timeUs, batch.price, batch.size];
}

/** Appends a batch's rows to the pending columns, doubling their capacity when full. */
function append(p: Pending, batch: MarketBatch): void {
  const src = batchCols(batch);
  const need = p.length + batch.length;
  if (need > (p.cols[0]?.length ?? 0)) {
    const capacity = Math.max(need, 2 * (p.cols[0]?.length ?? 0), 1024);
    p.cols = src.map((_, c) => {
      const grown = new Float64Array(capacity);
      if (p.cols[c] !== undefined) grown.set(p.cols[c]!.subarray(0, p.length));
      return grown;
    });
  }
  for (let c = 0; c < src.length; c++) p.cols[c]!.set(src[c]!.subarray(0, batch.length), p.length);
  p.length = need;
}

/** Bounds the draining of one source: a source that never ends is a bug, not a market. */
const BATCHES_PER_SOURCE_MAX = 10_000_000;

export class ProviderTimeline {
  /** symbol -> kind -> stream. */
  private readonly streams: Map<string, Map<StreamKind, Stream>>;

  private constructor(streams: Map<string, Map<StreamKind, Stream>>) {
    this.streams = streams;
  }

  /**
   * Drains the sources (the caller opens fresh ones and closes them after) into a timeline.
   * Throws when two sources of one (instrument, kind) disagree on price decimals, or a time is
   * not a safe integer.
   */
  static async fromSources(sources: readonly MarketSource[]): Promise<ProviderTimeline> {
    const pending = new Map<string, Pending>();
    for (const source of sources) {
      const { instrumentId, dataType, priceDecimals } = source.info;
      const kind = KIND_OF[dataType];
      const key = `${kind}\0${instrumentId}`;
      let p = pending.get(key);
      if (p === undefined) {
        p = { kind, priceDecimals, cols: [], length: 0 };
        pending.set(key, p);
      } else if (p.priceDecimals !== priceDecimals) {
        throw new RangeError(`provider timeline: ${instrumentId} ${kind} comes at ${p.priceDecimals} and ${priceDecimals} price decimals`);
      }
      for (let n = 0; ; n++) {
        if (n >= BATCHES_PER_SOURCE_MAX) throw new Error(`provider timeline: ${instrumentId} ${kind} did not end within ${BATCHES_PER_SOURCE_MAX} batches`);
        const batch = await source.next();
        if (batch === null) break;
        append(p, batch);
      }
    }
    const streams = new Map<string, Map<StreamKind, Stream>>();
    for (const [key, p] of pending) {
      const symbol = key.slice(key.indexOf('\0') + 1);
      const timeCol = p.kind === 'bars' ? 1 : 0;
      const n = p.length;
      const time = p.cols[timeCol] ?? new Float64Array(0);
      for (let i = 0; i < n; i++) {
        if (!Number.isSafeInteger(time[i])) throw new RangeError(`provider timeline: ${symbol} ${p.kind} row ${i} has time ${time[i]}, not integer microseconds`);
      }
      // Sort a permutation by (time, arrival): equal times keep source order.
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => time[a]! - time[b]! || a - b);
      const cols = FIELDS[p.kind].map((_, c) => {
        const out = new Float64Array(n);
        const src = p.cols[c];
        if (src !== undefined) for (let i = 0; i < n; i++) out[i] = src[order[i]!]!;
        return out;
      });
      const timeUs = cols[timeCol]!;
      let bySymbol = streams.get(symbol);
      if (bySymbol === undefined) streams.set(symbol, (bySymbol = new Map()));
      bySymbol.set(p.kind, { kind: p.kind, priceDecimals: p.priceDecimals, timeUs, cols, length: n });
    }
    return new ProviderTimeline(streams);
  }

  has(kind: StreamKind, symbol: string): boolean {
    return this.stream(kind, symbol) !== undefined;
  }

  /** Price decimals of a stream; null when the timeline has no such stream. */
  priceDecimals(kind: StreamKind, symbol: string): number | null {
    return this.stream(kind, symbol)?.priceDecimals ?? null;
  }

  /** Items with time > afterUs (null: from the start) and <= asOfUs, the first 10,000 of them. */
  after<K extends StreamKind>(kind: K, symbol: string, afterUs: number | null, asOfUs: number): ItemOf[K][] {
    const s = this.stream(kind, symbol);
    if (s === undefined) return [];
    const lo = afterUs === null ? 0 : upperBound(s.timeUs, s.length, afterUs);
    const hi = Math.min(upperBound(s.timeUs, s.length, asOfUs), lo + ITEMS_PER_QUERY_MAX);
    return items(s, lo, hi) as ItemOf[K][];
  }

  /** Time of the first item after afterUs (null: the first item), whatever its time; null when none. */
  nextTimeAfter(kind: StreamKind, symbol: string, afterUs: number | null): number | null {
    const s = this.stream(kind, symbol);
    if (s === undefined) return null;
    const i = afterUs === null ? 0 : upperBound(s.timeUs, s.length, afterUs);
    return i < s.length ? s.timeUs[i]! : null;
  }

  /** Items with fromUs <= time <= min(toUs, asOfUs), the first 10,000 of them. */
  range<K extends StreamKind>(kind: K, symbol: string, fromUs: number, toUs: number, asOfUs: number): ItemOf[K][] {
    const s = this.stream(kind, symbol);
    if (s === undefined) return [];
    const lo = lowerBound(s.timeUs, s.length, fromUs);
    const hi = Math.max(lo, Math.min(upperBound(s.timeUs, s.length, Math.min(toUs, asOfUs)), lo + ITEMS_PER_QUERY_MAX));
    return items(s, lo, hi) as ItemOf[K][];
  }

  /** The last item with time <= asOfUs (of equal times, the last in source order); null when none. */
  latest<K extends StreamKind>(kind: K, symbol: string, asOfUs: number): ItemOf[K] | null {
    const s = this.stream(kind, symbol);
    if (s === undefined) return null;
    const i = upperBound(s.timeUs, s.length, asOfUs) - 1;
    return i < 0 ? null : (item(s, i) as ItemOf[K]);
  }

  /** How many items the stream holds (0 when absent). */
  size(kind: StreamKind, symbol: string): number {
    return this.stream(kind, symbol)?.length ?? 0;
  }

  /** Every (symbol, kind) the timeline holds, sorted. */
  streamKeys(): { symbol: string; kind: StreamKind }[] {
    const out: { symbol: string; kind: StreamKind }[] = [];
    for (const [symbol, byKind] of this.streams) for (const kind of byKind.keys()) out.push({ symbol, kind });
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }

  private stream(kind: StreamKind, symbol: string): Stream | undefined {
    return this.streams.get(symbol)?.get(kind);
  }
}

/** First index in [0, n) whose time is > t (n when none). */
function upperBound(times: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [0, n) whose time is >= t (n when none). */
function lowerBound(times: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function items(s: Stream, lo: number, hi: number): (BarItem | QuoteItem | TradeItem)[] {
  const out = new Array<BarItem | QuoteItem | TradeItem>(Math.max(0, hi - lo));
  for (let i = lo; i < hi; i++) out[i - lo] = item(s, i);
  return out;
}

function item(s: Stream, i: number): BarItem | QuoteItem | TradeItem {
  const c = s.cols;
  if (s.kind === 'bars') {
    return { openTimeUs: c[0]![i]!, closeTimeUs: c[1]![i]!, openRaw: c[2]![i]!, highRaw: c[3]![i]!, lowRaw: c[4]![i]!, closeRaw: c[5]![i]!, volume: c[6]![i]! } satisfies BarItem;
  }
  if (s.kind === 'quotes') return { timeUs: c[0]![i]!, bidRaw: c[1]![i]!, askRaw: c[2]![i]!, bidSize: c[3]![i]!, askSize: c[4]![i]! } satisfies QuoteItem;
  return { timeUs: c[0]![i]!, priceRaw: c[1]![i]!, size: c[2]![i]! } satisfies TradeItem;
}
