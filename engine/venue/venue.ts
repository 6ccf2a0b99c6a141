/**
 * The simulated venue: receives orders (after the latency model's delay), keeps them working,
 * matches them against market events through the fill model, charges fees, and sends reports.
 *
 * Fills go to the venue listener at once (the engine's ledger books them at the venue's instant);
 * reports reach the stack after the report latency, as kernel events at PRIORITY.venue.
 */
import { PRIORITY } from '../kernel/event-queue.ts';
import type { KernelContext } from '../kernel/kernel.ts';
import { notionalMoney, type Instrument } from '../instruments/instrument.ts';
import type { FeeModel } from './models/fee-models.ts';
import type { LatencyModel } from './models/latency-models.ts';
import type { BarBatch } from '../market/types.ts';
import type { SessionCalendar } from '../market/calendar.ts';
import type { ExecutionReport, FillReport, OrderRequest, OrderStatus, StatusReport } from './orders.ts';

export interface VenueListener {
  /** A fill, at the venue's instant (book it now). */
  onFill(fill: FillReport, notional: number): void;
  /** A status change, at the venue's instant (journal it now). */
  onStatus(report: StatusReport): void;
  /** A report arriving at the stack, after report latency. */
  deliver(report: ExecutionReport): void | Promise<void>;
}

export interface VenueOrderState {
  readonly request: OrderRequest;
  status: OrderStatus;
  filledRaw: number;
  acceptedUs: number;
}

export interface VenueParams {
  instruments: readonly Instrument[];
  context: KernelContext;
  fees: FeeModel;
  latency: LatencyModel;
  moneyDecimals: number;
  listener: VenueListener;
  /** Sessions for DAY orders; default: the UTC day. */
  calendar?: SessionCalendar;
}

/** Changes a replace may make to a working order (cancel/replace keeps the client order id). */
export interface OrderChanges {
  readonly quantityRaw?: number;
  readonly limitPriceRaw?: number;
  readonly stopPriceRaw?: number;
}

/** What the stack's execution talks to. Every call is answered by reports, after latency. */
export interface VenueApi {
  submit(order: OrderRequest): void;
  cancel(clientOrderId: string): void;
  replace(clientOrderId: string, changes: OrderChanges): void;
}

export class SimulatedVenue implements VenueApi {
  private readonly p: VenueParams;
  private readonly orders = new Map<string, VenueOrderState>();
  /** Working orders per instrument, in arrival order (time priority). */
  private readonly working: VenueOrderState[][];

  constructor(params: VenueParams) {
    this.p = params;
    this.working = params.instruments.map(() => []);
  }

  get workingCount(): number {
    let n = 0;
    for (const w of this.working) n += w.length;
    return n;
  }

  order(clientOrderId: string): Readonly<VenueOrderState> | undefined {
    return this.orders.get(clientOrderId);
  }

  submit(order: OrderRequest): void {
    const delay = this.p.latency.orderLatencyUs();
    if (delay === 0) this.arrive(order);
    else this.p.context.schedule(delay, `venue.arrive ${order.clientOrderId}`, () => this.arrive(order), PRIORITY.venue);
  }

  cancel(clientOrderId: string): void {
    const delay = this.p.latency.orderLatencyUs();
    if (delay === 0) this.arriveCancel(clientOrderId);
    else this.p.context.schedule(delay, `venue.cancel ${clientOrderId}`, () => this.arriveCancel(clientOrderId), PRIORITY.venue);
  }

  private now(): number {
    return this.p.context.clock.nowUs();
  }

  private arrive(order: OrderRequest): void {
    const known = this.orders.get(order.clientOrderId);
    if (known !== undefined) {
      // Idempotent ids: a retry of a known order books nothing and repeats where it stands.
      this.report({ kind: known.status === 'rejected' ? 'rejected' : 'accepted', clientOrderId: order.clientOrderId, instrumentIndex: order.instrumentIndex, timeUs: this.now(), reason: 'duplicate client order id: already known' });
      return;
    }
    const state: VenueOrderState = { request: order, status: 'pending', filledRaw: 0, acceptedUs: this.now() };
    this.orders.set(order.clientOrderId, state);
    const why = this.validate(order);
    if (why !== null) {
      state.status = 'rejected';
      this.report({ kind: 'rejected', clientOrderId: order.clientOrderId, instrumentIndex: order.instrumentIndex, timeUs: this.now(), reason: why });
      return;
    }
    state.status = 'accepted';
    this.working[order.instrumentIndex]!.push(state);
    this.report({ kind: 'accepted', clientOrderId: order.clientOrderId, instrumentIndex: order.instrumentIndex, timeUs: this.now() });
  }

  private validate(order: OrderRequest): string | null {
    const inst = this.p.instruments[order.instrumentIndex];
    if (inst === undefined) return `unknown instrument index ${order.instrumentIndex}`;
    if (!Number.isSafeInteger(order.quantityRaw) || order.quantityRaw <= 0) return `quantity ${order.quantityRaw} must be a positive integer`;
    if (order.quantityRaw % inst.lotSizeRaw !== 0) return `quantity ${order.quantityRaw} is not a multiple of the lot size ${inst.lotSizeRaw}`;
    if (order.type !== 'market') return `order type ${order.type} is not supported by this venue yet`;
    return null;
  }

  private arriveCancel(clientOrderId: string): void {
    const state = this.orders.get(clientOrderId);
    if (state === undefined || (state.status !== 'accepted' && state.status !== 'partially-filled')) {
      this.report({ kind: 'rejected', clientOrderId, instrumentIndex: state?.request.instrumentIndex ?? -1, timeUs: this.now(), reason: state === undefined ? 'cancel: unknown order' : `cancel: order is ${state.status}` });
      return;
    }
    this.removeWorking(state);
    state.status = 'cancelled';
    this.report({ kind: 'cancelled', clientOrderId, instrumentIndex: state.request.instrumentIndex, timeUs: this.now(), reason: 'cancelled by client' });
  }

  private removeWorking(state: VenueOrderState): void {
    const list = this.working[state.request.instrumentIndex]!;
    const i = list.indexOf(state);
    if (i >= 0) list.splice(i, 1);
  }

  replace(clientOrderId: string, _changes: OrderChanges): void {
    const state = this.orders.get(clientOrderId);
    this.report({ kind: 'rejected', clientOrderId, instrumentIndex: state?.request.instrumentIndex ?? -1, timeUs: this.now(), reason: 'replace is not supported by this venue yet' });
  }

  /** A bar's open price, at the bar's open time: market orders fill here. */
  onBarOpen(instrumentIndex: number, openRaw: number): void {
    this.onPrice(instrumentIndex, openRaw, openRaw);
  }

  /** A whole bar at its close time (limit and stop orders match against its range). */
  onBar(_instrumentIndex: number, _batch: BarBatch, _row: number): void {}

  onTrade(instrumentIndex: number, priceRaw: number, _size: number): void {
    this.onPrice(instrumentIndex, priceRaw, priceRaw);
  }

  onQuote(instrumentIndex: number, bidRaw: number, askRaw: number, _bidSize: number, _askSize: number): void {
    this.onPrice(instrumentIndex, askRaw, bidRaw);
  }

  /**
   * A price that a market order can trade at now: a bar's open, a trade, or the touch of a
   * quote (buy at the ask, sell at the bid). Fills every working market order in full.
   */
  private onPrice(instrumentIndex: number, buyPriceRaw: number, sellPriceRaw: number): void {
    const list = this.working[instrumentIndex]!;
    if (list.length === 0) return;
    const remaining: VenueOrderState[] = [];
    for (const state of list) {
      const o = state.request;
      if (o.type === 'market') this.fill(state, o.quantityRaw - state.filledRaw, o.side === 1 ? buyPriceRaw : sellPriceRaw);
      if (state.status === 'accepted' || state.status === 'partially-filled') remaining.push(state);
    }
    this.working[instrumentIndex] = remaining;
  }

  private fill(state: VenueOrderState, quantityRaw: number, priceRaw: number): void {
    const o = state.request;
    const inst = this.p.instruments[o.instrumentIndex]!;
    const leaves = o.quantityRaw - state.filledRaw - quantityRaw;
    if (quantityRaw <= 0 || leaves < 0) throw new Error(`venue: fill of ${quantityRaw} for ${o.clientOrderId} would exceed its quantity`);
    const notional = notionalMoney(inst, quantityRaw, priceRaw, this.p.moneyDecimals);
    const fee = this.p.fees.fee({ instrument: inst, quantityRaw, priceRaw, notional, moneyDecimals: this.p.moneyDecimals });
    state.filledRaw += quantityRaw;
    state.status = leaves === 0 ? 'filled' : 'partially-filled';
    const report: FillReport = { kind: 'fill', clientOrderId: o.clientOrderId, instrumentIndex: o.instrumentIndex, timeUs: this.now(), side: o.side, quantityRaw, priceRaw, fee, leavesQuantityRaw: leaves };
    this.p.listener.onFill(report, notional);
    this.send(report);
  }

  private report(r: StatusReport): void {
    this.p.listener.onStatus(r);
    this.send(r);
  }

  private send(r: ExecutionReport): void {
    const delay = this.p.latency.reportLatencyUs();
    this.p.context.schedule(delay, `venue.report ${r.kind} ${r.clientOrderId}`, () => this.p.listener.deliver(r), PRIORITY.venue);
  }
}
