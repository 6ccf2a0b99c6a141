/**
 * The common shape of a market overlay: a MarketSource wrapping another, rewriting its batches
 * inside a time window and passing through its `info`, `issues`, halt windows and `close`.
 *
 * Batch validity: a batch returned by an overlay's `next()` is valid only until the following
 * `next()` call (it is either the overlay's own reused output batch or, when no row falls in the
 * window, the inner source's batch passed through untouched). Overlays never write into the inner
 * batch, so a source that hands out long-lived batches keeps them intact.
 *
 * Sync in, sync out: when the inner source returns batches directly, so does the overlay; a
 * promise from the inner source makes the overlay's answer a promise.
 */
import { z } from 'zod';
import type { HaltWindow } from '../halts.ts';

export type { HaltWindow };
import { BATCH_ROWS, newBarBatch, newQuoteBatch, newTradeBatch, RAW_PRICE_MAX, type DataIssue, type MarketBatch, type MarketSource, type MarketSourceInfo } from '../types.ts';

/** A period with no market data; a venue refuses orders inside it. */

/** A source that knows the halts applied to it (possibly none). */
export interface OverlaySource extends MarketSource {
  readonly haltWindows: readonly HaltWindow[];
}

/** Halt windows a source exposes, or none for a source that is not an overlay. */
export function haltWindowsOf(source: MarketSource): readonly HaltWindow[] {
  const w = (source as Partial<OverlaySource>).haltWindows;
  return Array.isArray(w) ? w : [];
}


export const timeUsSchema = z.int().min(0);

/** Schema pieces every windowed overlay shares. */
export const windowFields = {
  fromUs: timeUsSchema.describe('Window start, epoch microseconds (UTC), inclusive.'),
  toUs: timeUsSchema.describe('Window end, epoch microseconds (UTC), exclusive; after fromUs.'),
};

/** Refinement: a window must end after it starts. */
export function windowOrdered(p: { fromUs: number; toUs: number }, ctx: z.RefinementCtx): void {
  if (p.toUs <= p.fromUs) ctx.addIssue({ code: 'custom', path: ['toUs'], message: `toUs ${p.toUs} must be after fromUs ${p.fromUs}` });
}

/** Bad overlay parameters: the message lists every problem with its path. */
export class OverlayParamsError extends Error {
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(kind: string, error: z.ZodError) {
    super(`invalid ${kind} overlay parameters:\n${z.prettifyError(error)}`);
    this.name = 'OverlayParamsError';
    this.issues = error.issues;
  }
}

/** Parses overlay parameters or throws OverlayParamsError (fail fast, at construction). */
export function parseOverlayParams<S extends z.ZodType>(schema: S, kind: string, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new OverlayParamsError(kind, r.error);
  return r.data;
}

/** First and last time a batch covers: [open of the first bar, close of the last) or event times. */
export function batchSpan(b: MarketBatch): { first: number; last: number } {
  if (b.type === 'bar') return { first: b.openTimeUs[0] ?? 0, last: (b.closeTimeUs[b.length - 1] ?? 0) - 1 };
  return { first: b.timeUs[0] ?? 0, last: b.timeUs[b.length - 1] ?? 0 };
}

/**
 * Rounds a scaled raw price, keeping it in [1 tick, RAW_PRICE_MAX]; a non-positive input (unknown)
 * is kept. floor(x + 0.5), not Math.round, which V8 compiles to a badly predicted branch (see
 * synthetic/draws.ts roundHalfUp); the two agree on positive values below 2^52.
 */
export function roundPrice(raw: number, factor: number): number {
  if (!(raw > 0)) return raw;
  return clampRawPrice(Math.floor(raw * factor + 0.5));
}

/**
 * Clamps a rounded raw price to [1, RAW_PRICE_MAX]. Overlays compound (a volatility spike of 40
 * over another of 10 raises a 1% move to the power 400), so the ceiling is as real as the floor: a
 * price above it is no longer an exact integer (or is Infinity). Clamping is monotone, so OHLC
 * order and bid <= ask survive it.
 */
export function clampRawPrice(p: number): number {
  return Math.min(RAW_PRICE_MAX, Math.max(1, p));
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

export abstract class Overlay implements OverlaySource {
  readonly info: MarketSourceInfo;
  protected readonly inner: MarketSource;
  private out: MarketBatch | null = null;

  constructor(inner: MarketSource) {
    this.inner = inner;
    this.info = inner.info;
  }

  get issues(): readonly DataIssue[] {
    return this.inner.issues;
  }

  get haltWindows(): readonly HaltWindow[] {
    return haltWindowsOf(this.inner);
  }

  next(): MarketBatch | null | Promise<MarketBatch | null> {
    // Loops only while batches come back empty (every row inside a halt); ends with the source.
    for (;;) {
      const r = this.inner.next();
      if (isPromise(r)) return r.then((b) => this.drainAsync(b));
      if (r === null) return null;
      const out = this.apply(r);
      if (out !== null && out.length > 0) return out;
    }
  }

  close(): void | Promise<void> {
    return this.inner.close?.();
  }

  private async drainAsync(first: MarketBatch | null): Promise<MarketBatch | null> {
    for (let b = first; b !== null; b = await this.inner.next()) {
      const out = this.apply(b);
      if (out !== null && out.length > 0) return out;
    }
    return null;
  }

  /** Rewrites one inner batch (returning it unchanged when the window misses it); null when every row is dropped. */
  protected abstract apply(batch: MarketBatch): MarketBatch | null;

  /** The overlay's own batch, of the input's type and at least its length, holding a copy of its rows. */
  protected copyOf<B extends MarketBatch>(batch: B): B {
    let out = this.out;
    const n = batch.length;
    if (out === null || out.type !== batch.type || capacity(out) < n) {
      const cap = Math.max(n, BATCH_ROWS);
      out = batch.type === 'bar' ? newBarBatch(cap) : batch.type === 'trade' ? newTradeBatch(cap) : newQuoteBatch(cap);
      this.out = out;
    }
    copyRows(batch, out, n);
    out.length = n;
    return out as B;
  }
}

function capacity(b: MarketBatch): number {
  return b.type === 'bar' ? b.open.length : b.type === 'trade' ? b.price.length : b.bid.length;
}

function copyRows(src: MarketBatch, dst: MarketBatch, n: number): void {
  if (src.type === 'bar' && dst.type === 'bar') {
    dst.openTimeUs.set(src.openTimeUs.subarray(0, n));
    dst.closeTimeUs.set(src.closeTimeUs.subarray(0, n));
    dst.open.set(src.open.subarray(0, n));
    dst.high.set(src.high.subarray(0, n));
    dst.low.set(src.low.subarray(0, n));
    dst.close.set(src.close.subarray(0, n));
    dst.volume.set(src.volume.subarray(0, n));
  } else if (src.type === 'trade' && dst.type === 'trade') {
    dst.timeUs.set(src.timeUs.subarray(0, n));
    dst.price.set(src.price.subarray(0, n));
    dst.size.set(src.size.subarray(0, n));
  } else if (src.type === 'quote' && dst.type === 'quote') {
    dst.timeUs.set(src.timeUs.subarray(0, n));
    dst.bid.set(src.bid.subarray(0, n));
    dst.ask.set(src.ask.subarray(0, n));
    dst.bidSize.set(src.bidSize.subarray(0, n));
    dst.askSize.set(src.askSize.subarray(0, n));
  }
}
