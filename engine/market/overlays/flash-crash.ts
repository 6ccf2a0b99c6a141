/**
 * Flash crash: from `startUs` prices fall linearly to (1 - dropPercent/100) of themselves over
 * `fallDurationUs`, then recover linearly to their own level over `recoveryDurationUs`. Outside
 * [startUs, startUs + fall + recovery) nothing changes.
 */
import { z } from 'zod';
import type { MarketSource } from '../types.ts';
import { parseOverlayParams, timeUsSchema } from './overlay.ts';
import { PriceShapeOverlay, type PriceShape } from './price-shape.ts';

export const flashCrashParamsSchema = z
  .strictObject({
    kind: z.literal('flash-crash').describe('Prices fall by dropPercent, then recover.'),
    startUs: timeUsSchema.describe('When the fall starts, epoch microseconds (UTC).'),
    dropPercent: z.number().gt(0).lt(100).describe('Depth of the crash at its bottom, in percent of the price (0 < x < 100).'),
    fallDurationUs: z.int().positive().describe('Time from the start to the bottom, in microseconds.'),
    recoveryDurationUs: z.int().positive().describe('Time from the bottom back to the undisturbed price, in microseconds.'),
  })
  .describe('Flash crash: a linear fall to the bottom and a linear recovery, as a factor on every price.');

export type FlashCrashParams = z.output<typeof flashCrashParamsSchema>;

export function flashCrashShape(p: FlashCrashParams): PriceShape {
  const depth = p.dropPercent / 100;
  const bottomUs = p.startUs + p.fallDurationUs;
  const endUs = bottomUs + p.recoveryDurationUs;
  const factorAt = (t: number): number => {
    if (t < p.startUs || t >= endUs) return 1;
    if (t < bottomUs) return 1 - (depth * (t - p.startUs)) / p.fallDurationUs;
    return 1 - depth + (depth * (t - bottomUs)) / p.recoveryDurationUs;
  };
  return {
    fromUs: p.startUs,
    toUs: endUs,
    factorAt,
    // V-shaped: the maximum is at an end of the span, the minimum at the bottom when it is inside.
    rangeOver(a, b, range) {
      const fa = factorAt(a);
      const fb = factorAt(b);
      range[0] = a <= bottomUs && bottomUs <= b ? 1 - depth : Math.min(fa, fb);
      range[1] = Math.max(fa, fb);
    },
  };
}

export function flashCrash(source: MarketSource, params: z.input<typeof flashCrashParamsSchema>): PriceShapeOverlay {
  return new PriceShapeOverlay(source, flashCrashShape(parseOverlayParams(flashCrashParamsSchema, 'flash-crash', params)));
}
