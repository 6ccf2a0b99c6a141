/**
 * Orders and the reports the venue sends back. Quantities and prices are raw integers of the
 * instrument; fees are money units of the account.
 */
import type { TimeUs } from '../kernel/time.ts';

export type OrderType = 'market' | 'limit' | 'stop' | 'stop-limit';
export type TimeInForce = 'GTC' | 'DAY' | 'IOC';
export type Side = 1 | -1;

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
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

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

export interface StatusReport {
  readonly kind: 'accepted' | 'rejected' | 'cancelled' | 'expired' | 'replaced';
  readonly clientOrderId: string;
  readonly instrumentIndex: number;
  readonly timeUs: TimeUs;
  readonly reason?: string;
}

export type ExecutionReport = FillReport | StatusReport;
