/**
 * noStaleOrders (provider path): no new order while the stack's newest data on the instrument is
 * older than the data client's staleness tolerance, or ahead of the stack's clock by more than its
 * skew tolerance, both on the stack's clock. Re-sends of an order already sent are not new
 * decisions and are not held to it. On the direct path there is no data client to go stale: the
 * property holds trivially and is never reached.
 */
import { formatTimeUs } from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type InvariantSetup, type OnlineInvariant } from '../property.ts';
import { describeOrder } from './describe.ts';

export const noStaleOrders: InvariantFactory = (setup: InvariantSetup): OnlineInvariant => {
  const first = new FirstViolation('noStaleOrders');
  const seen = new Set<string>();
  const maxStalenessUs = setup.scenario.stack.dataClient.maxStaleness;
  const maxSkewUs = setup.scenario.stack.dataClient.maxSkew;
  return {
    name: 'noStaleOrders',
    onOrder(ctx, order, timeUs) {
      if (seen.has(order.clientOrderId)) return;
      seen.add(order.clientOrderId);
      const client = setup.client();
      if (client === null || first.value !== null) return;
      const id = ctx.env.instruments[order.instrumentIndex]?.id ?? '';
      const newest = client.newestDataTimeUs(id);
      const stackNow = ctx.env.clock.nowUs();
      const shown = [describeOrder(order, ctx.env.instruments, timeUs)];
      if (newest === null) first.report(ctx, timeUs, `order ${order.clientOrderId} on ${id} sent with no data on it at all`, shown);
      else if (stackNow - newest > maxStalenessUs) {
        first.report(ctx, timeUs, `order ${order.clientOrderId} on ${id} sent at stack time ${formatTimeUs(stackNow)} on data of ${formatTimeUs(newest)}: ${stackNow - newest} us old, tolerance ${maxStalenessUs} us`, shown);
      } else if (newest - stackNow > maxSkewUs) {
        first.report(ctx, timeUs, `order ${order.clientOrderId} on ${id} sent on data of ${formatTimeUs(newest)}, ${newest - stackNow} us ahead of the stack's clock, tolerance ${maxSkewUs} us`, shown);
      }
    },
    violation: () => first.value,
    reached: () => {
      const c = setup.client()?.counters;
      return c !== undefined && c.staleRejections + c.skewRejections > 0;
    },
  };
};
