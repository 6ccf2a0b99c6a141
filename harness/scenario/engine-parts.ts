/**
 * The engine pieces a scenario file composes, in one place. Scenario sections reuse the engine's
 * own zod schemas (agents, risk limits, fee and latency models, instruments, CSV mappings,
 * synthetic generators, calendars), so a kind the engine adds appears in scenario files and in
 * the committed JSON Schema without a change here, except where noted.
 */

export {
  AgentConfigSchema, createAgent, RiskLimitsSchema, RiskEngine, FeeModelSchema, LatencyModelSchema, InstrumentSchema, makeInstrument,
  ReferenceStack, runBacktest, computeMetrics, computeMetricsWithWarnings, periodsPerYear, roundTripsFromFills, MetricsSchema, METRIC_DEFINITIONS,
  deriveSeed, assertSeed, RngRegistry, formatTimeUs, MarketDataError, journalToJsonLines, decodeJournal, JournalDecoder, JOURNAL_VERSION, NumericRangeError,
} from '../../engine/index.ts';
export type { JournalSink, AgentConfig, BacktestResult, FillRecord, InstrumentConfig, MarketSource, Metrics, TradingStack, Instrument, DataIssue } from '../../engine/index.ts';
export {
  CsvMappingSchema, openCsvSource, openMarketFile, fileSourceInfo, BATCH_ROWS, demoSp500Mapping, demoSp500Path, CsvSyntaxError,
  syntheticParamsSchema, createSyntheticSource, syntheticSourceOf, SyntheticBarSource, syntheticBarBoundsUs, SyntheticParamsError,
  CalendarRefSchema, resolveCalendar, sessionLengthUs, CALENDARS,
  AllocatorConfigSchema, createAllocator, ExecutionConfigSchema, VenueModelsSchema, createVenueModels, toMoney,
  overlayParamsSchema, applyOverlays, scalePrices, StackConfigSchema, createReferenceStack, referenceStackOf,
} from '../../engine/index.ts';
export type { CsvMapping, SessionCalendar, CalendarRef, AllocatorConfig, VenueModelsConfig } from '../../engine/index.ts';
