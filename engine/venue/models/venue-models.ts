/**
 * The venue's reality models in one place, as the scenario file declares them: one zod schema
 * (`VenueModelsSchema`, whose described fields become the scenario JSON Schema) and one factory
 * that validates the configuration and builds the models, drawing randomness only from the run's
 * named Rng streams.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import type { RngRegistry } from '../../kernel/rng.ts';
import { MONEY_DECIMALS_DEFAULT } from '../../instruments/money.ts';
import { FeeModelSchema, ScheduleFeeModel, type FeeModel } from './fee-models.ts';
import { createFillModel, FillModelSchema, type FillModel } from './fill-models.ts';
import { createLatencyModel, LatencyModelSchema, type LatencyModel } from './latency-models.ts';
import { createSlippageModel, SlippageModelSchema, type SlippageModel } from './slippage-models.ts';

export const VenueModelsSchema = z.strictObject({
  fill: FillModelSchema.prefault({}).describe('How orders trade against market data (default: next open, OHLC path, no cap).'),
  slippage: SlippageModelSchema.prefault({ model: 'none' }).describe('Slippage of market and stop fills (default: none).'),
  fees: FeeModelSchema.prefault({}).describe('Fees per fill (default: none).'),
  latency: LatencyModelSchema.prefault({ model: 'constant' }).describe('Order and report latency (default: zero).'),
}).describe('The simulated venue: fill, slippage, fee and latency models.');
export type VenueModelsConfig = z.input<typeof VenueModelsSchema>;

/** Built models, named as VenueParams names them: spread them into the venue's parameters. */
export interface VenueModels {
  readonly fill: FillModel;
  readonly slippage: SlippageModel;
  readonly fees: FeeModel;
  readonly latency: LatencyModel;
}

/**
 * Validates `config` (throws a ZodError or RangeError naming the field on bad input) and builds
 * the models. The latency model draws from the run's 'latency' stream; no other model draws.
 */
export function createVenueModels(config: VenueModelsConfig | undefined, rng: RngRegistry, moneyDecimals: number = MONEY_DECIMALS_DEFAULT): VenueModels {
  const c = parseMemo(VenueModelsSchema, config ?? {});
  return {
    fill: createFillModel(c.fill),
    slippage: createSlippageModel(c.slippage),
    fees: new ScheduleFeeModel(c.fees, moneyDecimals),
    latency: createLatencyModel(c.latency, rng.stream('latency')),
  };
}
