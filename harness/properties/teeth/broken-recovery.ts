/**
 * Deliberately broken crash recovery, each a mistake teams make when a trading service restarts,
 * built as a shim around the reference stack (`RunOptions.wrap.stack`): the stack's own code runs
 * unchanged and the shim makes its restart behave as the broken one would. The result inherits
 * from the stack, so it is still a ReferenceStack (its snapshots are validated as such).
 */
import type { ExecutionReport, ExecutionState, ReferenceStack, ReferenceStackState, StackEnv } from '../../../engine/index.ts';

function shim(stack: ReferenceStack, parts: { readonly restore?: (s: unknown) => void; readonly reconcile?: () => void }): ReferenceStack {
  const broken = Object.create(stack) as ReferenceStack;
  Object.assign(broken, {
    start: (env: StackEnv) => stack.start(env),
    onReport: (r: ExecutionReport) => stack.onReport(r),
    snapshot: () => stack.snapshot(),
    restore: parts.restore ?? ((s: unknown) => stack.restore(s)),
    reconcile: parts.reconcile ?? (() => stack.reconcile()),
    stop: () => stack.stop(),
    bookedPositionRaw: (i: number) => stack.bookedPositionRaw(i),
  });
  return broken;
}

/**
 * The restarted stack trusts its snapshot and never asks the venue what happened while it was
 * down: a fill whose report came then is never booked, and the stack trades on a position the
 * venue does not have.
 */
export function skipsReconcile(stack: ReferenceStack): ReferenceStack {
  return shim(stack, { reconcile: () => {} });
}

/**
 * The snapshot keeps finished orders only (open ones were "not durable yet"): the restarted stack
 * forgets the orders it had in flight, ignores their reports as unknown, and trades again on a
 * position it no longer knows.
 */
export function forgetsOpenOrders(stack: ReferenceStack): ReferenceStack {
  return shim(stack, {
    restore: (s: unknown) => {
      const state = structuredClone(s) as ReferenceStackState;
      const execution = state.execution as ExecutionState;
      for (const id of execution.open) delete execution.orders[id];
      execution.open = [];
      stack.restore(state);
    },
  });
}
