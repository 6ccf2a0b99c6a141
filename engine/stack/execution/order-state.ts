/**
 * The order lifecycle as the stack sees it: an explicit state machine. `transition` is the only
 * way an order's status changes, and a transition missing from TRANSITIONS is a bug in the stack
 * (or in a user's code calling cancel/replace at the wrong time): it throws, naming the order.
 *
 * Venue reports are input, not code: a report that does not fit (a duplicate, a late ack, a
 * report about a finished order) is reconciled by the execution engine without a transition
 * (execution-engine.ts), never by bending this table.
 *
 *   pending-new --ack--> accepted --fill--> partially-filled --fill--> filled
 *        |                 |  ^                   |  ^
 *        |                 v  | (cancel-/replace-rejected, replaced)
 *        |            pending-cancel / pending-replace
 *        +--> rejected, and from every live state: cancelled, expired, filled
 */
import type { OrderRequest } from '../../venue/orders.ts';
import { allowsMove, transitionBits } from '../../kernel/transition-bits.ts';

export type ExecStatus =
  | 'pending-new' | 'accepted' | 'partially-filled' | 'pending-cancel' | 'pending-replace'
  | 'filled' | 'cancelled' | 'rejected' | 'expired';

/** Allowed transitions. Self-transitions are not transitions (a second partial fill changes nothing here). */
export const TRANSITIONS: Readonly<Record<ExecStatus, readonly ExecStatus[]>> = {
  // A cancel or replace is only sent once the venue has acknowledged the order (see the engine).
  'pending-new': ['accepted', 'partially-filled', 'filled', 'rejected', 'cancelled', 'expired'],
  accepted: ['partially-filled', 'filled', 'cancelled', 'expired', 'pending-cancel', 'pending-replace'],
  'partially-filled': ['filled', 'cancelled', 'expired', 'pending-cancel', 'pending-replace'],
  // Back to accepted/partially-filled when the request is refused (or, for a replace, applied).
  'pending-cancel': ['accepted', 'partially-filled', 'filled', 'cancelled', 'expired'],
  'pending-replace': ['accepted', 'partially-filled', 'filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

/** Every status, in the order of their codes (statusIndex). */
const EXEC_STATUSES: readonly ExecStatus[] = ['pending-new', 'accepted', 'partially-filled', 'pending-cancel', 'pending-replace', 'filled', 'cancelled', 'rejected', 'expired'];

/** A status's index in EXEC_STATUSES (-1 for a value that is not a status): a switch, see transitionBits. */
function statusIndex(x: ExecStatus): number {
  switch (x) {
    case 'pending-new': return 0;
    case 'accepted': return 1;
    case 'partially-filled': return 2;
    case 'pending-cancel': return 3;
    case 'pending-replace': return 4;
    case 'filled': return 5;
    case 'cancelled': return 6;
    case 'rejected': return 7;
    case 'expired': return 8;
    default: return -1;
  }
}

/** TRANSITIONS as bit sets: every report asks isTerminal and most make a transition. */
const ALLOWED = transitionBits(EXEC_STATUSES, TRANSITIONS, statusIndex);

export function isTerminal(status: ExecStatus): boolean {
  const f = statusIndex(status);
  return f >= 0 && ALLOWED[f] === 0;
}

/** Acknowledged, live, and free for a new request. */
export function isWorking(status: ExecStatus): boolean {
  return status === 'accepted' || status === 'partially-filled';
}

/** A request sent to the venue and not yet answered. */
export type Outstanding = 'none' | 'submit' | 'cancel' | 'replace';

export interface ReplaceChanges {
  readonly quantityRaw?: number;
  readonly limitPriceRaw?: number;
  readonly stopPriceRaw?: number;
}

/** One order's state: plain, JSON-safe data. */
export interface ExecOrder {
  /** Current terms (a replace updates them; the client order id never changes). */
  request: OrderRequest;
  status: ExecStatus;
  /** The venue has acknowledged the order (an ack or a fill arrived). */
  acked: boolean;
  filledRaw: number;
  /** Booked fills as (timeUs, quantityRaw, leavesRaw, priceRaw) quadruples: duplicates are recognised by these. */
  fillKeys: number[];
  outstanding: Outstanding;
  /** Sends of the outstanding request so far (1 after the first). */
  sends: number;
  /** Stack-clock time at which an unanswered request is re-sent. */
  deadlineUs: number;
  /** Bumped at every arming of the timeout timer (the engine cancels the timer it supersedes). */
  timerSeq: number;
  /** A cancel waiting for the ack (or for another request's answer) before it can be sent. */
  cancelWanted: boolean;
  /** Changes of the outstanding replace. */
  replaceChanges: ReplaceChanges | null;
}

export class IllegalTransitionError extends Error {
  readonly clientOrderId: string;
  readonly from: ExecStatus;
  readonly to: ExecStatus;
  constructor(clientOrderId: string, from: ExecStatus, to: ExecStatus) {
    super(`order ${clientOrderId}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
    this.clientOrderId = clientOrderId;
    this.from = from;
    this.to = to;
  }
}

/** Moves an order to `to`, or throws IllegalTransitionError (a bug) when the table forbids it. */
export function transition(order: ExecOrder, to: ExecStatus): void {
  if (!allowsMove(ALLOWED, statusIndex(order.status), statusIndex(to))) throw new IllegalTransitionError(order.request.clientOrderId, order.status, to);
  order.status = to;
}
