/**
 * recovery (runs with stack crashes): after each restart the stack is whole again.
 * - From the first restart on, after every event while the stack is up: its own position in every
 *   instrument (TradingStack.bookedPositionRaw) agrees with the venue's, counting the fills whose
 *   reports are still on their way. A fill it missed while down and never reconciled, an order
 *   it forgot, or a fill it booked twice, breaks it at once.
 * - With `within` declared: by `within` after each restart it has sent an order again, when it
 *   sent any before the crash (it trades again, rather than sitting on a state it no longer
 *   trusts). Only the scenario's author knows how often its strategy trades, so this needs a
 *   declared `within`.
 * Reached when the stack traded after a restart. A stack that does not report its positions is
 * checked for trading again only.
 */
import { formatTimeUs, type FillReport, type RunContext } from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type OnlineInvariant } from '../property.ts';

interface Restart {
  readonly crashUs: number;
  readonly restartUs: number;
  readonly dueUs: number;
  ordersBefore: number;
  counted: boolean;
  tradedAfter: boolean;
  checked: boolean;
}

function fillKey(r: FillReport): string {
  return `${r.clientOrderId}|${r.timeUs}|${r.quantityRaw}|${r.leavesQuantityRaw}|${r.priceRaw}`;
}

export const recovery: InvariantFactory = (setup): OnlineInvariant => {
  const first = new FirstViolation('recovery');
  const within = setup.recoveryWithinUs;
  const restarts: Restart[] = [...setup.crashes].sort((a, b) => a.atUs - b.atUs)
    .map((c) => ({ crashUs: c.atUs, restartUs: c.atUs + c.downtimeUs, dueUs: within === null ? Number.POSITIVE_INFINITY : c.atUs + c.downtimeUs + within, ordersBefore: 0, counted: false, tradedAfter: false, checked: false }));
  /** Fills the venue booked whose report has not reached the stack yet: key -> [instrument, signed quantity]. */
  const onTheWay = new Map<string, [number, number]>();
  let orders = 0;
  let reached = false;
  let pending = new Float64Array(0);

  const down = (t: number): boolean => restarts.some((r) => r.crashUs <= t && t < r.restartUs);

  function disagreement(ctx: RunContext): string | null {
    const stack = ctx.stack;
    if (stack.bookedPositionRaw === undefined) return null;
    pending.fill(0);
    for (const [i, q] of onTheWay.values()) pending[i] = pending[i]! + q;
    for (let i = 0; i < ctx.env.instruments.length; i++) {
      const mine = stack.bookedPositionRaw(i);
      const venue = ctx.ledger.position(i).quantityRaw - pending[i]!;
      if (mine !== venue) {
        const inst = ctx.env.instruments[i]!;
        const scale = 10 ** inst.quantityDecimals;
        return `the stack holds ${mine / scale} ${inst.id}, the venue ${ctx.ledger.position(i).quantityRaw / scale}${pending[i] === 0 ? '' : ` (${pending[i]! / scale} of it in fills still on their way)`}`;
      }
    }
    return null;
  }

  function tradedAgain(ctx: RunContext, r: Restart): void {
    r.checked = true;
    if (r.ordersBefore > 0 && !r.tradedAfter) {
      first.report(ctx, r.dueUs, `by ${formatTimeUs(r.dueUs)}, ${within} us after the restart at ${formatTimeUs(r.restartUs)}, the stack had sent no order since it came back (it sent ${r.ordersBefore} before the crash at ${formatTimeUs(r.crashUs)})`);
    }
  }

  /**
   * The latest restart at or before `t`, when the stack is up at `t`; null before any or while
   * down. At a restart's own instant the market data of that instant comes first, while the stack
   * is still down (as a crash comes after it): the stack is up once the restart has happened,
   * which the fault recorder has listed by then (`done`, restarts so far).
   */
  function upSince(t: number, done: number): Restart | null {
    let latest: Restart | null = null;
    let due = 0;
    for (const r of restarts) {
      if (r.crashUs <= t && t < r.restartUs) return null;
      if (r.restartUs <= t) { latest = r; due++; }
    }
    return due > done ? null : latest;
  }

  return {
    name: 'recovery',
    onStart(ctx) {
      pending = new Float64Array(ctx.env.instruments.length);
    },
    onOrder(_ctx, _order, timeUs) {
      orders++;
      for (const r of restarts) {
        if (timeUs < r.crashUs) continue;
        if (timeUs >= r.restartUs && !r.tradedAfter) { r.tradedAfter = true; reached = true; }
      }
    },
    onFill(_ctx, f) {
      if (restarts.length > 0) onTheWay.set(fillKey(f), [f.instrumentIndex, f.side * f.quantityRaw]);
    },
    onReport(_ctx, r) {
      if (r.kind === 'fill' && restarts.length > 0) onTheWay.delete(fillKey(r));
    },
    afterEvent(ctx, timeUs) {
      if (restarts.length === 0 || first.value !== null) return;
      for (const r of restarts) {
        // The order count before each crash is taken as the crash comes.
        if (!r.counted && timeUs >= r.crashUs) { r.counted = true; r.ordersBefore = orders; }
        if (!r.checked && timeUs >= r.dueUs && !down(timeUs)) tradedAgain(ctx, r);
      }
      const since = upSince(timeUs, ctx.faults.byKind['stack-restart'] ?? 0);
      if (since === null || first.value !== null) return;
      const d = disagreement(ctx);
      if (d !== null) first.report(ctx, timeUs, `after the restart at ${formatTimeUs(since.restartUs)} (crash at ${formatTimeUs(since.crashUs)}): ${d}`);
    },
    violation: () => first.value,
    reached: () => reached,
  };
};
