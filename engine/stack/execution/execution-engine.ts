/**
 * Execution: turns target positions into orders, runs each order's lifecycle (order-state.ts)
 * from the venue's reports, and books fills into the stack's own books, once per fill.
 *
 * Idempotent client order ids: ids are `${prefix}-${seq}` with `seq` in the snapshot, so a
 * restored stack never reuses one; a retry re-sends the same request with the same id, and the
 * venue answers a known id with where the order stands instead of booking it again.
 *
 * Timeouts and retries, in virtual time: every request (submit, cancel, replace) arms a timer of
 * orderTimeoutUs through the kernel context. If no report answers it by then, the same request is
 * re-sent (same client order id), at most maxRetries times; after that the stack journals that
 * it gave up and stops asking. It never invents an outcome: the order stays open (and counts as
 * working for risk) until a report settles it. Retries are not new orders: they are not
 * risk-checked again and do not count toward the order rate.
 *
 * Cancels and replaces are only sent for an acknowledged order with no request outstanding; a
 * cancel asked for earlier waits (cancelWanted) and goes out as soon as that holds, so a cancel
 * never overtakes its order at the venue.
 *
 * Reconciliation of reports that do not fit: a fill is identified by (time, quantity, leaves,
 * price) and booked once however often it is delivered; a fill for an order already cancelled
 * or expired is still booked (fills are the truth about positions); a late or duplicate ack,
 * a report about a finished order, or one about an unknown id is ignored and counted, with a
 * journal note. Only the stack's own misuse (an illegal transition) throws.
 */
import { parseMemo } from '../../config/parse-memo.ts';
import type { Clock } from '../../kernel/clock.ts';
import { IdMap } from '../../kernel/id-map.ts';
import type { Journal } from '../../kernel/journal.ts';
import type { KernelContext, TimerHandle } from '../../kernel/kernel.ts';
import type { Instrument } from '../../instruments/instrument.ts';
import type { ExecutionReport, FillReport, OrderRequest, StatusReport } from '../../venue/orders.ts';
import type { VenueApi } from '../../venue/venue.ts';
import { FILL_FIELDS, type VenueQuery } from '../../venue/venue-api.ts';
import type { StackBooks } from '../books/books.ts';
import type { PreTradeRisk } from '../risk/risk-engine.ts';
import type { RiskBookView } from '../risk/view.ts';
import { ExecutionConfigSchema, type ExecutionConfig, type ExecutionConfigParsed } from './config.ts';
import { FinishedExecOrders } from './finished-exec-orders.ts';
import { OrderIds } from './order-ids.ts';
import { IllegalTransitionError, isTerminal, isWorking, transition, type ExecOrder, type ReplaceChanges } from './order-state.ts';

export interface ExecutionDeps {
  /** Prefix of client order ids: unique per stack. */
  readonly prefix: string;
  readonly instruments: readonly Instrument[];
  readonly venue: VenueApi;
  readonly risk: PreTradeRisk;
  readonly journal: Journal;
  /** The stack's clock: deadlines and journal times. */
  readonly clock: Clock;
  /** For timers only (virtual time); the engine never reads the kernel's clock. */
  readonly kernel: Pick<KernelContext, 'timer' | 'cancelTimer'>;
  readonly books: StackBooks;
  readonly config?: ExecutionConfig;
}

/** What the reference stack asks of execution; the harness may wrap or replace it. */
export interface Execution {
  /** Sends a market order for target - (position + working orders); returns its id, or null when none was sent. */
  rebalance(instrumentIndex: number, targetRaw: number): string | null;
  /** Risk-checks and sends a new order; returns its client order id, or null when risk rejected it. */
  submit(order: Omit<OrderRequest, 'clientOrderId'>): string | null;
  /** Asks the venue to cancel (now, or once the order is acknowledged); false when already finished. */
  cancel(clientOrderId: string): boolean;
  /** Cancels every live order (of one instrument, when given). */
  cancelAll(instrumentIndex?: number): void;
  /** Changes a working order (same client order id); false when risk rejected the change. */
  replace(clientOrderId: string, changes: ReplaceChanges): boolean;
  onReport(report: ExecutionReport): void;
  pendingRaw(instrumentIndex: number): number;
  /** Live (non-terminal) orders, of one instrument when given. */
  openCount(instrumentIndex?: number): number;
  /** The order's state, live: read it at once (a finished order's object may be reused by a later order). */
  order(clientOrderId: string): Readonly<ExecOrder> | undefined;
  /** Cancels this instance's timers (a crash, or a stop); the state stays as it is. */
  stop(): void;
  /**
   * After a restart: asks the venue where each open order stands and applies what this instance
   * missed while it was down; returns how many reports it made up. Optional: an execution without
   * it learns only from the reports and retries that come after the restart.
   */
  reconcile?(venue: VenueQuery): number;
  snapshot(): unknown;
  restore(state: unknown): void;
}

export interface ExecutionState {
  seq: number;
  /** Live orders and the last FINISHED_KEPT (up to twice that) finished ones, by client order id. */
  orders: Record<string, ExecOrder>;
  /** Ids of orders not yet terminal, in submission order. */
  open: string[];
  /** Ids of finished orders still kept, oldest first. */
  finished: string[];
  /** Reports that fitted no order or state (duplicates, late acks, unknown ids), for reports. */
  ignoredReports: number;
  /**
   * What decides the re-sends of abandoned submits (resendAbandoned), so that a restarted stack
   * re-sends as the one that crashed would have: reports heard so far, whether the next report
   * re-sends them, and per open order the reports heard at its last such re-send. Absent in
   * snapshots from before they were kept (0, false, none).
   */
  reportsHeard?: number;
  waitingForVenue?: boolean;
  probedAtReports?: Record<string, number>;
}

/**
 * Finished orders kept to reconcile late reports about them. Older ones are forgotten, so memory
 * stays flat over long runs; a report about a forgotten order is ignored as unknown (reports
 * come within latency, far fewer orders back than this).
 */
export const FINISHED_KEPT = 1024;

/** Timer events' name (one constant string: no allocation per order). */
const TIMEOUT_EVENT = 'stack.order-timeout';

/**
 * An order as the engine holds it: its plain, JSON-safe state (what snapshots carry) and, while
 * a request is outstanding, the cancel function of its timeout timer (runtime only: re-armed
 * from the deadline on restore). Keeping the two together costs no lookup by id per request or
 * answer.
 */
interface Held {
  readonly state: ExecOrder;
  /** Its armed timeout timer (null: none), and that timer's seq as read when armed (KernelContext.timer). */
  timer: TimerHandle | null;
  timerArmedSeq: number;
  /** Marked for the bulk forget in progress (forgetOldestFinished). */
  forget: boolean;
  /** Its request is as `rebalance` built it and was never replaced: once finished, it fits a column slot. */
  plain: boolean;
  /**
   * The body of its timeout timer, made once per Held rather than once per request. A Held has at
   * most one live timer (arming disarms the one before), so the timer in the queue is the current one.
   */
  onTimer: () => void;
  /** A fill-key array of an order this Held held before (see recycle): the next first fill fills it in. */
  spareKeys: number[] | null;
  /** `reportsHeard` when resendAbandoned last re-sent its abandoned submit (-1: never). */
  probedAtReports: number;
  /** In `open` (not yet terminal): its unfilled quantity counts in `pending`. */
  isOpen: boolean;
}

/**
 * The fill keys of an order with no fill yet: one shared empty array (the first fill replaces it,
 * never pushes to it), frozen so that a push anywhere else throws instead of sharing keys.
 */
const NO_FILL_KEYS = Object.freeze([]) as unknown as number[];

/** A new order's state, before its submit is sent (ExecutionEngine.reuse resets a spare one to the same). */
function newOrderState(request: OrderRequest): ExecOrder {
  return { request, status: 'pending-new', acked: false, filledRaw: 0, fillKeys: NO_FILL_KEYS, outstanding: 'none', sends: 0, deadlineUs: 0, timerSeq: 0, cancelWanted: false, replaceChanges: null };
}

/**
 * A remembered order: its Held while live (and for the rare finished order that is not plain, or
 * that a late report woke), else its slot in the finished columns.
 */
type Entry = Held | number;

/** Whether the (timeUs, quantityRaw, leavesRaw, priceRaw) quadruple of a fill is booked already. */
function hasFillKey(keys: readonly number[], timeUs: number, quantityRaw: number, leavesRaw: number, priceRaw: number): boolean {
  for (let k = 0; k < keys.length; k += 4) {
    if (keys[k] === timeUs && keys[k + 1] === quantityRaw && keys[k + 2] === leavesRaw && keys[k + 3] === priceRaw) return true;
  }
  return false;
}

function sameTerms(a: OrderRequest, b: OrderRequest): boolean {
  return a.quantityRaw === b.quantityRaw && a.limitPriceRaw === b.limitPriceRaw && a.stopPriceRaw === b.stopPriceRaw;
}

export class ExecutionEngine implements Execution {
  private readonly d: ExecutionDeps;
  private readonly config: ExecutionConfigParsed;
  /** Makes `${prefix}-${seq}` ids. */
  private readonly ids: OrderIds;
  private seq = 0;
  private orders = new IdMap<Entry>();
  /** Orders not yet terminal, in submission order. */
  private open: Held[] = [];
  /**
   * Per instrument, the signed unfilled quantity of the open orders (what pendingRaw returns), kept
   * as orders open, fill, change terms and end: every new order and every risk check reads it, and
   * summing the open orders each time cost a scan per order, quadratic when a long venue outage
   * leaves thousands of orders unanswered.
   */
  private pending: Float64Array;
  /** resendAbandoned found nothing to send at this many reports heard, and no order was abandoned since. */
  private roundQuietAtReports = -1;
  /** Finished orders still kept, oldest first (an order a late report finished again is listed again, as before). */
  private finished: Entry[] = [];
  /** Finished plain orders, in columns: at most the 2 * FINISHED_KEPT that `finished` can list. */
  private readonly store = new FinishedExecOrders(2 * FINISHED_KEPT);
  /** By slot: the Held a late report woke from that slot (the map holds it now), so that forgetting the slot forgets it. */
  private readonly woken = new Map<number, Held>();
  /**
   * Helds (with their order state) of plain orders that finished into the columns: nothing refers
   * to them any more, so new orders reuse them rather than allocate a Held, an order state, a
   * timer body and a fill-key array each. At most as many as orders were ever live at once.
   */
  private spare: Held[] = [];
  private readonly notMarked = (e: Entry): boolean => (typeof e === 'number' ? this.store.forget[e] === 0 : !e.forget);
  private ignored = 0;
  /** Reports heard from the venue (any kind, about any order): what tells resendAbandoned the link may be back. */
  private reportsHeard = 0;
  /**
   * A submit went unanswered past its timeout, or a new order re-sent abandoned ones, since the
   * last report: the next report says the link is back, and re-sends them (onReport).
   */
  private waitingForVenue = false;
  readonly riskView: RiskBookView;

  constructor(deps: ExecutionDeps) {
    this.d = deps;
    this.pending = new Float64Array(deps.instruments.length);
    this.config = parseMemo(ExecutionConfigSchema, deps.config ?? {});
    this.ids = new OrderIds(`${deps.prefix}-`);
    const books = deps.books;
    this.riskView = {
      instruments: deps.instruments,
      moneyDecimals: books.moneyDecimals,
      positionRaw: (i) => books.positionRaw(i),
      pendingRaw: (i) => this.pendingRaw(i),
      lastPriceRaw: (i) => books.lastPriceRaw(i),
      equity: () => books.equity(),
    };
  }

  get ignoredReports(): number { return this.ignored; }

  order(id: string): Readonly<ExecOrder> | undefined {
    const e = this.orders.get(id);
    return typeof e === 'number' ? this.store.thaw(e) : e?.state;
  }

  /** The order's Held; one in the finished columns is woken into a Held of its own (a report or request about it). */
  private held(id: string): Held | undefined {
    const e = this.orders.get(id);
    if (typeof e !== 'number') return e;
    const h = this.newHeld(this.store.thaw(e), true);
    this.woken.set(e, h);
    this.orders.set(id, h);
    return h;
  }

  pendingRaw(index: number): number {
    return this.pending[index] ?? 0;
  }

  /** Adds (sign 1) or takes out (sign -1) an open order's unfilled quantity in `pending`. */
  private countPending(o: ExecOrder, sign: 1 | -1): void {
    const r = o.request;
    this.pending[r.instrumentIndex] = this.pending[r.instrumentIndex]! + sign * r.side * Math.max(0, r.quantityRaw - o.filledRaw);
  }

  /** Sums `pending` afresh from the open orders (after a restore). */
  private recountPending(): void {
    this.pending.fill(0);
    for (const h of this.open) this.countPending(h.state, 1);
  }

  openCount(index?: number): number {
    if (index === undefined) return this.open.length;
    // Indexed loops over `open` (here and in resendAbandoned): for-of made an iterator result per
    // call wherever V8 had not optimised the caller.
    let n = 0;
    const open = this.open;
    for (let k = 0; k < open.length; k++) if (open[k]!.state.request.instrumentIndex === index) n++;
    return n;
  }

  rebalance(index: number, targetRaw: number): string | null {
    const delta = targetRaw - this.d.books.positionRaw(index) - this.pendingRaw(index);
    if (delta === 0) return null;
    // Built whole, with the same keys in the same order as submit() makes them (no spread copy).
    const id = this.nextId();
    return this.place({ instrumentIndex: index, side: delta > 0 ? 1 : -1, quantityRaw: Math.abs(delta), type: 'market', timeInForce: 'GTC', clientOrderId: id }, true);
  }

  submit(order: Omit<OrderRequest, 'clientOrderId'>): string | null {
    const id = this.nextId();
    return this.place({ ...order, clientOrderId: id }, false);
  }

  private newHeld(state: ExecOrder, plain: boolean): Held {
    // The timer body is made first and given in the literal. Made after, over a placeholder
    // function in the field, it kept the run's whole object graph (the engine it refers to, and
    // everything the engine holds) alive through V8's young-generation collections until the next
    // full one: tens of KB per run promoted to the old generation, and scavenges of 10-20 ms
    // every few hundred runs of a check. Seen with a minor GC after a batch of runs: nothing of
    // them survives it this way, and a run's worth did for each run the other way.
    let h: Held | null = null;
    const onTimer = (): void => { this.onTimeout(h!); };
    h = { state, timer: null, timerArmedSeq: 0, forget: false, plain, onTimer, spareKeys: null, probedAtReports: -1, isOpen: false };
    return h;
  }

  /** A spare Held (see recycle) made the new order's: every field as newOrderState sets it. */
  private reuse(h: Held, request: OrderRequest, plain: boolean): Held {
    const o = h.state;
    o.request = request;
    o.status = 'pending-new';
    o.acked = false;
    o.filledRaw = 0;
    o.fillKeys = NO_FILL_KEYS;
    o.outstanding = 'none';
    o.sends = 0;
    o.deadlineUs = 0;
    o.timerSeq = 0;
    o.cancelWanted = false;
    o.replaceChanges = null;
    h.timer = null;
    h.forget = false;
    h.plain = plain;
    h.probedAtReports = -1;
    return h;
  }

  /** Ids come from a monotonic sequence (restored with the state), so a new id is never in use. */
  private nextId(): string {
    return this.ids.id(++this.seq);
  }

  /**
   * Submits the venue never answered, given up on or waiting out a reconcile interval, are sent
   * once more whenever the stack sends a new order: the link the new order takes may be back, and
   * the same client order id never books twice. Each such send is one more of the order's sends
   * (journaled as a retry): it neither restarts the order's retry cycle nor re-arms a given-up
   * order's timer. An order is sent so only when the venue has answered something since its last
   * such send (silence since then says the link is still down), and the first report after the
   * stack was left waiting (a timeout, or such a re-send) sends them too: the link is back.
   * Without these rules every new order restarted a full retry cycle for every order lost before
   * it, so over a long outage the sends grew with the square of the orders (5.07M retries in a
   * 250,000-bar run with the venue down for its first 20,000 bars); now with their number.
   */
  private resendAbandoned(atNewOrder: boolean): void {
    const heard = this.reportsHeard;
    // A round at this count of reports left every abandoned order marked with it, and none was
    // abandoned since (onTimeout): there is nothing to send, and no need to look at every open order.
    if (this.roundQuietAtReports === heard) return;
    const open = this.open;
    for (let k = 0; k < open.length; k++) {
      const h = open[k]!;
      const o = h.state;
      // Given up on, or waiting out a long reconcile interval: the new order's link is worth a try now.
      const waiting = o.outstanding === 'none' || (o.outstanding === 'submit' && o.sends > this.config.maxRetries + 1);
      if (!waiting || o.acked || o.status !== 'pending-new' || o.filledRaw !== 0 || h.probedAtReports === heard) continue;
      h.probedAtReports = heard;
      if (atNewOrder) this.waitingForVenue = true;
      o.sends++;
      this.d.journal.record('retry', this.d.clock.nowUs(), o.request.clientOrderId, 'submit', o.sends);
      this.send(o, 'submit');
    }
    this.roundQuietAtReports = heard;
  }

  /** Risk-checks a new order and sends it; its id, or null when risk rejected it. */
  private place(request: OrderRequest, plain: boolean): string | null {
    this.resendAbandoned(true);
    const id = request.clientOrderId;
    const inst = this.d.instruments[request.instrumentIndex];
    if (inst === undefined) throw new RangeError(`execution: order for unknown instrument ${request.instrumentIndex}`);
    const now = this.d.clock.nowUs();
    const why = this.d.risk.check(request, this.riskView, now);
    if (why !== null) {
      this.d.journal.record('riskReject', now, id, why);
      return null;
    }
    this.d.journal.order(now, id, inst.id, request.side, request.quantityRaw, request.type, request.limitPriceRaw ?? 0, request.stopPriceRaw ?? 0);
    const spare = this.spare.pop();
    const h = spare === undefined ? this.newHeld(newOrderState(request), plain) : this.reuse(spare, request, plain);
    this.orders.set(id, h);
    this.open.push(h);
    h.isOpen = true;
    this.countPending(h.state, 1);
    this.d.risk.onSent(request, now);
    this.request(h, 'submit');
    return id;
  }

  cancel(id: string): boolean {
    const h = this.held(id);
    if (h === undefined) throw new Error(`execution: cancel of unknown order ${id}`);
    if (isTerminal(h.state.status)) return false;
    h.state.cancelWanted = true;
    this.sendWantedCancel(h);
    return true;
  }

  cancelAll(index?: number): void {
    for (const h of this.open.slice()) {
      if (index === undefined || h.state.request.instrumentIndex === index) this.cancel(h.state.request.clientOrderId);
    }
  }

  replace(id: string, changes: ReplaceChanges): boolean {
    const h = this.held(id);
    if (h === undefined) throw new Error(`execution: replace of unknown order ${id}`);
    const o = h.state;
    // Only an acknowledged, working order with nothing outstanding can be replaced: anything else is misuse.
    if (!o.acked || o.outstanding !== 'none' || !isWorking(o.status)) throw new IllegalTransitionError(id, o.status, 'pending-replace');
    const now = this.d.clock.nowUs();
    // Checked as if the order with its new terms replaced the old one's remaining quantity.
    const newQty = changes.quantityRaw ?? o.request.quantityRaw;
    const remaining = Math.max(0, o.request.quantityRaw - o.filledRaw);
    const proposed: OrderRequest = { ...o.request, ...changes, quantityRaw: Math.max(0, newQty - o.filledRaw) };
    const base = this.riskView;
    const view: RiskBookView = { ...base, pendingRaw: (i) => base.pendingRaw(i) - (i === o.request.instrumentIndex ? o.request.side * remaining : 0) };
    const why = proposed.quantityRaw === 0 ? null : this.d.risk.check(proposed, view, now);
    if (why !== null) {
      this.d.journal.record('riskReject', now, id, why);
      return false;
    }
    transition(o, 'pending-replace');
    h.plain = false;
    o.replaceChanges = { ...changes };
    this.d.journal.record('replaceRequest', now, id, changes.quantityRaw ?? Number.NaN, changes.limitPriceRaw ?? Number.NaN, changes.stopPriceRaw ?? Number.NaN);
    this.d.risk.onSent(proposed, now);
    this.request(h, 'replace');
    return true;
  }

  /** Sends a request for the first time and arms its timer. */
  private request(h: Held, what: 'submit' | 'cancel' | 'replace'): void {
    h.state.outstanding = what;
    h.state.sends = 1;
    this.arm(h);
    this.send(h.state, what);
  }

  private send(o: ExecOrder, what: 'submit' | 'cancel' | 'replace'): void {
    const id = o.request.clientOrderId;
    if (what === 'submit') this.d.venue.submit(o.request);
    else if (what === 'cancel') this.d.venue.cancel(id);
    else this.d.venue.replace(id, o.replaceChanges ?? {});
  }

  private sendWantedCancel(h: Held): void {
    const o = h.state;
    if (!o.cancelWanted || !o.acked || o.outstanding !== 'none' || !isWorking(o.status)) return;
    o.cancelWanted = false;
    transition(o, 'pending-cancel');
    this.d.journal.record('cancelRequest', this.d.clock.nowUs(), o.request.clientOrderId);
    this.request(h, 'cancel');
  }

  private arm(h: Held): void {
    this.disarm(h);
    h.state.deadlineUs = this.d.clock.nowUs() + this.config.orderTimeoutUs;
    ++h.state.timerSeq;
    this.schedule(h, this.config.orderTimeoutUs);
  }

  /** Arms the timer of the Held's current timerSeq (its only live one: see Held.onTimer). */
  private schedule(h: Held, delayUs: number): void {
    const t = this.d.kernel.timer(delayUs, TIMEOUT_EVENT, h.onTimer);
    h.timer = t;
    h.timerArmedSeq = t.seq;
  }

  private disarm(h: Held): void {
    const t = h.timer;
    if (t !== null) { this.d.kernel.cancelTimer(t, h.timerArmedSeq); h.timer = null; }
  }

  private answered(h: Held): void {
    h.state.outstanding = 'none';
    h.state.sends = 0;
    this.disarm(h);
  }

  /** The Held's armed timer fired: a superseded one never does (arming and answering cancel it). */
  private onTimeout(h: Held): void {
    h.timer = null;
    const o = h.state;
    if (o.outstanding === 'none') return;
    const what = o.outstanding;
    if (what === 'submit') {
      this.waitingForVenue = true;
      this.roundQuietAtReports = -1; // it may be abandoned now: resendAbandoned must look again
    }
    const id = o.request.clientOrderId;
    const now = this.d.clock.nowUs();
    // An unanswered submit is re-sent beyond maxRetries, at doubling intervals: it may have been lost on a link that is back.
    const reconcile = what === 'submit' ? this.config.reconcileRetries : 0;
    if (o.sends > this.config.maxRetries + reconcile) {
      this.d.journal.record('giveUp', now, id, what, o.sends);
      o.outstanding = 'none';
      return;
    }
    o.sends++;
    this.d.journal.record('retry', now, id, what, o.sends);
    const beyond = o.sends - 1 - this.config.maxRetries;
    const waitUs = beyond > 0 ? this.config.orderTimeoutUs * 2 ** beyond : this.config.orderTimeoutUs;
    o.deadlineUs = now + waitUs;
    ++o.timerSeq;
    this.schedule(h, waitUs);
    this.send(o, what);
  }

  private ignore(r: ExecutionReport, why: string): void {
    this.ignored++;
    this.d.journal.record('ignoredReport', this.d.clock.nowUs(), r.clientOrderId, r.kind, why);
  }

  private finish(h: Held): void {
    this.answered(h);
    const open = this.open;
    let entry: Entry = h;
    if (h.isOpen) {
      const i = open.indexOf(h);
      if (i < 0) throw new Error(`execution: order ${h.state.request.clientOrderId} is marked open but not in the open list`);
      for (let j = i; j + 1 < open.length; j++) open[j] = open[j + 1]!;
      open.pop(); // (splice would allocate the array of what it removes; pop allocates nothing)
      h.isOpen = false;
      this.countPending(h.state, -1);
      // Finished for the first time: a plain order moves to the columns and its objects are let go.
      if (FinishedExecOrders.fits(h.state, h.plain)) {
        const slot = this.store.add(h.state);
        if (slot >= 0) {
          entry = slot;
          this.orders.set(h.state.request.clientOrderId, slot);
          this.recycle(h);
        }
      }
    }
    this.finished.push(entry);
    if (this.finished.length >= 2 * FINISHED_KEPT) this.forgetOldestFinished();
  }

  /**
   * Keeps the Held of an order that went into the columns for the next new order: the map, the
   * open list and the finished list no longer hold it, and its timer is disarmed. Its state stays
   * as it is until then (a reconcile in progress may still read it); its fill-key array, copied
   * into the columns, is kept to be filled in again.
   */
  private recycle(h: Held): void {
    const keys = h.state.fillKeys;
    if (keys.length === 4) h.spareKeys = keys;
    this.spare.push(h);
  }

  /**
   * Forgets the oldest finished orders down to FINISHED_KEPT, in bulk (a shift per order would
   * move the whole list), in one pass over the map: deleting them one by one would hash each old
   * id again, a cache miss apiece.
   */
  private forgetOldestFinished(): void {
    const forget = this.finished.splice(0, this.finished.length - FINISHED_KEPT);
    // Indexed loops, not for-of: this runs once per FINISHED_KEPT orders, too rarely for V8 to
    // optimise it, and unoptimised for-of allocated an iterator result per element (70 bytes an order).
    for (let k = 0; k < forget.length; k++) {
      const e = forget[k]!;
      if (typeof e !== 'number') { e.forget = true; continue; }
      this.store.forget[e] = 1;
      const woken = this.woken.get(e);
      if (woken !== undefined) woken.forget = true;
    }
    this.orders.forgetOldest(forget.length, this.notMarked);
    for (let k = 0; k < forget.length; k++) {
      const e = forget[k]!;
      if (typeof e !== 'number') continue;
      this.woken.delete(e);
      this.store.release(e);
    }
  }

  onReport(r: ExecutionReport): void {
    this.reportsHeard++;
    const h = this.held(r.clientOrderId);
    if (h === undefined) this.ignore(r, 'unknown (or long finished) order');
    else {
      if (r.kind === 'fill') this.onFill(h, r);
      else this.onStatus(h, r);
      if (isTerminal(h.state.status)) this.finish(h);
      else this.sendWantedCancel(h);
    }
    if (this.waitingForVenue) {
      this.waitingForVenue = false;
      this.resendAbandoned(false);
    }
  }

  /**
   * Applies what the venue knows of each open order and this instance does not (it was down when
   * the reports came): fills it has not booked, an ack, how the order ended, a replace. Each is
   * journaled as `reconcile` and applied as its report would have been, so that the report, if
   * it still arrives, is a recognised duplicate. An order the venue never saw stays as it is:
   * its outstanding submit is re-sent by its timer (same client order id).
   */
  reconcile(venue: VenueQuery): number {
    let made = 0;
    const now = this.d.clock.nowUs();
    for (const h of this.open.slice()) {
      const o = h.state;
      const id = o.request.clientOrderId;
      const v = venue.order(id);
      if (v === undefined) continue;
      const apply = (r: ExecutionReport, reason: string): void => {
        this.d.journal.record('reconcile', now, id, r.kind, reason);
        made++;
        this.onReport(r);
      };
      const f = v.fills;
      for (let k = 0; k + FILL_FIELDS <= f.length; k += FILL_FIELDS) {
        if (hasFillKey(o.fillKeys, f[k]!, f[k + 1]!, f[k + 4]!, f[k + 2]!)) continue;
        apply({ kind: 'fill', clientOrderId: id, instrumentIndex: o.request.instrumentIndex, timeUs: f[k]!, side: o.request.side, quantityRaw: f[k + 1]!, priceRaw: f[k + 2]!, fee: f[k + 3]!, leavesQuantityRaw: f[k + 4]! }, 'a fill the stack had not booked');
      }
      if (isTerminal(o.status)) continue;
      const base = { clientOrderId: id, instrumentIndex: o.request.instrumentIndex, timeUs: now };
      if (v.status === 'rejected' || v.status === 'cancelled' || v.status === 'expired') {
        apply({ ...base, kind: v.status, reason: `the venue says the order is ${v.status}` }, `the venue has it ${v.status}`);
      } else if (o.status === 'pending-replace' && !sameTerms(o.request, v.request)) {
        apply({ ...base, kind: 'replaced', request: { ...v.request }, leavesQuantityRaw: v.request.quantityRaw - v.filledRaw }, 'the venue has the new terms');
      } else if (!o.acked && v.status !== 'pending') {
        apply({ ...base, kind: 'accepted' }, `the venue has it ${v.status}`);
      }
    }
    return made;
  }

  private onFill(h: Held, r: FillReport): void {
    const o = h.state;
    const keys = o.fillKeys;
    if (hasFillKey(keys, r.timeUs, r.quantityRaw, r.leavesQuantityRaw, r.priceRaw)) {
      this.ignored++;
      this.d.journal.record('duplicateReport', this.d.clock.nowUs(), r.clientOrderId, r.kind);
      return;
    }
    // Most orders fill once: the first key as a literal takes exactly its four numbers, where a
    // push into the empty array would allocate room for sixteen.
    if (keys.length === 0) {
      const spare = h.spareKeys;
      if (spare === null) o.fillKeys = [r.timeUs, r.quantityRaw, r.leavesQuantityRaw, r.priceRaw];
      else {
        h.spareKeys = null;
        spare[0] = r.timeUs; spare[1] = r.quantityRaw; spare[2] = r.leavesQuantityRaw; spare[3] = r.priceRaw;
        o.fillKeys = spare;
      }
    } else keys.push(r.timeUs, r.quantityRaw, r.leavesQuantityRaw, r.priceRaw);
    this.d.books.applyFill(r.instrumentIndex, r.side, r.quantityRaw, r.priceRaw, r.fee);
    if (h.isOpen) this.countPending(o, -1);
    o.filledRaw += r.quantityRaw;
    if (h.isOpen) this.countPending(o, 1);
    o.acked = true;
    if (o.outstanding === 'submit') this.answered(h);
    if (o.filledRaw > o.request.quantityRaw) {
      this.d.journal.record('overfill', this.d.clock.nowUs(), o.request.clientOrderId, o.filledRaw, o.request.quantityRaw);
    }
    if (isTerminal(o.status)) return; // a fill the venue made before the cancel or expiry we already heard of
    if (r.leavesQuantityRaw === 0) transition(o, 'filled');
    else if (o.status === 'pending-new' || o.status === 'accepted') transition(o, 'partially-filled');
  }

  private backToWorking(o: ExecOrder): void {
    transition(o, o.filledRaw > 0 ? 'partially-filled' : 'accepted');
  }

  private onStatus(h: Held, r: StatusReport): void {
    const o = h.state;
    if (isTerminal(o.status)) { this.ignore(r, `order is ${o.status}`); return; }
    switch (r.kind) {
      case 'accepted':
        o.acked = true;
        if (o.outstanding === 'submit') this.answered(h);
        if (o.status === 'pending-new') transition(o, 'accepted');
        else this.ignore(r, `order is already ${o.status}`);
        return;
      case 'rejected':
        if (o.status !== 'pending-new') { this.ignore(r, `order is already ${o.status}`); return; }
        transition(o, 'rejected');
        return;
      case 'cancelled':
      case 'expired':
        transition(o, r.kind);
        return;
      case 'cancel-rejected':
        if (o.status !== 'pending-cancel') { this.ignore(r, `no cancel outstanding (order is ${o.status})`); return; }
        this.answered(h);
        this.backToWorking(o);
        return;
      case 'replace-rejected':
        if (o.status !== 'pending-replace') { this.ignore(r, `no replace outstanding (order is ${o.status})`); return; }
        this.answered(h);
        o.replaceChanges = null;
        this.backToWorking(o);
        return;
      case 'replaced': {
        if (o.status !== 'pending-replace') { this.ignore(r, `no replace outstanding (order is ${o.status})`); return; }
        this.answered(h);
        if (h.isOpen) this.countPending(o, -1);
        o.request = r.request ?? { ...o.request, ...o.replaceChanges };
        if (h.isOpen) this.countPending(o, 1);
        o.replaceChanges = null;
        const leaves = r.leavesQuantityRaw ?? o.request.quantityRaw - o.filledRaw;
        if (leaves <= 0) transition(o, 'filled');
        else this.backToWorking(o);
        return;
      }
    }
  }

  stop(): void {
    for (const e of this.orders.values()) if (typeof e !== 'number') this.disarm(e);
  }

  snapshot(): ExecutionState {
    const orders: Record<string, ExecOrder> = {};
    for (const [id, e] of this.orders) orders[id] = typeof e === 'number' ? this.store.thaw(e) : e.state;
    const open = this.open.map((h) => h.state.request.clientOrderId);
    const finished = this.finished.map((e) => (typeof e === 'number' ? this.store.id(e) : e.state.request.clientOrderId));
    const probedAtReports: Record<string, number> = {};
    for (const h of this.open) if (h.probedAtReports >= 0) probedAtReports[h.state.request.clientOrderId] = h.probedAtReports;
    return structuredClone({
      seq: this.seq, orders, open, finished, ignoredReports: this.ignored,
      reportsHeard: this.reportsHeard, waitingForVenue: this.waitingForVenue, probedAtReports,
    });
  }

  /** Restores state and re-arms the timers of unanswered requests from their deadlines. */
  restore(state: unknown): void {
    this.stop();
    const s = structuredClone(state as ExecutionState);
    this.seq = s.seq;
    this.orders = new IdMap<Entry>();
    this.store.clear();
    this.woken.clear();
    this.spare = [];
    // Restored orders stay objects (not plain): the columns only take orders this instance built.
    const restored = new IdMap<Held>();
    for (const [id, o] of Object.entries(s.orders)) {
      const h = this.newHeld(o, false);
      restored.set(id, h);
      this.orders.set(id, h);
    }
    this.open = s.open.map((id) => restored.get(id)!);
    for (const h of this.open) h.isOpen = true;
    this.recountPending();
    this.roundQuietAtReports = -1;
    this.finished = s.finished.map((id) => restored.get(id)!);
    this.ignored = s.ignoredReports;
    this.reportsHeard = s.reportsHeard ?? 0;
    this.waitingForVenue = s.waitingForVenue ?? false;
    for (const h of this.open) h.probedAtReports = s.probedAtReports?.[h.state.request.clientOrderId] ?? -1;
    const now = this.d.clock.nowUs();
    for (const h of this.open) {
      if (h.state.outstanding !== 'none') this.schedule(h, Math.max(0, h.state.deadlineUs - now));
    }
  }
}
