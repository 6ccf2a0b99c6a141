/**
 * A source whose every price is multiplied by a whole number: the same market quoted k times
 * higher (metamorphic testing: scaling prices by k must scale PnL by k and keep the trades).
 * Raw prices are integers, so raw * k is exact; times, volumes and sizes pass through unchanged,
 * as do the inner source's issues, halt windows and `close` (it is an Overlay, see overlay.ts).
 * A price that would pass RAW_PRICE_MAX is a NumericRangeError, never clamped: a clamped price
 * is no longer k times the original, and the caller would compare two different markets.
 */
import { NumericRangeError } from '../kernel/errors.ts';
import { Overlay } from './overlays/overlay.ts';
import { RAW_PRICE_MAX, type MarketBatch, type MarketSource } from './types.ts';

export class ScaledPriceSource extends Overlay {
  readonly factor: number;

  constructor(inner: MarketSource, factor: number) {
    super(inner);
    if (!Number.isSafeInteger(factor) || factor < 1) throw new RangeError(`price scale must be a whole number >= 1, got ${factor}`);
    this.factor = factor;
  }

  protected apply(batch: MarketBatch): MarketBatch {
    if (this.factor === 1) return batch;
    const out = this.copyOf(batch);
    if (out.type === 'bar') {
      for (const column of [out.open, out.high, out.low, out.close]) this.scale(column, out.length, out.closeTimeUs);
    } else if (out.type === 'trade') {
      this.scale(out.price, out.length, out.timeUs);
    } else {
      this.scale(out.bid, out.length, out.timeUs);
      this.scale(out.ask, out.length, out.timeUs);
    }
    return out;
  }

  /** Multiplies the first n prices; an unknown price (<= 0, NaN) is kept as it is. */
  private scale(prices: Float64Array, n: number, timeUs: Float64Array): void {
    const k = this.factor;
    for (let i = 0; i < n; i++) {
      const p = prices[i]!;
      if (!(p > 0)) continue;
      const scaled = p * k;
      if (scaled > RAW_PRICE_MAX) {
        throw new NumericRangeError('price', `${this.info.instrumentId}: raw price ${p} x ${k} passes ${RAW_PRICE_MAX}, the largest exact raw price`, { timeUs: timeUs[i] ?? null });
      }
      prices[i] = scaled;
    }
  }
}

/** `source` with every price multiplied by `factor` (a whole number >= 1). */
export function scalePrices(source: MarketSource, factor: number): ScaledPriceSource {
  return new ScaledPriceSource(source, factor);
}
