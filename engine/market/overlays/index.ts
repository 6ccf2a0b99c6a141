/**
 * Market overlays: wrappers MarketSource -> MarketSource that inject a market event (flash crash,
 * gap open, trading halt, volatility spike, liquidity drought) into any source, recorded or
 * synthetic, bars, trades or quotes. One factory validates the parameters (fail fast) and wraps.
 *
 * Every overlay keeps time order, OHLC consistency and prices >= one tick, changes nothing outside
 * its window, passes `info` and `issues` through, and forwards the halt windows of what it wraps.
 * A returned batch is valid until the following `next()` call (see overlay.ts).
 */
import { z } from 'zod';
import type { Rng } from '../../kernel/rng.ts';
import type { MarketSource } from '../types.ts';
import { flashCrashParamsSchema, flashCrashShape } from './flash-crash.ts';
import { gapOpenParamsSchema, gapOpenShape } from './gap-open.ts';
import { HaltOverlay, haltParamsSchema } from './halt.ts';
import { LiquidityDroughtOverlay, liquidityDroughtParamsSchema } from './liquidity-drought.ts';
import { parseOverlayParams, type OverlaySource } from './overlay.ts';
import { PriceShapeOverlay } from './price-shape.ts';
import { VolatilitySpikeOverlay, volatilitySpikeParamsSchema } from './volatility-spike.ts';

export const overlayParamsSchema = z
  .discriminatedUnion('kind', [flashCrashParamsSchema, gapOpenParamsSchema, haltParamsSchema, volatilitySpikeParamsSchema, liquidityDroughtParamsSchema])
  .describe('A market event injected into a source.');

export type OverlayParams = z.output<typeof overlayParamsSchema>;
export type OverlayParamsInput = z.input<typeof overlayParamsSchema>;

/**
 * Wraps `source` in the overlay `params` describes; throws OverlayParamsError on bad parameters.
 * `rng` is accepted for overlays that draw randomness (by convention the run's 'faults' stream);
 * the current kinds are deterministic and draw nothing.
 */
export function applyOverlay(source: MarketSource, params: OverlayParamsInput, _rng?: Rng): OverlaySource {
  const p = parseOverlayParams(overlayParamsSchema, 'market', params);
  switch (p.kind) {
    case 'flash-crash':
      return new PriceShapeOverlay(source, flashCrashShape(p));
    case 'gap-open':
      return new PriceShapeOverlay(source, gapOpenShape(p));
    case 'halt':
      return new HaltOverlay(source, p);
    case 'volatility-spike':
      return new VolatilitySpikeOverlay(source, p);
    case 'liquidity-drought':
      return new LiquidityDroughtOverlay(source, p);
  }
}

/** Applies overlays in order (the first wraps the source, the last is outermost). */
export function applyOverlays(source: MarketSource, list: readonly OverlayParamsInput[], rng?: Rng): MarketSource {
  let s: MarketSource = source;
  for (const params of list) s = applyOverlay(s, params, rng);
  return s;
}

export { flashCrash, flashCrashParamsSchema, type FlashCrashParams } from './flash-crash.ts';
export { gapOpen, gapOpenParamsSchema, type GapOpenParams } from './gap-open.ts';
export { halt, HaltOverlay, haltParamsSchema, type HaltParams } from './halt.ts';
export { volatilitySpike, VolatilitySpikeOverlay, volatilitySpikeParamsSchema, type VolatilitySpikeParams } from './volatility-spike.ts';
export { liquidityDrought, LiquidityDroughtOverlay, liquidityDroughtParamsSchema, type LiquidityDroughtParams } from './liquidity-drought.ts';
export { PriceShapeOverlay, type PriceShape } from './price-shape.ts';
export { isHalted } from '../halts.ts';
export { haltWindowsOf, Overlay, OverlayParamsError, type HaltWindow, type OverlaySource } from './overlay.ts';
