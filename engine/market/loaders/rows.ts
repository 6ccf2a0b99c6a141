/**
 * Row checks and columnar writes, one sink per data type. A sink validates a parsed CSV record,
 * applies the bad-row policy through its IssueLog, and appends accepted rows to its batch.
 *
 * Checks, in order (the first problem that drops a row is the one reported for it):
 *   the row's shape (missing-column or extra-fields: every row has exactly the header's fields),
 *   bad-time, out-of-order / duplicate-time, price fields (not-a-number, nan, too-many-decimals,
 *   off-tick, non-positive-price), then per type: bars high-below-low and ohlc-outside-range, then
 *   the declared Adj Close (parsed whether or not it is the close: a declared column must parse);
 *   quotes crossed-quote and wide-spread; sizes; finally jump.
 * A row with a field more or less than the header is malformed even when the fields the mapping
 * reads are all there: a stray delimiter (a thousands separator, an unquoted comma) shifts fields,
 * so what sits under a declared column may not be what the header says.
 * Tick grid: when the source is given the instrument's tick size, every traded price the file
 * writes (O/H/L/C, trade price, bid, ask; not the computed Adj Close) must be a multiple of it.
 * Order and jumps are measured against the last ACCEPTED row: a skipped row never becomes the
 * reference, so one spike is one bad row (its return to the old level is not a second jump). The
 * flip side: a genuine level shift beyond maxJumpPct flags every later row until prices come
 * back, so maxJumpPct must sit above the largest genuine move (the issues list makes it visible).
 *
 * Repairs (policy 'repair'): too-many-decimals rounds half-even to the declared precision, and
 * off-tick to the nearest tick (rounding is monotonic, so it never breaks Low <= Open <= High);
 * high-below-low swaps High and Low (the columns were exchanged); an Open or Close outside
 * [Low, High] is clamped to the nearer bound (High and Low are the range the bar is known to
 * have traded in); a bad size or volume becomes 0 (unknown). Everything else has no sound repair.
 */
import { formatTimeUs } from '../../kernel/time.ts';
import type { BarBatch, MarketBatch, QuoteBatch, TradeBatch } from '../types.ts';
import { newBarBatch, newQuoteBatch, newTradeBatch, priceScale } from '../types.ts';
import type { DecimalOut } from './decimal.ts';
import {
  DEC_EMPTY, DEC_NAN, DEC_OK, DEC_OUT_OF_RANGE, DEC_TOO_MANY_DECIMALS, formatFixed, parseFixed, parseSize, scaleRatioHalfEven,
} from './decimal.ts';
import type { IssueLog } from './issues.ts';
import type { Column, TimeReader } from './time-reader.ts';

/** A source's tick size in raw units (default 1), refused at construction unless a positive integer. */
export function checkedTickSizeRaw(tickSizeRaw: number | undefined): number {
  const v = tickSizeRaw ?? 1;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`tickSizeRaw must be a positive integer, got ${v}`);
  return v;
}

export interface SinkSettings {
  readonly log: IssueLog;
  readonly time: TimeReader;
  readonly priceDecimals: number;
  readonly maxJumpPct: number | undefined;
  /** The header's fields: every row must have exactly as many. */
  readonly header: readonly string[];
  /** The instrument's tick size in raw units; 1 (the default) accepts every price. */
  readonly tickSizeRaw: number;
}

export abstract class RowSink<B extends MarketBatch> {
  batch: B;
  protected readonly log: IssueLog;
  protected readonly time: TimeReader;
  protected readonly decimals: number;
  private readonly scale: number;
  private readonly maxJumpPct: number;
  private readonly dec: DecimalOut = { raw: 0 };
  private readonly header: readonly string[];
  private readonly tickRaw: number;
  protected lastTimeUs = -Infinity;
  /** The last accepted row's reference price (close, trade price, mid), raw; NaN before the first. */
  protected lastRef = Number.NaN;
  private lastLine = 0;

  constructor(s: SinkSettings, batch: B) {
    this.log = s.log;
    this.time = s.time;
    this.decimals = s.priceDecimals;
    this.scale = priceScale(s.priceDecimals);
    this.maxJumpPct = s.maxJumpPct ?? Number.NaN;
    this.header = s.header;
    this.tickRaw = checkedTickSizeRaw(s.tickSizeRaw);
    this.batch = batch;
  }

  abstract newBatch(capacity: number): B;
  /** Checks one record and appends it to the batch when accepted. */
  abstract accept(rec: readonly string[]): void;

  /** False (row dropped, issue recorded) when the record has more or fewer fields than the header. */
  protected hasColumns(rec: readonly string[]): boolean {
    const n = this.header.length;
    if (rec.length === n) return true;
    if (rec.length > n) {
      return this.log.bad(String(n + 1), 'extra-fields', `the row has ${rec.length} fields; the header has ${n}`);
    }
    const name = this.header[rec.length] || String(rec.length + 1);
    return this.log.bad(name, 'missing-column', `the row has ${rec.length} fields; column ${name} is field ${rec.length + 1}`);
  }

  /** False (row dropped) when the row's time does not parse; else `time.timeUs` is set. */
  protected readTime(rec: readonly string[]): boolean {
    return this.time.read(rec) || this.log.bad(this.time.column.name, 'bad-time', this.time.badDetail(rec));
  }

  /**
   * The raw price of a column, or NaN when the row is dropped. `onTickGrid` false: a computed
   * price (Adj Close) that no venue quoted, so no tick grid applies.
   */
  protected price(rec: readonly string[], col: Column, onTickGrid = true): number {
    const s = rec[col.index] ?? '';
    const st = parseFixed(s, this.decimals, this.dec);
    if (st === DEC_TOO_MANY_DECIMALS) {
      const repair = `rounded half-even to ${formatFixed(this.dec.raw, this.decimals)}`;
      if (!this.log.fixable(col.name, 'too-many-decimals', `'${s}' has more than ${this.decimals} decimals`, repair)) return Number.NaN;
    } else if (st !== DEC_OK) {
      if (st === DEC_NAN) this.log.bad(col.name, 'nan', `'${s}' is NaN`);
      else if (st === DEC_EMPTY) this.log.bad(col.name, 'not-a-number', 'empty price');
      else if (st === DEC_OUT_OF_RANGE) this.log.bad(col.name, 'not-a-number', `'${s}' is beyond 2^53 at ${this.decimals} decimals`);
      else this.log.bad(col.name, 'not-a-number', `'${s}' is not a decimal number`);
      return Number.NaN;
    }
    let raw = this.dec.raw;
    const tick = this.tickRaw;
    if (onTickGrid && tick !== 1 && raw % tick !== 0) {
      const to = roundToTickHalfEven(raw, tick);
      const detail = `'${s}' is not a multiple of the tick size ${formatFixed(tick, this.decimals)}`;
      // The nearest tick can be past 2^53, where no repair is exact.
      if (to > Number.MAX_SAFE_INTEGER) {
        this.log.bad(col.name, 'off-tick', `${detail}, and the nearest tick is beyond 2^53 at ${this.decimals} decimals`);
        return Number.NaN;
      }
      if (!this.log.fixable(col.name, 'off-tick', detail, `rounded half-even to ${formatFixed(to, this.decimals)}`)) return Number.NaN;
      raw = to;
    }
    if (raw <= 0) {
      this.log.bad(col.name, 'non-positive-price', `'${s}' is not above 0`);
      return Number.NaN;
    }
    return raw;
  }

  /** A size or volume (0 when the column is not declared), or NaN when the row is dropped. */
  protected size(rec: readonly string[], col: Column | null): number {
    if (col === null) return 0;
    const s = rec[col.index] ?? '';
    const st = parseSize(s, this.dec);
    if (st === DEC_OK) return this.dec.raw;
    const detail = st === DEC_EMPTY ? 'empty size' : st === DEC_OUT_OF_RANGE ? `'${s}' is beyond the largest number` : `'${s}' is not a non-negative number`;
    return this.log.fixable(col.name, st === DEC_NAN ? 'nan' : 'not-a-number', detail, 'set to 0 (unknown)') ? 0 : Number.NaN;
  }

  /** True when `ref` is within maxJumpPct of the last accepted row's (or there is no check). */
  protected jumpOk(ref: number, column: string, what: string): boolean {
    const last = this.lastRef;
    if (Number.isNaN(this.maxJumpPct) || Number.isNaN(last)) return true;
    const pct = (Math.abs(ref - last) / last) * 100;
    if (pct <= this.maxJumpPct) return true;
    return this.log.bad(column, 'jump',
      `${what} ${this.show(ref)} is ${pct.toFixed(2)}% from ${this.show(last)} at line ${this.lastLine} (the last accepted row), beyond maxJumpPct ${this.maxJumpPct}`);
  }

  /** Order check for rows that may share a timestamp (trades, quotes). */
  protected inOrder(timeUs: number): boolean {
    if (timeUs >= this.lastTimeUs) return true;
    return this.log.bad(this.time.column.name, 'out-of-order',
      `${formatTimeUs(timeUs)} is before ${formatTimeUs(this.lastTimeUs)} at line ${this.lastLine} (the last accepted row)`);
  }

  protected accepted(timeUs: number, ref: number): void {
    this.log.commit();
    this.lastTimeUs = timeUs;
    this.lastRef = ref;
    this.lastLine = this.log.line;
  }

  protected show(raw: number): string {
    return Number.isInteger(raw) ? formatFixed(raw, this.decimals) : String(raw / this.scale);
  }
}

/** `raw` rounded to the nearest multiple of `tick`, a tie to the even multiple. */
export function roundToTickHalfEven(raw: number, tick: number): number {
  const q = Math.floor(raw / tick);
  const r = raw - q * tick;
  const up = 2 * r > tick || (2 * r === tick && q % 2 !== 0);
  return (up ? q + 1 : q) * tick;
}

export interface BarColumns {
  readonly open: Column; readonly high: Column; readonly low: Column; readonly close: Column;
  readonly adjClose: Column | null; readonly volume: Column | null;
}

export class BarSink extends RowSink<BarBatch> {
  private readonly c: BarColumns;
  private readonly useAdjClose: boolean;
  private readonly marksOpen: boolean;
  private readonly intervalUs: number;

  constructor(s: SinkSettings, c: BarColumns, opts: { useAdjClose: boolean; marksOpen: boolean; intervalUs: number }, capacity: number) {
    super(s, newBarBatch(capacity));
    this.c = c;
    this.useAdjClose = opts.useAdjClose;
    this.marksOpen = opts.marksOpen;
    this.intervalUs = opts.intervalUs;
  }

  newBatch(capacity: number): BarBatch { return newBarBatch(capacity); }

  accept(rec: readonly string[]): void {
    const { c, log, time } = this;
    if (!this.hasColumns(rec) || !this.readTime(rec)) return;
    let openUs: number, closeUs: number;
    if (time.calendar !== null) { openUs = time.timeUs; closeUs = time.sessionCloseUs; }
    else if (this.marksOpen) { openUs = time.timeUs; closeUs = openUs + this.intervalUs; }
    else { closeUs = time.timeUs; openUs = closeUs - this.intervalUs; }
    if (openUs <= this.lastTimeUs) {
      log.bad(time.column.name, openUs === this.lastTimeUs ? 'duplicate-time' : 'out-of-order',
        `the bar opening ${formatTimeUs(openUs)} does not follow the last accepted bar, opening ${formatTimeUs(this.lastTimeUs)}`);
      return;
    }
    let o = this.price(rec, c.open); if (Number.isNaN(o)) return;
    let h = this.price(rec, c.high); if (Number.isNaN(h)) return;
    let l = this.price(rec, c.low); if (Number.isNaN(l)) return;
    const fileClose = this.price(rec, c.close); if (Number.isNaN(fileClose)) return;
    let cl = fileClose;
    if (h < l) {
      if (!log.fixable(c.high.name, 'high-below-low', `High ${this.show(h)} < Low ${this.show(l)}`, 'swapped High and Low')) return;
      const t = h; h = l; l = t;
    }
    if (o < l || o > h) {
      const to = o < l ? l : h;
      if (!log.fixable(c.open.name, 'ohlc-outside-range', `Open ${this.show(o)} outside [${this.show(l)}, ${this.show(h)}]`, `clamped to ${this.show(to)}`)) return;
      o = to;
    }
    if (cl < l || cl > h) {
      const to = cl < l ? l : h;
      if (!log.fixable(c.close.name, 'ohlc-outside-range', `Close ${this.show(cl)} outside [${this.show(l)}, ${this.show(h)}]`, `clamped to ${this.show(to)}`)) return;
      cl = to;
    }
    let closeCol = c.close;
    if (c.adjClose !== null) {
      // A declared Adj Close must parse even when the bars carry the plain close: garbage in a
      // declared column is a bad row, not something nobody happened to read.
      const adj = this.price(rec, c.adjClose, false); if (Number.isNaN(adj)) return;
      if (this.useAdjClose) {
        // Adjusted bar: every price times AdjClose/Close (the file's Close), exact and rounded half-even.
        o = scaleRatioHalfEven(o, adj, fileClose);
        h = scaleRatioHalfEven(h, adj, fileClose);
        l = scaleRatioHalfEven(l, adj, fileClose);
        cl = scaleRatioHalfEven(cl, adj, fileClose); // = adj unless Close was clamped
        closeCol = c.adjClose;
        // Scaling is monotonic (l <= o, cl <= h stay), but it can leave the exact range at either
        // end: a Low that rounds to 0 at the declared decimals, a High beyond 2^53.
        if (l < 1 || h > Number.MAX_SAFE_INTEGER) {
          const ratio = `${this.show(adj)}/${this.show(fileClose)}`;
          if (l < 1) log.bad(c.adjClose.name, 'non-positive-price', `adjusting by ${ratio} takes the bar's prices to ${this.show(l)}, not above 0 at ${this.decimals} decimals`);
          else log.bad(c.adjClose.name, 'not-a-number', `adjusting by ${ratio} takes the bar's prices beyond 2^53 at ${this.decimals} decimals`);
          return;
        }
      }
    }
    const v = this.size(rec, c.volume); if (Number.isNaN(v)) return;
    if (!this.jumpOk(cl, closeCol.name, closeCol.name)) return;
    const b = this.batch;
    const i = b.length;
    b.openTimeUs[i] = openUs; b.closeTimeUs[i] = closeUs;
    b.open[i] = o; b.high[i] = h; b.low[i] = l; b.close[i] = cl; b.volume[i] = v;
    b.length = i + 1;
    this.accepted(openUs, cl);
  }
}

export class TradeSink extends RowSink<TradeBatch> {
  private readonly priceCol: Column;
  private readonly sizeCol: Column | null;

  constructor(s: SinkSettings, price: Column, size: Column | null, capacity: number) {
    super(s, newTradeBatch(capacity));
    this.priceCol = price;
    this.sizeCol = size;
  }

  newBatch(capacity: number): TradeBatch { return newTradeBatch(capacity); }

  accept(rec: readonly string[]): void {
    if (!this.hasColumns(rec) || !this.readTime(rec)) return;
    const t = this.time.timeUs;
    if (!this.inOrder(t)) return;
    const p = this.price(rec, this.priceCol); if (Number.isNaN(p)) return;
    const q = this.size(rec, this.sizeCol); if (Number.isNaN(q)) return;
    if (!this.jumpOk(p, this.priceCol.name, this.priceCol.name)) return;
    const b = this.batch;
    const i = b.length;
    b.timeUs[i] = t; b.price[i] = p; b.size[i] = q;
    b.length = i + 1;
    this.accepted(t, p);
  }
}

export interface QuoteColumns {
  readonly bid: Column; readonly ask: Column; readonly bidSize: Column | null; readonly askSize: Column | null;
}

export class QuoteSink extends RowSink<QuoteBatch> {
  private readonly c: QuoteColumns;
  private readonly maxSpreadPct: number;
  private readonly midName: string;

  constructor(s: SinkSettings, c: QuoteColumns, maxSpreadPct: number | undefined, capacity: number) {
    super(s, newQuoteBatch(capacity));
    this.c = c;
    this.maxSpreadPct = maxSpreadPct ?? Number.NaN;
    this.midName = `${c.bid.name}/${c.ask.name}`;
  }

  newBatch(capacity: number): QuoteBatch { return newQuoteBatch(capacity); }

  accept(rec: readonly string[]): void {
    const { c, log } = this;
    if (!this.hasColumns(rec) || !this.readTime(rec)) return;
    const t = this.time.timeUs;
    if (!this.inOrder(t)) return;
    const bid = this.price(rec, c.bid); if (Number.isNaN(bid)) return;
    const ask = this.price(rec, c.ask); if (Number.isNaN(ask)) return;
    if (bid > ask) {
      log.bad(this.midName, 'crossed-quote', `bid ${this.show(bid)} > ask ${this.show(ask)}`);
      return;
    }
    const mid = (bid + ask) / 2;
    const spreadPct = ((ask - bid) / mid) * 100;
    if (spreadPct > this.maxSpreadPct) {
      log.bad(this.midName, 'wide-spread', `spread ${this.show(ask - bid)} is ${spreadPct.toFixed(2)}% of mid ${this.show(mid)}, beyond maxSpreadPct ${this.maxSpreadPct}`);
      return;
    }
    const bq = this.size(rec, c.bidSize); if (Number.isNaN(bq)) return;
    const aq = this.size(rec, c.askSize); if (Number.isNaN(aq)) return;
    if (!this.jumpOk(mid, this.midName, 'mid')) return;
    const b = this.batch;
    const i = b.length;
    b.timeUs[i] = t; b.bid[i] = bid; b.ask[i] = ask; b.bidSize[i] = bq; b.askSize[i] = aq;
    b.length = i + 1;
    this.accepted(t, mid);
  }
}
