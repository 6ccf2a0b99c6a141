/**
 * ordersTerminal: no order fills beyond its quantity at the venue; at the end every order the
 * stack sent is terminal at the venue, or still working there with the stack agreeing, or lost on
 * the way while the link may have stayed down (no order sent after its last send got through); and the
 * stack's record of each order (status, filled quantity) agrees with the venue's. The stack's
 * record is read where the stack exposes one (the reference stack's execution); a stack of the
 * user's own is held to the venue-side checks.
 */
import { formatTimeUs, ReferenceStack, type FillReport, type OrderRequest, type RunContext } from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type OnlineInvariant } from '../property.ts';
import { describeFill, describeOrder } from './describe.ts';

// Compared as strings, not looked up in a Set: once per order at every run's end.
const isVenueTerminal = (status: string): boolean => status === 'filled' || status === 'cancelled' || status === 'rejected' || status === 'expired';
const isStackTerminal = isVenueTerminal;

interface Sent {
  readonly request: OrderRequest;
  readonly sentUs: number;
  /** The last time the stack sent it (a re-send of the same id counts). */
  lastSentUs: number;
  filledRaw: number;
}

export const ordersTerminal: InvariantFactory = (): OnlineInvariant => {
  const first = new FirstViolation('ordersTerminal');
  const sent = new Map<string, Sent>();

  function endCheck(ctx: RunContext, endUs: number): void {
    const execution = ctx.stack instanceof ReferenceStack ? ctx.stack.execution : null;
    const instruments = ctx.env.instruments;
    // The link worked at least until the latest first send of an order that reached the venue:
    // worked out when an order lost on the way needs it (one more pass over the orders), not at
    // every run's end.
    let linkWorkedAtUs = Number.NaN;
    for (const [id, o] of sent) {
      const v = ctx.venue.order(id);
      const mine = execution?.order(id);
      if (v === undefined) {
        // Lost on the way (or forgotten long after it finished). Holding it open is fair while the
        // link may still be down; not once later orders got through and the stack never asked again.
        if (mine === undefined || isStackTerminal(mine.status)) continue;
        if (Number.isNaN(linkWorkedAtUs)) linkWorkedAtUs = linkWorkedUntilUs(ctx);
        if (linkWorkedAtUs > o.lastSentUs) {
          first.report(ctx, endUs, `order ${id} never reached the venue (last sent ${formatTimeUs(o.lastSentUs)}), orders sent later did, and the stack still holds it as ${mine.status} without asking again`, [describeOrder(o.request, instruments, o.sentUs)]);
          return;
        }
        continue;
      }
      const venueDone = isVenueTerminal(v.status);
      if (!venueDone && v.status !== 'accepted' && v.status !== 'partially-filled') {
        first.report(ctx, endUs, `order ${id} ended the run ${v.status} at the venue: neither terminal nor working`, [describeOrder(o.request, instruments, o.sentUs)]);
        return;
      }
      if (mine === undefined) continue; // forgotten by the stack long after it finished
      const stackDone = isStackTerminal(mine.status);
      if (venueDone !== stackDone || (venueDone && v.status !== mine.status)) {
        first.report(ctx, endUs, `order ${id}: the venue has it ${v.status}, the stack ${mine.status}`, [describeOrder(o.request, instruments, o.sentUs)]);
        return;
      }
      if (mine.filledRaw !== v.filledRaw) {
        first.report(ctx, endUs, `order ${id}: the venue filled ${v.filledRaw} raw, the stack counts ${mine.filledRaw} raw`, [describeOrder(o.request, instruments, o.sentUs)]);
        return;
      }
    }
  }

  /** The latest first send of an order that reached the venue (-Infinity when none did). */
  function linkWorkedUntilUs(ctx: RunContext): number {
    let atUs = Number.NEGATIVE_INFINITY;
    for (const [id, o] of sent) if (ctx.venue.order(id) !== undefined && o.sentUs > atUs) atUs = o.sentUs;
    return atUs;
  }

  return {
    name: 'ordersTerminal',
    onOrder(_ctx, order, timeUs) {
      const known = sent.get(order.clientOrderId);
      if (known === undefined) sent.set(order.clientOrderId, { request: order, sentUs: timeUs, lastSentUs: timeUs, filledRaw: 0 });
      else known.lastSentUs = timeUs;
    },
    onFill(ctx, f: FillReport) {
      const o = sent.get(f.clientOrderId);
      if (o === undefined) return;
      o.filledRaw += f.quantityRaw;
      // The venue's own terms (a replace may have changed the quantity).
      const quantity = ctx.venue.order(f.clientOrderId)?.request.quantityRaw ?? o.request.quantityRaw;
      if (o.filledRaw > quantity) {
        first.report(ctx, f.timeUs, `order ${f.clientOrderId} filled ${o.filledRaw} raw, beyond its quantity ${quantity} raw`, [describeOrder(o.request, ctx.env.instruments, o.sentUs), describeFill(f, ctx.env.instruments)]);
      }
    },
    finish(ctx) {
      if (first.value !== null) return;
      endCheck(ctx, ctx.env.kernel.clock.nowUs());
    },
    violation: () => first.value,
    reached: () => sent.size > 0,
  };
};
