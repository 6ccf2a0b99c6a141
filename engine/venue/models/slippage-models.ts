/**
 * Slippage models: the price a market-like fill (a market order, a triggered stop) actually gets,
 * from the price the fill model found. Limit fills get no slippage: a limit order never trades
 * past its limit, and the fill model already fills it at its limit or better.
 *
 * Every model moves the price against the order (up for buys, down for sells) by a non-negative
 * amount and leaves it on the instrument's tick grid, rounding against the order; 'none' returns
 * the price as it is. A sell is never pushed to zero or below: it stops at one tick (or at the
 * price itself when that is already below one tick, where no grid price is both positive and not
 * better than it).
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import type { Instrument } from '../../instruments/instrument.ts';
import type { Side } from '../orders.ts';

/** What a slippage model is asked: grows without breaking implementations. */
export interface SlippageParams {
  readonly instrument: Instrument;
  readonly side: Side;
  /** The price the fill model found, raw. */
  readonly priceRaw: number;
  readonly quantityRaw: number;
  /** Volume of the event the fill happens at (bar volume, trade size, touch size), in units; 0: unknown. */
  readonly volume: number;
}

export interface SlippageModel {
  /**
   * True when the model reads `volume`. A bar's volume is known only at its close, so the venue
   * then matches bars at their close event (at the prices of their path, the open included).
   */
  readonly usesVolume?: boolean;
  /** The fill price after slippage, raw: never better for the order than `priceRaw`. */
  adjust(params: SlippageParams): number;
}

export const NO_SLIPPAGE: SlippageModel = { adjust: (p) => p.priceRaw };

/** Smallest multiple of `tickRaw` at or above `priceRaw` (both positive integers). */
export function ceilToTick(priceRaw: number, tickRaw: number): number {
  const r = priceRaw % tickRaw;
  return r === 0 ? priceRaw : priceRaw - r + tickRaw;
}

/** Largest multiple of `tickRaw` at or below `priceRaw` (both positive integers). */
export function floorToTick(priceRaw: number, tickRaw: number): number {
  return priceRaw - (priceRaw % tickRaw);
}

/** A sell price that came out at or below zero: the lowest grid price not better than the market. */
function sellFloor(candidateRaw: number, priceRaw: number, tickRaw: number): number {
  if (candidateRaw > 0) return candidateRaw;
  return tickRaw <= priceRaw ? tickRaw : priceRaw;
}

/**
 * price * (1 +- bpsE2 / 10^6) (bpsE2: hundredths of a basis point), rounded to the tick grid
 * against the order. Exact: BigInt, since price * 10^6 can pass 2^53. Runs per fill, not per event.
 */
function moveByBpsE2(p: SlippageParams, bpsE2: number): number {
  const tick = p.instrument.tickSizeRaw;
  const den = BigInt(tick) * 1_000_000n;
  if (p.side === 1) {
    const num = BigInt(p.priceRaw) * BigInt(1_000_000 + bpsE2);
    return Number((num + den - 1n) / den) * tick;
  }
  const num = BigInt(p.priceRaw) * BigInt(1_000_000 - bpsE2);
  return sellFloor(Number(num / den) * tick, p.priceRaw, tick);
}

/** Basis points with at most two decimals, as an integer count of hundredths. */
function bpsToE2(bps: number, what: string): number {
  const e2 = Math.round(bps * 100);
  if (Math.abs(e2 - bps * 100) > 1e-6) throw new RangeError(`${what}: ${bps} bps has more than 2 decimals`);
  return e2;
}

const NoneSchema = z.strictObject({
  model: z.literal('none').describe('No slippage: fills at the price the fill model found.'),
});

const FixedTicksSchema = z.strictObject({
  model: z.literal('fixed-ticks').describe('A fixed number of ticks against the order.'),
  ticks: z.number().int().nonnegative().max(1_000_000).describe('Ticks added to a buy price and taken off a sell price, per fill.'),
});

const BpsSchema = z.strictObject({
  model: z.literal('bps').describe('A fixed fraction of the price against the order.'),
  bps: z.number().nonnegative().max(5_000).describe('Basis points of the price (1 bps = 0.01%, at most 2 decimals) added to buys and taken off sells, rounded to the tick grid against the order.'),
});

const VolumeSchema = z.strictObject({
  model: z.literal('volume').describe('Market impact growing with the fill size relative to the event volume; none when the volume is unknown (0).'),
  impact: z.enum(['sqrt', 'linear']).default('sqrt').describe("'sqrt': coefficientBps * sqrt(quantity / volume) (the square-root law); 'linear': coefficientBps * quantity / volume."),
  coefficientBps: z.number().nonnegative().max(100_000).describe('Impact in basis points when the fill equals the whole event volume.'),
  maxBps: z.number().nonnegative().max(5_000).default(500).describe('Upper bound on the impact of one fill, basis points.'),
});

export const SlippageModelSchema = z.discriminatedUnion('model', [NoneSchema, FixedTicksSchema, BpsSchema, VolumeSchema])
  .describe('Slippage of market and stop fills: always against the order and on the tick grid; limit fills get none.');
export type SlippageModelConfig = z.input<typeof SlippageModelSchema>;

export class FixedTicksSlippageModel implements SlippageModel {
  private readonly ticks: number;
  constructor(config: Omit<z.input<typeof FixedTicksSchema>, 'model'>) {
    this.ticks = parseMemo(FixedTicksSchema, { ...config, model: 'fixed-ticks' }).ticks;
  }
  adjust(p: SlippageParams): number {
    const tick = p.instrument.tickSizeRaw;
    if (p.side === 1) return ceilToTick(p.priceRaw, tick) + this.ticks * tick;
    return sellFloor(floorToTick(p.priceRaw, tick) - this.ticks * tick, p.priceRaw, tick);
  }
}

export class BpsSlippageModel implements SlippageModel {
  private readonly bpsE2: number;
  constructor(config: Omit<z.input<typeof BpsSchema>, 'model'>) {
    const c = parseMemo(BpsSchema, { ...config, model: 'bps' });
    this.bpsE2 = bpsToE2(c.bps, 'bps slippage');
  }
  adjust(p: SlippageParams): number {
    return moveByBpsE2(p, this.bpsE2);
  }
}

export class VolumeSlippageModel implements SlippageModel {
  readonly usesVolume = true;
  private readonly exponent: number;
  private readonly coefficientBps: number;
  private readonly maxBps: number;
  constructor(config: Omit<z.input<typeof VolumeSchema>, 'model'>) {
    const c = parseMemo(VolumeSchema, { ...config, model: 'volume' });
    this.exponent = c.impact === 'sqrt' ? 0.5 : 1;
    this.coefficientBps = c.coefficientBps;
    this.maxBps = c.maxBps;
  }
  /** Impact in basis points for a fill of `quantity` units against `volume` units (0 when unknown). */
  impactBps(quantity: number, volume: number): number {
    if (!(volume > 0) || !(quantity > 0)) return 0;
    const bps = this.coefficientBps * (quantity / volume) ** this.exponent;
    return bps < this.maxBps ? bps : this.maxBps;
  }
  adjust(p: SlippageParams): number {
    const quantity = p.quantityRaw / 10 ** p.instrument.quantityDecimals;
    // Rounded up to whole hundredths of a bps (a fraction of a hundredth still moves against the
    // order), less a hair so that float noise (10.000000000000002) does not cost a whole hundredth.
    const bpsE2 = Math.max(0, Math.ceil(this.impactBps(quantity, p.volume) * 100 - 1e-6));
    return moveByBpsE2(p, bpsE2);
  }
}

export function createSlippageModel(config: SlippageModelConfig | undefined): SlippageModel {
  if (config === undefined) return NO_SLIPPAGE;
  const c = parseMemo(SlippageModelSchema, config);
  switch (c.model) {
    case 'none': return NO_SLIPPAGE;
    case 'fixed-ticks': return new FixedTicksSlippageModel(c);
    case 'bps': return new BpsSlippageModel(c);
    case 'volume': return new VolumeSlippageModel(c);
  }
}
