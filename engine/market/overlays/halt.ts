/**
 * Trading halt: no data in [fromUs, toUs). Trades and quotes inside are dropped; a bar is dropped
 * when it overlaps the window at all (a bar straddling the halt would report prices from inside
 * it). The window is exposed as data (`haltWindows`, inner halts included) so a venue can refuse
 * orders during it.
 */
import { z } from 'zod';
import type { MarketBatch, MarketSource } from '../types.ts';
import { batchSpan, Overlay, parseOverlayParams, windowFields, windowOrdered, type HaltWindow } from './overlay.ts';

export const haltParamsSchema = z
  .strictObject({
    kind: z.literal('halt').describe('No market data, and no trading, inside the window.'),
    ...windowFields,
  })
  .superRefine(windowOrdered)
  .describe('Trading halt: events inside [fromUs, toUs) are removed and the window is published for the venue.');

export type HaltParams = z.output<typeof haltParamsSchema>;

export class HaltOverlay extends Overlay {
  readonly window: HaltWindow;
  private windows: readonly HaltWindow[] | null = null;

  constructor(inner: MarketSource, params: z.input<typeof haltParamsSchema>) {
    super(inner);
    const p = parseOverlayParams(haltParamsSchema, 'halt', params);
    this.window = { fromUs: p.fromUs, toUs: p.toUs };
  }

  /** The inner source's halts, then this one (computed once: a venue may ask on every order). */
  override get haltWindows(): readonly HaltWindow[] {
    this.windows ??= [...super.haltWindows, this.window];
    return this.windows;
  }

  protected apply(batch: MarketBatch): MarketBatch | null {
    const { fromUs, toUs } = this.window;
    const { first, last } = batchSpan(batch);
    if (last < fromUs || first >= toUs) return batch;
    const out = this.copyOf(batch);
    let kept = 0;
    // Compacts in place: row i moves to row `kept` <= i, so nothing is overwritten before it is read.
    if (out.type === 'bar') {
      for (let i = 0; i < out.length; i++) {
        if ((out.openTimeUs[i] ?? 0) < toUs && (out.closeTimeUs[i] ?? 0) > fromUs) continue;
        if (kept !== i) {
          out.openTimeUs[kept] = out.openTimeUs[i] ?? 0;
          out.closeTimeUs[kept] = out.closeTimeUs[i] ?? 0;
          out.open[kept] = out.open[i] ?? 0;
          out.high[kept] = out.high[i] ?? 0;
          out.low[kept] = out.low[i] ?? 0;
          out.close[kept] = out.close[i] ?? 0;
          out.volume[kept] = out.volume[i] ?? 0;
        }
        kept++;
      }
    } else if (out.type === 'trade') {
      for (let i = 0; i < out.length; i++) {
        const t = out.timeUs[i] ?? 0;
        if (t >= fromUs && t < toUs) continue;
        out.timeUs[kept] = t;
        out.price[kept] = out.price[i] ?? 0;
        out.size[kept] = out.size[i] ?? 0;
        kept++;
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        const t = out.timeUs[i] ?? 0;
        if (t >= fromUs && t < toUs) continue;
        out.timeUs[kept] = t;
        out.bid[kept] = out.bid[i] ?? 0;
        out.ask[kept] = out.ask[i] ?? 0;
        out.bidSize[kept] = out.bidSize[i] ?? 0;
        out.askSize[kept] = out.askSize[i] ?? 0;
        kept++;
      }
    }
    out.length = kept;
    return kept > 0 ? out : null;
  }
}

export function halt(source: MarketSource, params: z.input<typeof haltParamsSchema>): HaltOverlay {
  return new HaltOverlay(source, params);
}
