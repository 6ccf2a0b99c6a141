/**
 * Matching: runs the working orders of one instrument against one market event, in time
 * priority, through the fill model (does it trade, at what price), the participation budget (how
 * much the event leaves), and the slippage model (what a market-like fill really gets). The venue
 * books what comes out.
 *
 * Runs on every market event of an instrument with working orders, so it allocates nothing: the
 * event, the models' parameter objects and the decision are reused.
 */
import type { Instrument } from '../instruments/instrument.ts';
import { newMarketEvent, type MarketEvent } from './market-event.ts';
import type { FillDecision, FillModel, FillOrderView } from './models/fill-models.ts';
import type { SlippageModel } from './models/slippage-models.ts';
import type { OrderBookState, VenueOrderState } from './order-book-state.ts';
import { isWorkingStatus, type Side } from './orders.ts';

/** What matching asks of the venue. */
export interface MatchSink {
  /** Books a fill of `quantityRaw` at `priceRaw` (after slippage) for `s`. */
  fill(s: VenueOrderState, quantityRaw: number, priceRaw: number): void;
  /** Cancels what is left of an IOC order after its first opportunity. */
  cancelRest(s: VenueOrderState, reason: string): void;
}

export interface MatcherParams {
  readonly instruments: readonly Instrument[];
  readonly book: OrderBookState;
  readonly fill: FillModel;
  readonly slippage: SlippageModel;
  readonly sink: MatchSink;
}

export const IOC_CANCEL_REASON = 'IOC: quantity not filled at the first opportunity cancelled';

export class Matcher {
  /** The event being matched: the venue fills it in, then calls `matchAll` or `matchOne`. */
  readonly event: MarketEvent = newMarketEvent();
  private readonly p: MatcherParams;
  private readonly fillParams: { instrument: Instrument; order: FillOrderView; event: MarketEvent };
  private readonly decision: FillDecision = { seen: false, triggered: false, priceRaw: Number.NaN, marketable: false };
  private readonly capacityParams: { instrument: Instrument; side: Side; event: MarketEvent };
  private readonly slipParams: { instrument: Instrument; side: Side; priceRaw: number; quantityRaw: number; volume: number };
  /** Quantity the current event still leaves, per instrument: [2i] buys, [2i + 1] sells. */
  private readonly budget: Float64Array;
  /** Time of the event that set each instrument's budget (NaN: none yet). */
  private readonly budgetStampUs: Float64Array;

  constructor(params: MatcherParams) {
    const first = params.instruments[0];
    if (first === undefined) throw new RangeError('venue: at least one instrument is needed');
    this.p = params;
    const placeholder: FillOrderView = { request: { clientOrderId: '', instrumentIndex: 0, side: 1, quantityRaw: 0, type: 'market', timeInForce: 'GTC' }, filledRaw: 0, activeFromUs: 0, triggered: false };
    this.fillParams = { instrument: first, order: placeholder, event: this.event };
    this.capacityParams = { instrument: first, side: 1, event: this.event };
    this.slipParams = { instrument: first, side: 1, priceRaw: 0, quantityRaw: 0, volume: 0 };
    this.budget = new Float64Array(2 * params.instruments.length);
    this.budgetStampUs = new Float64Array(params.instruments.length).fill(Number.NaN);
  }

  /** Sets instrument `i`'s budgets from the current event (the start of a new event). */
  resetBudget(i: number): void {
    const cp = this.capacityParams;
    cp.instrument = this.p.instruments[i]!;
    cp.side = 1;
    this.budget[2 * i] = this.p.fill.capacityRaw(cp);
    cp.side = -1;
    this.budget[2 * i + 1] = this.p.fill.capacityRaw(cp);
    this.budgetStampUs[i] = this.event.timeUs;
  }

  /** True when instrument `i`'s budgets were set by an event at `timeUs`. */
  budgetSetAt(i: number, timeUs: number): boolean {
    return this.budgetStampUs[i] === timeUs;
  }

  /** Matches every working order of instrument `i` against the current event, then drops finished ones. */
  matchAll(i: number): void {
    const book = this.p.book;
    const list = book.working[i]!;
    this.resetBudget(i);
    book.busy = i;
    try {
      // Orders that arrive during the loop (a listener re-entering the venue) wait for the next event.
      const n = list.length;
      for (let k = 0; k < n; k++) {
        const s = list[k]!;
        if (isWorkingStatus(s.status)) this.matchOne(i, s);
      }
    } finally {
      book.busy = -1;
    }
    book.compact(i);
  }

  /** Matches one working order of instrument `i` against the current event, within the budget left. */
  matchOne(i: number, s: VenueOrderState): void {
    const fp = this.fillParams;
    const d = this.decision;
    const inst = this.p.instruments[i]!;
    fp.instrument = inst;
    fp.order = s;
    this.p.fill.match(fp, d);
    if (d.triggered) s.triggered = true;
    const side = s.request.side;
    if (d.priceRaw === d.priceRaw) {
      const b = side === 1 ? 2 * i : 2 * i + 1;
      const budget = this.budget[b]!;
      const remaining = s.request.quantityRaw - s.filledRaw;
      const quantityRaw = remaining < budget ? remaining : budget;
      if (quantityRaw > 0) {
        const priceRaw = d.marketable ? this.slipped(inst, side, d.priceRaw, quantityRaw) : d.priceRaw;
        this.budget[b] = budget - quantityRaw;
        this.p.sink.fill(s, quantityRaw, priceRaw);
      }
    }
    if (d.seen && s.request.timeInForce === 'IOC' && isWorkingStatus(s.status)) this.p.sink.cancelRest(s, IOC_CANCEL_REASON);
  }

  private slipped(inst: Instrument, side: Side, priceRaw: number, quantityRaw: number): number {
    const ev = this.event;
    const sp = this.slipParams;
    sp.instrument = inst;
    sp.side = side;
    sp.priceRaw = priceRaw;
    sp.quantityRaw = quantityRaw;
    sp.volume = ev.kind === 'trade' ? ev.size : ev.kind === 'quote' ? (side === 1 ? ev.askSize : ev.bidSize) : ev.volume;
    const out = this.p.slippage.adjust(sp);
    // Slippage that favours the order, or leaves no valid price, is a bug in the model.
    if (!Number.isSafeInteger(out) || out <= 0 || side * (out - priceRaw) < 0) {
      throw new Error(`slippage model moved a ${side === 1 ? 'buy' : 'sell'} at ${priceRaw} to ${out}: it must be a positive integer no better for the order`);
    }
    return out;
  }
}
