/**
 * Fill models: whether a working order trades at a market event, and at what price before
 * slippage. The venue does the bookkeeping (quantities, caps, fees, reports); the fill model only
 * reads the order and the event, so a different market microstructure is a different model.
 *
 * The default, `OhlcPathFillModel`:
 * - Market orders fill at the next price after they arrive: the next bar's open, the next trade,
 *   or the touch of the next quote (buy at the ask, sell at the bid). When bars come without
 *   open events (the feed's `barOpenEvents: false`), an order working at a bar's open still gets
 *   that open, booked at the bar's close event. With `marketOnBars:
 *   'same-bar-close'` they fill instead at the close of the bar during which they arrive (or, when
 *   they arrive at the instant a bar closes, at that close): the classic "cheat on close", which
 *   lets a strategy trade at a price it has just seen. It exists to reproduce backtests that made
 *   that assumption, and is never the default.
 * - Limit and stop orders on bars: there is no good way to model them with OHLC (LEAN says as
 *   much in its fill model), so the bar is assumed to trace a path: open -> the extreme nearer the
 *   open -> the other extreme -> close (a tie goes to the high first on a down bar, close < open,
 *   and to the low first otherwise), moving through every price between (Backtrader and LEAN
 *   assume the same). An order fills at the first point of that path at which it can:
 *   - at the open, when the bar gaps through its price (better than the limit for a limit order,
 *     worse than the stop for a stop: the market never traded at the stop);
 *   - inside the bar, exactly at the limit (touching it is enough) or at the stop (a stop fills
 *     at the stop, then slippage applies).
 *   A stop-limit becomes a limit when the path reaches its stop; it fills at the stop when the
 *   limit allows that price, or later on the path when the path reaches the limit, or not at all.
 *   An order sees a bar only if it was working when the bar opened (or arrived at its open
 *   instant): the part of the path before an arrival inside the bar is unknown, and matching it
 *   would be look-ahead. Such an order starts with the next bar.
 * - Trades and quotes are points: an order fills at the point's price when that price satisfies
 *   it (a buy limit fills when the print or the ask is at or below the limit, at that price). A
 *   buy stop triggers when the print or the ask reaches the stop, a sell stop when the print or the
 *   bid does, and fills at that same price.
 * - IOC orders take only the first price after arrival: on bars the open, never the path.
 * - Participation cap (`participation`, off by default): the venue's orders on one side may take
 *   at most this fraction of an event's volume (a bar's volume, a trade's size, the touch's size),
 *   rounded down to whole lots, shared in time priority; the rest of an order waits for later
 *   events, which gives partial fills over several bars. A volume of 0 means unknown and caps
 *   nothing. Because a bar's volume is known only at its close, with a cap bars are matched at
 *   their close event (at the prices of their path, the open included), not at their open event.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import type { Instrument } from '../../instruments/instrument.ts';
import type { MarketEvent } from '../market-event.ts';
import type { OrderRequest, Side } from '../orders.ts';

/** The parts of a working order a fill model reads. */
export interface FillOrderView {
  /** The order's current terms (a replace changes them). */
  readonly request: OrderRequest;
  readonly filledRaw: number;
  /** Bars that open before this instant are not seen (arrival, or a replace that changed its price). */
  readonly activeFromUs: number;
  /** Stop and stop-limit orders: the stop has triggered (a stop is then a market order, a stop-limit a limit). */
  readonly triggered: boolean;
}

/** What a fill model is asked. The venue reuses one object: read it during the call only. */
export interface FillParams {
  readonly instrument: Instrument;
  readonly order: FillOrderView;
  readonly event: Readonly<MarketEvent>;
}

/** A fill model's answer, written into an object the venue reuses (no allocation per event). */
export interface FillDecision {
  /** The order took part in this event (an IOC order that saw an event is done after it). */
  seen: boolean;
  /** The order's stop triggered at this event (it stays triggered, filled or not). */
  triggered: boolean;
  /** The price the order trades at before slippage, raw; NaN when it does not trade. */
  priceRaw: number;
  /** The fill takes whatever the market gives (market orders, triggered stops): slippage applies. */
  marketable: boolean;
}

export interface CapacityParams {
  readonly instrument: Instrument;
  readonly side: Side;
  readonly event: Readonly<MarketEvent>;
}

export interface FillModel {
  /** True when bars are matched at their open event too (false: only at their close event). */
  readonly matchesAtBarOpen: boolean;
  /** True when market orders arriving at a bar's close instant fill at that close. */
  readonly fillsAtArrivalClose: boolean;
  /** Raw quantity the venue's orders on `side` may take at this event, in whole lots; Infinity: no cap. */
  capacityRaw(params: CapacityParams): number;
  /** Decides whether `params.order` trades at `params.event`; writes every field of `out`. */
  match(params: FillParams, out: FillDecision): void;
}

export const FillModelSchema = z.strictObject({
  marketOnBars: z.enum(['next-open', 'same-bar-close']).default('next-open')
    .describe("Where market orders fill on bar data: 'next-open' (default) at the open of the next bar after they arrive; 'same-bar-close' at the close of the bar during which they arrive, or of the bar that closed at the instant they arrive (a strategy then trades at a price it has already seen: use only to reproduce backtests that assumed it)."),
  participation: z.number().gt(0).max(1).optional()
    .describe('Participation cap: the largest fraction (0..1] of an event volume (bar volume, trade size, size at the touch) that the venue orders on one side may take, rounded down to whole lots; the rest fills on later events. Absent: no cap. A volume of 0 means unknown and caps nothing.'),
}).describe('Fill model: market orders at the next price after arrival; limit and stop orders along the assumed bar path open -> nearer extreme -> other extreme -> close, filling at the open when the bar gaps through their price.');
export type FillModelConfig = z.input<typeof FillModelSchema>;

/** Tolerance for float rounding when a volume fraction is rounded down to whole lots. */
const LOT_EPSILON = 1e-9;

export class OhlcPathFillModel implements FillModel {
  readonly matchesAtBarOpen: boolean;
  readonly fillsAtArrivalClose: boolean;
  private readonly marketAtClose: boolean;
  /** 0: no cap. */
  private readonly participation: number;

  constructor(config: FillModelConfig = {}) {
    const c = parseMemo(FillModelSchema, config);
    this.marketAtClose = c.marketOnBars === 'same-bar-close';
    this.participation = c.participation ?? 0;
    this.matchesAtBarOpen = this.participation === 0;
    this.fillsAtArrivalClose = this.marketAtClose;
  }

  capacityRaw(p: CapacityParams): number {
    if (this.participation === 0) return Number.POSITIVE_INFINITY;
    const ev = p.event;
    const volume = ev.kind === 'trade' ? ev.size : ev.kind === 'quote' ? (p.side === 1 ? ev.askSize : ev.bidSize) : ev.volume;
    if (!(volume > 0)) return Number.POSITIVE_INFINITY; // unknown volume caps nothing
    const inst = p.instrument;
    const lots = Math.floor((this.participation * volume * 10 ** inst.quantityDecimals) / inst.lotSizeRaw + LOT_EPSILON);
    return lots * inst.lotSizeRaw;
  }

  match(p: FillParams, out: FillDecision): void {
    out.seen = false;
    out.triggered = false;
    out.priceRaw = Number.NaN;
    out.marketable = false;
    const ev = p.event;
    const s = p.order;
    const o = s.request;
    const closeMarket = this.marketAtClose && o.type === 'market';
    switch (ev.kind) {
      case 'trade':
        out.seen = true;
        point(s, ev.price, out);
        return;
      case 'quote': {
        out.seen = true;
        const touch = o.side === 1 ? ev.ask : ev.bid;
        if (touch > 0) point(s, touch, out); // no price on that side: nothing to trade against
        return;
      }
      case 'close':
        if (closeMarket) market(ev.close, out);
        return;
      case 'open':
        if (closeMarket) return;
        out.seen = true;
        point(s, ev.open, out);
        return;
      case 'bar':
        if (closeMarket) {
          if (s.activeFromUs < ev.closeTimeUs) market(ev.close, out);
          return;
        }
        if (s.activeFromUs > ev.openTimeUs) return; // arrived inside the bar: starts with the next one
        out.seen = true;
        if (o.timeInForce === 'IOC') point(s, ev.open, out);
        else path(s, ev.open, ev.high, ev.low, ev.close, out);
        return;
    }
  }
}

function market(priceRaw: number, out: FillDecision): void {
  out.seen = true;
  out.priceRaw = priceRaw;
  out.marketable = true;
}

/** A single price `x` the order may take as it is (an open, a print, a touch). */
function point(s: FillOrderView, x: number, out: FillDecision): void {
  const o = s.request;
  if (o.type === 'market') { market(x, out); return; }
  if (o.type === 'stop' || o.type === 'stop-limit') {
    if (!s.triggered && !out.triggered) {
      if (o.side * (x - o.stopPriceRaw!) < 0) return; // buy stops trigger at or above, sell stops at or below
      out.triggered = true;
    }
    if (o.type === 'stop') { market(x, out); return; }
  }
  if (o.side * (o.limitPriceRaw! - x) >= 0) out.priceRaw = x; // buy at or below the limit, sell at or above
}

/** The bar's assumed path: the open as a point, then three segments through every price between. */
function path(s: FillOrderView, open: number, high: number, low: number, close: number, out: FillDecision): void {
  point(s, open, out);
  if (out.priceRaw === out.priceRaw) return; // filled at the open (gap, or a market order)
  const up = high - open;
  const down = open - low;
  const highFirst = up < down || (up === down && close < open);
  if (segment(s, highFirst ? high : low, out)) return;
  if (segment(s, highFirst ? low : high, out)) return;
  segment(s, close, out);
}

/**
 * The path moving on to `b` from where it was, where the order did not fill (the open or the end
 * of the previous segment). Returns true when it filled. Since the order could not trade where the
 * segment starts, reaching its price on the way means crossing it: a limit fills exactly at its
 * price, a stop triggers exactly at its price.
 */
function segment(s: FillOrderView, b: number, out: FillDecision): boolean {
  const o = s.request;
  const side = o.side;
  if (o.type === 'market') return false; // a market order always fills at the open point
  if (o.type === 'stop' || o.type === 'stop-limit') {
    if (!s.triggered && !out.triggered) {
      const stop = o.stopPriceRaw!;
      if (side * (b - stop) < 0) return false; // the segment does not reach the stop
      out.triggered = true;
      if (o.type === 'stop') { out.priceRaw = stop; out.marketable = true; return true; }
      // The limit is live from the stop on; the rest of this segment moves away from it.
      if (side * (o.limitPriceRaw! - stop) >= 0) { out.priceRaw = stop; return true; }
      return false;
    }
    if (o.type === 'stop') return false; // a triggered stop is a market order: it filled at the open point
  }
  const limit = o.limitPriceRaw!;
  if (side * (limit - b) >= 0) { out.priceRaw = limit; return true; }
  return false;
}

/** A fill model under which nothing ever trades (orders rest until cancelled or expired). */
export const NO_FILLS: FillModel = {
  matchesAtBarOpen: true,
  fillsAtArrivalClose: false,
  capacityRaw: () => Number.POSITIVE_INFINITY,
  match: (_p, out) => { out.seen = true; out.triggered = false; out.priceRaw = Number.NaN; out.marketable = false; },
};

export function createFillModel(config: FillModelConfig | undefined): FillModel {
  return new OhlcPathFillModel(config ?? {});
}
