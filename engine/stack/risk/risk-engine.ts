/**
 * The risk engine: pre-trade checks on every order the stack sends. A rejected order never
 * reaches the venue; the rejection and its reason are journaled.
 */
import { z } from 'zod';
import type { Instrument } from '../../instruments/instrument.ts';
import type { OrderRequest } from '../../venue/orders.ts';

export const RiskLimitsSchema = z.strictObject({
  maxPosition: z.number().positive().optional().describe('Largest absolute position per instrument, counting working orders, in shares/contracts/units.'),
}).describe('Pre-trade risk limits; a missing limit is not checked.');
export type RiskLimits = z.input<typeof RiskLimitsSchema>;

/** What the risk engine sees of the stack's books when it checks an order. */
export interface RiskView {
  readonly instrument: Instrument;
  readonly positionRaw: number;
  /** Signed quantity of working orders on the instrument. */
  readonly pendingRaw: number;
}

export class RiskEngine {
  private readonly limits: z.output<typeof RiskLimitsSchema>;
  constructor(limits: RiskLimits = {}) {
    this.limits = RiskLimitsSchema.parse(limits);
  }

  /** null when the order passes; otherwise why not. */
  check(order: OrderRequest, view: RiskView): string | null {
    const l = this.limits;
    if (l.maxPosition !== undefined) {
      const maxRaw = Math.round(l.maxPosition * 10 ** view.instrument.quantityDecimals);
      const after = view.positionRaw + view.pendingRaw + order.side * order.quantityRaw;
      if (Math.abs(after) > maxRaw && Math.abs(after) > Math.abs(view.positionRaw + view.pendingRaw)) {
        return `max position ${l.maxPosition} exceeded: position with working orders would be ${after / 10 ** view.instrument.quantityDecimals}`;
      }
    }
    return null;
  }
}
