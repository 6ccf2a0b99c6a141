/**
 * Running one loaded scenario: open its market, build the reference stack from its sections, run
 * the direct-path backtest under the given seed, compute metrics and check the gates. The result
 * is plain data for the reports; money is in account currency as decimals.
 */
import { resolve } from 'node:path';
import { evaluateGates, type GateResult, type MetricValue } from '../gates/evaluate.ts';
import { annualise } from './annualise.ts';
import type { ReferenceStack} from './engine-parts.ts';
import {
  CALENDARS, computeMetricsWithWarnings, referenceStackOf, formatTimeUs, resolveCalendar,
  roundTripsFromFills, runBacktest, scalePrices, toMoney, type BacktestResult, type InstrumentConfig, type Instrument, type Metrics, type RngRegistry, type SessionCalendar,
  type TradingStack, type VenueModelsConfig, type JournalSink,
} from './engine-parts.ts';
import { reportableMetrics } from '../report/metrics-schema.ts';
import type { ScenarioWarning } from '../report/schema.ts';
import { displayPath, type LoadedScenario } from './load.ts';
import { csvPath, marketBoundsUs, marketSources, openSources } from './market.ts';
import { sha256File, type DataCache } from '../data-cache/store.ts';
import type { ProviderPath } from './provider-path.ts';
import { resolveProviders } from './providers-schema.ts';
import { resolveFaultPlan, type FaultPlan } from '../chaos/faults/plan.ts';
import { chaosExtension, type ChaosExtension } from '../chaos/faults/extension.ts';
import { FAULT_KINDS } from '../chaos/faults/schema.ts';
import { formatPath, ScenarioInputError } from './problems.ts';
import type { DataClientFlaws, FillModel, Ledger, LedgerParams, ProviderDataClient, RunContext, RunExtension, StackWrappers } from '../../engine/index.ts';
import { declaredInvariants, propertyGates, type PropertyOutcome } from '../properties/run-properties.ts';
import type { OnlineInvariant, OnlinePropertyName, RunEnd } from '../properties/property.ts';
import { effectiveInstruments } from './semantic.ts';
import { PriceRecorder, type ScenarioSeries } from './series.ts';
import { loadModuleStack } from './module-stack.ts';
import { referenceConfig, stackKind } from './stack-schema.ts';
import type { StackLink } from '../service/http-stack.ts';
import { timedStack } from './timed-stack.ts';
import type { LatencySample } from '../gates/latency.ts';
import { monotonicMs } from '../monotonic-ms.ts';
import { StackServiceError, stackUrlProblem } from '../service/transport.ts';

export interface RunOptions {
  readonly seed: number;
  /** Working directory report paths are relative to. */
  readonly cwd?: string;
  /** Called now and then with the number of market events so far (progress display). */
  readonly onProgress?: (events: number) => void;
  /** Replaces the scenario's reference stack with the user's own (library use). */
  readonly stack?: (instruments: readonly Instrument[], rng: RngRegistry) => TradingStack;
  /** Receives the run's journal bytes (the canonical encoding whose SHA-256 is the fingerprint). */
  readonly journalSink?: JournalSink;
  /** Deliberately broken data-client variants (tests proving that chaos gates catch a broken stack). */
  readonly dataClientFlaws?: DataClientFlaws;
  /** Provider path: records what each provider answered, saved after the run at the path this gives. */
  readonly recordProviders?: (provider: string) => string;
  /** Stops the run (it rejects with the signal's reason), checked between batches of events. */
  readonly signal?: AbortSignal;
  /** Online properties to check besides the scenario's declared ones (`gauntlet check`'s defaults, tests). */
  readonly checkProperties?: readonly OnlinePropertyName[];
  /** Invariants of the caller's own, checked besides (tests). */
  readonly invariants?: readonly OnlineInvariant[];
  /** Run extensions of the caller's own (tracing, tests); they watch, they change nothing. */
  readonly extensions?: readonly RunExtension[];
  /**
   * Engine models in place of the scenario's (deliberately broken variants in tests): the venue's
   * fill model, the engine's ledger, and a rewrite of the report's metrics.
   */
  readonly models?: { readonly fill?: FillModel; readonly ledger?: (params: LedgerParams) => Ledger; readonly metrics?: MetricsRewrite };
  /**
   * Decorators around the reference stack the scenario builds (deliberately broken variants in
   * tests): around its parts (risk, execution, ...), and around the whole of it. Unlike `stack`,
   * the scenario's stack configuration, and what `gauntlet check` varies in it, still applies.
   * There is no reference stack to wrap when `stack` replaces it: giving both is refused.
   */
  readonly wrap?: StackWrappers & { readonly stack?: (stack: ReferenceStack) => TradingStack };
  /**
   * Multiplies every market price the stack and the venue see by this whole number, and every
   * instrument's tick size with it: the market as if it were quoted k times higher (the
   * priceScaling property; amounts in the scenario are the caller's to scale). Direct path only.
   * Default 1.
   */
  readonly priceScale?: number;
  /** Reads data files through this cache (the same report as without it); none by default. */
  readonly dataCache?: DataCache | null;
  /** Record the full series (equity, drawdown, prices, positions) for the reports that chart them (default false). */
  readonly series?: boolean;
  /** A service stack (`stack.service`) may be on another machine; without this only loopback URLs are spoken to. */
  readonly allowRemoteStack?: boolean;
  /** Measured-latency mode of a service stack: the delays a report recorded, fed back in place of measuring (replay). */
  readonly replayStackLatencyUs?: readonly number[] | null;
  /** Each stack-service exchange's real time and failed tries (never in the journal or the fingerprint). */
  readonly onStackWallTime?: (kind: string, wallTimeMs: number, retries: number) => void;
}

/**
 * Rewrites the report's metrics before gates and properties see them: a deliberately broken metric
 * computation in tests. Metrics in and out as numbers (an unbounded one as Infinity), with what
 * they were computed from.
 */
export type MetricsRewrite = (metrics: Readonly<Record<string, number | null>>, inputs: Omit<RunEnd, 'metrics'>) => Record<string, number | null>;

/**
 * Events between two turns of the event loop: often enough that a signal handler or a progress
 * bar runs within milliseconds on a long scenario, rarely enough to cost nothing.
 */
const PAUSE_EVERY_EVENTS = 65_536;

export interface ReportFill {
  readonly time: string;
  readonly timeUs: number;
  readonly instrument: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly notional: number;
  readonly clientOrderId: string;
}

export interface BadRowWarning {
  readonly kind: 'bad-row';
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly reason: string;
  readonly detail: string;
  readonly action: 'rejected' | 'skipped' | 'repaired';
}


export type ScenarioMetrics = Record<string, MetricValue>;

export interface ScenarioRunResult {
  readonly seed: number;
  readonly dataPath: 'direct' | 'providers';
  /** The fault plan as it applied; null without one. */
  readonly faults: { total: number; byKind: Record<string, number>; list: { time: string; timeUs: number; kind: string; target: string; detail: string }[] } | null;
  readonly fingerprint: string;
  readonly decisionFingerprint: string;
  readonly journalRecords: number;
  /** Events the kernel processed: market events and scheduled ones (timers, venue messages, polls). */
  readonly events: number;
  /** Market events among them (bars, bar opens, trades, quotes): how much market the run needed. */
  readonly marketEvents: number;
  readonly marketData: { readonly file: string; readonly sha256: string }[];
  readonly account: { readonly currency: string; readonly startCash: number };
  readonly final: Record<string, number>;
  readonly metrics: ScenarioMetrics;
  readonly fills: ReportFill[];
  readonly gates: GateResult[];
  readonly warnings: ScenarioWarning[];
  /** The online properties checked in the run (declared and given), in the catalogue's order. */
  readonly properties: PropertyOutcome[];
  /**
   * Equity after each instant with a mark (the last mark of an instant), in account currency:
   * for reporters that chart a run. Not in report.json (it grows with the run).
   */
  readonly equity: { readonly timeUs: Float64Array; readonly equity: Float64Array };
  /** The full series at each mark, when asked for (`series: true`); null otherwise. */
  readonly series: ScenarioSeries | null;
  /** Real time per decision, when the scenario states latency budgets (wall time: never in the journal). */
  readonly latency: LatencySample | null;
  /** A service stack in measured-latency mode: each step's virtual delay, microseconds (inputs: replay feeds them back). */
  readonly stackLatencyUs: readonly number[] | null;
}

/** Progress callbacks at most once per this many events: cheap on a hot path. */
const PROGRESS_EVERY = 4096;

export function scenarioCalendar(loaded: LoadedScenario): SessionCalendar {
  const s = loaded.scenario;
  if (s.calendar !== undefined) return resolveCalendar(s.calendar);
  for (const d of marketSources(s)) {
    if (d.csv?.time.format === 'date') return resolveCalendar(d.csv.time.calendar);
  }
  return CALENDARS.UTC_24H;
}

/** The scenario's venue section without the harness-only switch: the engine's venue models. */
export function venueModels(venue: LoadedScenario['scenario']['venue']): VenueModelsConfig {
  const { fillAtBarOpen: _fillAtBarOpen, ...models } = venue;
  return models;
}

export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<ScenarioRunResult> {
  if ((options.stack !== undefined || stackKind(loaded.scenario.stack) !== 'reference') && options.wrap !== undefined) throw new RangeError('run options: `wrap` decorates the reference stack, which `stack` replaces: give one of them');
  const cwd = options.cwd ?? process.cwd();
  const s = loaded.scenario;
  const decls = marketSources(s);
  const priceScale = options.priceScale ?? 1;
  const instruments = priceScale === 1 ? effectiveInstruments(s) : scaledTicks(effectiveInstruments(s), priceScale);
  const calendar = scenarioCalendar(loaded);
  const cache = options.dataCache ?? null;
  const marketData = await Promise.all(decls.filter((d) => d.csv !== undefined).map(async (d) => {
    const path = csvPath(d.csv!, loaded.dir);
    return { file: displayPath(path, cwd), sha256: await (cache === null ? sha256File(path) : cache.sha256(path)) };
  }));
  // The fault plan, resolved against the market's own bounds (a window outside them is bad input).
  let plan: FaultPlan = { provider: [], venue: [], clock: [], crashes: [] };
  if ((s.faults ?? []).length > 0) {
    const { firstUs, lastUs } = await marketBoundsUs(decls, loaded.dir, options.seed, cache);
    const resolved = resolveFaultPlan(s.faults!, firstUs, lastUs);
    const first = resolved.problems[0];
    if (first !== undefined) {
      const at = loaded.locate(first.path);
      throw new ScenarioInputError({ file: loaded.file, line: at.line, column: at.column, path: formatPath(first.path), message: first.message });
    }
    plan = resolved.plan;
  }
  let chaos: ChaosExtension | null = null;
  if (priceScale !== 1 && s.providers !== undefined) throw new RangeError('priceScale applies to the direct path only: the providers serve the market unscaled');
  // msw and the simulated providers load only for a scenario on the provider path (about 60 ms of start-up).
  const openProviderPath = resolveProviders(s.providers).length === 0 ? null : (await import('./provider-path.ts')).openProviderPath;
  const providerPath = openProviderPath === null ? null : await openProviderPath(s, decls, loaded.dir, options.seed, {
    record: options.recordProviders !== undefined, faults: plan.provider, recorder: () => chaos?.recorder() ?? null, cache,
    ...(options.dataClientFlaws === undefined ? {} : { flaws: options.dataClientFlaws }),
  });
  chaos = chaosExtension({ clock: plan.clock, client: () => providerPath?.client() ?? null, maxStalenessUs: s.stack.dataClient.maxStaleness });
  const declared = declaredInvariants(s.properties, {
    scenario: s, calendar, dataPath: providerPath === null ? 'direct' : 'providers', seed: options.seed, client: () => providerPath?.client() ?? null,
    providerFaultWindows: plan.provider.map((f) => ({ provider: f.provider, kind: f.kind, fromUs: f.fromUs, toUs: f.toUs })),
    crashes: plan.crashes,
  }, options.checkProperties);
  const invariants: OnlineInvariant[] = [...declared.invariants, ...(options.invariants ?? [])];
  let runContext: RunContext | null = null;
  const prices = options.series === true ? new PriceRecorder() : null;
  const watch: RunExtension[] = [...invariants, ...(options.extensions ?? []), ...(prices === null ? [] : [prices])];
  if (watch.length > 0) watch.unshift({ beforeStart: (ctx) => { runContext = ctx; } });
  // Scaled outermost, after the scenario's overlays: the stack sees exactly k times the market it would see.
  const sources = openSources(decls, loaded.dir, options.seed, cache).map((src) => (priceScale === 1 ? src : scalePrices(src, priceScale)));
  let events = 0;
  // The reference stack, kept for its risk counters (a user's own stack reports none).
  let reference: ReferenceStack | null = null;
  const onProgress = options.onProgress;
  let serviceLink: StackLink | null = null;
  // Latency budgets: each decision's real time; a stack over HTTP is timed per step (the exchange), one in-process per input.
  const latency = s.latency === undefined ? null : { decisionsMs: [] as number[], runMs: 0, errors: 0 };
  const onStackWallTime = latency === null ? options.onStackWallTime : (kind: string, ms: number, retries: number): void => {
    if (kind === 'step') latency.decisionsMs.push(ms);
    latency.errors += retries;
    options.onStackWallTime?.(kind, ms, retries);
  };
  const serviceOptions: RunOptions = { ...options, ...(onStackWallTime === undefined ? {} : { onStackWallTime }) };
  const plainStack = options.stack ?? await scenarioStack(loaded, serviceOptions, calendar, (link) => { serviceLink = link; });
  const timeInProcess = latency !== null && stackKind(s.stack) !== 'service';
  const record = (ms: number): void => { latency!.decisionsMs.push(ms); };
  const userStack = plainStack === null || !timeInProcess ? plainStack
    : (instruments: readonly Instrument[], rng: RngRegistry) => timedStack(plainStack!(instruments, rng), record);
  const runStartMs = monotonicMs();
  let result: BacktestResult;
  try {
    result = await runBacktest({
    seed: options.seed,
    instruments,
    account: { currency: s.account.currency, startCash: s.account.startCash, moneyDecimals: s.account.moneyDecimals },
    sources,
    stack: userStack ?? (() => {
      // One stack-config path: the engine's own factory, from the engine's own schema.
      const { stack: wrapStack, ...wrapParts } = options.wrap ?? {};
      reference = referenceStackOf(referenceConfig(s.stack), {
        account: { moneyDecimals: s.account.moneyDecimals, startCash: toMoney(s.account.startCash, s.account.moneyDecimals) },
        calendar, wrap: wrapParts,
      });
      const stack = wrapStack === undefined ? reference : wrapStack(reference);
      return timeInProcess ? timedStack(stack, record) : stack;
    }),
    venue: venueModels(s.venue),
    barOpenEvents: s.venue.fillAtBarOpen,
    calendar,
    ...(options.journalSink === undefined ? {} : { journalSink: options.journalSink }),
    budget: {
      pauseEveryEvents: PAUSE_EVERY_EVENTS,
      pause: async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        options.signal?.throwIfAborted();
      },
    },
    ...(onProgress === undefined ? {} : { afterEvent: () => { if (++events % PROGRESS_EVERY === 0) onProgress(events); } }),
    ...(providerPath === null ? {} : { fetch: providerPath.fetch, dataClient: providerPath.dataClient }),
    // Only what needs it watches the run: the provider path (stale orders, fault records) and clock faults;
    // a plain direct run keeps the stack talking to the venue itself.
    extensions: [...(providerPath !== null || plan.clock.length > 0 ? [chaos] : []), ...watch],
    ...(options.models?.fill === undefined ? {} : { fill: options.models.fill }),
    ...(options.models?.ledger === undefined ? {} : { ledger: options.models.ledger }),
    ...(plan.venue.length === 0 ? {} : { venueFaults: plan.venue }),
    ...(plan.crashes.length === 0 ? {} : { crashes: plan.crashes.map(({ atUs, downtimeUs }) => ({ atUs, downtimeUs })) }),
    });
  } catch (e) {
    // A stack service that broke the protocol or did not answer is bad input of the stack, at the service's place in the file.
    for (let c: unknown = e, i = 0; c instanceof Error && i < 8; c = c.cause, i++) {
      if (c instanceof StackServiceError) throw new ScenarioInputError({ file: loaded.file, ...loaded.locate(['stack', 'service', 'url']), path: 'stack.service', message: c.message });
    }
    throw e;
  } finally {
    providerPath?.close();
  }
  if (latency !== null) latency.runMs = monotonicMs() - runStartMs;
  if (providerPath !== null && options.recordProviders !== undefined) providerPath.saveRecordings(options.recordProviders);
  // A figure that cannot be represented is null with a warning; the run still reports the rest.
  const marks = lastMarkPerInstant(result.equity.timeUs, result.equity.equity, result.equity.grossExposure);
  const metricWarnings: ScenarioWarning[] = [];
  const annualised = { periodsPerYear: null as number | null, startTimeUs: 0 };
  const reportable = reportableMetrics({
    ...scenarioMetrics(loaded, result, calendar, marks, metricWarnings, annualised), ...riskMetrics(reference, serviceLink), ...providerMetrics(providerPath?.client() ?? null),
    ...chaosMetrics(result, chaos, providerPath), duplicateOrders: duplicateOrders(result),
  });
  const { currency: _currency, ...finalRaw } = result.final;
  const final = inAccountCurrency(finalRaw, 10 ** s.account.moneyDecimals);
  const fills = result.fills.map((f) => ({
    time: fillTime(f.timeUs), timeUs: f.timeUs, instrument: f.instrumentId, side: f.side, quantity: f.quantity,
    price: f.price, fee: f.fee, notional: f.notional, clientOrderId: f.clientOrderId,
  }));
  const inputs: Omit<RunEnd, 'metrics'> = {
    startCash: s.account.startCash, moneyDecimals: s.account.moneyDecimals, startTimeUs: annualised.startTimeUs, equity: marks, fills,
    multipliers: Object.fromEntries(result.instruments.map((i) => [i.id, i.multiplier])), periodsPerYear: annualised.periodsPerYear,
    riskFreeRatePerYear: s.metrics.riskFreeRatePerYear, final, journalRecords: result.journalRecords,
  };
  const rewrite = options.models?.metrics;
  const metrics: ScenarioMetrics = rewrite === undefined ? reportable.metrics : reportMetrics(rewrite(numericMetrics(reportable.metrics), inputs));
  let properties: PropertyOutcome[] = [];
  if (invariants.length > 0) {
    const end: RunEnd = { ...inputs, metrics: numericMetrics(metrics) };
    for (const x of invariants) x.finish?.(runContext!, end);
    properties = invariants.map((x) => ({ name: x.name, violation: x.violation(), reached: x.reached(), ...declared.expectation(x.name) }));
  }
  const gates = [
    // Faults applied by kind are gate metrics too (not report metrics: the report has them under `faults`).
    ...s.gates.length === 0 ? [] : evaluateGates(s.gates, { ...metrics, ...faultCounts(s.faults !== undefined && s.faults.length > 0 ? result.faults.byKind : null) }, (i) => loaded.locate(['gates', i])),
    ...propertyGates(properties.filter((p) => p.declared), (name) => loaded.locate(['properties', name])),
  ];
  return {
    seed: options.seed,
    dataPath: providerPath === null ? 'direct' : 'providers',
    faults: (s.faults ?? []).length === 0 ? null : {
      total: result.faults.total, byKind: result.faults.byKind,
      list: result.faults.list.map((f) => ({ time: formatTimeUs(f.timeUs), timeUs: f.timeUs, kind: f.kind, target: f.target, detail: f.detail })),
    },
    fingerprint: result.fingerprint,
    decisionFingerprint: result.decisionFingerprint,
    journalRecords: result.journalRecords,
    events: result.outcome.events,
    marketEvents: result.outcome.marketEvents,
    marketData,
    account: { currency: s.account.currency, startCash: s.account.startCash },
    final,
    metrics,
    fills,
    gates,
    properties,
    equity: { timeUs: marks.timeUs, equity: marks.equity },
    series: prices === null ? null : prices.series(marks, result.startEquity, result.instruments, result.fills),
    latency,
    stackLatencyUs: s.stack.service?.latency === 'measured' ? (serviceLink as StackLink | null)?.latenciesUs ?? [] : null,
    warnings: [
      ...result.dataIssues.map((d): BadRowWarning => ({
        kind: 'bad-row', file: displayPath(resolve(loaded.dir, d.file), cwd), line: d.line, column: d.column,
        reason: d.reason, detail: d.detail, action: d.action,
      })),
      ...reportable.warnings,
      ...metricWarnings,
    ],
  };
}

let serviceRuns = 0;

/** Each fault kind's gate metric name (`faults.provider-status`), made once. */
const FAULT_COUNT_KEYS = FAULT_KINDS.map((k) => [k, `faults.${k}`] as const);

/** Faults applied by kind as gate metrics: 0 for a kind the plan never applied; all null without a plan. */
function faultCounts(byKind: Readonly<Record<string, number>> | null): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const [k, key] of FAULT_COUNT_KEYS) out[key] = byKind === null ? null : byKind[k] ?? 0;
  return out;
}

/** Money in raw units (the ledger's integers) as account-currency decimals. */
function inAccountCurrency(raw: Readonly<Record<string, number>>, scale: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(raw)) out[k] = raw[k]! / scale;
  return out;
}

/**
 * Fill times as the report writes them, remembered across runs: the runs of a check (and of a
 * suite over one market) fill at the same few bar times, and formatting one is most of building a
 * fill's report entry. Bounded: a long run with fills at ever new times just starts it over.
 */
const fillTimes = new Map<number, string>();
const FILL_TIMES_KEPT = 4096;

function fillTime(timeUs: number): string {
  let t = fillTimes.get(timeUs);
  if (t === undefined) {
    if (fillTimes.size >= FILL_TIMES_KEPT) fillTimes.clear();
    t = formatTimeUs(timeUs);
    fillTimes.set(timeUs, t);
  }
  return t;
}

/**
 * The scenario's own stack when it is not the reference one: a module's factory (its problems are
 * bad input at their place in the file). Null for the reference stack.
 */
async function scenarioStack(loaded: LoadedScenario, options: RunOptions, calendar: SessionCalendar, onLink: (link: StackLink) => void): Promise<RunOptions['stack'] | null> {
  const s = loaded.scenario.stack;
  const kind = stackKind(s);
  if (kind === 'reference') return null;
  if (kind === 'service') {
    const service = s.service!;
    const why = stackUrlProblem(service.url, options.allowRemoteStack === true);
    if (why !== null) throw new ScenarioInputError({ file: loaded.file, ...loaded.locate(['stack', 'service', 'url']), path: 'stack.service.url', message: why });
    // The served stack is sent its config, or the reference stack's keys (the reference stack served).
    const config = s.config ?? (s.agents === undefined ? undefined : referenceConfig(s));
    // The protocol's schemas load only for a service stack.
    const { httpStackFactory } = await import('../service/http-stack.ts');
    const factory = httpStackFactory({
      url: service.url, timeoutMs: service.timeout / 1000, retries: service.retries, config, seed: options.seed, calendar,
      latency: service.latency, replayLatencyUs: options.replayStackLatencyUs ?? null,
      ...(options.onStackWallTime === undefined ? {} : { onWallTime: options.onStackWallTime }),
    }, `${loaded.name}-${options.seed}-${process.pid}-${++serviceRuns}`);
    onLink(factory.link);
    return () => factory.create();
  }
  const m = await loadModuleStack(loaded);
  if (!m.ok) throw new ScenarioInputError(m.problems[0]!);
  return (instruments, rng) => m.factory(m.config, { instruments, rng, scenarioDir: loaded.dir });
}

/**
 * Instruments with their tick size times k (the default tick is one raw unit), so that prices k
 * times higher sit on a grid k times coarser and tick-rounding (slippage) scales exactly with them.
 * The CSV loaders keep the declared tick: they check the file's own prices.
 */
function scaledTicks(list: readonly InstrumentConfig[], k: number): InstrumentConfig[] {
  return list.map((i) => ({ ...i, tickSize: (i.tickSize ?? 10 ** -i.priceDecimals) * k }));
}

/** The engine's metrics plus the harness's (finalEquity, trades, fills, fees, dataWarnings). */
/** Metrics as numbers (an unbounded one as Infinity) for code that recomputes them. */
function numericMetrics(m: ScenarioMetrics): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === 'Infinity' ? Number.POSITIVE_INFINITY : v;
  return out;
}

/** numericMetrics reversed: Infinity as the report writes it. */
function reportMetrics(m: Readonly<Record<string, number | null>>): ScenarioMetrics {
  const out: ScenarioMetrics = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === Number.POSITIVE_INFINITY ? 'Infinity' : v;
  return out;
}

function scenarioMetrics(loaded: LoadedScenario, r: BacktestResult, calendar: SessionCalendar, marks: Marks, warnings: ScenarioWarning[], annualised: { periodsPerYear: number | null; startTimeUs: number }): ScenarioMetrics {
  const s = loaded.scenario;
  const { timeUs, equity, grossExposure } = marks;
  const n = timeUs.length;
  const firstTime = n > 0 ? timeUs[0]! : 0;
  const startTimeUs = firstTime - Math.max(1, r.barIntervalUs ?? 1);
  const decls = marketSources(s);
  const { periodsPerYear: ppy, warning } = annualise({
    scenario: s, first: decls[0], calendar, barIntervalUs: r.barIntervalUs, marks: n, elapsedUs: n > 0 ? timeUs[n - 1]! - startTimeUs : 0,
  });
  // The assumption the annualised metrics rest on, when the scenario did not declare it.
  if (warning !== null) warnings.push(warning);
  annualised.periodsPerYear = ppy ?? null;
  annualised.startTimeUs = startTimeUs;
  const multiplier = new Map(r.instruments.map((i) => [i.id, i.multiplier]));
  const trades = roundTripsFromFills(r.fills, { multiplierOf: (id) => multiplier.get(id) ?? 1 });
  const computed = computeMetricsWithWarnings({
    curve: { startTimeUs, startEquity: r.startEquity, timeUs, equity },
    periodsPerYear: ppy,
    riskFreeRatePerYear: s.metrics.riskFreeRatePerYear,
    trades: trades.roundTrips,
    fills: r.fills,
    // In money: the metrics take its ratio to equity in their one pass over the curve.
    grossExposure,
  });
  const m: Metrics = computed.metrics;
  for (const w of computed.warnings) warnings.push({ kind: 'metric', metric: w.metric, reason: w.reason });
  const scale = 10 ** s.account.moneyDecimals;
  return {
    finalEquity: r.final.equity / scale,
    trades: m.tradeCount,
    fills: r.fills.length,
    fees: r.final.fees / scale,
    dataWarnings: r.dataIssues.length,
    ...m,
  };
}

/** What the risk engine did, as metrics gates can use; null for a stack that does not count. */
function riskMetrics(stack: ReferenceStack | null, service: StackLink | null): ScenarioMetrics {
  // A stack over HTTP that reports its decision records is counted from them (as its journal has them).
  if (service !== null && service.reportsRecords) {
    const n = (kind: string): number => service.recordCounts.get(kind) ?? 0;
    return { riskRejections: n('riskReject'), dailyLossHalts: n('dailyLossHalt'), killSwitchTrips: n('killSwitch') };
  }
  const c = stack?.riskCounters() ?? null;
  return { riskRejections: c?.rejections ?? null, dailyLossHalts: c?.dailyLossHalts ?? null, killSwitchTrips: c?.killSwitchTrips ?? null };
}

/** The chaos counters gates read: faults applied, orders on stale data, Retry-After respected. */
function chaosMetrics(r: BacktestResult, chaos: ChaosExtension, providerPath: ProviderPath | null): ScenarioMetrics {
  return {
    faultsApplied: r.faults.total,
    ordersOnStaleData: providerPath === null ? null : chaos.counters.ordersOnStaleData,
    requestsInRetryAfter: providerPath === null ? null : providerPath.requestsInRetryAfter(),
    breakerCloses: providerPath?.client()?.counters.breakerCloses ?? null,
  };
}

/**
 * Orders the venue booked twice: under one client order id (the venue's idempotency broken), or
 * beyond the orders the stack meant to send (its journal's order records: a retry under a new id).
 * Null for a stack that journals no orders, whose intent cannot be told.
 */
function duplicateOrders(r: BacktestResult): number | null {
  if (r.journalOrders === 0 && r.venue.ordersBooked > 0) return null;
  return r.venue.duplicateOrders + Math.max(0, r.venue.ordersBooked - r.journalOrders);
}

/** What the data client did on the provider path; null on the direct path. */
function providerMetrics(client: ProviderDataClient | null): ScenarioMetrics {
  const c = client?.counters ?? null;
  return {
    providerRequests: c?.requests ?? null, providerFailures: c?.failures ?? null, providerRetries: c?.retries ?? null,
    providerFailovers: c?.failovers ?? null, breakerOpens: c?.breakerOpens ?? null, payloadRejections: c?.payloadRejections ?? null,
    staleRejections: c?.staleRejections ?? null, skewRejections: c?.skewRejections ?? null,
  };
}

/** Several marks at one instant (ticks sharing a timestamp) become the last one. */
interface Marks {
  readonly timeUs: Float64Array;
  readonly equity: Float64Array;
  readonly grossExposure: Float64Array;
}

function lastMarkPerInstant(t: Float64Array, v: Float64Array, g: Float64Array): Marks {
  // The first instant with two marks: a scan with nothing but the comparison in it, as it runs
  // once per process on every mark, mostly before V8 compiles it (a third faster cold than
  // counting in the same loop); the duplicates are counted only when there is one.
  let first = 1;
  while (first < t.length && t[first] !== t[first - 1]) first++;
  if (first >= t.length) return { timeUs: t, equity: v, grossExposure: g };
  let dup = 0;
  for (let i = first; i < t.length; i++) if (t[i] === t[i - 1]) dup++;
  const times = new Float64Array(t.length - dup);
  const values = new Float64Array(t.length - dup);
  const gross = new Float64Array(t.length - dup);
  let k = -1;
  for (let i = 0; i < t.length; i++) {
    if (k >= 0 && times[k] === t[i]) { values[k] = v[i]!; gross[k] = g[i]!; continue; }
    k++;
    times[k] = t[i]!;
    values[k] = v[i]!;
    gross[k] = g[i]!;
  }
  return { timeUs: times, equity: values, grossExposure: gross };
}
