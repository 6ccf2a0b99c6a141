/**
 * Allocators turn an instrument's combined signal (target exposure in [-1, 1]) into a target
 * position in raw quantity. Every allocator rounds toward zero to the instrument's lot size, so
 * rounding never makes a position larger than asked, and an optional `maxQuantity` caps it.
 *
 * The one interface (Allocator) keeps sizing replaceable and wrappable; the built-in kinds are in
 * fixed-quantity (here), fraction-of-equity.ts and volatility-target.ts, by kind in registry.ts.
 */
import { z } from 'zod';
import { notionalMoney, type Instrument } from '../../instruments/instrument.ts';
import { NumericRangeError } from '../../kernel/errors.ts';

/**
 * What an allocator is asked. The reference stack reuses one object for every signal (as the
 * engine reuses its bar views): read it during the call, never keep it.
 */
export interface AllocationParams {
  readonly instrument: Instrument;
  readonly instrumentIndex: number;
  /** Combined signal in [-1, 1]. */
  readonly target: number;
  /** The stack's equity in money units (its own books); NaN when the stack has no account. */
  readonly equity: number;
  readonly moneyDecimals: number;
  /** Last raw price of the instrument; 0 or NaN when none yet. */
  readonly priceRaw: number;
}

export interface Allocator {
  /** Target position in raw quantity (signed), a whole number of lots. */
  targetQuantityRaw(params: AllocationParams): number;
  /** True when sizing reads `equity`: the stack then needs to know its account. */
  readonly needsEquity: boolean;
  /**
   * A bar of an instrument closed. Returns true when the allocator's sizing for it changed in a
   * way the stack should act on now (the volatility estimate became ready): the stack then
   * re-allocates that instrument's current signal. Optional: most allocators hold no state.
   */
  onBar?(instrumentIndex: number, closeRaw: number): boolean;
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** The cap every allocator accepts. */
export const maxQuantityField = z.number().positive().optional()
  .describe('Largest absolute target position, in shares, contracts or base-currency units (rounded down to lots).');

/** Rounds a raw quantity toward zero to whole lots. */
export function roundToLot(quantityRaw: number, lotSizeRaw: number): number {
  const lots = Math.trunc(quantityRaw / lotSizeRaw);
  return lots * lotSizeRaw + 0; // + 0 turns -0 into 0
}

/** Clamps |quantityRaw| to a cap given in units (whole lots of it), keeping the sign. */
export function capQuantityRaw(quantityRaw: number, inst: Instrument, maxQuantity: number | undefined): number {
  if (maxQuantity === undefined) return quantityRaw;
  const capRaw = roundToLot(Math.floor(maxQuantity * 10 ** inst.quantityDecimals + 1e-9), inst.lotSizeRaw);
  return Math.abs(quantityRaw) <= capRaw ? quantityRaw : Math.sign(quantityRaw) * capRaw;
}

/**
 * The largest whole number of lots whose notional at `priceRaw` is at most `budgetMoney` (money
 * units, >= 0), signed by `sign`. Notional is computed exactly as the ledger does (notionalMoney,
 * rounded half to even once), and since that is monotone in the quantity, a binary search between
 * 0 and a float upper bound finds the answer exactly: the result never exceeds the budget and one
 * more lot always would. At most ~53 steps, and only at signals.
 */
export function lotsWithinNotional(inst: Instrument, budgetMoney: number, priceRaw: number, moneyDecimals: number, sign: number): number {
  if (!(budgetMoney > 0) || !(priceRaw > 0) || sign === 0) return 0;
  const lot = inst.lotSizeRaw;
  const lotValue = lot * inst.multiplier * priceRaw * 10 ** (moneyDecimals - inst.priceDecimals - inst.quantityDecimals);
  // Above this many lots the unrounded notional exceeds budget + 1, so the rounded one exceeds the budget.
  let hi = Math.floor((budgetMoney + 1) / lotValue) + 1;
  if (!Number.isSafeInteger(hi * lot)) throw new NumericRangeError('order quantity', `allocator: ${hi} lots of ${inst.id} is beyond the safe integer range`);
  let lo = 0; // invariant: lo lots fit, hi lots do not
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (notionalMoney(inst, mid * lot, priceRaw, moneyDecimals) <= budgetMoney) lo = mid;
    else hi = mid;
  }
  return (sign < 0 ? -lo : lo) * lot + 0; // + 0 turns -0 into 0
}

export const FixedQuantityAllocatorSchema = z.strictObject({
  kind: z.literal('fixed-quantity').describe('Target position = signal x quantity, rounded toward zero to lots.'),
  quantity: z.number().positive().describe('Position size at full signal, in shares, contracts or base-currency units.'),
  maxQuantity: maxQuantityField,
});
export type FixedQuantityAllocatorConfig = Omit<z.input<typeof FixedQuantityAllocatorSchema>, 'kind'>;

export class FixedQuantityAllocator implements Allocator {
  readonly needsEquity = false;
  private readonly quantity: number;
  private readonly maxQuantity: number | undefined;

  constructor(params: FixedQuantityAllocatorConfig) {
    if (!(params.quantity > 0)) throw new RangeError(`fixed-quantity allocator: quantity must be positive, got ${params.quantity}`);
    this.quantity = params.quantity;
    this.maxQuantity = params.maxQuantity;
  }

  targetQuantityRaw(p: AllocationParams): number {
    const raw = Math.round(p.target * this.quantity * 10 ** p.instrument.quantityDecimals);
    return capQuantityRaw(roundToLot(raw, p.instrument.lotSizeRaw), p.instrument, this.maxQuantity);
  }

  snapshot(): null { return null; }
  restore(_state: unknown): void {}
}
