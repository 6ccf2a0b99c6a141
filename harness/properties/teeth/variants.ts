/**
 * Teeth: deliberately broken variants of the reference stack, each one small, realistic mistake,
 * spread over the stack's parts and the engine's. A property earns its keep only if `gauntlet
 * check` catches such mistakes: teeth.test.ts proves that a check of TEETH_RUNS runs under
 * TEETH_SEED fails every variant by the property it names (with a counterexample of at most
 * `maxMarketEvents` market events), while the reference stack passes the same check.
 *
 * Each variant names a scenario (in scenarios/ here): a small synthetic market, the faults that
 * make the mistake matter, `check:` ranges to vary, and the properties that must hold.
 *
 * KNOWN_GAPS are mistakes no property catches yet, each with the reason: teeth.test.ts keeps
 * them passing (with the reference passing too, and the mistake visibly changing the run), so
 * the day a property catches one, the test says to move it into TEETH.
 */
import { withNewIdRetries } from '../../../engine/stack/testing/broken-execution.ts';
import type { RunOptions } from '../../scenario/run.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { PropertyName } from '../property.ts';
import { bookEveryFillDelivery, neverRetries, timeoutMeansCancelled } from './broken-execution.ts';
import { favourableTick, lookAheadInsideBar, marketAtBarClose, swappedTouch, uncappedParticipation, type BrokenFill } from './broken-fills.ts';
import { bidMark, feeOnBuysOnly, fillAtMark } from './broken-ledger.ts';
import { forgetsOpenOrders, skipsReconcile } from './broken-recovery.ts';
import { equityNeverReported, forgetsWorkingOrders, killSwitchNotChecked, sellsCountAsReducing } from './broken-risk.ts';

export type TeethArea = 'risk' | 'execution' | 'ledger' | 'data-client' | 'venue' | 'metrics' | 'recovery';

export interface Variant {
  readonly name: string;
  readonly area: TeethArea;
  /** The mistake it models, in one sentence. */
  readonly mistake: string;
  /** The scenario it is checked on, relative to the repository root. */
  readonly scenario: string;
  /**
   * What replaces the reference in the runs (RunOptions.wrap, models, dataClientFlaws, ...), given
   * the scenario as its file states it (a broken fill model is built on the scenario's own config).
   */
  readonly runOptions: (scenario: Scenario) => Partial<RunOptions>;
  /** The property that must catch it. */
  readonly expect: PropertyName;
  /** Most market events its shrunk counterexample may have: 20 wherever the mistake allows. */
  readonly maxMarketEvents: number;
}

/** The check every variant must fail and the reference must pass: runs and fast-check seed. */
export const TEETH_RUNS = 200;
export const TEETH_SEED = 20_240_102;

const scenario = (file: string): string => `harness/properties/teeth/scenarios/${file}`;

const RISK: readonly Variant[] = [
  {
    name: 'risk-forgets-working-orders',
    area: 'risk',
    mistake: 'maxPosition counted on the filled position only, forgetting the orders still working',
    scenario: scenario('risk-working-orders.yaml'),
    runOptions: () => ({ wrap: { risk: forgetsWorkingOrders } }),
    expect: 'riskLimits',
    maxMarketEvents: 20,
  },
  {
    name: 'risk-sells-count-as-reducing',
    area: 'risk',
    mistake: 'risk-reducing decided by the order side (every sell reduces risk), so a sell that opens a short passes the position limits',
    scenario: scenario('risk-short-notional.yaml'),
    runOptions: () => ({ wrap: { risk: sellsCountAsReducing } }),
    expect: 'riskLimits',
    maxMarketEvents: 20,
  },
  {
    name: 'risk-kill-switch-not-checked',
    area: 'risk',
    mistake: 'the kill switch trips but the pre-trade check never looks at it (without flattening, trading goes on)',
    scenario: scenario('risk-equity-limits.yaml'),
    runOptions: () => ({ wrap: { risk: killSwitchNotChecked } }),
    expect: 'riskLimits',
    maxMarketEvents: 20,
  },
  {
    name: 'risk-equity-never-reported',
    area: 'risk',
    mistake: "the stack never reports its equity to risk at marks: the drawdown kill switch never trips and the daily loss is measured from the run's start",
    scenario: scenario('risk-equity-limits.yaml'),
    runOptions: () => ({ wrap: { risk: equityNeverReported } }),
    expect: 'riskLimits',
    maxMarketEvents: 20,
  },
];

const EXECUTION: readonly Variant[] = [
  {
    name: 'execution-new-id-retries',
    area: 'execution',
    mistake: 'a timed-out order is re-sent under a new client order id, so the venue books it twice when only its ack was lost',
    scenario: scenario('execution-lost-acks.yaml'),
    runOptions: () => ({ wrap: { stack: withNewIdRetries } }),
    expect: 'noDuplicateOrders',
    maxMarketEvents: 20,
  },
  {
    name: 'execution-timeout-means-cancelled',
    area: 'execution',
    mistake: 'an unanswered order is written off as cancelled at its timeout instead of being asked about again; the venue fills it anyway',
    scenario: scenario('execution-lost-acks.yaml'),
    runOptions: () => ({ wrap: { stack: timeoutMeansCancelled } }),
    expect: 'ordersTerminal',
    maxMarketEvents: 20,
  },
  {
    name: 'execution-never-retries',
    area: 'execution',
    mistake: 'a timed-out order is never re-sent: when the order link dropped its submit, the stack holds it as working for ever',
    scenario: scenario('execution-link-drops.yaml'),
    runOptions: () => ({ wrap: { stack: neverRetries } }),
    expect: 'ordersTerminal',
    maxMarketEvents: 20,
  },
  {
    name: 'execution-books-every-fill-delivery',
    area: 'execution',
    mistake: 'fill reports are booked per delivery, not per fill: a report the venue delivers twice is booked twice',
    scenario: scenario('execution-duplicate-reports.yaml'),
    runOptions: () => ({ wrap: { stack: bookEveryFillDelivery } }),
    expect: 'ordersTerminal',
    maxMarketEvents: 20,
  },
];

const LEDGER: readonly Variant[] = [
  {
    name: 'ledger-fee-on-buys-only',
    area: 'ledger',
    mistake: 'fees charged on buys only: the fee of a sell is never booked',
    scenario: scenario('ledger-fees.yaml'),
    runOptions: () => ({ models: { ledger: feeOnBuysOnly } }),
    expect: 'ledgerBalances',
    maxMarketEvents: 20,
  },
  {
    name: 'ledger-fill-at-mark',
    area: 'ledger',
    mistake: 'fills booked at the last mark instead of the price the venue filled at (slippage and the move to the fill never reach the books)',
    scenario: scenario('ledger-fees.yaml'),
    runOptions: () => ({ models: { ledger: fillAtMark } }),
    expect: 'ledgerBalances',
    maxMarketEvents: 20,
  },
  {
    name: 'ledger-marks-quotes-at-bid',
    area: 'ledger',
    mistake: 'positions marked at the bid of a quote instead of its mid: equity off by half the spread on every quote',
    scenario: scenario('ledger-quotes.yaml'),
    runOptions: () => ({ models: { ledger: bidMark } }),
    expect: 'ledgerBalances',
    maxMarketEvents: 20,
  },
];

const DATA_CLIENT: readonly Variant[] = [
  {
    name: 'data-client-no-data-checks',
    area: 'data-client',
    mistake: 'no staleness, skew or duplicate checks: data that arrives late is traded on',
    scenario: scenario('data-client-outages.yaml'),
    runOptions: () => ({ dataClientFlaws: { noDataChecks: true } }),
    expect: 'noStaleOrders',
    maxMarketEvents: 20,
  },
  {
    name: 'data-client-no-failover',
    area: 'data-client',
    mistake: 'no failover: while the primary is down (or its circuit open) the backup is never asked',
    scenario: scenario('data-client-outages.yaml'),
    runOptions: () => ({ dataClientFlaws: { noFailover: true } }),
    expect: 'liveness',
    maxMarketEvents: 20,
  },
  {
    name: 'data-client-breaker-never-closes',
    area: 'data-client',
    mistake: 'an open circuit never goes half-open: a provider that failed once is never asked again',
    scenario: scenario('data-client-outages.yaml'),
    runOptions: () => ({ dataClientFlaws: { breakerNeverCloses: true } }),
    expect: 'liveness',
    maxMarketEvents: 20,
  },
];

/** The venue with a broken fill model (broken-fills.ts) built on the scenario's own fill config. */
function venue(broken: BrokenFill, file: string, maxMarketEvents = 20): Variant {
  return {
    name: `venue-${broken.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    area: 'venue',
    mistake: broken.mistake,
    scenario: scenario(file),
    runOptions: (s) => ({ models: { fill: broken.create(s.venue.fill) } }),
    expect: 'fillRules',
    maxMarketEvents,
  };
}

/**
 * limitThroughGap and stopAtStopThroughGap need limit and stop orders on bars that gap, which the
 * reference stack (market orders only) and synthetic bars (each opens at the previous close) never
 * give: fill-rules.test.ts checks them with its OrderMixStack on the demo data instead.
 */
const VENUE: readonly Variant[] = [
  venue(marketAtBarClose, 'venue-fills.yaml'),
  venue(favourableTick, 'venue-fills.yaml'),
  venue(lookAheadInsideBar, 'venue-fills.yaml'),
  venue(uncappedParticipation, 'venue-fills-capped.yaml'),
  venue(swappedTouch, 'ledger-quotes.yaml'),
];

/**
 * Metrics (metricsRecomputed): their broken variants live in broken-metrics.ts, written with that
 * invariant; they join this list once it has landed.
 */
const METRICS: readonly Variant[] = [];

/** Crash and restart (the recovery property): mistakes of a stack that comes back from a crash. */
const RECOVERY: readonly Variant[] = [
  {
    name: 'recovery-skips-reconcile',
    area: 'recovery',
    mistake: 'the restarted stack trusts its snapshot and never asks the venue what happened while it was down: a fill reported then is never booked',
    scenario: scenario('recovery-crash.yaml'),
    runOptions: () => ({ wrap: { stack: skipsReconcile } }),
    expect: 'recovery',
    // Orders fill at the bar's open here (the crash must come between a fill and its report): 20 bars are 40 events.
    maxMarketEvents: 40,
  },
  {
    name: 'recovery-forgets-open-orders',
    area: 'recovery',
    mistake: 'the snapshot keeps finished orders only: the restarted stack forgets the orders it had in flight and ignores their fills',
    scenario: scenario('recovery-crash.yaml'),
    runOptions: () => ({ wrap: { stack: forgetsOpenOrders } }),
    expect: 'recovery',
    maxMarketEvents: 40,
  },
];

export const TEETH: readonly Variant[] = [...RISK, ...EXECUTION, ...LEDGER, ...DATA_CLIENT, ...VENUE, ...METRICS, ...RECOVERY];

/** A broken variant no property catches yet: why, so that the gap stays in sight. */
export interface Gap {
  readonly name: string;
  readonly area: TeethArea;
  readonly mistake: string;
  readonly scenario: string;
  readonly runOptions: (scenario: Scenario) => Partial<RunOptions>;
  /** Why every property holds although the mistake changes the run. */
  readonly why: string;
  /** A gate of the scenario that does catch it in `gauntlet run`, if one does. */
  readonly caughtByGate?: string;
}

/** Gaps are checked with fewer runs: their passing is a fact to keep in sight, not a claim. */
export const GAP_RUNS = 20;

export const KNOWN_GAPS: readonly Gap[] = [
  {
    name: 'data-client-ignores-retry-after',
    area: 'data-client',
    mistake: "a 429's Retry-After is ignored: the client asks again at once, inside the window the provider asked it to wait",
    scenario: scenario('data-client-retry-after.yaml'),
    runOptions: () => ({ dataClientFlaws: { ignoreRetryAfter: true } }),
    why: 'no property watches Retry-After: the simulated 429s come from the fault window, not from the request rate, so asking too soon '
      + 'changes nothing a property sees; only the requestsInRetryAfter gate of `gauntlet run` (which `gauntlet check` does not evaluate) '
      + 'catches it.',
    caughtByGate: 'requestsInRetryAfter max',
  },
  {
    name: 'venue-look-ahead-without-bar-opens',
    area: 'venue',
    mistake: lookAheadInsideBar.mistake,
    scenario: scenario('venue-fills-no-opens.yaml'),
    runOptions: (s) => ({ models: { fill: lookAheadInsideBar.create(s.venue.fill) } }),
    why: "without bar open events (venue.fillAtBarOpen: false) fillRules cannot tell when a bar opened: a 'bar' MarketEventView carries "
      + "its close time only, so an order that arrived inside the bar and filled at its open passes (with bar opens, venue-look-ahead-inside-bar "
      + 'is caught; with a participation cap here, only incidentally, by the cap rule).',
  },
];
