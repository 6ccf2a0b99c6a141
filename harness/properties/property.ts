/**
 * Properties: what must hold in every run of a scenario (online invariants, checked as the run
 * goes) and across runs (metamorphic properties, checked by `gauntlet check` from pairs of runs).
 * A scenario declares which apply under `properties:`, each `always` or `sometimes` (Antithesis's
 * terms):
 * - always: never violated in any run;
 * - sometimes: never violated either, and *reached* (its interesting state happened: an order a
 *   limit stopped, a provider that recovered, ...) in at least one run of a check, else the check
 *   fails, unless the property is declared optional.
 */
import type { ProviderDataClient, RunContext, RunExtension, SessionCalendar } from '../../engine/index.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Online invariants: checked during every run that declares them (run and check). */
export const ONLINE_PROPERTIES = [
  'riskLimits', 'ledgerBalances', 'ordersTerminal', 'noDuplicateOrders', 'noStaleOrders', 'fillRules', 'metricsRecomputed', 'liveness', 'recovery',
] as const;
/** Metamorphic and structural properties: checked by `gauntlet check` from several runs. */
export const METAMORPHIC_PROPERTIES = ['noLookAhead', 'determinism', 'directMatchesProvider', 'priceScaling'] as const;
export const PROPERTY_NAMES = [...ONLINE_PROPERTIES, ...METAMORPHIC_PROPERTIES] as const;
export type OnlinePropertyName = (typeof ONLINE_PROPERTIES)[number];
export type MetamorphicPropertyName = (typeof METAMORPHIC_PROPERTIES)[number];
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** The first event that broke a property in a run. */
export interface Violation {
  readonly property: PropertyName;
  /** What broke, in one sentence with the figures. */
  readonly message: string;
  /** Virtual (venue) time of the violating event, epoch microseconds; null when found after the run. */
  readonly timeUs: number | null;
  /** Journal records written before the violating event was seen (`gauntlet run --journal`: its line number). */
  readonly journalPosition: number;
  /** The events that show it, one line each (orders, fills, reports, marks), oldest first. */
  readonly records: readonly string[];
}

/**
 * What a finished run hands the invariants that need the whole of it (end-of-run checks): plain
 * data, so that code independent of the engine can recompute from it.
 */
export interface RunEnd {
  /** Start cash in account currency. */
  readonly startCash: number;
  readonly moneyDecimals: number;
  /** The report's metrics, as reported. */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Time of the start cash, before the first mark: the report measures elapsed time and drawdowns from it. */
  readonly startTimeUs: number;
  /** Equity after each instant with a mark, and the gross exposure (sum of |market value|) there, account currency. */
  readonly equity: { readonly timeUs: Float64Array; readonly equity: Float64Array; readonly grossExposure: Float64Array };
  readonly fills: readonly { readonly timeUs: number; readonly instrument: string; readonly side: 'buy' | 'sell'; readonly quantity: number; readonly price: number; readonly fee: number; readonly notional: number; readonly clientOrderId: string }[];
  /** Contract multiplier per instrument id (1 for cash instruments). */
  readonly multipliers: Readonly<Record<string, number>>;
  /** Bars per year the report annualised with; null when it could not annualise. */
  readonly periodsPerYear: number | null;
  readonly riskFreeRatePerYear: number;
  /** Final ledger figures, account currency. */
  readonly final: Readonly<Record<string, number>>;
  /** The journal's records at the end. */
  readonly journalRecords: number;
}

/**
 * One online invariant: a run extension that watches the run and keeps its first violation.
 * Hooks must not change anything the journal sees. A violation is recorded, not thrown: the run
 * goes on to its end (so the report is whole) and the property fails.
 */
export interface OnlineInvariant extends RunExtension {
  readonly name: OnlinePropertyName;
  /** After the run, with what it produced (end-of-run checks: orders left open, metrics). */
  finish?(ctx: RunContext, end: RunEnd): void;
  /** The first violation; null while none. */
  violation(): Violation | null;
  /** Whether the run reached the property's interesting state (for `sometimes`). */
  reached(): boolean;
}

/** Keeps the first violation of one invariant (later ones add nothing a reader needs). */
export class FirstViolation {
  private v: Violation | null = null;
  readonly property: PropertyName;
  constructor(property: PropertyName) {
    this.property = property;
  }
  get value(): Violation | null {
    return this.v;
  }
  /** Records a violation unless one is already kept. */
  report(ctx: RunContext | null, timeUs: number | null, message: string, records: readonly string[] = []): void {
    if (this.v !== null) return;
    this.v = { property: this.property, message, timeUs, journalPosition: ctx?.journal.records ?? 0, records: [...records] };
  }
}

/** What an invariant is built from: the scenario as parsed, and how this run reads its data. */
export interface InvariantSetup {
  readonly scenario: Scenario;
  readonly calendar: SessionCalendar;
  /** Direct (the engine hands data to the stack) or providers (over HTTP, chaos). */
  readonly dataPath: 'direct' | 'providers';
  readonly seed: number;
  /** The provider path's data client (staleness, liveness); null on the direct path. */
  readonly client: () => ProviderDataClient | null;
  /** Liveness: how long after a provider recovers the stack must trade again, microseconds. */
  readonly livenessWithinUs: number;
  /** Recovery: how long after a restart the stack must be trading again, microseconds; null: not declared. */
  readonly recoveryWithinUs: number | null;
  /** The stack crashes of the run's fault plan (absolute times). */
  readonly crashes: readonly { readonly atUs: number; readonly downtimeUs: number }[];
  /** The provider fault windows of the run's fault plan (absolute times): where providers recover. */
  readonly providerFaultWindows: readonly { readonly provider: string; readonly kind: string; readonly fromUs: number; readonly toUs: number }[];
}

export type InvariantFactory = (setup: InvariantSetup) => OnlineInvariant;
