/**
 * A deliberately broken stack for tests and scenario gates: its execution re-sends a timed-out
 * order under a NEW client order id (as a naive "retry = place it again" would), so the venue
 * cannot recognise the resend and books a second order whenever the first one's ack was lost.
 * Gates that claim to catch duplicated orders prove it against this variant; the reference
 * execution re-sends under the same id, which the venue answers with the order's status.
 *
 * Built as a shim between the stack's execution and the venue: a second submit of an id it has
 * already passed on goes out as `${id}.r${n}`. The stack never hears of the new id (its reports
 * are ignored as unknown), exactly as the broken execution would lose track of it.
 */
import type { OrderRequest } from '../../venue/orders.ts';
import type { VenueApi } from '../../venue/venue-api.ts';
import type { TradingStack } from '../types.ts';

export function withNewIdRetries(stack: TradingStack): TradingStack {
  return {
    start: (env) => stack.start({ ...env, venue: newIdOnResend(env.venue) }),
    onReport: (r) => stack.onReport(r),
    snapshot: () => stack.snapshot(),
    restore: (s) => stack.restore(s),
    stop: () => stack.stop?.(),
  };
}

function newIdOnResend(venue: VenueApi): VenueApi {
  const sends = new Map<string, number>();
  return {
    submit(order: OrderRequest) {
      const n = sends.get(order.clientOrderId) ?? 0;
      sends.set(order.clientOrderId, n + 1);
      venue.submit(n === 0 ? order : { ...order, clientOrderId: `${order.clientOrderId}.r${n}` });
    },
    cancel: (id) => venue.cancel(id),
    replace: (id, changes) => venue.replace(id, changes),
  };
}
