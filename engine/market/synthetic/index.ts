/**
 * Synthetic markets: seeded generators implementing MarketSource. One factory validates the
 * parameters (fail fast, every problem listed) and picks the generator for the requested output.
 *
 * All randomness comes from the `Rng` handed in (by convention the run's 'market' stream), so a
 * seed replays the same path, and other streams (venue, faults) never move it.
 *
 * Generators reuse one batch: a batch returned by `next()` is valid only until the following
 * `next()` call; a consumer copies what it keeps (or uses `collectRows` for small markets).
 */
import type { Rng } from '../../kernel/rng.ts';
import { SyntheticBarSource } from './bars.ts';
import { parseSyntheticParams, type SyntheticParams, type SyntheticParamsInput } from './schema.ts';
import { SyntheticTradeSource } from './trades.ts';

export type SyntheticSource = SyntheticBarSource | SyntheticTradeSource;

/**
 * Builds a generator; throws SyntheticParamsError (listing every bad field) on invalid parameters.
 * The generator owns `rng`: what that stream holds after the market's last batch is not defined
 * (a bar generator's last batch stops drawing at the last value it uses), so give each source a
 * stream of its own.
 */
export function createSyntheticSource(params: SyntheticParamsInput, rng: Rng): SyntheticSource {
  return syntheticSourceOf(parseSyntheticParams(params), rng);
}

/** A generator from parameters syntheticParamsSchema has already parsed (a scenario's): no schema work per run. */
export function syntheticSourceOf(p: SyntheticParams, rng: Rng): SyntheticSource {
  return p.output.type === 'bar' ? new SyntheticBarSource(p, p.output, rng) : new SyntheticTradeSource(p, p.output, rng);
}

export { SyntheticBarSource } from './bars.ts';
export { SyntheticTradeSource } from './trades.ts';
export { SessionSchedule } from './session.ts';
export { syntheticBarBoundsUs, type MarketBoundsUs } from './bounds.ts';
export { collectRows, MemorySource, rowCount, type MemorySourceOptions, type Rows } from './memory.ts';
export { Draws } from './draws.ts';
export { GbmProcess, JumpDiffusionProcess, RegimeProcess, createProcess, type LogReturnProcess } from './processes.ts';
export {
  syntheticParamsSchema,
  gbmParamsSchema,
  jumpDiffusionParamsSchema,
  regimeParamsSchema,
  sessionSchema,
  barOutputSchema,
  tradeOutputSchema,
  parseSyntheticParams,
  SyntheticParamsError,
  SECONDS_PER_YEAR_CONTINUOUS,
  type SyntheticParams,
  type SyntheticParamsInput,
  type SessionParams,
  type BarOutputParams,
  type TradeOutputParams,
} from './schema.ts';
