/**
 * Deliberately broken fill models, each a small realistic mistake wrapped around the venue's own
 * OhlcPathFillModel, for proving that the fillRules invariant has teeth: pass one as
 * `runScenario(loaded, { models: { fill } })` and fillRules must report it. Most show with the
 * reference stack (market orders); the limit and stop mistakes need orders of those types, which
 * `OrderMixStack` sends.
 */
import {
  OhlcPathFillModel, type ExecutionReport, type FillModel, type Instrument, type OrderRequest, type OrderType, type Rng, type RngRegistry,
  type StackEnv, type TimeInForce, type TradingStack,
} from '../../../engine/index.ts';

/** The fill model's configuration as a scenario's `venue.fill` states it. */
export type FillConfig = ConstructorParameters<typeof OhlcPathFillModel>[0];

type MatchParams = Parameters<FillModel['match']>[0];
type Decision = Parameters<FillModel['match']>[1];
type Event = MatchParams['event'];
type OrderView = MatchParams['order'];

/** A broken model: its name, the mistake in a sentence, and a factory from the scenario's fill config. */
export interface BrokenFill {
  readonly name: string;
  readonly mistake: string;
  readonly create: (config?: FillConfig) => FillModel;
}

type Match = FillModel['match'];

/**
 * A broken model around a fresh OhlcPathFillModel of the scenario's fill config: everything is
 * delegated to it but `match`, which `mistake` builds from it (and `capacityRaw`, when overridden).
 */
function brokenFill(name: string, mistake: string, build: (inner: FillModel) => Match, overrides: Partial<Pick<FillModel, 'capacityRaw'>> = {}): BrokenFill {
  return {
    name,
    mistake,
    create: (config) => {
      const inner = new OhlcPathFillModel(config);
      return {
        matchesAtBarOpen: inner.matchesAtBarOpen,
        fillsAtArrivalClose: inner.fillsAtArrivalClose,
        capacityRaw: overrides.capacityRaw ?? ((p) => inner.capacityRaw(p)),
        match: build(inner),
      };
    },
  };
}

function noFill(out: Decision): void {
  out.seen = false;
  out.triggered = false;
  out.priceRaw = Number.NaN;
  out.marketable = false;
}

/** Market orders wait out the bar's open and take its close: the open and close columns confused. */
export const marketAtBarClose = brokenFill(
  'marketAtBarClose',
  "fills market orders at the close of the bar they saw instead of the next bar's open",
  (inner) => (p, out) => {
    inner.match(p, out);
    if (p.order.request.type !== 'market') return;
    if (p.event.kind === 'open') noFill(out);
    else if (p.event.kind === 'bar' && out.priceRaw === out.priceRaw) out.priceRaw = p.event.close;
  },
);

/** The arrival check dropped: an order arriving inside a bar is matched against that bar's path. */
export const lookAheadInsideBar = brokenFill(
  'lookAheadInsideBar',
  'matches an order that arrived inside a bar against that whole bar (look-ahead: it trades at an open that was already past)',
  (inner) => {
    const view = { request: undefined as unknown as OrderRequest, filledRaw: 0, activeFromUs: 0, triggered: false };
    const params = { instrument: undefined as unknown as Instrument, order: view as OrderView, event: undefined as unknown as Event };
    return (p, out) => {
      const o = p.order;
      view.request = o.request;
      view.filledRaw = o.filledRaw;
      view.triggered = o.triggered;
      view.activeFromUs = p.event.kind === 'bar' ? Math.min(o.activeFromUs, p.event.openTimeUs) : o.activeFromUs;
      params.instrument = p.instrument;
      params.event = p.event;
      inner.match(params, out);
    };
  },
);

/** The sides of the book swapped: buys lift the bid, sells hit the ask. */
export const swappedTouch = brokenFill(
  'swappedTouch',
  'fills buys at the bid and sells at the ask (the sides of the quote swapped)',
  (inner) => {
    const params = { instrument: undefined as unknown as Instrument, order: undefined as unknown as OrderView, event: undefined as unknown as Event };
    return (p, out) => {
      if (p.event.kind !== 'quote') return inner.match(p, out);
      params.instrument = p.instrument;
      params.order = p.order;
      params.event = { ...p.event, bid: p.event.ask, ask: p.event.bid, bidSize: p.event.askSize, askSize: p.event.bidSize };
      inner.match(params, out);
    };
  },
);

/** A limit order treated as marketable at the open: a gap through the wrong side fills anyway. */
export const limitThroughGap = brokenFill(
  'limitThroughGap',
  "fills a limit order at a bar's open even when the open gapped past its limit (a buy above, a sell below)",
  (inner) => (p, out) => {
    inner.match(p, out);
    const o = p.order.request;
    const e = p.event;
    if (o.type !== 'limit' || (e.kind !== 'open' && e.kind !== 'bar') || out.priceRaw === out.priceRaw) return;
    if (e.kind === 'bar' && p.order.activeFromUs > e.openTimeUs) return;
    if (o.side * (e.open - o.limitPriceRaw!) > 0) { out.seen = true; out.priceRaw = e.open; }
  },
);

/** A stop filled at its own price when the bar gapped through it, a price the market never traded. */
export const stopAtStopThroughGap = brokenFill(
  'stopAtStopThroughGap',
  'fills a stop at its stop price when the bar opened beyond it (it should fill at the open: the market never traded at the stop)',
  (inner) => (p, out) => {
    inner.match(p, out);
    const o = p.order.request;
    const e = p.event;
    if (o.type !== 'stop' || p.order.triggered || out.priceRaw !== out.priceRaw || (e.kind !== 'open' && e.kind !== 'bar')) return;
    if (out.priceRaw === e.open && e.open !== o.stopPriceRaw) out.priceRaw = o.stopPriceRaw!;
  },
);

/** The sign of the slippage flipped: market fills move one tick in the taker's favour. */
export const favourableTick = brokenFill(
  'favourableTick',
  "moves market and stop fills one tick in the taker's favour (a buy below the open, print or ask; a sell above)",
  (inner) => (p, out) => {
    inner.match(p, out);
    if (!out.marketable || out.priceRaw !== out.priceRaw) return;
    const better = out.priceRaw - p.order.request.side * p.instrument.tickSizeRaw;
    if (better > 0) out.priceRaw = better;
  },
);

/** The participation cap computed but never applied: a thin bar fills the whole order. */
export const uncappedParticipation = brokenFill(
  'uncappedParticipation',
  "ignores the participation cap: an order takes more of an event's volume than the configured fraction",
  (inner) => (p, out) => inner.match(p, out),
  { capacityRaw: () => Number.POSITIVE_INFINITY },
);

export const BROKEN_FILLS: readonly BrokenFill[] = [marketAtBarClose, lookAheadInsideBar, swappedTouch, limitThroughGap, stopAtStopThroughGap, favourableTick, uncappedParticipation];

/**
 * A stack that sends a seeded mix of orders: market, limit, stop and stop-limit, GTC, DAY and IOC,
 * prices a few percent either side of the last price, and now and then cancels or replaces one.
 * It holds no strategy: it is there so that every fill rule of the venue gets exercised.
 */
export class OrderMixStack implements TradingStack {
  private readonly rng: Rng;
  private readonly instruments: readonly Instrument[];
  private readonly maxWorking: number;
  private readonly orderChance: number;
  private env: StackEnv | null = null;
  private s = { next: 0, working: [] as { id: string; type: OrderType; limitRaw: number; stopRaw: number; tickRaw: number }[], last: [] as number[] };

  /** `orderChance`: chance of an order at each market event the stack sees; at most `maxWorking` open at once. */
  constructor(instruments: readonly Instrument[], rng: RngRegistry, options: { orderChance?: number; maxWorking?: number } = {}) {
    this.instruments = instruments;
    this.rng = rng.stream('agent.order-mix');
    this.orderChance = options.orderChance ?? 0.2;
    this.maxWorking = options.maxWorking ?? 6;
    this.s.last = instruments.map(() => 0);
  }

  start(env: StackEnv): void {
    this.env = env;
    env.data.onBar((b) => this.onPrice(b.instrumentIndex, b.closeRaw));
    env.data.onTrade((t) => this.onPrice(t.instrumentIndex, t.priceRaw));
    env.data.onQuote((q) => this.onPrice(q.instrumentIndex, q.bidRaw > 0 && q.askRaw > 0 ? Math.round((q.bidRaw + q.askRaw) / 2) : Math.max(q.bidRaw, q.askRaw)));
  }

  private onPrice(i: number, lastRaw: number): void {
    if (lastRaw <= 0) return;
    this.s.last[i] = lastRaw;
    const r = this.rng;
    const venue = this.env!.venue;
    const roll = r.nextFloat();
    const working = this.s.working;
    if (working.length > 0 && roll < 0.05) {
      venue.cancel(working[r.nextInt(0, working.length - 1)]!.id);
      return;
    }
    if (working.length > 0 && roll < 0.1) {
      // A new quantity, or a limit or stop moved by a few ticks.
      const w = working[r.nextInt(0, working.length - 1)]!;
      const move = w.tickRaw * r.nextInt(-3, 3);
      if (w.type === 'market' || r.nextFloat() < 0.4) venue.replace(w.id, { quantityRaw: this.instruments[i]!.lotSizeRaw * r.nextInt(1, 4) });
      else if (w.type === 'stop' && w.stopRaw + move > 0) venue.replace(w.id, { stopPriceRaw: w.stopRaw + move });
      else if (w.limitRaw + move > 0) venue.replace(w.id, { limitPriceRaw: w.limitRaw + move });
      return;
    }
    if (roll > this.orderChance || working.length >= this.maxWorking) return;
    const inst = this.instruments[i]!;
    const types: readonly OrderType[] = ['market', 'limit', 'stop', 'stop-limit'];
    const type = types[r.nextInt(0, 3)]!;
    const side = r.nextFloat() < 0.5 ? 1 : -1;
    const tifs: readonly TimeInForce[] = type === 'stop' || type === 'stop-limit' ? ['GTC', 'DAY'] : ['GTC', 'DAY', 'IOC'];
    const timeInForce = tifs[r.nextInt(0, tifs.length - 1)]!;
    // Offsets up to 3% of the price, on the tick grid: limits below for buys, stops above.
    const offset = (): number => {
      const raw = Math.max(inst.tickSizeRaw, Math.round((lastRaw * 0.03 * r.nextFloat()) / inst.tickSizeRaw) * inst.tickSizeRaw);
      return raw;
    };
    const grid = (p: number): number => Math.max(inst.tickSizeRaw, Math.round(p / inst.tickSizeRaw) * inst.tickSizeRaw);
    const stopRaw = grid(lastRaw + side * offset());
    const limitRaw = type === 'stop-limit' ? grid(stopRaw + side * (r.nextFloat() < 0.5 ? -1 : 1) * offset()) : grid(lastRaw - side * offset());
    const order: OrderRequest = {
      clientOrderId: `mix-${++this.s.next}`, instrumentIndex: i, side, quantityRaw: inst.lotSizeRaw * r.nextInt(1, 5), type, timeInForce,
      ...(type === 'limit' || type === 'stop-limit' ? { limitPriceRaw: limitRaw } : {}),
      ...(type === 'stop' || type === 'stop-limit' ? { stopPriceRaw: stopRaw } : {}),
    };
    working.push({ id: order.clientOrderId, type, limitRaw: order.limitPriceRaw ?? 0, stopRaw: order.stopPriceRaw ?? 0, tickRaw: inst.tickSizeRaw });
    venue.submit(order);
  }

  onReport(report: ExecutionReport): void {
    const done = report.kind === 'rejected' || report.kind === 'cancelled' || report.kind === 'expired'
      || (report.kind === 'fill' && report.leavesQuantityRaw === 0) || (report.kind === 'replaced' && report.leavesQuantityRaw === 0);
    if (!done) return;
    const k = this.s.working.findIndex((w) => w.id === report.clientOrderId);
    if (k >= 0) this.s.working.splice(k, 1);
  }

  snapshot(): unknown {
    return structuredClone(this.s);
  }

  restore(state: unknown): void {
    this.s = structuredClone(state as typeof this.s);
  }
}
