/**
 * Liquidity drought: inside [fromUs, toUs) bar volumes, trade sizes and quote sizes are scaled by
 * `volumeFactor`, and quote spreads widened by `spreadFactor` around the mid (bid rounded down,
 * ask up, so the spread never narrows; bid stays at least one tick, and ask at most RAW_PRICE_MAX
 * unless it already was above). Prices of bars and trades are untouched. Volumes are scaled
 * exactly, not rounded: a positive volume stays positive and an unknown one (0) stays unknown. A
 * bar is in the window when it overlaps it.
 */
import { z } from 'zod';
import { RAW_PRICE_MAX, type MarketBatch, type MarketSource } from '../types.ts';
import { batchSpan, Overlay, parseOverlayParams, windowFields, windowOrdered } from './overlay.ts';

export const liquidityDroughtParamsSchema = z
  .strictObject({
    kind: z.literal('liquidity-drought').describe('Volume and depth shrink, spreads widen, inside the window.'),
    ...windowFields,
    volumeFactor: z.number().gt(0).max(1).describe('Multiplier of volumes and sizes inside the window, in (0, 1], e.g. 0.1.'),
    spreadFactor: z.number().min(1).max(1000).default(1).describe('Multiplier of quote spreads inside the window, at least 1.'),
  })
  .superRefine(windowOrdered)
  .describe('Liquidity drought: volumes scaled down and quote spreads widened inside a window.');

export type LiquidityDroughtParams = z.output<typeof liquidityDroughtParamsSchema>;

export class LiquidityDroughtOverlay extends Overlay {
  readonly params: LiquidityDroughtParams;

  constructor(inner: MarketSource, params: z.input<typeof liquidityDroughtParamsSchema>) {
    super(inner);
    this.params = parseOverlayParams(liquidityDroughtParamsSchema, 'liquidity-drought', params);
  }

  protected apply(batch: MarketBatch): MarketBatch {
    const { fromUs, toUs, volumeFactor: f, spreadFactor: s } = this.params;
    const { first, last } = batchSpan(batch);
    if (last < fromUs || first >= toUs) return batch;
    const out = this.copyOf(batch);
    if (out.type === 'bar') {
      for (let i = 0; i < out.length; i++) {
        if ((out.openTimeUs[i] ?? 0) < toUs && (out.closeTimeUs[i] ?? 0) > fromUs) out.volume[i] = (out.volume[i] ?? 0) * f;
      }
    } else if (out.type === 'trade') {
      for (let i = 0; i < out.length; i++) {
        const t = out.timeUs[i] ?? 0;
        if (t >= fromUs && t < toUs) out.size[i] = (out.size[i] ?? 0) * f;
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        const t = out.timeUs[i] ?? 0;
        if (t < fromUs || t >= toUs) continue;
        out.bidSize[i] = (out.bidSize[i] ?? 0) * f;
        out.askSize[i] = (out.askSize[i] ?? 0) * f;
        const bid = out.bid[i] ?? 0;
        const ask = out.ask[i] ?? 0;
        if (s === 1 || !(bid > 0) || !(ask >= bid)) continue;
        // mid and half-spread are exact halves of integers, so s = 1 would reproduce bid and ask.
        const mid = (bid + ask) / 2;
        const half = ((ask - bid) / 2) * s;
        out.bid[i] = Math.max(1, Math.floor(mid - half));
        // Capped at RAW_PRICE_MAX (a wide factor on a high price would leave the exact integers),
        // but never below the ask it widens.
        out.ask[i] = Math.max(ask, Math.min(RAW_PRICE_MAX, Math.ceil(mid + half)));
      }
    }
    return out;
  }
}

export function liquidityDrought(source: MarketSource, params: z.input<typeof liquidityDroughtParamsSchema>): LiquidityDroughtOverlay {
  return new LiquidityDroughtOverlay(source, params);
}
