/**
 * A backtest: market sources -> feed -> venue and ledger -> data client -> stack, on one kernel,
 * with every input and decision journaled. This is the direct path; the provider path (HTTP
 * through msw) swaps the data client and must give the same fingerprint when no fault is injected.
 */
import { NumericRangeError } from '../kernel/errors.ts';
import { FaultRecorder, type AppliedFault } from '../chaos/fault-recorder.ts';
import { Journal, type JournalSink } from '../kernel/journal.ts';
import { Kernel, type ExternalStream, type FetchFn, type KernelContext, type RunBudget, type RunOutcome } from '../kernel/kernel.ts';
import type { Clock } from '../kernel/clock.ts';
import { RngRegistry, type Rng } from '../kernel/rng.ts';
import { formatTimeUs } from '../kernel/time.ts';
import { fromMoney, MONEY_DECIMALS_DEFAULT, toMoney } from '../instruments/money.ts';
import { makeInstrument, type Instrument, type InstrumentConfig } from '../instruments/instrument.ts';
import { MarketFeed, type MarketSink } from '../market/feed.ts';
import type { SessionCalendar } from '../market/calendar.ts';
import { expectedRows, type BarBatch, type DataIssue, type MarketSource, type QuoteBatch, type TradeBatch } from '../market/types.ts';
import { Ledger, type FillParams, type LedgerParams, type LedgerState, type LedgerSummary } from '../portfolio/ledger.ts';
import { DirectDataClient } from '../stack/data-client/direct-data-client.ts';
import { marketDataKey } from '../stack/data-client/dialects/dialect.ts';
import { StackClock, type StackClockSettings } from '../stack/stack-clock.ts';
import type { BarView, DataClient, QuoteView, StackEnv, TradeView, TradingStack } from '../stack/types.ts';
import { ReferenceStack } from '../stack/reference-stack.ts';
import { RecoveringStack, type CrashEvent, type CrashPlanEntry } from './recovering-stack.ts';
import { ReferenceStackStateSchema } from '../stack/recovery/reference-state-schema.ts';
import type { z } from 'zod';
import { ScheduleFeeModel, type FeeModel, type FeeModelConfig } from '../venue/models/fee-models.ts';
import { createLatencyModel, type LatencyModel, type LatencyModelConfig } from '../venue/models/latency-models.ts';
import { createVenueModels, type VenueModelsConfig } from '../venue/models/venue-models.ts';
import type { FillModel } from '../venue/models/fill-models.ts';
import type { SlippageModel } from '../venue/models/slippage-models.ts';
import type { HaltWindow } from '../market/halts.ts';
import { haltWindowsOf } from '../market/overlays/overlay.ts';
import type { ExecutionReport, FillReport, OrderRequest, StatusReport } from '../venue/orders.ts';
import type { VenueApi } from '../venue/venue-api.ts';
import { SimulatedVenue, type VenueListener } from '../venue/venue.ts';
import { ReportHistory } from '../venue/report-history.ts';
import type { VenueFault, VenueFaultParams } from '../venue/faults.ts';

export interface AccountConfig {
  currency: string;
  /** Start cash in account currency (e.g. 10000). */
  startCash: number;
  /** Decimals of money (default 2: cents). */
  moneyDecimals?: number;
}

export interface BacktestParams {
  seed: number;
  instruments: readonly InstrumentConfig[];
  account: AccountConfig;
  /** Each source's info.instrumentId names one of `instruments`. */
  sources: readonly MarketSource[];
  /** Builds the stack under test (after instruments are validated). */
  stack: (instruments: readonly Instrument[], rng: RngRegistry) => TradingStack;
  /** Venue reality models: fill, slippage, fees, latency (defaults: next-open fills, no slippage, no fees, zero latency). */
  venue?: VenueModelsConfig;
  /** Overrides venue.fees: a schedule or a FeeModel of your own. */
  fees?: FeeModelConfig | FeeModel;
  /** Overrides venue.latency: a configuration, or a LatencyModel of your own. */
  latency?: LatencyModelConfig | LatencyModel;
  /** Overrides venue.fill with a FillModel of your own (a wrapper, a fault injector). */
  fill?: FillModel;
  /** Overrides venue.slippage with a SlippageModel of your own. */
  slippage?: SlippageModel;
  /**
   * Builds the engine's ledger (default: a Ledger). A subclass of your own, e.g. a deliberately
   * broken one that proves the ledger invariants catch it; extensions read it as `ctx.ledger`.
   */
  ledger?: (params: LedgerParams) => Ledger;
  /**
   * Trading halts per instrument id: orders arriving inside are rejected, nothing matches. Halt
   * windows of the sources (the halt overlay) are added to these.
   */
  halts?: Readonly<Record<string, readonly HaltWindow[]>>;
  /** Venue faults of the run's fault plan (chaos). Draws come from the run's 'faults.venue' stream only. */
  venueFaults?: readonly VenueFault[];
  /**
   * Crashes of the stack (chaos): at each, the stack's instance is lost, and a new one built by
   * `stack` restores its snapshot after the downtime and reconciles with the venue (see
   * engine/stack/recovery/recovering-stack.ts for the recovery model).
   */
  crashes?: readonly CrashPlanEntry[];
  journalSink?: JournalSink;
  budget?: RunBudget;
  /** Record equity after every bar (or tick) of source 0 (default true). */
  recordEquity?: boolean;
  /**
   * Keep every fill in the result (default true). Long streaming replays turn it off so that memory
   * stays flat; the journal still records every fill.
   */
  recordFills?: boolean;
  barOpenEvents?: boolean;
  /** Session calendar (DAY orders, daily limits, annualisation). Default: UTC 24h. */
  calendar?: SessionCalendar;
  /** The stack's own clock against venue time: offset and drift (default: none). */
  stackClock?: Partial<StackClockSettings>;
  /** Serves the stack's fetches (provider path). */
  fetch?: FetchFn;
  /**
   * How the stack reads market data. Default: the direct path (the engine hands every market
   * event to the stack). A factory gives a client that pulls (the provider path): the engine
   * then feeds only the venue and ledger, starts the client at the first market instant and stops
   * it `drainUs` after the last.
   */
  dataClient?: (ctx: DataClientContext) => PullDataClient;
  /** Called after every market event: invariant checks in tests and chaos runs. */
  afterEvent?: (ctx: { ledger: Ledger; timeUs: number }) => void;
  /** Run extensions (online invariants, chaos, tracing): hooks at the start and after every event. */
  extensions?: readonly RunExtension[];
}

/** What a data-client factory is given. */
export interface DataClientContext {
  readonly kernel: KernelContext;
  /** The stack's own clock (skew and drift apply). */
  readonly clock: Clock;
  readonly journal: Journal;
  readonly instruments: readonly Instrument[];
  /** The run's 'data-client' stream (backoff jitter). */
  readonly rng: Rng;
}

/** A data client that pulls market data on its own (over HTTP) instead of being handed it. */
export interface PullDataClient extends DataClient {
  /** Starts pulling; called at the first market instant, after the stack has subscribed. */
  start(): void;
  /** Stops pulling: no request after this. */
  stop(): void;
  /** How long after the market's last event data may still arrive and count. */
  readonly drainUs: number;
}

/** What a run extension sees: the run's parts, live. Read them; change nothing the journal sees. */
export interface RunContext {
  readonly ledger: Ledger;
  readonly venue: SimulatedVenue;
  readonly stack: TradingStack;
  readonly journal: Journal;
  /** Where applied faults are recorded (journal record and counts). */
  readonly faults: FaultRecorder;
  /** The environment the stack was started with (data client, venue API, its clock, kernel context). */
  readonly env: StackEnv;
}

/**
 * A market event as run extensions see it, before the venue and the stack do: one object,
 * refilled for every event (read it during the call; copy what you keep). Fields that do not
 * belong to the event's kind are 0.
 */
export interface MarketEventView {
  kind: 'barOpen' | 'bar' | 'trade' | 'quote';
  instrumentIndex: number;
  timeUs: number;
  /** Bars: the bar's open (barOpen: the open, the only price), high, low, close; raw integers. */
  openRaw: number;
  highRaw: number;
  lowRaw: number;
  closeRaw: number;
  /** Trades: the trade's price and size. */
  priceRaw: number;
  size: number;
  /** Quotes: best bid and ask and their sizes. */
  bidRaw: number;
  askRaw: number;
  bidSize: number;
  askSize: number;
}

/** A plug-in around a run: every hook optional; a throw stops the run like a handler's. */
export interface RunExtension {
  /** Once, before the stack starts (subscribe to `env.data` here to see data before the stack does). */
  beforeStart?(ctx: RunContext): void;
  /** Once, after the stack has started and before the first event. */
  onStart?(ctx: RunContext): void;
  /** Every market event, before the ledger, the venue and the stack see it. */
  onMarket?(ctx: RunContext, event: Readonly<MarketEventView>): void;
  /** Every fill the venue books, as it books it (venue time), before the ledger applies it. */
  onFill?(ctx: RunContext, fill: FillReport): void;
  /** Every status the venue reports (accepted, rejected, cancelled, ...), as it reports it. */
  onStatus?(ctx: RunContext, report: StatusReport): void;
  /** Every report as it reaches the stack (after the venue's latency), before the stack reads it. */
  onReport?(ctx: RunContext, report: ExecutionReport): void;
  /** After every event, market or scheduled (its synchronous part), with the event's time. */
  afterEvent?(ctx: RunContext, timeUs: number): void;
  /** When the stack submits an order, before the venue link takes it (venue time). */
  onOrder?(ctx: RunContext, order: OrderRequest, timeUs: number): void;
}

export interface FillRecord {
  timeUs: number;
  clientOrderId: string;
  instrumentId: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee: number;
  notional: number;
}

export interface BacktestResult {
  seed: number;
  fingerprint: string;
  /** The journal without market data and transport records: equal on both data paths when no fault is injected. */
  decisionFingerprint: string;
  journalRecords: number;
  /** `order` records in the journal: the orders the stack meant to send. */
  journalOrders: number;
  outcome: RunOutcome;
  instruments: readonly Instrument[];
  fills: FillRecord[];
  /** Equity samples and the gross exposure at each (sum of |market value|), in account currency. */
  equity: { timeUs: Float64Array; equity: Float64Array; grossExposure: Float64Array };
  startEquity: number;
  final: LedgerSummary & { currency: string };
  ledgerState: LedgerState;
  dataIssues: DataIssue[];
  barIntervalUs: number | undefined;
  /** Faults the run applied: counts by kind, and the first FAULT_LIST_MAX of them. */
  faults: { total: number; byKind: Record<string, number>; list: AppliedFault[] };
  /**
   * The venue's idempotency counters: orders booked under a client order id it had already
   * accepted (0 unless idempotency broke), resends of known ids it answered with a status, and
   * orders booked (more than the stack's journaled orders: the stack re-sent under new ids).
   */
  venue: { duplicateOrders: number; resends: number; ordersBooked: number };
}

function isLatencyModel(x: LatencyModelConfig | LatencyModel): x is LatencyModel {
  return typeof (x as LatencyModel).orderLatencyUs === 'function';
}

/** The first error of `type` along a cause chain (bounded). */
function findCause<T extends Error>(e: unknown, type: new (...args: never[]) => T): T | null {
  for (let c: unknown = e, i = 0; c instanceof Error && i < 8; c = c.cause, i++) if (c instanceof type) return c;
  return null;
}

/** Samples per chunk of the equity series: a chunk (3 words per sample) stays below malloc's mmap threshold. */
const SERIES_CHUNK_SAMPLES = 4096;
/** The largest row count a source's hint may presize the equity series to (24 bytes a sample). */
const SERIES_PRESIZE_MAX = 50_000_000;
const EMPTY_COLUMN = new Float64Array(0);

/**
 * Growable float64 series (time, value, gross exposure) without per-sample allocation: samples go
 * into fixed chunks, which are small enough for malloc to serve from memory a past run gave back;
 * the end copies them once into one exact array per column. Growing one array per column by
 * ArrayBuffer.transfer (which V8 serves with a fresh allocation and a copy, doubling after
 * doubling, then once more to trim) copied and touched about three times the final size. A chunk
 * holds its three columns one after the other (not interleaved), so that the end copies each as
 * one block (TypedArray.set, a memcpy) instead of word by word in a loop that runs once per run.
 *
 * When the market says how many rows it holds (MarketSource.expectedRows, asked at the first
 * sample), the series starts as three columns of that size, written in place and handed out as
 * they are: no chunks and no final copy (15-20 ms per 1e6 samples here). A hint that proves short
 * goes on in chunks after those columns.
 */
class Series {
  private readonly chunks: Float64Array[] = [];
  private chunk: Float64Array | null = null;
  /** Sample index of the next sample in `chunk`. */
  private at = 0;
  n = 0;
  /** Presized columns (the first headT.length samples; empty without a hint). */
  private headT = EMPTY_COLUMN;
  private headV = EMPTY_COLUMN;
  private headG = EMPTY_COLUMN;
  private readonly rowsHint: () => number | undefined;

  constructor(rowsHint: () => number | undefined = () => undefined) {
    this.rowsHint = rowsHint;
  }

  /**
   * Kept this small so that V8 inlines it into the bar path: called, it boxed its three doubles
   * (48 bytes of garbage a bar); what is rare (presizing, chunks) is in pushPast.
   */
  push(t: number, v: number, g: number): void {
    const n = this.n;
    if (n < this.headT.length) {
      this.headT[n] = t;
      this.headV[n] = v;
      this.headG[n] = g;
      this.n = n + 1;
    } else {
      this.pushPast(t, v, g);
    }
  }

  /** A sample past the presized columns: the first one (presize from the hint) or one in chunks. */
  private pushPast(t: number, v: number, g: number): void {
    const n = this.n;
    if (n === 0) {
      const rows = this.rowsHint();
      if (rows !== undefined && Number.isSafeInteger(rows) && rows > 0 && rows <= SERIES_PRESIZE_MAX) {
        this.headT = new Float64Array(rows);
        this.headV = new Float64Array(rows);
        this.headG = new Float64Array(rows);
        this.push(t, v, g);
        return;
      }
    }
    this.pushChunked(t, v, g);
  }

  private pushChunked(t: number, v: number, g: number): void {
    if (this.chunk === null) this.chunk = new Float64Array(3 * SERIES_CHUNK_SAMPLES);
    let at = this.at;
    if (at === SERIES_CHUNK_SAMPLES) {
      this.chunks.push(this.chunk);
      this.chunk = new Float64Array(3 * SERIES_CHUNK_SAMPLES);
      at = 0;
    }
    const c = this.chunk;
    c[at] = t;
    c[at + SERIES_CHUNK_SAMPLES] = v;
    c[at + 2 * SERIES_CHUNK_SAMPLES] = g;
    this.at = at + 1;
    this.n++;
  }

  /** The samples, each column an array of exactly n. Ends the series. */
  columns(): { timeUs: Float64Array; equity: Float64Array; grossExposure: Float64Array } {
    const n = this.n;
    const cap = this.headT.length;
    const head = Math.min(n, cap);
    // Presized and filled (a hint a little long, from rows the loader skipped, is only trimmed).
    if (this.chunk === null && head >= cap * 0.9) {
      return { timeUs: this.headT.subarray(0, n), equity: this.headV.subarray(0, n), grossExposure: this.headG.subarray(0, n) };
    }
    const timeUs = new Float64Array(n);
    const equity = new Float64Array(n);
    const grossExposure = new Float64Array(n);
    timeUs.set(this.headT.subarray(0, head));
    equity.set(this.headV.subarray(0, head));
    grossExposure.set(this.headG.subarray(0, head));
    if (this.chunk !== null) this.chunks.push(this.chunk);
    const S = SERIES_CHUNK_SAMPLES;
    let k = head;
    for (const c of this.chunks) {
      const end = c === this.chunk ? this.at : S;
      timeUs.set(c.subarray(0, end), k);
      equity.set(c.subarray(S, S + end), k);
      grossExposure.set(c.subarray(2 * S, 2 * S + end), k);
      k += end;
    }
    this.chunks.length = 0;
    return { timeUs, equity, grossExposure };
  }
}

class BacktestEngine implements MarketSink, VenueListener {
  readonly ledger: Ledger;
  readonly venue: SimulatedVenue;
  /** The direct path's client; null on the provider path (the stack pulls its own data). */
  readonly data: DirectDataClient | null;
  /** Provider path: per instrument, the data keys its market events release (marketDataKey). */
  private readonly releaseKeys: { bars: string; quotes: string; trades: string }[];
  readonly fills: FillRecord[] = [];
  readonly series: Series;
  stack!: TradingStack;
  private readonly barView: BarView;
  private readonly tradeView: TradeView;
  private readonly quoteView: QuoteView;
  private readonly moneyScale: number;
  /** 10 ** priceDecimals and 10 ** quantityDecimals per instrument, computed once (not per event). */
  private readonly priceScale: Float64Array;
  private readonly quantityScale: Float64Array;
  /** What the ledger books per fill: one object, refilled each time (the ledger keeps nothing of it). */
  private readonly ledgerFill: FillParams = { instrumentIndex: 0, side: 1, quantityRaw: 0, priceRaw: 0, fee: 0 };

  readonly kernel: Kernel;
  readonly journal: Journal;
  readonly instruments: readonly Instrument[];
  private readonly sourceInstrument: Int32Array;
  private readonly recordEquity: boolean;
  private readonly recordFills: boolean;
  private readonly afterEvent: BacktestParams['afterEvent'];
  /** Extension hooks; null when no extension wants them (the hot path then tests one field). */
  hooks: EngineHooks | null = null;
  /** The reports delivered to the stack, per order (runs with crashes: what a restart reconciles against). */
  history: ReportHistory | null = null;
  private readonly marketView: MarketEventView = { kind: 'bar', instrumentIndex: 0, timeUs: 0, openRaw: 0, highRaw: 0, lowRaw: 0, closeRaw: 0, priceRaw: 0, size: 0, bidRaw: 0, askRaw: 0, bidSize: 0, askSize: 0 };

  constructor(p: {
    kernel: Kernel; journal: Journal; instruments: readonly Instrument[]; sourceInstrument: Int32Array; recordEquity: boolean; recordFills: boolean;
    afterEvent: BacktestParams['afterEvent']; ledger: BacktestParams['ledger']; equityRows: () => number | undefined; direct: boolean; calendar: SessionCalendar | undefined; fees: FeeModel; fill: FillModel; slippage: SlippageModel; halts: BacktestParams['halts']; latency: LatencyModel; faults: VenueFaultParams | undefined; keepHistory: boolean; account: { currency: string; moneyDecimals: number; startCash: number };
  }) {
    this.kernel = p.kernel;
    this.journal = p.journal;
    this.instruments = p.instruments;
    this.sourceInstrument = p.sourceInstrument;
    this.recordEquity = p.recordEquity;
    this.recordFills = p.recordFills;
    this.afterEvent = p.afterEvent;
    this.series = new Series(p.equityRows);
    this.data = p.direct ? new DirectDataClient() : null;
    this.releaseKeys = p.instruments.map((i) => ({ bars: marketDataKey('bars', i.id), quotes: marketDataKey('quotes', i.id), trades: marketDataKey('trades', i.id) }));
    const { instruments, account, kernel, fees, latency } = p;
    const ledgerParams: LedgerParams = { instruments, currency: account.currency, moneyDecimals: account.moneyDecimals, startCash: account.startCash };
    this.ledger = p.ledger === undefined ? new Ledger(ledgerParams) : p.ledger(ledgerParams);
    if (this.ledger.instruments.length !== instruments.length) throw new RangeError(`the ledger factory built a ledger for ${this.ledger.instruments.length} instruments, the run has ${instruments.length}`);
    this.moneyScale = 10 ** account.moneyDecimals;
    this.priceScale = Float64Array.from(instruments, (i) => 10 ** i.priceDecimals);
    this.quantityScale = Float64Array.from(instruments, (i) => 10 ** i.quantityDecimals);
    this.venue = new SimulatedVenue({
      instruments, context: kernel.context, fees, latency, fill: p.fill, slippage: p.slippage, moneyDecimals: account.moneyDecimals, listener: this,
      ...(p.calendar ? { calendar: p.calendar } : {}), ...(p.halts ? { halts: p.halts } : {}), ...(p.faults ? { faults: p.faults } : {}),
    });
    if (p.keepHistory) this.history = new ReportHistory((id) => this.venue.order(id)?.request);
    this.barView = { instrumentId: '', instrumentIndex: -1, openTimeUs: 0, closeTimeUs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, openRaw: 0, highRaw: 0, lowRaw: 0, closeRaw: 0, priceDecimals: 0 };
    this.tradeView = { instrumentId: '', instrumentIndex: -1, timeUs: 0, price: 0, priceRaw: 0, size: 0, priceDecimals: 0 };
    this.quoteView = { instrumentId: '', instrumentIndex: -1, timeUs: 0, bid: 0, ask: 0, bidRaw: 0, askRaw: 0, bidSize: 0, askSize: 0, priceDecimals: 0 };
  }

  /**
   * Equity after a market event, at the event's time (the clock's: passed as an argument, a time
   * is boxed on every call that V8 does not inline).
   */
  private sample(source: number): void {
    const timeUs = this.kernel.clock.nowUs();
    if (source === 0 && this.recordEquity) {
      const equity = this.ledger.equity();
      if (!Number.isSafeInteger(equity)) equityOutOfRange(equity);
      this.series.push(timeUs, equity / this.moneyScale, this.ledger.grossExposureAtLastEquity / this.moneyScale);
    }
    if (this.afterEvent !== undefined) this.afterEvent({ ledger: this.ledger, timeUs });
  }

  /** Hands a market event to the extensions that watch them (kept out of the event methods: they stay small). */
  private market(kind: MarketEventView['kind'], inst: number, timeUs: number, a: number, b: number, c: number, d: number, e: number): void {
    const v = this.marketView;
    v.kind = kind; v.instrumentIndex = inst; v.timeUs = timeUs;
    v.openRaw = 0; v.highRaw = 0; v.lowRaw = 0; v.closeRaw = 0; v.priceRaw = 0; v.size = 0; v.bidRaw = 0; v.askRaw = 0; v.bidSize = 0; v.askSize = 0;
    if (kind === 'barOpen') v.openRaw = a;
    else if (kind === 'bar') { v.openRaw = a; v.highRaw = b; v.lowRaw = c; v.closeRaw = d; v.size = e; }
    else if (kind === 'trade') { v.priceRaw = a; v.size = b; }
    else { v.bidRaw = a; v.askRaw = b; v.bidSize = c; v.askSize = d; }
    this.hooks!.market!(v);
  }

  onBarOpen(source: number, b: BarBatch, row: number): void {
    const timeUs = b.openTimeUs[row]!;
    const openRaw = b.open[row]!;
    this.journal.barOpen(source, timeUs, openRaw);
    const inst = this.sourceInstrument[source]!;
    if (this.hooks?.market) this.market('barOpen', inst, timeUs, openRaw, 0, 0, 0, 0);
    this.ledger.mark(inst, openRaw);
    this.venue.onBarOpen(inst, openRaw);
    if (this.afterEvent !== undefined) this.afterEvent({ ledger: this.ledger, timeUs });
  }

  onBar(source: number, b: BarBatch, row: number): void | Promise<void> {
    const closeTimeUs = b.closeTimeUs[row]!;
    const close = b.close[row]!;
    this.journal.barRow(source, b, row);
    const index = this.sourceInstrument[source]!;
    if (this.hooks?.market) this.market('bar', index, closeTimeUs, b.open[row]!, b.high[row]!, b.low[row]!, close, b.volume[row]!);
    this.ledger.mark(index, close);
    this.venue.onBar(index, b, row);
    this.sample(source);
    if (this.data === null) { this.kernel.releaseData(this.releaseKeys[index]!.bars, closeTimeUs); return undefined; }
    const inst = this.instruments[index]!;
    const v = this.barView;
    const scale = this.priceScale[index]!;
    v.instrumentId = inst.id;
    v.instrumentIndex = index;
    v.openTimeUs = b.openTimeUs[row]!;
    v.closeTimeUs = closeTimeUs;
    v.openRaw = b.open[row]!;
    v.highRaw = b.high[row]!;
    v.lowRaw = b.low[row]!;
    v.closeRaw = close;
    v.open = v.openRaw / scale;
    v.high = v.highRaw / scale;
    v.low = v.lowRaw / scale;
    v.close = close / scale;
    v.volume = b.volume[row]!;
    v.priceDecimals = inst.priceDecimals;
    return this.data.pushBar(v);
  }

  onTrade(source: number, b: TradeBatch, row: number): void | Promise<void> {
    const timeUs = b.timeUs[row]!;
    const price = b.price[row]!;
    this.journal.trade(source, timeUs, price, b.size[row]!);
    const index = this.sourceInstrument[source]!;
    if (this.hooks?.market) this.market('trade', index, timeUs, price, b.size[row]!, 0, 0, 0);
    this.ledger.mark(index, price);
    this.venue.onTrade(index, price, b.size[row]!);
    this.sample(source);
    if (this.data === null) { this.kernel.releaseData(this.releaseKeys[index]!.trades, timeUs); return undefined; }
    const inst = this.instruments[index]!;
    const v = this.tradeView;
    v.instrumentId = inst.id;
    v.instrumentIndex = index;
    v.timeUs = timeUs;
    v.priceRaw = price;
    v.price = price / this.priceScale[index]!;
    v.size = b.size[row]!;
    v.priceDecimals = inst.priceDecimals;
    return this.data.pushTrade(v);
  }

  onQuote(source: number, b: QuoteBatch, row: number): void | Promise<void> {
    const timeUs = b.timeUs[row]!;
    const bid = b.bid[row]!;
    const ask = b.ask[row]!;
    this.journal.quote(source, timeUs, bid, ask, b.bidSize[row]!, b.askSize[row]!);
    const index = this.sourceInstrument[source]!;
    if (this.hooks?.market) this.market('quote', index, timeUs, bid, ask, b.bidSize[row]!, b.askSize[row]!, 0);
    // Positions are marked at the mid, rounded half up to a raw price (the ledger's rule).
    this.ledger.markQuote(index, bid, ask);
    this.venue.onQuote(index, bid, ask, b.bidSize[row]!, b.askSize[row]!);
    this.sample(source);
    if (this.data === null) { this.kernel.releaseData(this.releaseKeys[index]!.quotes, timeUs); return undefined; }
    const inst = this.instruments[index]!;
    const v = this.quoteView;
    const scale = this.priceScale[index]!;
    v.instrumentId = inst.id;
    v.instrumentIndex = index;
    v.timeUs = timeUs;
    v.bidRaw = bid;
    v.askRaw = ask;
    v.bid = bid / scale;
    v.ask = ask / scale;
    v.bidSize = b.bidSize[row]!;
    v.askSize = b.askSize[row]!;
    v.priceDecimals = inst.priceDecimals;
    return this.data.pushQuote(v);
  }

  onFill(f: FillReport, notional: number): void {
    if (this.hooks?.fill) this.hooks.fill(f);
    const lf = this.ledgerFill;
    lf.instrumentIndex = f.instrumentIndex;
    lf.side = f.side;
    lf.quantityRaw = f.quantityRaw;
    lf.priceRaw = f.priceRaw;
    lf.fee = f.fee;
    this.ledger.applyFill(lf);
    const inst = this.instruments[f.instrumentIndex]!;
    this.journal.fill(f.timeUs, f.clientOrderId, inst.id, f.side, f.quantityRaw, f.priceRaw, f.fee);
    if (this.recordFills) this.fills.push({
      timeUs: f.timeUs, clientOrderId: f.clientOrderId, instrumentId: inst.id, side: f.side === 1 ? 'buy' : 'sell',
      quantity: f.quantityRaw / this.quantityScale[f.instrumentIndex]!, price: f.priceRaw / this.priceScale[f.instrumentIndex]!,
      fee: f.fee / this.moneyScale, notional: notional / this.moneyScale,
    });
  }

  onStatus(r: StatusReport): void {
    if (this.hooks?.status) this.hooks.status(r);
    const reason = r.reason ?? '';
    switch (r.kind) {
      case 'accepted': this.journal.venueAccept(r.timeUs, r.clientOrderId); break;
      case 'rejected': this.journal.record('venueReject', r.timeUs, r.clientOrderId, reason); break;
      case 'cancelled': this.journal.record('cancel', r.timeUs, r.clientOrderId, reason); break;
      case 'expired': this.journal.record('expire', r.timeUs, r.clientOrderId); break;
      case 'replaced': this.journal.record('venueReplace', r.timeUs, r.clientOrderId); break;
      case 'cancel-rejected': case 'replace-rejected': this.journal.record('venueReject', r.timeUs, r.clientOrderId, `${r.kind}: ${reason}`); break;
    }
  }

  deliver(report: ExecutionReport): void | Promise<void> {
    if (this.history !== null) this.history.record(report);
    if (this.hooks?.report) this.hooks.report(report);
    return this.stack.onReport(report);
  }
}

/** The extension hooks the engine calls, each present only when some extension has it. */
interface EngineHooks {
  market: ((v: MarketEventView) => void) | undefined;
  fill: ((f: FillReport) => void) | undefined;
  status: ((r: StatusReport) => void) | undefined;
  report: ((r: ExecutionReport) => void) | undefined;
}

/** Kept out of sample() so that the hot path stays small enough to inline. */
function equityOutOfRange(equity: number): never {
  throw new NumericRangeError('equity', `equity ${equity} money units is beyond 2^53: the account left the exact range`);
}

/** Declared halts plus the halt windows sources expose (overlays), sorted per instrument. */
function mergeHalts(declared: Readonly<Record<string, readonly HaltWindow[]>>, sources: readonly MarketSource[]): Record<string, readonly HaltWindow[]> {
  const out: Record<string, HaltWindow[]> = {};
  for (const [id, ws] of Object.entries(declared)) out[id] = [...ws];
  for (const s of sources) {
    const ws = haltWindowsOf(s);
    if (ws.length > 0) (out[s.info.instrumentId] ??= []).push(...ws);
  }
  for (const ws of Object.values(out)) ws.sort((a, b) => a.fromUs - b.fromUs);
  return out;
}

/**
 * The market feed on the provider path: it starts the pulling client at the first market instant
 * and stops it `drainUs` after the last, so the run ends once the data that exists has been
 * pulled (polls would otherwise go on forever).
 */
class PullFeed implements ExternalStream {
  private started = false;
  private ended = false;
  private readonly feed: ExternalStream;
  private readonly client: PullDataClient;
  private readonly kernel: KernelContext;
  constructor(feed: ExternalStream, client: PullDataClient, kernel: KernelContext) {
    this.feed = feed;
    this.nextUs = feed.nextUs;
    this.client = client;
    this.kernel = kernel;
  }
  /** The feed's own slot: peek() writes it through the feed. */
  readonly nextUs: Float64Array;

  peek(): void {
    this.feed.peek();
    if (this.feed.nextUs[0] === Number.POSITIVE_INFINITY && !this.ended) {
      this.ended = true;
      this.kernel.post(this.client.drainUs, 'data-client.stop', () => this.client.stop());
    }
  }
  load(): Promise<void> { return this.feed.load(); }
  dispatch(): void | Promise<void> {
    if (!this.started) {
      this.started = true;
      this.client.start();
    }
    return this.feed.dispatch();
  }
}

/**
 * One function per hook that some extension has (none: null, and the engine skips them all).
 * Built as one literal with every key (undefined for a hook nobody has), not by adding the
 * closures to an empty object: added one by one, they kept each run's whole object graph alive
 * through V8's young-generation collections until the next full one (a check run with online
 * properties left tens of KB per run for the scavenges to copy and promote).
 */
function engineHooks(extensions: readonly RunExtension[], ctx: RunContext): EngineHooks | null {
  const market = extensions.filter((x) => x.onMarket !== undefined);
  const fill = extensions.filter((x) => x.onFill !== undefined);
  const status = extensions.filter((x) => x.onStatus !== undefined);
  const report = extensions.filter((x) => x.onReport !== undefined);
  if (market.length + fill.length + status.length + report.length === 0) return null;
  return {
    market: market.length === 0 ? undefined : (v) => { for (const x of market) x.onMarket!(ctx, v); },
    fill: fill.length === 0 ? undefined : (f) => { for (const x of fill) x.onFill!(ctx, f); },
    status: status.length === 0 ? undefined : (r) => { for (const x of status) x.onStatus!(ctx, r); },
    report: report.length === 0 ? undefined : (r) => { for (const x of report) x.onReport!(ctx, r); },
  };
}

/** The reference stack's snapshots are validated by its schema; another stack's by its own restore. */
function stackKindOf(stack: TradingStack): { kind: string; stateSchema?: z.ZodType } {
  return stack instanceof ReferenceStack ? { kind: 'reference', stateSchema: ReferenceStackStateSchema } : { kind: stack.constructor.name === 'Object' ? 'custom' : stack.constructor.name };
}

function crashDetail(e: CrashEvent): string {
  return e.kind === 'crash' ? `down for ${e.downtimeUs} us; snapshot ${e.snapshotBytes} bytes; ${e.inFlight} messages in flight` : `after ${e.downtimeUs} us down; ${e.reportsLost} reports lost`;
}

/** The kernel starts before any market time; the first event moves the clock to the market. */
const KERNEL_START_US = Number.MIN_SAFE_INTEGER;

export async function runBacktest(params: BacktestParams): Promise<BacktestResult> {
  const moneyDecimals = params.account.moneyDecimals ?? MONEY_DECIMALS_DEFAULT;
  const instruments = params.instruments.map((c) => makeInstrument(c, moneyDecimals));
  const ids = new Set(instruments.map((i) => i.id));
  if (ids.size !== instruments.length) throw new RangeError('instrument ids must be unique');
  const sourceInstrument = new Int32Array(params.sources.map((s) => {
    const index = instruments.findIndex((i) => i.id === s.info.instrumentId);
    if (index < 0) throw new RangeError(`market source for ${s.info.instrumentId} names no declared instrument (declared: ${[...ids].join(', ')})`);
    const inst = instruments[index]!;
    if (inst.priceDecimals !== s.info.priceDecimals) {
      throw new RangeError(`instrument ${inst.id} has priceDecimals ${inst.priceDecimals} but its market source has ${s.info.priceDecimals}`);
    }
    return index;
  }));
  const halts = mergeHalts(params.halts ?? {}, params.sources);
  const rng = new RngRegistry(params.seed);
  const crashes = params.crashes ?? [];
  const extensions = params.extensions ?? [];
  const after = extensions.filter((x) => x.afterEvent !== undefined);
  let runContext: RunContext | null = null;
  const kernel = new Kernel({
    startUs: KERNEL_START_US, ...(params.fetch ? { fetch: params.fetch } : {}),
    // No hook at all when no extension wants one: the kernel's loop then pays nothing.
    ...(after.length === 0 ? {} : { afterEvent: (timeUs: number) => { for (const x of after) x.afterEvent!(runContext!, timeUs); } }),
  });
  const journal = new Journal({ rootSeed: params.seed, expectedRows: () => expectedRows(params.sources), ...(params.journalSink ? { sink: params.journalSink } : {}) });
  const faults = new FaultRecorder(journal);
  const models = createVenueModels(params.venue, rng, moneyDecimals);
  const fees: FeeModel = params.fees === undefined ? models.fees
    : 'fee' in params.fees && typeof params.fees.fee === 'function' ? params.fees as FeeModel
    : new ScheduleFeeModel(params.fees as FeeModelConfig, moneyDecimals);
  const latency: LatencyModel = params.latency === undefined ? models.latency
    : isLatencyModel(params.latency) ? params.latency
    : createLatencyModel(params.latency, rng.stream('latency'));
  const fill = params.fill ?? models.fill;
  const slippage = params.slippage ?? models.slippage;
  const account = { currency: params.account.currency, moneyDecimals, startCash: toMoney(params.account.startCash, moneyDecimals) };
  // The fault stream is only derived when there are faults: a run without them is unchanged.
  const venueFaults: VenueFaultParams | undefined = params.venueFaults === undefined || params.venueFaults.length === 0 ? undefined
    : { faults: params.venueFaults, rng: rng.stream('faults.venue'), recorder: faults };
  const engine = new BacktestEngine({ kernel, journal, instruments, sourceInstrument, recordEquity: params.recordEquity ?? true, recordFills: params.recordFills ?? true, afterEvent: params.afterEvent, ledger: params.ledger, equityRows: () => params.sources[0]?.expectedRows?.(), direct: params.dataClient === undefined, calendar: params.calendar, fees, latency, fill, slippage, halts, faults: venueFaults, keepHistory: crashes.length > 0, account });
  const recovering = crashes.length === 0 ? null : new RecoveringStack({
    create: () => params.stack(instruments, rng), crashes, identify: stackKindOf, inFlight: () => engine.venue.messagesInFlight,
    onEvent: (e) => faults.listed(e.kind === 'crash' ? 'stack-crash' : 'stack-restart', 'stack', e.timeUs, crashDetail(e)),
  });
  const stack = recovering ?? params.stack(instruments, rng);
  engine.stack = stack;
  const stackClock = new StackClock(kernel.clock, params.stackClock);
  const pull = params.dataClient?.({ kernel: kernel.context, clock: stackClock, journal, instruments, rng: rng.stream('data-client') }) ?? null;
  // Extensions that watch orders see each submit; without them the stack talks to the venue itself.
  const watchers = extensions.filter((x) => x.onOrder !== undefined);
  const venueApi: VenueApi = watchers.length === 0 ? engine.venue : {
    submit: (order) => { for (const x of watchers) x.onOrder!(runContext!, order, kernel.clock.nowUs()); engine.venue.submit(order); },
    cancel: (id) => engine.venue.cancel(id),
    replace: (id, changes) => engine.venue.replace(id, changes),
  };
  const env: StackEnv = {
    data: pull ?? engine.data!, venue: venueApi, clock: stackClock, kernel: kernel.context, journal, instruments,
    account: { currency: account.currency, moneyDecimals, startCash: account.startCash },
    ...(params.calendar ? { calendar: params.calendar } : {}),
    ...(engine.history === null ? {} : { venueQuery: engine.history }),
  };
  // With crashes, extensions read the stack instance that runs now (or ran last).
  runContext = recovering === null ? { ledger: engine.ledger, venue: engine.venue, stack, journal, faults, env }
    : { ledger: engine.ledger, venue: engine.venue, get stack() { return recovering.latest; }, journal, faults, env };
  engine.hooks = engineHooks(extensions, runContext);
  for (const x of extensions) x.beforeStart?.(runContext);
  stack.start(env);
  for (const x of extensions) x.onStart?.(runContext);
  const feed = new MarketFeed(params.sources, engine, { barOpenEvents: params.barOpenEvents ?? true });
  kernel.setStream(pull === null ? feed : new PullFeed(feed, pull, kernel.context));
  let outcome: RunOutcome;
  try {
    outcome = await kernel.run(params.budget);
  } catch (e) {
    const nowUs = kernel.clock.nowUs();
    const at = formatTimeUs(nowUs);
    const message = `backtest failed at ${at} (seed ${params.seed}): ${(e as Error).message}`;
    // Out of the exact range is where the inputs took the run, not a bug: keep its type, add the instant.
    const range = findCause(e, NumericRangeError);
    if (range !== null) throw new NumericRangeError(range.figure, message, { timeUs: range.timeUs ?? nowUs, cause: e });
    throw new Error(message, { cause: e });
  } finally {
    await Promise.all(params.sources.map((s) => s.close?.()));
  }
  const bar = params.sources[0]?.info.barIntervalUs;
  return {
    seed: params.seed,
    fingerprint: journal.fingerprint(),
    decisionFingerprint: journal.decisionFingerprint(),
    journalRecords: journal.records,
    journalOrders: journal.orders,
    outcome,
    instruments,
    fills: engine.fills,
    equity: engine.series.columns(),
    startEquity: fromMoney(account.startCash, moneyDecimals),
    final: { ...engine.ledger.summary(), currency: account.currency },
    ledgerState: engine.ledger.snapshot(),
    dataIssues: params.sources.flatMap((s) => [...s.issues]),
    barIntervalUs: bar,
    faults: { total: faults.total, byKind: { ...faults.byKind }, list: [...faults.list] },
    venue: { duplicateOrders: engine.venue.duplicateOrders, resends: engine.venue.resends, ordersBooked: engine.venue.ordersBooked },
  };
}
