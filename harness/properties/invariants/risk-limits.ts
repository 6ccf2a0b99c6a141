/**
 * riskLimits: no order the stack sends breaks a declared limit. Checked at every new order (the
 * first send of a client order id; re-sends are the same order) against the stack's position as
 * the stack knows it, rebuilt here from what the stack was shown: the market data its data client
 * delivered (subscribed before the stack, so seen first), the venue reports it received (fills
 * deduplicated as any stack must), the orders it sent, and its own clock. Limits and their
 * definitions are the scenario's `stack.risk` (RiskLimitsSchema's descriptions):
 * - order quantity and notional (limit price, else last price) for every order;
 * - position with working orders, its notional, and leverage (gross notional / equity), unless the
 *   order only shrinks the exposure toward zero;
 * - new orders per rolling window of the stack clock;
 * - once a session (calendar sessions, the stack clock) lost maxDailyLoss from its start equity,
 *   or equity fell killSwitchDrawdown below its peak, no order that adds risk.
 * This is independent code: it does not call the stack's risk engine or its books.
 */
import {
  nextSessionOpenUs, notionalMoney, formatTimeUs, type ExecutionReport, type Instrument, type OrderRequest, type RunContext,
} from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type InvariantSetup, type OnlineInvariant } from '../property.ts';
import { describeOrder, describeReport, RecentRecords } from './describe.ts';

interface Tracked {
  readonly instrument: number;
  readonly side: 1 | -1;
  quantityRaw: number;
  filledRaw: number;
  acked: boolean;
  done: boolean;
  /** Fill keys seen (time, quantity, leaves, price): a report delivered twice is one fill. */
  readonly fillKeys: number[];
}

export const riskLimits: InvariantFactory = (setup: InvariantSetup): OnlineInvariant => {
  const first = new FirstViolation('riskLimits');
  const limits = setup.scenario.stack.risk;
  const recent = new RecentRecords(6);
  const orders = new Map<string, Tracked>();
  // The orders not done yet (done is final), for pending(): it ran over every order of the run at
  // each new order. Sums of raw quantities are exact integers, in any order.
  const working: Tracked[] = [];
  const seen = new Set<string>();
  let instruments: readonly Instrument[] = [];
  let md = 2;
  let positions: number[] = [];
  let prices: number[] = [];
  let flow = 0;
  // Limits in raw units, as the scenario states them converted once.
  let maxPositionRaw: number[] | null = null;
  let maxOrderRaw: number[] | null = null;
  const money = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10 ** md));
  let maxPositionNotional: number | null = null;
  let maxOrderNotional: number | null = null;
  // Equity-based state: session start, peak, halts.
  const wantsEquity = limits.maxDailyLoss !== undefined || limits.killSwitchDrawdown !== undefined;
  let maxDailyLoss = 0;
  let hasSession = false;
  let sessionEndUs = 0;
  let sessionStartEquity = 0;
  let lastEquity = 0;
  let peakEquity = 0;
  let dailyHalted = false;
  let killed = false;
  // Send times of new orders (stack clock), for the rate limit: only the last maxOrdersPerWindow matter.
  const sends: number[] = [];
  let limitedOrders = 0;

  function equity(): number {
    let e = flow;
    for (let i = 0; i < positions.length; i++) {
      const q = positions[i]!;
      if (q !== 0 && prices[i]! > 0) e += notionalMoney(instruments[i]!, q, prices[i]!, md);
    }
    return e;
  }

  function pending(i: number): number {
    let p = 0;
    let kept = 0;
    for (let k = 0; k < working.length; k++) {
      const o = working[k]!;
      if (o.done) continue;
      working[kept++] = o;
      if (o.instrument === i) p += o.side * Math.max(0, o.quantityRaw - o.filledRaw);
    }
    // pop, not a length store: shrinking an array by its length is a runtime call.
    while (working.length > kept) working.pop();
    return p;
  }

  function roll(nowUs: number): void {
    if (hasSession && nowUs < sessionEndUs) return;
    hasSession = true;
    sessionEndUs = nextSessionOpenUs(setup.calendar, nowUs);
    sessionStartEquity = lastEquity;
    dailyHalted = false;
  }

  function noteDailyLoss(e: number): void {
    if (limits.maxDailyLoss !== undefined && !dailyHalted && sessionStartEquity - e >= maxDailyLoss) dailyHalted = true;
  }

  function onEquity(nowUs: number): void {
    const e = equity();
    roll(nowUs);
    lastEquity = e;
    if (e > peakEquity) peakEquity = e;
    noteDailyLoss(e);
    const dd = limits.killSwitchDrawdown;
    if (dd !== undefined && peakEquity > 0 && peakEquity - e >= dd * peakEquity) killed = true;
  }

  function mark(i: number, priceRaw: number, ctx: RunContext): void {
    prices[i] = priceRaw;
    if (wantsEquity) onEquity(ctx.env.clock.nowUs());
  }

  /** Why the order breaks a limit, or null. */
  function breach(o: OrderRequest, nowUs: number): string | null {
    const i = o.instrumentIndex;
    const inst = instruments[i]!;
    const before = positions[i]! + pending(i);
    const after = before + o.side * o.quantityRaw;
    const reducing = Math.abs(after) < Math.abs(before) && (after === 0 || Math.sign(after) === Math.sign(before));
    const units = (raw: number): number => raw / 10 ** inst.quantityDecimals;
    if (wantsEquity) {
      roll(nowUs);
      noteDailyLoss(equity());
      if (killed && !reducing) return `kill switch tripped (drawdown ${limits.killSwitchDrawdown} from peak ${peakEquity}), yet the order adds risk: exposure ${units(before)} -> ${units(after)}`;
      if (dailyHalted && !reducing) return `daily loss limit reached (session start equity ${sessionStartEquity}, now ${equity()} money units, limit ${maxDailyLoss}), yet the order adds risk: exposure ${units(before)} -> ${units(after)}`;
    }
    if (limits.maxOrdersPerWindow !== undefined) {
      const windowUs = limits.orderWindowUs!;
      let inWindow = 0;
      for (let k = sends.length - 1; k >= 0 && sends[k]! > nowUs - windowUs; k--) inWindow++;
      if (inWindow >= limits.maxOrdersPerWindow) return `${inWindow} orders already sent in the last ${windowUs} us of the stack clock, limit ${limits.maxOrdersPerWindow}`;
    }
    if (maxOrderRaw !== null && o.quantityRaw > maxOrderRaw[i]!) return `order quantity ${units(o.quantityRaw)}, limit maxOrderQuantity ${limits.maxOrderQuantity}`;
    const px = prices[i]!;
    if (maxOrderNotional !== null) {
      const at = o.limitPriceRaw ?? px;
      if (!(at > 0)) return `no price to value the order (maxOrderNotional ${limits.maxOrderNotional})`;
      const n = notionalMoney(inst, o.quantityRaw, at, md);
      if (n > maxOrderNotional) return `order notional ${n} money units, limit maxOrderNotional ${maxOrderNotional}`;
    }
    if (reducing) return null;
    if (maxPositionRaw !== null && Math.abs(after) > maxPositionRaw[i]!) return `position with working orders ${units(after)}, limit maxPosition ${limits.maxPosition}`;
    if (maxPositionNotional !== null) {
      if (!(px > 0)) return `no price to value the position (maxPositionNotional ${limits.maxPositionNotional})`;
      const n = Math.abs(notionalMoney(inst, after, px, md));
      if (n > maxPositionNotional) return `position notional with working orders ${n} money units, limit maxPositionNotional ${maxPositionNotional}`;
    }
    if (limits.maxLeverage !== undefined) {
      if (!(px > 0)) return `no price to value the position (maxLeverage ${limits.maxLeverage})`;
      let gross = 0;
      for (let k = 0; k < instruments.length; k++) {
        const q = k === i ? after : positions[k]! + pending(k);
        if (q !== 0 && prices[k]! > 0) gross += Math.abs(notionalMoney(instruments[k]!, q, prices[k]!, md));
      }
      const e = equity();
      if (!(e > 0)) return `equity ${e} money units leaves no room for new exposure (maxLeverage ${limits.maxLeverage})`;
      if (gross > limits.maxLeverage * e) return `gross notional ${gross} = ${(gross / e).toFixed(4)} x equity ${e}, limit maxLeverage ${limits.maxLeverage}`;
    }
    return null;
  }

  function onReport(r: ExecutionReport): void {
    const o = orders.get(r.clientOrderId);
    if (o === undefined) return;
    if (r.kind === 'fill') {
      const keys = o.fillKeys;
      for (let k = 0; k < keys.length; k += 4) {
        if (keys[k] === r.timeUs && keys[k + 1] === r.quantityRaw && keys[k + 2] === r.leavesQuantityRaw && keys[k + 3] === r.priceRaw) return;
      }
      keys.push(r.timeUs, r.quantityRaw, r.leavesQuantityRaw, r.priceRaw);
      const inst = instruments[r.instrumentIndex]!;
      positions[r.instrumentIndex] = positions[r.instrumentIndex]! + r.side * r.quantityRaw;
      flow -= r.side * notionalMoney(inst, r.quantityRaw, r.priceRaw, md) + r.fee;
      if (prices[r.instrumentIndex] === 0) prices[r.instrumentIndex] = r.priceRaw;
      o.filledRaw += r.quantityRaw;
      o.acked = true;
      if (r.leavesQuantityRaw === 0) o.done = true;
      return;
    }
    if (o.done) return;
    switch (r.kind) {
      case 'accepted': o.acked = true; return;
      case 'rejected': if (!o.acked && o.filledRaw === 0) o.done = true; return;
      case 'cancelled': case 'expired': o.done = true; return;
      case 'replaced': {
        if (r.request !== undefined) o.quantityRaw = r.request.quantityRaw;
        const leaves = r.leavesQuantityRaw ?? o.quantityRaw - o.filledRaw;
        if (leaves <= 0) o.done = true;
        return;
      }
      default: return;
    }
  }

  return {
    name: 'riskLimits',
    beforeStart(ctx) {
      instruments = ctx.env.instruments;
      md = ctx.env.account?.moneyDecimals ?? ctx.ledger.moneyDecimals;
      positions = instruments.map(() => 0);
      prices = instruments.map(() => 0);
      flow = ctx.env.account?.startCash ?? 0;
      const perInstrument = (x: number | undefined): number[] | null => (x === undefined ? null : instruments.map((i) => Math.floor(x * 10 ** i.quantityDecimals + 1e-9)));
      maxPositionRaw = perInstrument(limits.maxPosition);
      maxOrderRaw = perInstrument(limits.maxOrderQuantity);
      maxPositionNotional = money(limits.maxPositionNotional);
      maxOrderNotional = money(limits.maxOrderNotional);
      maxDailyLoss = money(limits.maxDailyLoss) ?? 0;
      lastEquity = flow;
      peakEquity = flow;
      // Subscribed before the stack: a mark is known here before the stack can act on it.
      ctx.env.data.onBar((b) => mark(b.instrumentIndex, b.closeRaw, ctx));
      ctx.env.data.onTrade((t) => mark(t.instrumentIndex, t.priceRaw, ctx));
      ctx.env.data.onQuote((q) => mark(q.instrumentIndex, Math.round((q.bidRaw + q.askRaw) / 2), ctx));
    },
    onReport(ctx, r) {
      onReport(r);
      if (r.kind === 'fill') {
        const at = ctx.env.kernel.clock.nowUs();
        recent.push(() => describeReport(r, instruments, at));
      }
    },
    onOrder(ctx, order, timeUs) {
      if (seen.has(order.clientOrderId)) return; // a re-send of an order already checked
      seen.add(order.clientOrderId);
      const nowUs = ctx.env.clock.nowUs();
      const why = first.value === null ? breach(order, nowUs) : null;
      recent.push(() => describeOrder(order, instruments, timeUs));
      if (why !== null) first.report(ctx, timeUs, `order ${order.clientOrderId} breaks a risk limit at stack time ${formatTimeUs(nowUs)}: ${why}`, recent.list());
      const tracked: Tracked = { instrument: order.instrumentIndex, side: order.side, quantityRaw: order.quantityRaw, filledRaw: 0, acked: false, done: false, fillKeys: [] };
      orders.set(order.clientOrderId, tracked);
      working.push(tracked);
      if (limits.maxOrdersPerWindow !== undefined) {
        sends.push(nowUs);
        if (sends.length > limits.maxOrdersPerWindow) sends.shift();
      }
      // Terminal orders are dropped now and then, so the working set stays small on long runs.
      if (orders.size > 4096) for (const [id, o] of orders) if (o.done) orders.delete(id);
    },
    finish(ctx) {
      const stack = ctx.stack as { riskCounters?: () => { rejections: number; dailyLossHalts: number; killSwitchTrips: number } | null };
      const c = typeof stack.riskCounters === 'function' ? stack.riskCounters() : null;
      if (c !== null && c.rejections + c.dailyLossHalts + c.killSwitchTrips > 0) limitedOrders++;
    },
    violation: () => first.value,
    reached: () => limitedOrders > 0,
  };
};
