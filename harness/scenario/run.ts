/**
 * Running one loaded scenario: open its market, build the reference stack from its sections, run
 * the direct-path backtest under the given seed, compute metrics and check the gates. The result
 * is plain data for the reports; money is in account currency as decimals.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateGates, type GateResult, type MetricValue } from '../gates/evaluate.ts';
import { annualise, type AnnualisationWarning } from './annualise.ts';
import {
  CALENDARS, computeMetrics, createAgent, createAllocator, formatTimeUs, ReferenceStack, resolveCalendar, RiskEngine,
  roundTripsFromFills, runBacktest, toMoney, type BacktestResult, type Instrument, type Metrics, type RngRegistry, type SessionCalendar,
  type TradingStack, type VenueModelsConfig, type JournalSink,
} from './engine-parts.ts';
import { displayPath, type LoadedScenario } from './load.ts';
import { csvPath, marketSources, openSources } from './market.ts';
import { effectiveInstruments } from './semantic.ts';

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
}

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

export interface DataWarning {
  readonly kind: 'bad-row';
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly reason: string;
  readonly detail: string;
  readonly action: 'rejected' | 'skipped' | 'repaired';
}

/** A warning of the scenario report: a bad data row, or an assumption the metrics rest on. */
export type ScenarioWarning = DataWarning | AnnualisationWarning;

export type ScenarioMetrics = Record<string, MetricValue>;

export interface ScenarioRunResult {
  readonly seed: number;
  readonly fingerprint: string;
  readonly journalRecords: number;
  readonly events: number;
  readonly marketData: { readonly file: string; readonly sha256: string }[];
  readonly account: { readonly currency: string; readonly startCash: number };
  readonly final: Record<string, number>;
  readonly metrics: ScenarioMetrics;
  readonly fills: ReportFill[];
  readonly gates: GateResult[];
  readonly warnings: ScenarioWarning[];
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

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The scenario's venue section without the harness-only switch: the engine's venue models. */
function venueModels(venue: LoadedScenario['scenario']['venue']): VenueModelsConfig {
  const { fillAtBarOpen: _fillAtBarOpen, ...models } = venue;
  return models;
}

export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<ScenarioRunResult> {
  const cwd = options.cwd ?? process.cwd();
  const s = loaded.scenario;
  const decls = marketSources(s);
  const instruments = effectiveInstruments(s);
  const calendar = scenarioCalendar(loaded);
  const marketData = await Promise.all(decls.filter((d) => d.csv !== undefined).map(async (d) => {
    const path = csvPath(d.csv!, loaded.dir);
    return { file: displayPath(path, cwd), sha256: await sha256File(path) };
  }));
  const sources = openSources(decls, loaded.dir, options.seed);
  let events = 0;
  const onProgress = options.onProgress;
  const result = await runBacktest({
    seed: options.seed,
    instruments,
    account: { currency: s.account.currency, startCash: s.account.startCash, moneyDecimals: s.account.moneyDecimals },
    sources,
    stack: options.stack ?? (() => new ReferenceStack({
      agents: s.stack.agents.map((a) => createAgent(a)),
      allocator: createAllocator(s.stack.allocator),
      risk: new RiskEngine(s.stack.risk),
      execution: s.stack.execution,
      account: { moneyDecimals: s.account.moneyDecimals, startCash: toMoney(s.account.startCash, s.account.moneyDecimals) },
      calendar,
    })),
    venue: venueModels(s.venue),
    barOpenEvents: s.venue.fillAtBarOpen,
    calendar,
    ...(options.journalSink === undefined ? {} : { journalSink: options.journalSink }),
    ...(onProgress === undefined ? {} : { afterEvent: () => { if (++events % PROGRESS_EVERY === 0) onProgress(events); } }),
  });
  const assumptions: AnnualisationWarning[] = [];
  const metrics = scenarioMetrics(loaded, result, calendar, assumptions);
  const gates = evaluateGates(s.gates, metrics, (i) => loaded.locate(['gates', i]));
  const scale = 10 ** s.account.moneyDecimals;
  const { currency: _currency, ...final } = result.final;
  return {
    seed: options.seed,
    fingerprint: result.fingerprint,
    journalRecords: result.journalRecords,
    events: result.outcome.events,
    marketData,
    account: { currency: s.account.currency, startCash: s.account.startCash },
    final: Object.fromEntries(Object.entries(final).map(([k, v]) => [k, v / scale])),
    metrics,
    fills: result.fills.map((f) => ({
      time: formatTimeUs(f.timeUs), timeUs: f.timeUs, instrument: f.instrumentId, side: f.side, quantity: f.quantity,
      price: f.price, fee: f.fee, notional: f.notional, clientOrderId: f.clientOrderId,
    })),
    gates,
    warnings: [...result.dataIssues.map((d) => ({
      kind: 'bad-row' as const, file: displayPath(resolve(loaded.dir, d.file), cwd), line: d.line, column: d.column,
      reason: d.reason, detail: d.detail, action: d.action,
    })), ...assumptions],
  };
}

/** The engine's metrics plus the harness's (finalEquity, trades, fills, fees, dataWarnings). */
function scenarioMetrics(loaded: LoadedScenario, r: BacktestResult, calendar: SessionCalendar, assumptions: AnnualisationWarning[]): ScenarioMetrics {
  const s = loaded.scenario;
  const { timeUs, equity } = lastMarkPerInstant(r.equity.timeUs, r.equity.equity);
  const n = timeUs.length;
  const firstTime = n > 0 ? timeUs[0]! : 0;
  const startTimeUs = firstTime - Math.max(1, r.barIntervalUs ?? 1);
  const decls = marketSources(s);
  const { periodsPerYear: ppy, warning } = annualise({
    scenario: s, first: decls[0], calendar, barIntervalUs: r.barIntervalUs, marks: n, elapsedUs: n > 0 ? timeUs[n - 1]! - startTimeUs : 0,
  });
  if (warning !== null) assumptions.push(warning);
  const multiplier = new Map(r.instruments.map((i) => [i.id, i.multiplier]));
  const trades = roundTripsFromFills(r.fills, { multiplierOf: (id) => multiplier.get(id) ?? 1 });
  const m: Metrics = computeMetrics({
    curve: { startTimeUs, startEquity: r.startEquity, timeUs, equity },
    periodsPerYear: ppy,
    riskFreeRatePerYear: s.metrics.riskFreeRatePerYear,
    trades: trades.roundTrips,
    fills: r.fills,
  });
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

/** Several marks at one instant (ticks sharing a timestamp) become the last one. */
function lastMarkPerInstant(t: Float64Array, v: Float64Array): { timeUs: Float64Array; equity: Float64Array } {
  let dup = 0;
  for (let i = 1; i < t.length; i++) if (t[i] === t[i - 1]) dup++;
  if (dup === 0) return { timeUs: t, equity: v };
  const times = new Float64Array(t.length - dup);
  const values = new Float64Array(t.length - dup);
  let k = -1;
  for (let i = 0; i < t.length; i++) {
    if (k >= 0 && times[k] === t[i]) { values[k] = v[i]!; continue; }
    k++;
    times[k] = t[i]!;
    values[k] = v[i]!;
  }
  return { timeUs: times, equity: values };
}
