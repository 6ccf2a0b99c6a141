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

/**
 * VENUE_TRANSITIONS as bit sets, by orderStatusCode of the from-status: every order moves two or three
 * times, and looking the table up by status name (a keyed load over seven names) then searching
 * its list (a builtin call) cost more than the rest of a move.
 */
const ALLOWED: readonly number[] = ORDER_STATUSES.map((from) => VENUE_TRANSITIONS[from].reduce((bits, to) => bits | (1 << orderStatusCode(to)), 0));

/** Moves a venue order to `to` (staying put is allowed only for partially-filled), or throws. */
export function moveTo(s: { status: OrderStatus; request: { clientOrderId: string } }, to: OrderStatus): void {
  const from = s.status;
  if (from === to && to === 'partially-filled') return;
  const f = orderStatusCode(from);
  const t = orderStatusCode(to);
  if (f < 0 || t < 0 || (ALLOWED[f]! & (1 << t)) === 0) throw new IllegalVenueTransitionError(s.request.clientOrderId, from, to);
  s.status = to;
}
