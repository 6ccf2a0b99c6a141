/**
 * The simulated venue: receives orders, cancels and replaces over a FIFO link with latency, keeps
 * orders working, matches them against market events (matching.ts, through the fill and slippage
 * models), charges fees, expires DAY orders, refuses orders during halts, and sends reports.
 *
 * Fills go to the venue listener at once (the engine's ledger books them at the venue's instant);
 * reports reach the stack after the report latency, as kernel events at PRIORITY.venue.
 *
 * Races: the venue handles messages in the order they reach it, and within one instant market
 * data comes first (the kernel runs PRIORITY.market before PRIORITY.venue). So a fill that
 * happens before a cancel or replace arrives stands: the cancel then takes only what is left, or
 * is refused ('cancel-rejected') when nothing is; a replace may not cut the quantity below what
 * has filled ('replace-rejected'), and one that cuts it to exactly that ends the order 'filled'.
 *
 * Hot path: each market hook returns at once, allocating nothing, when its instrument has no
 * working orders.
 */
import { NumericRangeError } from '../kernel/errors.ts';
import { hashOf } from '../kernel/id-map.ts';
import { PRIORITY } from '../kernel/event-queue.ts';
import { notionalMoney } from '../instruments/instrument.ts';
import type { BarBatch } from '../market/types.ts';
import type { SessionCalendar } from '../market/calendar.ts';
import { HALTED, isHalted, validateHaltWindows, type HaltWindow } from '../market/halts.ts';
import { Link, type OrderMessage } from './links.ts';
import { Matcher } from './matching.ts';
import type { FeeParams } from './models/fee-models.ts';
import { OhlcPathFillModel, type FillModel } from './models/fill-models.ts';
import { NO_SLIPPAGE } from './models/slippage-models.ts';
import { OrderBookState, type VenueOrderState } from './order-book-state.ts';
import { orderProblem, replaceProblem, type OrderChanges } from './order-validation.ts';
import { isWorkingStatus, type ExecutionReport, type FillReport, type OrderRequest, type StatusReport } from './orders.ts';
import { DEFAULT_DAY_CALENDAR, dayOrderExpiryUs } from './time-in-force.ts';
import type { VenueApi, VenueParams, VenueState } from './venue-api.ts';
import { PARTIAL_FILL_CANCEL_REASON, VenueFaultPlan } from './faults.ts';
import { moveTo } from './order-lifecycle.ts';

export type { VenueOrderState } from './order-book-state.ts';
export type { OrderChanges } from './order-validation.ts';
export type { HaltWindow } from '../market/halts.ts';
export type { VenueApi, VenueListener, VenueParams, VenueState } from './venue-api.ts';
export type { VenueFault, VenueFaultKind, VenueFaultParams } from './faults.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Kernel event names of order messages reaching the venue and of reports reaching the stack:
 * constants (no string per message), chosen by a switch, not by looking a table up by kind (a
 * keyed load over eight names, for every report).
 */
function arriveLabel(kind: OrderMessage['kind']): string {
  switch (kind) {
    case 'submit': return 'venue.arrive submit';
    case 'cancel': return 'venue.arrive cancel';
    case 'replace': return 'venue.arrive replace';
  }
}

function reportLabel(kind: ExecutionReport['kind']): string {
  switch (kind) {
    case 'fill': return 'venue.report fill';
    case 'accepted': return 'venue.report accepted';
    case 'rejected': return 'venue.report rejected';
    case 'cancelled': return 'venue.report cancelled';
    case 'expired': return 'venue.report expired';
    case 'replaced': return 'venue.report replaced';
    case 'cancel-rejected': return 'venue.report cancel-rejected';
    case 'replace-rejected': return 'venue.report replace-rejected';
  }
}

export class SimulatedVenue implements VenueApi {
  private readonly p: VenueParams;
  private readonly book: OrderBookState;
  private readonly matcher: Matcher;
  private readonly fillModel: FillModel;
  private readonly calendar: SessionCalendar;
  private readonly toVenue: Link<OrderMessage>;
  private readonly toStack: Link<ExecutionReport>;
  private readonly halts: (readonly HaltWindow[] | undefined)[];
  /** Bars are matched at their open event too (no cap, no volume-based slippage). */
  private readonly matchAtOpen: boolean;
  private readonly trackCloses: boolean;
  private readonly lastBarCloseUs: Float64Array;
  private readonly lastBarClose: Float64Array;
  private readonly lastBarVolume: Float64Array;
  /** Bumped by restore: expiry events scheduled before it find a different epoch and do nothing. */
  private epoch = 0;
  /** The fee model's parameters, reused for every fill (FeeParams says so). */
  private readonly feeParams: Mutable<FeeParams>;
  /** Venue faults (chaos); null when the run has none, and then no fault code runs at all. */
  private readonly faults: VenueFaultPlan | null;
  /** Partial-fill faults: the most each hit order may fill, by client order id (live orders only). */
  private readonly caps = new Map<string, number>();
  /** What the fault plan decided for the order arriving now (reused). */
  private readonly arrival = { lostAck: false, capRaw: -1 };
  private duplicates = 0;
  private resent = 0;
  private booked = 0;

  constructor(params: VenueParams) {
    this.p = params;
    const n = params.instruments.length;
    this.book = new OrderBookState(n);
    this.fillModel = params.fill ?? new OhlcPathFillModel();
    const slippage = params.slippage ?? NO_SLIPPAGE;
    this.faults = params.faults === undefined || params.faults.faults.length === 0 ? null : new VenueFaultPlan(params.faults, params.instruments);
    // Only a run with faults pays for the partial-fill cap check on each fill.
    const fill = this.faults === null
      ? (s: VenueOrderState, q: number, price: number) => this.bookFill(s, q, price)
      : (s: VenueOrderState, q: number, price: number) => this.bookFillCapped(s, q, price);
    const sink = { fill, cancelRest: (s: VenueOrderState, why: string) => this.end(s, 'cancelled', why) };
    this.matcher = new Matcher({ instruments: params.instruments, book: this.book, fill: this.fillModel, slippage, sink });
    this.feeParams = { instrument: params.instruments[0]!, quantityRaw: 0, priceRaw: 0, notional: 0, moneyDecimals: params.moneyDecimals };
    this.calendar = params.calendar ?? DEFAULT_DAY_CALENDAR;
    // A bar's volume is known only at its close: a cap or a volume-based slippage model needs it.
    this.matchAtOpen = this.fillModel.matchesAtBarOpen && slippage.usesVolume !== true;
    this.trackCloses = this.fillModel.fillsAtArrivalClose;
    this.lastBarCloseUs = new Float64Array(n).fill(Number.NaN);
    this.lastBarClose = new Float64Array(n).fill(Number.NaN);
    this.lastBarVolume = new Float64Array(n).fill(Number.NaN);
    this.halts = params.instruments.map(() => undefined);
    for (const [id, windows] of Object.entries(params.halts ?? {})) {
      const i = params.instruments.findIndex((inst) => inst.id === id);
      if (i < 0) throw new RangeError(`venue halts: no instrument ${id}`);
      this.setHalts(i, windows);
    }
    this.toVenue = new Link<OrderMessage>({
      context: params.context, immediate: true,
      label: (m) => arriveLabel(m.kind),
      deliver: (m) => this.onMessage(m),
    });
    this.toStack = new Link<ExecutionReport>({
      context: params.context, immediate: false,
      label: (r) => reportLabel(r.kind),
      deliver: (r) => params.listener.deliver(r),
    });
  }

  get workingCount(): number {
    return this.book.workingCount;
  }

  /**
   * Orders booked under a client order id the venue had already accepted. The venue answers a
   * known id with the order's status instead of booking it, so this stays 0 unless that
   * idempotency breaks (a bug), or an id is reused after the venue forgot it (FINISHED_ORDERS_KEPT
   * later orders). A stack that re-sends under a new id is invisible here: see resends.
   */
  get duplicateOrders(): number {
    return this.duplicates;
  }

  /** New orders the venue booked (accepted or rejected), one per client order id. */
  get ordersBooked(): number {
    return this.booked;
  }

  /** Submits of a known client order id (retries), answered with the order's status. */
  get resends(): number {
    return this.resent;
  }

  /** The order's state, live for a recent order: read it at once (once filed in the columns, its object serves a later order). */
  order(clientOrderId: string): Readonly<VenueOrderState> | undefined {
    return this.book.get(clientOrderId);
  }

  /** Messages on their way between stack and venue: orders, cancels and replaces out, reports back. */
  get messagesInFlight(): number {
    return this.toVenue.inFlightCount + this.toStack.inFlightCount;
  }

  /**
   * Every order the venue remembers: the older finished ones first (copies), then the live and
   * recently finished ones, each group in arrival order.
   */
  orders(): IterableIterator<Readonly<VenueOrderState>> {
    return this.book.values();
  }

  /** Tells the venue of trading halts on one instrument (replacing any it knew). */
  setHalts(instrumentIndex: number, windows: readonly HaltWindow[]): void {
    const inst = this.p.instruments[instrumentIndex];
    if (inst === undefined) throw new RangeError(`venue halts: unknown instrument index ${instrumentIndex}`);
    const valid = validateHaltWindows(windows, `venue halts of ${inst.id}`);
    this.halts[instrumentIndex] = valid.length === 0 ? undefined : valid;
  }

  // ---- the stack's side: every call travels the order link ----

  submit(order: OrderRequest): void {
    const delayUs = this.p.latency.orderLatencyUs();
    // Every order passes here: when it reaches the venue at once (no latency), it skips the link
    // message (not with faults: a disconnect may lose it, which onMessage decides).
    if (this.faults === null && this.toVenue.arrivesNow(delayUs)) this.arrive(order);
    else this.toVenue.send({ kind: 'submit', order }, delayUs);
  }

  cancel(clientOrderId: string): void {
    this.toVenue.send({ kind: 'cancel', clientOrderId }, this.p.latency.orderLatencyUs());
  }

  replace(clientOrderId: string, changes: OrderChanges): void {
    this.toVenue.send({ kind: 'replace', clientOrderId, changes: { ...changes } }, this.p.latency.orderLatencyUs());
  }

  private now(): number {
    return this.p.context.clock.nowUs();
  }

  private halted(i: number, timeUs: number): boolean {
    const h = this.halts[i];
    return h !== undefined && isHalted(h, timeUs);
  }

  private onMessage(m: OrderMessage): void {
    if (this.faults !== null && this.faults.messageLost(m.kind, m.kind === 'submit' ? m.order.clientOrderId : m.clientOrderId, this.now())) return;
    if (m.kind === 'submit') this.arrive(m.order);
    else if (m.kind === 'cancel') this.arriveCancel(m.clientOrderId);
    else this.arriveReplace(m.clientOrderId, m.changes);
  }

  private arrive(order: OrderRequest): void {
    const now = this.now();
    // Hashed once: the id is looked up in both of the book's maps, then filed in one.
    const idHash = hashOf(order.clientOrderId);
    const known = this.book.get(order.clientOrderId, idHash);
    if (known !== undefined) {
      this.answerKnown(known, now);
      return;
    }
    const s = this.book.newOrder(order, now);
    this.book.orders.set(order.clientOrderId, s, idHash);
    this.book.forgetOldFinished();
    this.booked++;
    const f = this.faults;
    const a = this.arrival;
    const why = orderProblem(order, this.p.instruments) ?? (this.halted(order.instrumentIndex, now) ? HALTED : null)
      ?? (f === null ? null : f.onNewOrder(order, now, a));
    if (why !== null) {
      moveTo(s, 'rejected');
      this.report({ kind: 'rejected', clientOrderId: order.clientOrderId, instrumentIndex: order.instrumentIndex, timeUs: now, reason: why });
      return;
    }
    moveTo(s, 'accepted');
    if (order.timeInForce === 'DAY') {
      s.expireUs = dayOrderExpiryUs(this.calendar, now);
      this.scheduleExpiry(s);
    }
    this.book.addWorking(s);
    const ack: StatusReport = { kind: 'accepted', clientOrderId: order.clientOrderId, instrumentIndex: order.instrumentIndex, timeUs: now };
    if (f !== null && a.lostAck) {
      // Accepted (and journaled as such), but the report to the stack is dropped.
      this.p.listener.onStatus(ack);
      f.ackLost(order.clientOrderId, now);
    } else this.report(ack);
    if (f !== null && a.capRaw >= 0) {
      this.caps.set(order.clientOrderId, a.capRaw);
      // Held to nothing at all: the venue cancels it at once.
      if (a.capRaw === 0) return this.capReached(s);
    }
    const i = order.instrumentIndex;
    if (this.trackCloses && order.type === 'market' && this.lastBarCloseUs[i] === now && this.book.busy !== i) this.matchAtArrivalClose(i, s);
  }

  /**
   * Idempotent client order ids: a resend of a known id books nothing; the venue answers with the
   * order's current status (accepted while it works or once it has filled, else how it ended), so
   * that a stack whose ack was lost learns where its order stands. The answer is a reply, not a
   * change of state: it goes to the stack only, not to the venue's listener (the journal).
   */
  private answerKnown(known: VenueOrderState, now: number): void {
    this.resent++;
    const st = known.status;
    const kind = st === 'rejected' || st === 'cancelled' || st === 'expired' ? st : 'accepted';
    const o = known.request;
    this.sendReport({ kind, clientOrderId: o.clientOrderId, instrumentIndex: o.instrumentIndex, timeUs: now, reason: `duplicate client order id: the order is ${st}` });
  }

  /** 'same-bar-close': a market order arriving at the instant a bar closed trades at that close. */
  private matchAtArrivalClose(i: number, s: VenueOrderState): void {
    const ev = this.matcher.event;
    const now = this.now();
    ev.kind = 'close';
    ev.timeUs = now;
    ev.closeTimeUs = now;
    ev.close = this.lastBarClose[i]!;
    ev.volume = this.lastBarVolume[i]!;
    // The bar's budget is shared with the orders matched at its close event, if any were.
    if (!this.matcher.budgetSetAt(i, now)) this.matcher.resetBudget(i);
    this.matcher.matchOne(i, s);
    this.book.compact(i);
  }

  private arriveCancel(clientOrderId: string): void {
    const now = this.now();
    const s = this.book.get(clientOrderId);
    if (s === undefined || !isWorkingStatus(s.status)) {
      const reason = s === undefined ? 'cancel: unknown order' : `cancel: too late, the order is ${s.status}`;
      this.report({ kind: 'cancel-rejected', clientOrderId, instrumentIndex: s?.request.instrumentIndex ?? -1, timeUs: now, reason });
      return;
    }
    this.end(s, 'cancelled', 'cancelled by client');
  }

  private arriveReplace(clientOrderId: string, changes: OrderChanges): void {
    const now = this.now();
    const s = this.book.get(clientOrderId);
    const refuse = (reason: string): void => {
      this.report({ kind: 'replace-rejected', clientOrderId, instrumentIndex: s?.request.instrumentIndex ?? -1, timeUs: now, reason });
    };
    if (s === undefined) return refuse('replace: unknown order');
    if (!isWorkingStatus(s.status)) return refuse(`replace: too late, the order is ${s.status}`);
    const o = s.request;
    if (this.halted(o.instrumentIndex, now)) return refuse(HALTED);
    const why = replaceProblem(o, changes, s.filledRaw, s.triggered, this.p.instruments[o.instrumentIndex]!);
    if (why !== null) return refuse(why);
    const next: OrderRequest = {
      ...o,
      ...(changes.quantityRaw !== undefined ? { quantityRaw: changes.quantityRaw } : {}),
      ...(changes.limitPriceRaw !== undefined ? { limitPriceRaw: changes.limitPriceRaw } : {}),
      ...(changes.stopPriceRaw !== undefined ? { stopPriceRaw: changes.stopPriceRaw } : {}),
    };
    // As on exchanges, a smaller quantity keeps the order's time priority; a larger one or a new
    // price loses it. A moved order also starts over with the next bar: matching the new terms
    // against the part of the bar before the replace would be look-ahead.
    const moved = next.quantityRaw > o.quantityRaw || next.limitPriceRaw !== o.limitPriceRaw || next.stopPriceRaw !== o.stopPriceRaw;
    s.request = next;
    if (moved) {
      s.activeFromUs = now;
      this.book.moveToBack(s);
    }
    const leaves = next.quantityRaw - s.filledRaw;
    if (leaves === 0) {
      // Cut to what has filled: nothing is left to work, so the order is filled (as in FIX).
      moveTo(s, 'filled');
      if (this.faults !== null) this.caps.delete(clientOrderId);
      this.book.removeWorking(s);
    }
    this.report({ kind: 'replaced', clientOrderId, instrumentIndex: o.instrumentIndex, timeUs: now, request: { ...next }, leavesQuantityRaw: leaves });
  }

  // ---- expiry ----

  private scheduleExpiry(s: VenueOrderState): void {
    const epoch = this.epoch;
    const id = s.request.clientOrderId;
    const delayUs = Math.max(0, s.expireUs! - this.now());
    this.p.context.schedule(delayUs, `venue.expire ${id}`, () => { if (epoch === this.epoch) this.expireOne(id); }, PRIORITY.venue);
  }

  private expireOne(clientOrderId: string): void {
    const s = this.book.get(clientOrderId);
    if (s !== undefined && isWorkingStatus(s.status) && s.expireUs !== null && s.expireUs <= this.now()) this.end(s, 'expired', 'end of session');
  }

  /** Expires instrument `i`'s DAY orders whose session ended at or before `timeUs`. */
  private expireDue(i: number, timeUs: number): void {
    for (const s of this.book.working[i]!) {
      if (s.expireUs !== null && s.expireUs <= timeUs && isWorkingStatus(s.status)) {
        moveTo(s, 'expired');
        if (this.faults !== null) this.caps.delete(s.request.clientOrderId);
        this.report({ kind: 'expired', clientOrderId: s.request.clientOrderId, instrumentIndex: i, timeUs: this.now(), reason: 'end of session' });
      }
    }
    this.book.compact(i);
    this.book.refreshExpiry(i);
  }

  /** Ends a working order (cancelled by the client or by IOC, or expired) and reports it. */
  private end(s: VenueOrderState, kind: 'cancelled' | 'expired', reason: string): void {
    moveTo(s, kind);
    if (this.faults !== null) this.caps.delete(s.request.clientOrderId);
    this.book.removeWorking(s);
    this.report({ kind, clientOrderId: s.request.clientOrderId, instrumentIndex: s.request.instrumentIndex, timeUs: this.now(), reason });
  }

  // ---- market events ----

  /** A bar's open price, at the bar's open time: market orders fill here by default. */
  onBarOpen(instrumentIndex: number, openRaw: number): void {
    if (this.book.working[instrumentIndex]!.length === 0 || !this.matchAtOpen) return;
    const ev = this.matcher.event;
    const now = this.now();
    ev.kind = 'open';
    ev.timeUs = now;
    ev.openTimeUs = now;
    ev.open = openRaw;
    ev.volume = 0; // not known before the bar closes
    this.match(instrumentIndex, now);
  }

  /** A whole bar at its close time: orders that saw its open are matched along its path. */
  onBar(instrumentIndex: number, batch: BarBatch, row: number): void {
    if (this.trackCloses) {
      this.lastBarCloseUs[instrumentIndex] = batch.closeTimeUs[row]!;
      this.lastBarClose[instrumentIndex] = batch.close[row]!;
      this.lastBarVolume[instrumentIndex] = batch.volume[row]!;
    }
    if (this.book.working[instrumentIndex]!.length === 0) return;
    const ev = this.matcher.event;
    ev.kind = 'bar';
    ev.timeUs = this.now();
    ev.openTimeUs = batch.openTimeUs[row]!;
    ev.closeTimeUs = batch.closeTimeUs[row]!;
    ev.open = batch.open[row]!;
    ev.high = batch.high[row]!;
    ev.low = batch.low[row]!;
    ev.close = batch.close[row]!;
    ev.volume = batch.volume[row]!;
    // The bar's prices belong to the session it opened in: expiry is judged at its open time.
    this.match(instrumentIndex, ev.openTimeUs);
  }

  onTrade(instrumentIndex: number, priceRaw: number, size: number): void {
    if (this.book.working[instrumentIndex]!.length === 0) return;
    const ev = this.matcher.event;
    const now = this.now();
    ev.kind = 'trade';
    ev.timeUs = now;
    ev.price = priceRaw;
    ev.size = size;
    this.match(instrumentIndex, now);
  }

  onQuote(instrumentIndex: number, bidRaw: number, askRaw: number, bidSize: number, askSize: number): void {
    if (this.book.working[instrumentIndex]!.length === 0) return;
    const ev = this.matcher.event;
    const now = this.now();
    ev.kind = 'quote';
    ev.timeUs = now;
    ev.bid = bidRaw;
    ev.ask = askRaw;
    ev.bidSize = bidSize;
    ev.askSize = askSize;
    this.match(instrumentIndex, now);
  }

  /** Expires what the event's session no longer covers, then matches unless the instrument is halted. */
  private match(i: number, priceTimeUs: number): void {
    if (priceTimeUs >= this.book.nextExpiryUs[i]!) this.expireDue(i, priceTimeUs);
    if (this.book.working[i]!.length === 0 || this.halted(i, this.now())) return;
    this.matcher.matchAll(i);
  }

  // ---- booking and reports ----

  private bookFill(s: VenueOrderState, quantityRaw: number, priceRaw: number): void {
    const o = s.request;
    const inst = this.p.instruments[o.instrumentIndex]!;
    const leaves = o.quantityRaw - s.filledRaw - quantityRaw;
    // Never beyond the quantity, always whole lots, always a real price: a breach is a venue bug.
    if (!isWorkingStatus(s.status) || !Number.isSafeInteger(quantityRaw) || quantityRaw <= 0 || leaves < 0 || quantityRaw % inst.lotSizeRaw !== 0) {
      throw new Error(`venue: fill of ${quantityRaw} for ${o.clientOrderId} (${s.status}, filled ${s.filledRaw} of ${o.quantityRaw}) is not allowed`);
    }
    if (!Number.isSafeInteger(priceRaw) || priceRaw <= 0) throw new Error(`venue: fill price ${priceRaw} for ${o.clientOrderId} is not a positive raw integer`);
    const notional = notionalMoney(inst, quantityRaw, priceRaw, this.p.moneyDecimals);
    const fp = this.feeParams;
    fp.instrument = inst;
    fp.quantityRaw = quantityRaw;
    fp.priceRaw = priceRaw;
    fp.notional = notional;
    const fee = this.p.fees.fee(fp);
    if (!Number.isSafeInteger(fee) || fee < 0) {
      const message = `venue: fee model charged ${fee} for ${o.clientOrderId}: a fee is a non-negative integer of money units`;
      // Past 2^53 the configured fees and sizes took it there (bad input); otherwise the model is wrong (a bug).
      if (Number.isInteger(fee) && fee > 0) throw new NumericRangeError('fee', message);
      throw new Error(message);
    }
    s.filledRaw += quantityRaw;
    moveTo(s, leaves === 0 ? 'filled' : 'partially-filled');
    const report: FillReport = { kind: 'fill', clientOrderId: o.clientOrderId, instrumentIndex: o.instrumentIndex, timeUs: this.now(), side: o.side, quantityRaw, priceRaw, fee, leavesQuantityRaw: leaves };
    this.p.listener.onFill(report, notional);
    this.sendReport(report);
  }

  /** bookFill under a partial-fill fault: fills up to the order's cap, then the venue cancels the rest. */
  private bookFillCapped(s: VenueOrderState, quantityRaw: number, priceRaw: number): void {
    const cap = this.caps.get(s.request.clientOrderId);
    if (cap === undefined) return this.bookFill(s, quantityRaw, priceRaw);
    const q = Math.min(quantityRaw, cap - s.filledRaw);
    if (q > 0) this.bookFill(s, q, priceRaw);
    if (s.filledRaw >= cap && isWorkingStatus(s.status)) this.capReached(s);
    else if (!isWorkingStatus(s.status)) this.caps.delete(s.request.clientOrderId);
  }

  private capReached(s: VenueOrderState): void {
    const o = s.request;
    this.faults!.partialFill(o.clientOrderId, this.now(), s.filledRaw, o.quantityRaw);
    this.end(s, 'cancelled', PARTIAL_FILL_CANCEL_REASON);
  }

  private report(r: StatusReport): void {
    this.p.listener.onStatus(r);
    this.sendReport(r);
  }

  /** Sends a report to the stack after its latency (and, with faults, a delay, a hold or a twin). */
  private sendReport(r: ExecutionReport): void {
    const latencyUs = this.p.latency.reportLatencyUs();
    const f = this.faults;
    if (f === null) {
      this.toStack.send(r, latencyUs);
      return;
    }
    const delayUs = f.planReport(r, this.now(), latencyUs);
    this.toStack.send(r, delayUs);
    if (f.duplicate) this.toStack.send(r, delayUs);
  }

  // ---- state ----

  snapshot(): VenueState {
    const lastBars = Array.from(this.lastBarCloseUs, (t, i) => (t === t ? [t, this.lastBarClose[i]!, this.lastBarVolume[i]!] as const : null));
    return { book: this.book.snapshot(), toVenue: this.toVenue.snapshot(), toStack: this.toStack.snapshot(), lastBars, ...(this.faults === null ? {} : { fillCaps: [...this.caps] }) };
  }

  /**
   * Restores a snapshot taken from a venue with the same instruments and models (a fresh one, or
   * this one): orders, messages in flight (delivered as scheduled, or at once when the kernel is
   * already past their time) and DAY expiries. Events this venue scheduled before are voided.
   */
  restore(state: VenueState): void {
    if (state.lastBars.length !== this.p.instruments.length) throw new RangeError(`venue restore: snapshot has ${state.lastBars.length} instruments, the venue ${this.p.instruments.length}`);
    this.epoch++;
    this.book.restore(state.book);
    state.lastBars.forEach((b, i) => {
      this.lastBarCloseUs[i] = b === null ? Number.NaN : b[0];
      this.lastBarClose[i] = b === null ? Number.NaN : b[1];
      this.lastBarVolume[i] = b === null ? Number.NaN : b[2];
    });
    for (const list of this.book.working) for (const s of list) if (s.expireUs !== null) this.scheduleExpiry(s);
    this.toVenue.restore(state.toVenue);
    this.toStack.restore(state.toStack);
    this.caps.clear();
    for (const [id, cap] of state.fillCaps ?? []) this.caps.set(id, cap);
  }
}
