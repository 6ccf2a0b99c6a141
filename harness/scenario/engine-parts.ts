/**
 * The engine pieces a scenario file composes, in one place. Scenario sections reuse the engine's
 * own zod schemas (agents, risk limits, fee and latency models, instruments, CSV mappings,
 * synthetic generators, calendars), so a kind the engine adds appears in scenario files and in
 * the committed JSON Schema without a change here, except where noted.
 */

export {
  AgentConfigSchema, createAgent, RiskLimitsSchema, RiskEngine, FeeModelSchema, LatencyModelSchema, InstrumentSchema, makeInstrument,
  ReferenceStack, runBacktest, computeMetrics, periodsPerYear, roundTripsFromFills, MetricsSchema, METRIC_DEFINITIONS,
  deriveSeed, assertSeed, RngRegistry, formatTimeUs, MarketDataError,
} from '../../engine/index.ts';
export type { AgentConfig, BacktestResult, FillRecord, InstrumentConfig, MarketSource, Metrics, TradingStack, Instrument, DataIssue } from '../../engine/index.ts';
export { CsvMappingSchema, openCsvSource, demoSp500Mapping, demoSp500Path, CsvSyntaxError } from '../../engine/market/loaders/index.ts';
export type { CsvMapping } from '../../engine/market/loaders/index.ts';
export { syntheticParamsSchema, createSyntheticSource, SyntheticParamsError } from '../../engine/market/synthetic/index.ts';
export { CalendarRefSchema, resolveCalendar, sessionLengthUs, CALENDARS } from '../../engine/market/calendar.ts';
export type { SessionCalendar, CalendarRef } from '../../engine/market/calendar.ts';

// Not yet on engine/index.ts (the venue and stack work in progress adds them): imported from their modules.
export { AllocatorConfigSchema, createAllocator, type AllocatorConfig } from '../../engine/stack/allocator/registry.ts';
export { ExecutionConfigSchema } from '../../engine/stack/execution/config.ts';
export { VenueModelsSchema, createVenueModels } from '../../engine/venue/models/venue-models.ts';
export { toMoney } from '../../engine/index.ts';
export { overlayParamsSchema, applyOverlays } from '../../engine/market/overlays/index.ts';
