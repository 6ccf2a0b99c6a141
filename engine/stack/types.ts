/**
 * The interfaces of the stack under test. The engine drives a `TradingStack`; the reference stack
 * (reference-stack.ts) composes a data client, agents, an allocator, a risk engine and execution,
 * and users may plug in their own agents or their own whole stack.
 */
import type { Clock } from '../kernel/clock.ts';
import type { KernelContext } from '../kernel/kernel.ts';
import type { Journal } from '../kernel/journal.ts';
import type { Instrument } from '../instruments/instrument.ts';
import type { SessionCalendar } from '../market/calendar.ts';
import type { ExecutionReport } from '../venue/orders.ts';
import type { VenueApi } from '../venue/venue.ts';
import type { VenueQuery } from '../venue/venue-api.ts';

/**
 * A closed bar as the stack sees it. Prices come as numbers (`close`) and as exact raw integers
 * (`closeRaw` = close * 10^priceDecimals). The object is reused for every bar: read it during the
 * callback and copy what you keep.
 */
export interface BarView {
  instrumentId: string;
  instrumentIndex: number;
  openTimeUs: number;
  closeTimeUs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** 0 means unknown. */
  volume: number;
  openRaw: number;
  highRaw: number;
  lowRaw: number;
  closeRaw: number;
  priceDecimals: number;
}

/** A trade tick as the stack sees it; reused like BarView. */
export interface TradeView {
  instrumentId: string;
  instrumentIndex: number;
  timeUs: number;
  price: number;
  priceRaw: number;
  size: number;
  priceDecimals: number;
}

/** A quote as the stack sees it; reused like BarView. */
export interface QuoteView {
  instrumentId: string;
  instrumentIndex: number;
  timeUs: number;
  bid: number;
  ask: number;
  bidRaw: number;
  askRaw: number;
  bidSize: number;
  askSize: number;
  priceDecimals: number;
}

export type BarHandler = (bar: BarView) => void | Promise<void>;
export type TradeHandler = (trade: TradeView) => void | Promise<void>;
export type QuoteHandler = (quote: QuoteView) => void | Promise<void>;

/** Removes a subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * How the stack reads market data, on every path: directly from the engine, or from provider
 * APIs over HTTP. Agents subscribe here and never see the engine's feed itself. Each subscription
 * can be removed, so a stack that stops (a crash) leaves no handler behind for its successor.
 */
export interface DataClient {
  onBar(handler: BarHandler): Unsubscribe;
  onTrade(handler: TradeHandler): Unsubscribe;
  onQuote(handler: QuoteHandler): Unsubscribe;
}

/** A view of an agent's opinion: target exposure in [-1, 1] of what the allocator may give it. */
export interface Signal {
  readonly agentId: string;
  readonly instrumentIndex: number;
  readonly target: number;
}

export interface AgentContext {
  readonly data: DataClient;
  readonly clock: Clock;
  readonly instruments: readonly Instrument[];
  /** Emits a target exposure in [-1, 1] for an instrument. */
  signal(instrumentIndex: number, target: number): void;
}

export interface Agent {
  readonly id: string;
  /** Subscribes to the data client. Called once before the run. */
  start(ctx: AgentContext): void;
  /** Plain-data state for crash/restart. */
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** What the engine gives a stack when the run starts. */
export interface StackEnv {
  readonly data: DataClient;
  readonly venue: VenueApi;
  /** The stack's own clock (chaos may skew it against venue time). */
  readonly clock: Clock;
  readonly kernel: KernelContext;
  readonly journal: Journal;
  readonly instruments: readonly Instrument[];
  /**
   * The account as the stack knows it at the start: money decimals and start cash (in money
   * units). A stack keeps its own books from its fills; sizing by equity and equity-based risk
   * limits need this. Optional: without it the reference stack can only size by quantity.
   */
  readonly account?: StackAccountInfo;
  /** The market's session calendar (daily limits). Default: UTC days. */
  readonly calendar?: SessionCalendar;
  /**
   * Where the venue says the stack's orders stand (status, fills), answered at once: what a
   * restarted stack reconciles against. Given in runs with crashes (the venue then keeps fills).
   */
  readonly venueQuery?: VenueQuery;
}

/** What a stack is told of its account when it starts. */
export interface StackAccountInfo {
  readonly currency: string;
  /** Amounts are integer money units of 10^-moneyDecimals of the currency. */
  readonly moneyDecimals: number;
  /** Start cash in money units. */
  readonly startCash: number;
}

export interface TradingStack {
  start(env: StackEnv): void;
  /** A venue report arriving at the stack. */
  onReport(report: ExecutionReport): void | Promise<void>;
  snapshot(): unknown;
  restore(state: unknown): void;
  /**
   * Stops this instance: its timers and its data subscriptions. The harness calls it at a
   * simulated crash, so nothing of the dead instance runs on.
   */
  stop?(): void;
  /**
   * Called once on a restarted instance, after `restore`: reconcile with the venue
   * (`env.venueQuery`) for what happened while the stack was down. Optional: a stack without it
   * learns only from the reports and retries that come after the restart.
   */
  reconcile?(): void;
  /** The stack's own position in an instrument (raw quantity): checked against the venue's. */
  bookedPositionRaw?(instrumentIndex: number): number;
}
