/**
 * Allocators turn an instrument's combined signal (target exposure in [-1, 1]) into a target
 * position in raw quantity, rounded toward zero to the instrument's lot size, so that rounding
 * never makes a position larger than asked.
 */
import { z } from 'zod';
import type { Instrument } from '../../instruments/instrument.ts';

export interface AllocationParams {
  readonly instrument: Instrument;
  /** Combined signal in [-1, 1]. */
  readonly target: number;
  /** Account equity in money units, for fraction-of-equity sizing. */
  readonly equity: number;
  readonly moneyDecimals: number;
  /** Last raw price of the instrument (NaN when none yet). */
  readonly priceRaw: number;
}

export interface Allocator {
  targetQuantityRaw(params: AllocationParams): number;
}

export const FixedQuantityAllocatorSchema = z.strictObject({
  kind: z.literal('fixed-quantity'),
  quantity: z.number().positive().describe('Position size at full signal, in shares, contracts or base-currency units.'),
});

export function roundToLot(quantityRaw: number, lotSizeRaw: number): number {
  const lots = Math.trunc(quantityRaw / lotSizeRaw);
  return lots * lotSizeRaw + 0; // + 0 turns -0 into 0
}

export class FixedQuantityAllocator implements Allocator {
  private readonly quantity: number;
  constructor(params: { quantity: number }) {
    if (!(params.quantity > 0)) throw new RangeError(`fixed-quantity allocator: quantity must be positive, got ${params.quantity}`);
    this.quantity = params.quantity;
  }
  targetQuantityRaw(p: AllocationParams): number {
    const raw = Math.round(p.target * this.quantity * 10 ** p.instrument.quantityDecimals);
    return roundToLot(raw, p.instrument.lotSizeRaw);
  }
}
