/**
 * What the risk engine sees when it checks an order: the stack's own books (positions and equity
 * from its fills and prices) and its working orders. Read-only, and computed on demand, since
 * checks are per order (rare) and marks are per event (hot).
 */
import type { Instrument } from '../../instruments/instrument.ts';
import type { OrderRequest } from '../../venue/orders.ts';

export interface RiskBookView {
  readonly instruments: readonly Instrument[];
  readonly moneyDecimals: number;
  positionRaw(index: number): number;
  /** Signed quantity still working (sent and not terminal) on an instrument. */
  pendingRaw(index: number): number;
  /** Last raw price; 0 when none yet. */
  lastPriceRaw(index: number): number;
  /** Equity in money units; NaN when the stack does not know its account. */
  equity(): number;
}

/** Position plus working orders before the order, and after it. */
export function exposureRaw(order: OrderRequest, view: RiskBookView): { before: number; after: number } {
  const before = view.positionRaw(order.instrumentIndex) + view.pendingRaw(order.instrumentIndex);
  return { before, after: before + order.side * order.quantityRaw };
}

/**
 * True when the order only shrinks the instrument's exposure (position with working orders)
 * toward zero, without crossing it: what may still pass after a daily-loss halt or the kill
 * switch, and what position-type limits never block.
 */
export function isRiskReducing(order: OrderRequest, view: RiskBookView): boolean {
  const { before, after } = exposureRaw(order, view);
  return Math.abs(after) < Math.abs(before) && (after === 0 || Math.sign(after) === Math.sign(before));
}
