/**
 * The engine's public surface: what harness/ and users import. Internals stay behind it.
 */
export * from './kernel/time.ts';
export { VirtualClock, type Clock } from './kernel/clock.ts';
export { PRIORITY, EventQueue } from './kernel/event-queue.ts';
export {
  FetchTimeoutError, Kernel, timersOver, type BurstGate, type ExternalStream, type KernelContext, type LateResponse, type RunBudget, type RunOutcome, type StackFetchInit, type StopReason,
  type TimerHandle,
} from './kernel/kernel.ts';
export type { FetchFn, FetchInit, FetchResult, TransportRequest, TransportResponse } from './kernel/settle.ts';
export { Rng, RngRegistry, deriveSeed, assertSeed, RNG_STREAMS, type RngState } from './kernel/rng.ts';
export { Journal, JOURNAL_VERSION, JOURNAL_KINDS, MARKET_KINDS, TRANSPORT_KINDS, STRING_FIELDS, INLINE_STRING_FIELDS, type JournalKind, type JournalSink } from './kernel/journal.ts';
export { NumericRangeError } from './kernel/errors.ts';
export { decodeJournal, JournalDecoder, journalToJsonLines, type JournalRecord } from './kernel/journal-view.ts';

export * from './market/types.ts';
export { arraySource, type BarRow, type TradeRow, type QuoteRow } from './market/array-source.ts';
export { MarketFeed, type MarketSink } from './market/feed.ts';
export * from './market/calendar.ts';
export * from './market/loaders/index.ts';
export * from './market/synthetic/index.ts';
export * from './market/overlays/index.ts';
export { scalePrices, ScaledPriceSource } from './market/scaled-source.ts';

export { InstrumentSchema, makeInstrument, notionalMoney, type Instrument, type InstrumentConfig } from './instruments/instrument.ts';
export { toMoney, fromMoney, divRoundHalfEven, MONEY_DECIMALS_DEFAULT } from './instruments/money.ts';
export { Ledger, type FillEffect, type FillParams as LedgerFillParams, type LedgerParams, type LedgerState, type LedgerSummary, type PositionState } from './portfolio/ledger.ts';

export type { OrderRequest, OrderType, TimeInForce, Side, ExecutionReport, FillReport, StatusReport, OrderStatus } from './venue/orders.ts';
export { SimulatedVenue } from './venue/venue.ts';
export * from './venue/venue-api.ts';
export { VENUE_FAULT_KINDS, DEFAULT_REJECT_REASON, PARTIAL_FILL_CANCEL_REASON, validateVenueFaults, type VenueFault, type VenueFaultKind, type VenueFaultParams, type VenueFaultSink } from './venue/faults.ts';
export { VENUE_TRANSITIONS, IllegalVenueTransitionError } from './venue/order-lifecycle.ts';
export { VenueModelsSchema, createVenueModels, type VenueModelsConfig } from './venue/models/venue-models.ts';
export { OhlcPathFillModel, FillModelSchema, type FillModel } from './venue/models/fill-models.ts';
export { SlippageModelSchema, createSlippageModel, type SlippageModel } from './venue/models/slippage-models.ts';
export { HALTED, validateHaltWindows } from './market/halts.ts';
export { FeeModelSchema, ScheduleFeeModel, NO_FEES, type FeeModel, type FeeParams, type FeeModelConfig } from './venue/models/fee-models.ts';
export { LatencyModelSchema, createLatencyModel, ConstantLatencyModel, type LatencyModel, type LatencyModelConfig } from './venue/models/latency-models.ts';

export type { Agent, AgentContext, BarView, TradeView, QuoteView, DataClient, Signal, StackEnv, TradingStack, StackAccountInfo } from './stack/types.ts';
export type { Unsubscribe } from './stack/types.ts';
export { subscribe as subscribeHandler } from './stack/data-client/subscriptions.ts';
export { DirectDataClient } from './stack/data-client/direct-data-client.ts';
export { RecoveringStack, type CrashPlanEntry, type CrashEvent, type RecoveringStackParams } from './backtest/recovering-stack.ts';
export { encodeSnapshot, decodeSnapshot, SnapshotError, STACK_SNAPSHOT_FORMAT, STACK_SNAPSHOT_VERSION, type StackSnapshot, type DecodeResult } from './stack/recovery/snapshot.ts';
export { ReferenceStackStateSchema, ExecutionStateSchema, BooksStateSchema } from './stack/recovery/reference-state-schema.ts';
export { ReportHistory } from './venue/report-history.ts';
export { ProviderDataClient, type DataClientCounters, type DataClientFlaws, type ProviderDataClientParams } from './stack/data-client/provider-data-client.ts';
export { DataClientConfigSchema, type DataClientConfig, type DataClientConfigInput, type ProviderEndpoint } from './stack/data-client/config.ts';
export * from './stack/data-client/dialects/index.ts';
export { durationSchema, durationUs, offsetUs } from './kernel/duration.ts';
export { FaultRecorder, FAULT_LIST_MAX, type AppliedFault } from './chaos/fault-recorder.ts';
export * from './stack/agents/registry.ts';
export { SmaCrossoverAgent } from './stack/agents/sma-crossover.ts';
export { BuyAndHoldAgent } from './stack/agents/buy-and-hold.ts';
export * from './stack/allocator/allocator.ts';
export * from './stack/allocator/registry.ts';
export * from './stack/indicators/index.ts';
export { StackBooks } from './stack/books/books.ts';
export * from './stack/risk/risk-engine.ts';
export * from './stack/execution/execution-engine.ts';
export * from './stack/execution/config.ts';
export * from './stack/execution/order-state.ts';
export * from './stack/reference-stack.ts';
export * from './stack/stack-config.ts';
export { StackClock, type StackClockSettings } from './stack/stack-clock.ts';

export {
  runBacktest, type AccountConfig, type BacktestParams, type BacktestResult, type DataClientContext, type FillRecord, type MarketEventView, type PullDataClient, type RunContext, type RunExtension,
} from './backtest/backtest.ts';
export * from './metrics/index.ts';
