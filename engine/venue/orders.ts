/**
 * Orders and the reports the venue sends back. Quantities and prices are raw integers of the
 * instrument; fees are money units of the account.
 */
import type { TimeUs } from '../kernel/time.ts';

export type OrderType = 'market' | 'limit' | 'stop' | 'stop-limit';
export type TimeInForce = 'GTC' | 'DAY' | 'IOC';
export type Side = 1 | -1;

export const ORDER_TYPES: readonly OrderType[] = ['market', 'limit', 'stop', 'stop-limit'];
export const TIMES_IN_FORCE: readonly TimeInForce[] = ['GTC', 'DAY', 'IOC'];

export interface OrderRequest {
  /** Unique per stack; a retry reuses it, so the venue never books the same order twice. */
  readonly clientOrderId: string;
  readonly instrumentIndex: number;
  readonly side: Side;
  readonly quantityRaw: number;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Limit and stop-limit orders. */
  readonly limitPriceRaw?: number;
  /** Stop and stop-limit orders: the trigger. */
  readonly stopPriceRaw?: number;
}

export type OrderStatus = 'pending' | 'accepted' | 'partially-filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';
/** Every status, in the order of their codes (orderStatusCode). */
export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'accepted', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired'];

/**
 * A status's index in ORDER_STATUSES (-1 for a value that is not a status): the venue's transition
 * bit sets and its finished-order columns code statuses so. A switch, not `indexOf`: every order
 * is moved and filed, and the builtin's call cost more than the rest of a move.
 */
export function orderStatusCode(x: OrderStatus): number {
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
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

/** True while an order can still trade (accepted and not yet terminal). */
export function isWorkingStatus(status: OrderStatus): boolean {
  return status === 'accepted' || status === 'partially-filled';
}

export interface FillReport {
  readonly kind: 'fill';
  readonly clientOrderId: string;
  readonly instrumentIndex: number;
  readonly timeUs: TimeUs;
  readonly side: Side;
  readonly quantityRaw: number;
  readonly priceRaw: number;
  readonly fee: number;
  /** Quantity still working after this fill; 0 when the order is filled. */
  readonly leavesQuantityRaw: number;
}

/**
 * A change of an order's state, or the refusal of a request about it.
 *
 * 'cancel-rejected' and 'replace-rejected' refuse a cancel or a replace and leave the order as it
 * was (FIX's OrderCancelReject, NautilusTrader's OrderCancelRejected/OrderModifyRejected): they
 * are distinct from 'rejected', which ends the order itself, so that a stack never reads a
 * refused cancel of a filled order as the order being rejected.
 */
export interface StatusReport {
  readonly kind: 'accepted' | 'rejected' | 'cancelled' | 'expired' | 'replaced' | 'cancel-rejected' | 'replace-rejected';
  readonly clientOrderId: string;
  readonly instrumentIndex: number;
  readonly timeUs: TimeUs;
  readonly reason?: string;
  /** 'replaced': the order's terms as they now stand (same client order id). */
  readonly request?: OrderRequest;
  /** 'replaced': quantity still working; 0 when the replace reduced the order to its filled quantity. */
  readonly leavesQuantityRaw?: number;
}

export type ExecutionReport = FillReport | StatusReport;
