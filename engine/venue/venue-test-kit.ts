/**
 * Test support for the venue: a real Kernel, a SimulatedVenue with a recording listener, and a
 * market feed of hand-made bars, trades or quotes driving the venue's hooks exactly as the
 * backtest does (bar open event, then the whole bar at its close). Used by the venue's tests only.
 */
import { PRIORITY } from '../kernel/event-queue.ts';
import { Kernel } from '../kernel/kernel.ts';
import { makeInstrument, type Instrument, type InstrumentConfig } from '../instruments/instrument.ts';
import { arraySource, type BarRow, type QuoteRow, type TradeRow } from '../market/array-source.ts';
import type { SessionCalendar } from '../market/calendar.ts';
import { MarketFeed, type MarketSink } from '../market/feed.ts';
import type { MarketSource } from '../market/types.ts';
import { NO_FEES, type FeeModel } from './models/fee-models.ts';
import type { FillModel } from './models/fill-models.ts';
import { ConstantLatencyModel, type LatencyModel } from './models/latency-models.ts';
import type { SlippageModel } from './models/slippage-models.ts';
import type { VenueFaultParams } from './faults.ts';
import type { ExecutionReport, FillReport, OrderRequest, StatusReport } from './orders.ts';
import { SimulatedVenue, type HaltWindow, type VenueListener } from './venue.ts';

/** Equity quoted in cents, 5-cent ticks (raw tick 5), whole shares. */
export const XYZ: InstrumentConfig = { id: 'XYZ', kind: 'equity', priceDecimals: 2, tickSize: 0.05 };
/** Equity traded in round lots of 100 shares. */
export const LOTS: InstrumentConfig = { id: 'LOT', kind: 'equity', priceDecimals: 2, lotSize: 100 };

export interface KitOptions {
  startUs: number;
  instruments?: readonly InstrumentConfig[];
  fill?: FillModel;
  slippage?: SlippageModel;
  fees?: FeeModel;
  latency?: LatencyModel;
  calendar?: SessionCalendar;
  halts?: Readonly<Record<string, readonly HaltWindow[]>>;
  /** Venue faults (chaos) with their stream and recorder. */
  faults?: VenueFaultParams;
}

export interface Recorder extends VenueListener {
  readonly fills: FillReport[];
  readonly statuses: StatusReport[];
  /** Reports as they reach the stack, with the time they arrive. */
  readonly delivered: { atUs: number; report: ExecutionReport }[];
}

export interface Kit {
  readonly kernel: Kernel;
  readonly venue: SimulatedVenue;
  readonly log: Recorder;
  readonly instruments: readonly Instrument[];
  /** Runs `fn` at `timeUs` (a timer event: after the market data of that instant). */
  at(timeUs: number, fn: () => void): void;
  /** Market sources per instrument index; `afterEvent` runs after the venue saw each event (the stack's turn). */
  feed(sources: readonly { instrumentIndex: number; source: MarketSource }[], afterEvent?: (kind: 'open' | 'bar' | 'trade' | 'quote', timeUs: number) => void): void;
  run(): Promise<void>;
}

export function venueKit(o: KitOptions): Kit {
  const kernel = new Kernel({ startUs: o.startUs });
  const instruments = (o.instruments ?? [XYZ]).map((c) => makeInstrument(c, 2));
  const log: Recorder = {
    fills: [], statuses: [], delivered: [],
    onFill(f) { this.fills.push(f); },
    onStatus(r) { this.statuses.push(r); },
    deliver(r) { this.delivered.push({ atUs: kernel.clock.nowUs(), report: r }); },
  };
  const venue = new SimulatedVenue({
    instruments, context: kernel.context, fees: o.fees ?? NO_FEES, latency: o.latency ?? new ConstantLatencyModel(), moneyDecimals: 2, listener: log,
    ...(o.fill ? { fill: o.fill } : {}), ...(o.slippage ? { slippage: o.slippage } : {}),
    ...(o.calendar ? { calendar: o.calendar } : {}), ...(o.halts ? { halts: o.halts } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
  });
  return {
    kernel, venue, log, instruments,
    at(timeUs, fn) { kernel.schedule(timeUs, PRIORITY.timer, 'test.at', fn); },
    feed(sources, afterEvent) {
      const index = sources.map((s) => s.instrumentIndex);
      const sink: MarketSink = {
        onBarOpen(src, b, row) { venue.onBarOpen(index[src]!, b.open[row]!); afterEvent?.('open', b.openTimeUs[row]!); },
        onBar(src, b, row) { venue.onBar(index[src]!, b, row); afterEvent?.('bar', b.closeTimeUs[row]!); },
        onTrade(src, b, row) { venue.onTrade(index[src]!, b.price[row]!, b.size[row]!); afterEvent?.('trade', b.timeUs[row]!); },
        onQuote(src, b, row) { venue.onQuote(index[src]!, b.bid[row]!, b.ask[row]!, b.bidSize[row]!, b.askSize[row]!); afterEvent?.('quote', b.timeUs[row]!); },
      };
      kernel.setStream(new MarketFeed(sources.map((s) => s.source), sink));
    },
    async run() { await kernel.run(); },
  };
}

export function barSource(rows: readonly BarRow[], id = 'XYZ'): MarketSource {
  return arraySource({ instrumentId: id, priceDecimals: 2 }, { type: 'bar', rows });
}

export function tradeSource(rows: readonly TradeRow[], id = 'XYZ'): MarketSource {
  return arraySource({ instrumentId: id, priceDecimals: 2 }, { type: 'trade', rows });
}

export function quoteSource(rows: readonly QuoteRow[], id = 'XYZ'): MarketSource {
  return arraySource({ instrumentId: id, priceDecimals: 2 }, { type: 'quote', rows });
}

/** A bar [openUs, openUs + lengthUs) with prices in raw cents. */
export function bar(openUs: number, lengthUs: number, open: number, high: number, low: number, close: number, volume = 0): BarRow {
  return { openTimeUs: openUs, closeTimeUs: openUs + lengthUs, open, high, low, close, volume };
}

let seq = 0;
/** An order with a fresh id unless one is given. */
export function order(o: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'quantityRaw'>): OrderRequest {
  return { clientOrderId: `t-${++seq}`, instrumentIndex: 0, type: 'market', timeInForce: 'GTC', ...o };
}

/** Fills of one order as [timeUs, quantityRaw, priceRaw] triples. */
export function fillsOf(log: Recorder, clientOrderId: string): [number, number, number][] {
  return log.fills.filter((f) => f.clientOrderId === clientOrderId).map((f) => [f.timeUs, f.quantityRaw, f.priceRaw]);
}

/** Status reports of one order as [kind, timeUs, reason] triples. */
export function statusesOf(log: Recorder, clientOrderId: string): [string, number, string | undefined][] {
  return log.statuses.filter((r) => r.clientOrderId === clientOrderId).map((r) => [r.kind, r.timeUs, r.reason]);
}
