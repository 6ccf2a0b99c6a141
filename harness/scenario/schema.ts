/**
 * The scenario file format (version 1): one YAML file, one scenario. Every section reuses the
 * engine's schemas (engine-parts.ts); this file only arranges them and adds what belongs to a
 * scenario (name, seed, market choice, gates). Field descriptions become the committed JSON
 * Schema (schemas/scenario.schema.json) that editors use to complete and check files.
 *
 * Room for later sections: later gate kinds go in `gates`. Overlays belong to the market source they
 * wrap (`market.overlays`, or each of `market.sources[i].overlays`).
 */
import { z } from 'zod';
import { GateSchema } from '../gates/schema.ts';
import { RegressionSchema } from '../baseline/regression-schema.ts';
import { ProvidersSchema } from './providers-schema.ts';
import { FaultsSchema } from '../chaos/faults/schema.ts';
import { PropertiesSchema } from '../properties/schema.ts';
import { CheckConfigSchema } from '../properties/check/config.ts';
import {
  CalendarRefSchema, CsvMappingSchema, InstrumentSchema, overlayParamsSchema, syntheticParamsSchema, VenueModelsSchema,
} from './engine-parts.ts';
import { ScenarioStackSchema } from './stack-schema.ts';
import { LatencyBudgetSchema } from '../gates/latency.ts';

export const SCENARIO_VERSION = 1;

/** Demo data sets shipped with the package (through its npm dependencies). */
export const DEMO_DATASETS = ['sp500'] as const;

function exactlyOne(keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const present = keys.filter((k) => value[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom', path: [],
        message: present.length === 0 ? `give one of ${keys.join(', ')}` : `give only one of ${keys.join(', ')} (found ${present.join(' and ')})`,
      });
    }
  };
}

// Named definitions: the JSON Schema keeps each once under $defs (editors show the names).
const CsvMappingDef = CsvMappingSchema.meta({ id: 'CsvMapping' });
const SyntheticDef = syntheticParamsSchema.meta({ id: 'SyntheticMarket' });
const OverlayDef = overlayParamsSchema.meta({ id: 'Overlay' });

const sourceShape = {
  csv: CsvMappingDef.optional()
    .describe('A data file and its declared column mapping: CSV, or Parquet when the name ends in .parquet (the same mapping; `delimiter` unused). `file` is relative to the scenario file.'),
  synthetic: SyntheticDef.optional()
    .describe("A seeded synthetic market: draws come from the run's 'market' stream, so the seed replays the same path."),
  demo: z.enum(DEMO_DATASETS).optional()
    .describe('Built-in demo data. sp500: the S&P 500 daily bars of vega-datasets (sp500-2000.csv, 2000-01-03..2020-04-17), instrument SPX, 6 price decimals, NYSE sessions.'),
};
const SOURCE_KEYS = Object.keys(sourceShape);
const overlaysField = {
  overlays: z.array(OverlayDef).max(100).optional()
    .describe('Market events injected into this source, applied in order (the first wraps the data): flash crash, gap open, halt, volatility spike, liquidity drought. Times are epoch microseconds (UTC).'),
};

export const MarketSourceSchema = z.strictObject({ ...sourceShape, ...overlaysField }).superRefine(exactlyOne(SOURCE_KEYS))
  .describe('One market data source: exactly one of csv, synthetic, demo.');

export const MarketSchema = z.strictObject({
  ...sourceShape,
  ...overlaysField,
  sources: z.array(MarketSourceSchema).min(1).max(255).optional()
    .describe('Several sources (several instruments, or bars and quotes of one instrument). Equity is marked on the first.'),
}).superRefine(exactlyOne([...SOURCE_KEYS, 'sources']))
  .describe('The market: one source (csv, synthetic or demo), or a list of them under `sources`.');

export const AccountSchema = z.strictObject({
  currency: z.string().length(3).default('USD').describe('Account currency (ISO code). Instruments must be quoted in it.'),
  startCash: z.number().positive().describe('Cash at the start, in account currency, e.g. 10000.'),
  moneyDecimals: z.number().int().min(0).max(8).default(2).describe('Decimals of money amounts (2: cents).'),
}).describe('The trading account.');

/** The engine's own stack configuration (one definition, so the file format and createReferenceStack never drift), or a module or service stack. */
export const StackSchema = ScenarioStackSchema;

export const VenueSchema = VenueModelsSchema.extend({
  fillAtBarOpen: z.boolean().default(true)
    .describe("Market orders may fill at a bar's open (the next bar after the signal; default). false: bars deliver no open event, so orders wait for the next trade or quote, e.g. to fill at the bid/ask of a quote source while an agent reads bars."),
}).describe('The simulated venue: fill, slippage, fee and latency models.');

export const MetricsOptionsSchema = z.strictObject({
  periodsPerYear: z.number().positive().optional()
    .describe('Bars per year for annualising (volatility, Sharpe, Sortino). Default: from the calendar and the bar interval.'),
  riskFreeRatePerYear: z.number().gt(-1).lt(10).default(0).describe('Yearly risk-free rate as a fraction (0.03 = 3%). Default 0.'),
}).describe('How metrics are computed.');

export const ScenarioSchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors. Ignored by Gauntlet.'),
  version: z.literal(SCENARIO_VERSION).describe('Scenario format version. This is version 1.'),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-', starting with a letter or digit").max(100).optional()
    .describe('Scenario name in reports, and what a suite seed is derived with. Default: the file name without .yaml.'),
  description: z.string().max(2000).optional().describe('What the scenario checks, in a sentence (shown by `gauntlet list`).'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1)
    .describe('Root seed of the run: market, venue and latency streams derive from it. `--seed` overrides it.'),
  market: MarketSchema,
  instruments: z.array(InstrumentSchema).min(1).optional()
    .describe('What is traded. Default: one equity per market instrument id, with the source\'s price decimals.'),
  calendar: CalendarRefSchema.optional()
    .describe('Session calendar (DAY orders, annualisation): a preset (XNYS, XETR, UTC_24H, FX_24x5) or a full calendar. Default: the CSV date calendar, else UTC_24H.'),
  account: AccountSchema,
  providers: ProvidersSchema,
  stack: StackSchema,
  venue: VenueSchema.prefault({}),
  metrics: MetricsOptionsSchema.prefault({}),
  gates: z.array(GateSchema).default([]).describe('What the run must achieve to pass; all gates are checked and reported.'),
  regression: RegressionSchema.optional(),
  latency: LatencyBudgetSchema.optional(),
  faults: FaultsSchema,
  properties: PropertiesSchema,
  check: CheckConfigSchema,
}).describe('A Gauntlet scenario: a market, a stack under test, a venue, a seed and the gates the run must pass.');

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
export type MarketSourceConfig = z.output<typeof MarketSourceSchema>;
