/**
 * noDuplicateOrders: retries never duplicate an order at the venue. After every event: the venue
 * booked no client order id twice, and booked no more orders than the stack meant to send (its
 * journal's order records; a retry under a new id books one more). Reached when the stack re-sent
 * an order (a retry the venue answered from what it knew).
 */
import { FirstViolation, type InvariantFactory, type OnlineInvariant } from '../property.ts';
import { describeOrder, RecentRecords } from './describe.ts';

export const noDuplicateOrders: InvariantFactory = (): OnlineInvariant => {
  const first = new FirstViolation('noDuplicateOrders');
  const recent = new RecentRecords(6);
  const seen = new Set<string>();
  let resent = false;
  return {
    name: 'noDuplicateOrders',
    onOrder(ctx, order, timeUs) {
      if (seen.has(order.clientOrderId)) resent = true;
      else seen.add(order.clientOrderId);
      const instruments = ctx.env.instruments;
      recent.push(() => describeOrder(order, instruments, timeUs));
    },
    afterEvent(ctx, timeUs) {
      if (first.value !== null) return;
      const v = ctx.venue;
      if (v.duplicateOrders > 0) {
        first.report(ctx, timeUs, `the venue booked ${v.duplicateOrders} order(s) under a client order id it had already booked`, recent.list());
        return;
      }
      const meant = ctx.journal.orders;
      // A stack that journals no orders cannot say what it meant: only the venue's own check holds then.
      if (meant > 0 && v.ordersBooked > meant) {
        first.report(ctx, timeUs, `the venue booked ${v.ordersBooked} orders but the stack meant to send ${meant} (journaled orders): a retry sent a new order`, recent.list());
      }
    },
    violation: () => first.value,
    reached: () => resent,
  };
};
