/**
 * Fraction of equity: the target notional is fraction x equity x signal, in the account currency,
 * converted to a quantity at the instrument's last price and multiplier, rounded toward zero to
 * whole lots so that the position's notional never exceeds the budget (exactly, in money units).
 * With no equity (<= 0) it targets flat. A signal before any price is a bug in the stack's
 * wiring (it marks prices before agents see a bar) and throws.
 */
import { z } from 'zod';
import { capQuantityRaw, lotsWithinNotional, maxQuantityField, type AllocationParams, type Allocator } from './allocator.ts';

export const FractionOfEquityAllocatorSchema = z.strictObject({
  kind: z.literal('fraction-of-equity').describe('Target notional = fraction x equity x signal, at the last price.'),
  fraction: z.number().positive().max(100).describe('Fraction of equity at full signal (1 = 100% of equity; above 1 is leverage).'),
  maxQuantity: maxQuantityField,
});
export type FractionOfEquityAllocatorConfig = Omit<z.input<typeof FractionOfEquityAllocatorSchema>, 'kind'>;

export class FractionOfEquityAllocator implements Allocator {
  readonly needsEquity = true;
  private readonly fraction: number;
  private readonly maxQuantity: number | undefined;

  constructor(params: FractionOfEquityAllocatorConfig) {
    if (!(params.fraction > 0 && params.fraction <= 100)) throw new RangeError(`fraction-of-equity allocator: fraction must be in (0, 100], got ${params.fraction}`);
    this.fraction = params.fraction;
    this.maxQuantity = params.maxQuantity;
  }

  targetQuantityRaw(p: AllocationParams): number {
    if (p.target === 0) return 0;
    if (!(p.priceRaw > 0)) throw new RangeError(`fraction-of-equity allocator: no price yet for ${p.instrument.id}`);
    if (Number.isNaN(p.equity)) throw new RangeError('fraction-of-equity allocator: the stack has no account equity (StackEnv.account)');
    const budget = Math.abs(p.target) * this.fraction * p.equity;
    const q = lotsWithinNotional(p.instrument, budget, p.priceRaw, p.moneyDecimals, Math.sign(p.target));
    return capQuantityRaw(q, p.instrument, this.maxQuantity);
  }

  snapshot(): null { return null; }
  restore(_state: unknown): void {}
}
