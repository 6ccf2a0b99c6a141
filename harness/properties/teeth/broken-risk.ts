/**
 * Deliberately broken pre-trade risk, each a small mistake a real risk engine has shipped with,
 * built as a PreTradeRisk wrapper around the reference RiskEngine (`createReferenceStack(config,
 * { wrap: { risk } })`, or `RunOptions.wrap.risk`): the scenario's own limits still apply, and
 * only the one mistake differs. riskLimits recomputes every limit from what the stack was shown,
 * so each must be caught by it.
 */
import type { OrderRequest, PreTradeRisk, RiskBookView } from '../../../engine/index.ts';

type Check = PreTradeRisk['check'];
type OnEquity = PreTradeRisk['onEquity'];

/** `inner` with its check or its equity feed replaced; everything else passes through. */
function around(inner: PreTradeRisk, replace: { readonly check?: Check; readonly onEquity?: OnEquity }): PreTradeRisk {
  const counters = inner.counters;
  return {
    get wantsEquity() { return inner.wantsEquity; },
    get killed() { return inner.killed; },
    get flattenOnKill() { return inner.flattenOnKill; },
    start: (ctx) => inner.start(ctx),
    check: replace.check ?? ((order, view, nowUs) => inner.check(order, view, nowUs)),
    onSent: (order, nowUs) => inner.onSent(order, nowUs),
    onEquity: replace.onEquity ?? ((equity, nowUs) => inner.onEquity(equity, nowUs)),
    kill: (reason, nowUs) => inner.kill(reason, nowUs),
    ...(counters === undefined ? {} : { counters: () => counters.call(inner) }),
    snapshot: () => inner.snapshot(),
    restore: (state) => inner.restore(state),
  };
}

/**
 * maxPosition (and the other position limits) counted on the filled position only: the orders
 * still working are forgotten, so two orders sent before the first fills can together go past
 * the limit.
 */
export function forgetsWorkingOrders(inner: PreTradeRisk): PreTradeRisk {
  return around(inner, {
    check: (order, view, nowUs) => inner.check(order, { ...view, pendingRaw: () => 0 } satisfies RiskBookView, nowUs),
  });
}

/** The limits that spare a risk-reducing order, by the name their refusals start with. */
const SPARES_REDUCING = /^(maxPosition|maxPositionNotional|maxLeverage|killSwitch|maxDailyLoss):/;

/**
 * "Risk-reducing" decided by the order's own side, as a long-only book would: every sell is
 * taken to reduce risk, so a sell that opens or grows a short passes the limits that spare
 * reducing orders (position, notional, leverage, daily loss, kill switch).
 */
export function sellsCountAsReducing(inner: PreTradeRisk): PreTradeRisk {
  return around(inner, {
    check: (order: OrderRequest, view, nowUs) => {
      const why = inner.check(order, view, nowUs);
      return why !== null && order.side === -1 && SPARES_REDUCING.test(why) ? null : why;
    },
  });
}

/**
 * The kill switch trips (it is journaled, and flattens when configured) but the pre-trade check
 * never looks at it: with flattenOnKill off, the stack goes on adding risk after it.
 */
export function killSwitchNotChecked(inner: PreTradeRisk): PreTradeRisk {
  return around(inner, {
    check: (order, view, nowUs) => {
      const why = inner.check(order, view, nowUs);
      return why !== null && why.startsWith('killSwitch:') ? null : why;
    },
  });
}

/**
 * The stack never tells risk its equity at marks (the wiring of `onEquity` forgotten): the
 * drawdown kill switch, which only marks can trip, never trips, and the daily loss is measured
 * from the equity of the run's start instead of the session's.
 */
export function equityNeverReported(inner: PreTradeRisk): PreTradeRisk {
  return around(inner, { onEquity: () => {} });
}
