/**
 * The market feed: merges the run's sources into one time-ordered stream for the kernel.
 * A bar becomes two events: its open (only the open price, at the bar's open time, so that fills
 * can use it) and, at its close time, the whole bar. Nothing about a bar is visible before its
 * close: that is how look-ahead is ruled out by construction.
 *
 * Ties between sources at one instant go to the lower source index (the order the scenario lists
 * them); within a source, file order is kept.
 */
import type { BurstGate, ExternalStream } from '../kernel/kernel.ts';
import type { BarBatch, MarketBatch, MarketSource, QuoteBatch, TradeBatch } from './types.ts';

/** Receives the feed's events. Each call may return a promise (async stacks). */
export interface MarketSink {
  /**
   * A bar's open, at its open time: read `openTimeUs[row]` and `open[row]` of the batch (the feed
   * passes no times: a time passed to a call is boxed on every event).
   */
  onBarOpen(source: number, batch: BarBatch, row: number): void | Promise<void>;
  onBar(source: number, batch: BarBatch, row: number): void | Promise<void>;
  onTrade(source: number, batch: TradeBatch, row: number): void | Promise<void>;
  onQuote(source: number, batch: QuoteBatch, row: number): void | Promise<void>;
}

interface Cursor {
  readonly source: MarketSource;
  batch: MarketBatch | null;
  row: number;
  /** Bars: 0 when the open is next, 1 when the close is next. */
  phase: number;
  done: boolean;
}

export interface MarketFeedOptions {
  /** Deliver each bar's open as its own event (default true). */
  barOpenEvents?: boolean;
}

export class MarketFeed implements ExternalStream {
  private readonly cursors: Cursor[];
  private readonly sink: MarketSink;
  private readonly openEvents: boolean;
  private next = -1;
  /** Events dispatched per source, for reports. */
  readonly dispatched: number[];

  constructor(sources: readonly MarketSource[], sink: MarketSink, options: MarketFeedOptions = {}) {
    if (sources.length === 0) throw new RangeError('market feed: no sources');
    if (sources.length > 255) throw new RangeError('market feed: at most 255 sources');
    this.cursors = sources.map((source) => ({ source, batch: null, row: 0, phase: 0, done: false }));
    this.sink = sink;
    this.openEvents = options.barOpenEvents ?? true;
    this.dispatched = sources.map(() => 0);
  }

  /** The next event's time, written by peek() (see ExternalStream: a returned time is boxed). */
  readonly nextUs = new Float64Array(1);

  peek(): void {
    const cs = this.cursors;
    let best = Number.POSITIVE_INFINITY;
    let bestIndex = -1;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c.done) continue;
      const b = c.batch;
      if (b === null) {
        this.nextUs[0] = Number.NaN;
        return;
      }
      const t = b.type === 'bar' ? (c.phase === 0 ? b.openTimeUs[c.row]! : b.closeTimeUs[c.row]!) : b.timeUs[c.row]!;
      if (t < best) { best = t; bestIndex = i; }
    }
    this.next = bestIndex;
    this.nextUs[0] = best;
  }

  async load(): Promise<void> {
    for (const c of this.cursors) {
      // Bounded: a source returning empty batches forever is a bug.
      for (let attempt = 0; !c.done && c.batch === null; attempt++) {
        if (attempt > 1_000_000) throw new Error(`source ${c.source.info.instrumentId}: no data after 1e6 empty batches`);
        const b = await c.source.next();
        if (b === null) c.done = true;
        else if (b.length > 0) { c.batch = b; c.row = 0; c.phase = this.openEvents ? 0 : 1; }
      }
    }
  }

  dispatch(): void | Promise<void> {
    const i = this.next;
    const c = this.cursors[i]!;
    const b = c.batch!;
    const row = c.row;
    this.dispatched[i]!++;
    if (b.type === 'bar') {
      if (c.phase === 0) {
        c.phase = 1;
        return this.sink.onBarOpen(i, b, row);
      }
      this.advance(c, b.length);
      return this.sink.onBar(i, b, row);
    }
    this.advance(c, b.length);
    return b.type === 'trade' ? this.sink.onTrade(i, b, row) : this.sink.onQuote(i, b, row);
  }

  /**
   * The bars of a lone source's batch in a row, open and close, without searching the sources for
   * each event (Kernel.burst's fast path). With more sources, or between batches, it runs nothing
   * and the kernel goes on event by event.
   */
  runBurst(gate: BurstGate): void {
    if (this.cursors.length !== 1) return;
    const c = this.cursors[0]!;
    const b = c.batch;
    if (b === null || b.type !== 'bar') return;
    const sink = this.sink;
    const dispatched = this.dispatched;
    const closePhase = this.openEvents ? 0 : 1;
    const length = b.length;
    const nextUs = this.nextUs;
    for (let row = c.row; row < length; row = c.row) {
      if (c.phase === 0) {
        nextUs[0] = b.openTimeUs[row]!;
        if (!gate.enter()) return;
        c.phase = 1;
        dispatched[0]!++;
        if (!gate.leave(sink.onBarOpen(0, b, row))) return;
      }
      nextUs[0] = b.closeTimeUs[row]!;
      if (!gate.enter()) return;
      c.row = row + 1;
      c.phase = closePhase;
      if (row + 1 >= length) c.batch = null;
      dispatched[0]!++;
      if (!gate.leave(sink.onBar(0, b, row))) return;
    }
  }

  /** Steps past the current row; the batch stays readable until the next load. */
  private advance(c: Cursor, length: number): void {
    c.row++;
    c.phase = this.openEvents ? 0 : 1;
    if (c.row >= length) c.batch = null;
  }
}
