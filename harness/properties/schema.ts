/**
 * The scenario's `properties:` key: which properties apply to it, each `always` or `sometimes`,
 * optionally `optional` (a `sometimes` never reached then passes with a note). Online invariants
 * are checked in every run (`gauntlet run` fails a run that breaks one); metamorphic properties
 * by `gauntlet check`.
 */
import { z } from 'zod';
import { durationSchema } from '../../engine/index.ts';
import { PROPERTY_NAMES, type PropertyName } from './property.ts';

export const PROPERTY_DESCRIPTIONS: Readonly<Record<PropertyName, string>> = {
  riskLimits: 'No order the stack sends breaks a declared risk limit (order size and notional, position with working orders and its notional, leverage, order rate per window of the stack clock; after the daily-loss limit of a session or the kill switch, no order that adds risk), recomputed from what the stack was shown.',
  ledgerBalances: "After every event the ledger's identity holds exactly (equity = start cash + realized + unrealized - fees), and its fees equal the sum of the fees of the fills the venue booked.",
  ordersTerminal: 'Every order the stack sent ends in a terminal state (filled, cancelled, rejected, expired), none fills beyond its quantity, and at the end the stack\'s record of each order (status, filled quantity) agrees with the venue\'s.',
  noDuplicateOrders: 'Retries never duplicate an order at the venue: no client order id booked twice, and no more orders booked than the stack journaled.',
  noStaleOrders: "No order on data staler than the data client's staleness tolerance (or ahead of the stack clock by more than its skew tolerance), on the stack's clock (provider path).",
  fillRules: "Every fill obeys the venue's documented fill rules for the bar, trade or quote it filled on (price within the bar's range, limit prices respected, quantities), checked by code independent of the venue's.",
  metricsRecomputed: "The report's metrics equal an independent recomputation from the equity series and the fills.",
  recovery: "After each stack crash (stack-crash faults): a day after the restart, and at the end of the run, the stack's own positions agree with the venue's (counting fills still on their way); with `within` declared, by then it has also sent an order again if it sent any before the crash.",
  liveness: 'After a provider recovers from a fault window (provider path), the stack trades again within `within` of virtual time, when it traded before the fault.',
  noLookAhead: 'Perturbing the market after a time t leaves every decision at or before t unchanged (gauntlet check).',
  determinism: 'The same scenario and seed, run twice, give the same fingerprint (gauntlet check).',
  directMatchesProvider: 'Without faults the direct and provider paths give the same decisions (decision fingerprint) (gauntlet check).',
  priceScaling: 'Scaling every price (and every price- or notional-denominated parameter) by an integer k scales PnL by k and keeps the trades, where sizing is by quantity (gauntlet check).',
};

const ExpectSchema = z.enum(['always', 'sometimes'])
  .describe('always: never violated in any run. sometimes: never violated, and reached in at least one run of a check (else the check fails unless optional).');

const PropertySpecSchema = z.union([
  ExpectSchema,
  z.strictObject({
    expect: ExpectSchema,
    optional: z.boolean().default(false).describe('A `sometimes` property never reached passes (noted in the report) instead of failing the check.'),
    within: durationSchema('liveness and recovery only: how long after a provider recovers (liveness) or the stack restarts (recovery) it must be fed and trading again (default 1d).').optional(),
  }),
]);

const shape = Object.fromEntries(PROPERTY_NAMES.map((n) => [n, PropertySpecSchema.optional().describe(PROPERTY_DESCRIPTIONS[n])])) as Record<PropertyName, z.ZodOptional<typeof PropertySpecSchema>>;

export const PropertiesSchema = z.strictObject(shape).optional()
  .describe('Properties that must hold in this scenario\'s runs (`gauntlet run` checks the online ones in every run; `gauntlet check` searches variations for a run that breaks one).');

export type PropertiesConfig = z.output<typeof PropertiesSchema>;

/** One declared property, normalised. */
export interface DeclaredProperty {
  readonly name: PropertyName;
  readonly expect: 'always' | 'sometimes';
  readonly optional: boolean;
  /** liveness and recovery: microseconds; 0 for other properties (and for recovery without `within`). */
  readonly withinUs: number;
}

export const DEFAULT_LIVENESS_WITHIN_US = 86_400_000_000;

/** The declared properties in the catalogue's order. */
export function declaredProperties(config: PropertiesConfig): DeclaredProperty[] {
  if (config === undefined) return [];
  const out: DeclaredProperty[] = [];
  for (const name of PROPERTY_NAMES) {
    const spec = config[name];
    if (spec === undefined) continue;
    // recovery: 0 unless declared (the stack need not trade again by any particular time).
    const fallback = name === 'liveness' ? DEFAULT_LIVENESS_WITHIN_US : 0;
    if (typeof spec === 'string') out.push({ name, expect: spec, optional: false, withinUs: fallback });
    else out.push({ name, expect: spec.expect, optional: spec.optional, withinUs: name === 'liveness' || name === 'recovery' ? spec.within ?? fallback : 0 });
  }
  return out;
}
