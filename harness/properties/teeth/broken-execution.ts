/**
 * Deliberately broken execution, each a small mistake of order handling, built as a shim around
 * the reference stack (`RunOptions.wrap.stack`) between its execution and the venue, as
 * engine/stack/testing/broken-execution.ts builds `withNewIdRetries`: the stack's own execution
 * runs unchanged and the shim makes it behave as the broken one would.
 */
import type { ExecutionReport, KernelContext, OrderRequest, ReferenceStack, StackEnv, VenueApi } from '../../../engine/index.ts';

/**
 * `stack` started with `venue(env)` in place of its venue, its reports passed through `report`.
 * The result inherits from `stack`: it is still a ReferenceStack, so invariants that compare the
 * stack's own record of its orders with the venue's (ordersTerminal) read the broken stack's.
 */
function shim(stack: ReferenceStack, parts: {
  readonly venue?: (env: StackEnv, deliver: (r: ExecutionReport) => void) => VenueApi;
  readonly report?: (r: ExecutionReport) => ExecutionReport;
}): ReferenceStack {
  const deliver = (r: ExecutionReport): void => stack.onReport(r);
  const broken = Object.create(stack) as ReferenceStack;
  // Own methods that call the stack itself: nothing is ever written on the shim.
  Object.assign(broken, {
    start: (env: StackEnv) => stack.start(parts.venue === undefined ? env : { ...env, venue: parts.venue(env, deliver) }),
    onReport: (r: ExecutionReport) => stack.onReport(parts.report === undefined ? r : parts.report(r)),
    snapshot: () => stack.snapshot(),
    restore: (s: unknown) => stack.restore(s),
    stop: () => stack.stop(),
  });
  return broken;
}

/**
 * Fill reports taken per delivery instead of per fill: nothing recognises a report the venue
 * delivered twice (a FIX resend, a duplicated message), so its fill is booked twice and the stack
 * believes in a position and an order quantity the venue never filled. The shim gives every
 * delivery its own identity (one microsecond apart per delivery, a time the execution only uses
 * to recognise a fill), which is what keying fills by delivery amounts to.
 */
export function bookEveryFillDelivery(stack: ReferenceStack): ReferenceStack {
  let deliveries = 0;
  return shim(stack, {
    report: (r) => (r.kind === 'fill' ? { ...r, timeUs: r.timeUs + deliveries++ } : r),
  });
}

/**
 * An order that is not answered within the timeout is written off as cancelled instead of being
 * asked about again (same client order id), as though silence meant the venue never got it.
 * When only the acknowledgement was lost, the venue still has the order and fills it: the stack
 * then holds an order as cancelled that the venue filled.
 */
export function timeoutMeansCancelled(stack: ReferenceStack): ReferenceStack {
  return shim(stack, {
    venue: (env, deliver) => writeOffOnResend(env.venue, env.kernel, deliver),
  });
}

function writeOffOnResend(venue: VenueApi, kernel: KernelContext, deliver: (r: ExecutionReport) => void): VenueApi {
  const sent = new Set<string>();
  return {
    submit(order: OrderRequest) {
      if (!sent.has(order.clientOrderId)) {
        sent.add(order.clientOrderId);
        venue.submit(order);
        return;
      }
      // The resend is where the broken execution gives up: it reports the order cancelled to itself
      // (after the call that made it returns, as a timer would) and sends nothing.
      kernel.post(0, 'teeth.write-off', () => deliver({
        kind: 'cancelled', clientOrderId: order.clientOrderId, instrumentIndex: order.instrumentIndex, timeUs: kernel.clock.nowUs(), reason: 'timed out: written off',
      }));
    },
    cancel: (id) => venue.cancel(id),
    replace: (id, changes) => venue.replace(id, changes),
  };
}

/**
 * A timed-out order is never asked about again: the first send is the only one. When the order
 * link dropped it, the venue never hears of it and the stack holds it as working for ever.
 */
export function neverRetries(stack: ReferenceStack): ReferenceStack {
  return shim(stack, {
    venue: (env) => {
      const sent = new Set<string>();
      const venue = env.venue;
      return {
        submit(order: OrderRequest) {
          if (sent.has(order.clientOrderId)) return;
          sent.add(order.clientOrderId);
          venue.submit(order);
        },
        cancel: (id) => venue.cancel(id),
        replace: (id, changes) => venue.replace(id, changes),
      };
    },
  });
}
