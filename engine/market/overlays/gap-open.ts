/**
 * Gap open: from `atUs` on, every price is shifted by gapPercent, so the first event at or after
 * `atUs` opens away from the previous close. Before `atUs` nothing changes.
 */
import { z } from 'zod';
import type { MarketSource } from '../types.ts';
import { parseOverlayParams, timeUsSchema } from './overlay.ts';
import { PriceShapeOverlay, type PriceShape } from './price-shape.ts';

export const gapOpenParamsSchema = z
  .strictObject({
    kind: z.literal('gap-open').describe('All prices shift by gapPercent from atUs on.'),
    atUs: timeUsSchema.describe('When the gap happens, epoch microseconds (UTC); events from then on are shifted.'),
    gapPercent: z.number().gt(-100).max(1000).describe('Shift in percent of the price: -10 gaps down 10%, 5 gaps up 5% (> -100).'),
  })
  .describe('Gap open: a permanent percentage shift of every price from a time on.');

export type GapOpenParams = z.output<typeof gapOpenParamsSchema>;

export function gapOpenShape(p: GapOpenParams): PriceShape {
  const g = 1 + p.gapPercent / 100;
  return {
    fromUs: p.atUs,
    toUs: g === 1 ? p.atUs : Infinity,
    factorAt: (t) => (t >= p.atUs ? g : 1),
    rangeOver(a, b, range) {
      const fa = a >= p.atUs ? g : 1;
      const fb = b >= p.atUs ? g : 1;
      range[0] = Math.min(fa, fb);
      range[1] = Math.max(fa, fb);
    },
  };
}

export function gapOpen(source: MarketSource, params: z.input<typeof gapOpenParamsSchema>): PriceShapeOverlay {
  return new PriceShapeOverlay(source, gapOpenShape(parseOverlayParams(gapOpenParamsSchema, 'gap-open', params)));
}
