/**
 * The venue's order lifecycle as an explicit state table (the stack keeps its own, in
 * engine/stack/execution/order-state.ts). `moveTo` is the only way a venue order's status
 * changes, and a move the table does not allow is a venue bug: it throws, naming the order.
 *
 *   pending --> accepted --fill--> partially-filled --fill--> filled
 *      |           |                     |
 *      v           +---------------------+--> cancelled, expired, filled (replace cut to the filled quantity)
 *   rejected
 *
 * A second partial fill is not a transition (partially-filled stays partially-filled).
 */
import { ORDER_STATUSES, orderStatusCode, type OrderStatus } from './orders.ts';
import { allowsMove, transitionBits } from '../kernel/transition-bits.ts';

export const VENUE_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['accepted', 'rejected'],
  accepted: ['partially-filled', 'filled', 'cancelled', 'expired'],
  'partially-filled': ['filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

export class IllegalVenueTransitionError extends Error {
  constructor(clientOrderId: string, from: OrderStatus, to: OrderStatus) {
    super(`venue order ${clientOrderId}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalVenueTransitionError';
  }
}

/** VENUE_TRANSITIONS as bit sets: every order moves two or three times. */
const ALLOWED = transitionBits(ORDER_STATUSES, VENUE_TRANSITIONS, orderStatusCode);

/** Moves a venue order to `to` (staying put is allowed only for partially-filled), or throws. */
export function moveTo(s: { status: OrderStatus; request: { clientOrderId: string } }, to: OrderStatus): void {
  const from = s.status;
  if (from === to && to === 'partially-filled') return;
  if (!allowsMove(ALLOWED, orderStatusCode(from), orderStatusCode(to))) throw new IllegalVenueTransitionError(s.request.clientOrderId, from, to);
  s.status = to;
}
