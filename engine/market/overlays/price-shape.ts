/**
 * Overlays that multiply prices by a factor depending on time alone (flash crash, gap open).
 *
 * Trades and quotes take the factor at their time. A bar [open, close) takes it at its open for
 * the open price, at its last instant (close - 1 us) for the close, and the factor's minimum and
 * maximum over the bar for its low and high: we cannot know when inside the bar its low was made,
 * so the low is assumed to meet the deepest factor (LEAN's fill models make the same kind of
 * admission about OHLC). Rows whose span has a factor of exactly 1 are copied untouched.
 */
import type { MarketBatch, MarketSource } from '../types.ts';
import { batchSpan, Overlay, roundPrice } from './overlay.ts';

export interface PriceShape {
  /** The factor is exactly 1 before this time... */
  readonly fromUs: number;
  /** ...and from this time on (Infinity for a permanent shift). */
  readonly toUs: number;
  factorAt(t: number): number;
  /** Lowest and highest factor over [a, b], both inclusive, written to range[0] and range[1]. */
  rangeOver(a: number, b: number, range: Float64Array): void;
}

export class PriceShapeOverlay extends Overlay {
  private readonly shape: PriceShape;
  private readonly range = new Float64Array(2);

  constructor(inner: MarketSource, shape: PriceShape) {
    super(inner);
    this.shape = shape;
  }

  protected apply(batch: MarketBatch): MarketBatch {
    const { first, last } = batchSpan(batch);
    if (last < this.shape.fromUs || first >= this.shape.toUs) return batch;
    const out = this.copyOf(batch);
    const shape = this.shape;
    if (out.type === 'bar') {
      const range = this.range;
      for (let i = 0; i < out.length; i++) {
        const a = out.openTimeUs[i] ?? 0;
        const b = Math.max(a, (out.closeTimeUs[i] ?? 0) - 1);
        if (b < shape.fromUs || a >= shape.toUs) continue;
        shape.rangeOver(a, b, range);
        const lowF = range[0] ?? 1;
        const highF = range[1] ?? 1;
        if (lowF === 1 && highF === 1) continue;
        const o = roundPrice(out.open[i] ?? 0, shape.factorAt(a));
        const c = roundPrice(out.close[i] ?? 0, shape.factorAt(b));
        out.open[i] = o;
        out.close[i] = c;
        out.high[i] = Math.max(roundPrice(out.high[i] ?? 0, highF), o, c);
        out.low[i] = Math.max(1, Math.min(roundPrice(out.low[i] ?? 0, lowF), o, c));
      }
    } else if (out.type === 'trade') {
      for (let i = 0; i < out.length; i++) {
        const f = shape.factorAt(out.timeUs[i] ?? 0);
        if (f !== 1) out.price[i] = roundPrice(out.price[i] ?? 0, f);
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        const f = shape.factorAt(out.timeUs[i] ?? 0);
        if (f === 1) continue;
        // Scaling and rounding are monotone, so an uncrossed quote stays uncrossed.
        out.bid[i] = roundPrice(out.bid[i] ?? 0, f);
        out.ask[i] = roundPrice(out.ask[i] ?? 0, f);
      }
    }
    return out;
  }
}
