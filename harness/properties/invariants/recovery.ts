/**
 * recovery (runs with stack crashes): after each restart the stack is whole again. At `within`
 * of virtual time after the restart (default 1d), checked at the first event from then on:
 * - its own position in every instrument (TradingStack.bookedPositionRaw) agrees with the
 *   venue's, counting the fills whose reports are still on their way: a fill it missed while
 *   down and never reconciled, or one it booked twice, breaks it;
 * - with `within` declared: it has sent an order again since the restart, when it sent any before
 *   the crash (it trades again, rather than sitting on a state it no longer trusts). Only the
 *   scenario's author knows how often its strategy trades, so this needs a declared `within`.
 * At the end of the run, when the stack is up, its positions must agree with the venue's too.
 * Reached when the stack traded after a restart. A stack that does not report its positions is
 * checked for trading again only.
 */
import { formatTimeUs, type FillReport, type RunContext } from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type OnlineInvariant } from '../property.ts';

const DEFAULT_CHECK_AFTER_US = 86_400_000_000;

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
  const tradeWithinUs = setup.recoveryWithinUs;
  const within = tradeWithinUs ?? DEFAULT_CHECK_AFTER_US;
  const restarts: Restart[] = [...setup.crashes].sort((a, b) => a.atUs - b.atUs)
    .map((c) => ({ crashUs: c.atUs, restartUs: c.atUs + c.downtimeUs, dueUs: c.atUs + c.downtimeUs + within, ordersBefore: 0, counted: false, tradedAfter: false, checked: false }));
  /** Fills the venue booked whose report has not reached the stack yet: key -> [instrument, signed quantity]. */
  const onTheWay = new Map<string, [number, number]>();
  let orders = 0;
  let reached = false;

  const down = (t: number): boolean => restarts.some((r) => r.crashUs <= t && t < r.restartUs);

  function disagreement(ctx: RunContext): string | null {
    const stack = ctx.stack;
    if (stack.bookedPositionRaw === undefined) return null;
    const pending = new Float64Array(ctx.env.instruments.length);
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

  function check(ctx: RunContext, r: Restart): void {
    r.checked = true;
    const at = `${formatTimeUs(r.dueUs)}, ${within} us after the restart at ${formatTimeUs(r.restartUs)}`;
    const d = disagreement(ctx);
    if (d !== null) { first.report(ctx, r.dueUs, `at ${at}: ${d}`); return; }
    if (tradeWithinUs !== null && r.ordersBefore > 0 && !r.tradedAfter) {
      first.report(ctx, r.dueUs, `by ${at} the stack had sent no order since it came back (it sent ${r.ordersBefore} before the crash at ${formatTimeUs(r.crashUs)})`);
    }
  }

  return {
    name: 'recovery',
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
      for (const r of restarts) {
        // The order count before each crash is taken as the crash comes.
        if (!r.counted && timeUs >= r.crashUs) { r.counted = true; r.ordersBefore = orders; }
        if (!r.checked && first.value === null && timeUs >= r.dueUs && !down(timeUs)) check(ctx, r);
      }
    },
    finish(ctx) {
      if (restarts.length === 0 || first.value !== null) return;
      const end = ctx.env.kernel.clock.nowUs();
      if (down(end) || restarts.every((r) => end < r.restartUs)) return;
      const d = disagreement(ctx);
      if (d !== null) first.report(ctx, end, `at the end of the run: ${d}`);
    },
    violation: () => first.value,
    reached: () => reached,
  };
};
