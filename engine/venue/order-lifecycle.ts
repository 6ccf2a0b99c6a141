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
import type { OrderStatus } from './orders.ts';

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

/** A status's bit in ALLOWED (-1 for a value that is not a status). A switch: see ALLOWED. */
function statusIndex(x: OrderStatus): number {
  switch (x) {
    case 'pending': return 0;
    case 'accepted': return 1;
    case 'partially-filled': return 2;
    case 'filled': return 3;
    case 'cancelled': return 4;
    case 'rejected': return 5;
    case 'expired': return 6;
    default: return -1;
  }
}

/**
 * VENUE_TRANSITIONS as bit sets, by statusIndex of the from-status: every order moves two or three
 * times, and looking the table up by status name (a keyed load over seven names) then searching
 * its list (a builtin call) cost more than the rest of a move.
 */
const ALLOWED: readonly number[] = (['pending', 'accepted', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired'] as const)
  .map((from) => VENUE_TRANSITIONS[from].reduce((bits, to) => bits | (1 << statusIndex(to)), 0));

/** Moves a venue order to `to` (staying put is allowed only for partially-filled), or throws. */
export function moveTo(s: { status: OrderStatus; request: { clientOrderId: string } }, to: OrderStatus): void {
  const from = s.status;
  if (from === to && to === 'partially-filled') return;
  const f = statusIndex(from);
  const t = statusIndex(to);
  if (f < 0 || t < 0 || (ALLOWED[f]! & (1 << t)) === 0) throw new IllegalVenueTransitionError(s.request.clientOrderId, from, to);
  s.status = to;
}
