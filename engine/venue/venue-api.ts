/**
 * The venue's contract: what the stack calls (VenueApi), what the venue is given (VenueParams)
 * and reports to (VenueListener), and its state as plain data (VenueState). The implementation
 * is SimulatedVenue (venue.ts), which re-exports these.
 */
import type { KernelContext } from '../kernel/kernel.ts';
import type { Instrument } from '../instruments/instrument.ts';
import type { SessionCalendar } from '../market/calendar.ts';
import type { HaltWindow } from '../market/halts.ts';
import type { LinkState, OrderMessage } from './links.ts';
import type { FeeModel } from './models/fee-models.ts';
import type { FillModel } from './models/fill-models.ts';
import type { LatencyModel } from './models/latency-models.ts';
import type { SlippageModel } from './models/slippage-models.ts';
import type { OrderBookSnapshot } from './order-book-state.ts';
import type { OrderChanges } from './order-validation.ts';

export type { OrderChanges };
import type { ExecutionReport, FillReport, OrderRequest, OrderStatus, StatusReport } from './orders.ts';
import type { VenueFaultParams } from './faults.ts';

export interface VenueListener {
  /** A fill, at the venue's instant (book it now). */
  onFill(fill: FillReport, notional: number): void;
  /** A status change, at the venue's instant (journal it now). */
  onStatus(report: StatusReport): void;
  /** A report arriving at the stack, after report latency. */
  deliver(report: ExecutionReport): void | Promise<void>;
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
  /** Default: OhlcPathFillModel with no cap, market orders at the next open. */
  fill?: FillModel;
  /** Default: none. */
  slippage?: SlippageModel;
  /** Trading halts per instrument id, [fromUs, toUs) sorted and not overlapping. */
  halts?: Readonly<Record<string, readonly HaltWindow[]>>;
  /** Venue faults (chaos) with their random stream and recorder; validated at construction. Default: none. */
  faults?: VenueFaultParams;
}

/** What the stack's execution talks to. Every call is answered by reports, after latency. */
export interface VenueApi {
  submit(order: OrderRequest): void;
  cancel(clientOrderId: string): void;
  replace(clientOrderId: string, changes: OrderChanges): void;
}

/**
 * What a stack may ask the venue about one of its orders: the reports the venue has delivered
 * for it (its execution-report history, as a FIX resend or a drop copy gives it), whether the
 * stack was up to hear them or not. Answered at once, outside the order link, so that asking
 * changes nothing the venue or the journal sees. Reports still on their way are not in it: a
 * FIFO session delivers them before anything sent after the question.
 */
export interface VenueQuery {
  order(clientOrderId: string): VenueOrderView | undefined;
}

/** An order as the venue's delivered reports tell it. */
export interface VenueOrderView {
  readonly request: OrderRequest;
  readonly status: OrderStatus;
  readonly filledRaw: number;
  /** Its fills in order, FILL_FIELDS numbers each: [timeUs, quantityRaw, priceRaw, fee, leavesQuantityRaw]. */
  readonly fills: readonly number[];
}

/** Numbers per fill in VenueOrderView.fills. */
export const FILL_FIELDS = 5;

/** The venue's state as plain, JSON-safe data. */
export interface VenueState {
  readonly book: OrderBookSnapshot;
  readonly toVenue: LinkState<OrderMessage>;
  readonly toStack: LinkState<ExecutionReport>;
  /** Per instrument: the last bar's [close time, close, volume] ('same-bar-close' only; null: none). */
  readonly lastBars: readonly (readonly [number, number, number] | null)[];
  /** Venue faults: partial-fill caps of live orders as [client order id, cap]. The fault stream's position is the run's RNG state, not the venue's. */
  readonly fillCaps?: readonly (readonly [string, number])[];
}
