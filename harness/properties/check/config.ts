/**
 * The scenario's `check:` key: what `gauntlet check` may vary in this scenario besides the seed.
 * Stack (or any) parameters vary within declared ranges; the market and the fault plan vary as
 * the scenario allows. Values outside a declared range are never tried, so a range is also a
 * statement of what the stack is meant to handle.
 */
import { z } from 'zod';

const FieldPath = z.string().min(1).max(200).describe('A field path in the scenario, as `--set` takes it, e.g. stack.agents[0].period.');

export const VaryRangeSchema = z.union([
  z.strictObject({
    path: FieldPath,
    min: z.number().describe('Smallest value tried.'),
    max: z.number().describe('Largest value tried.'),
    integer: z.boolean().default(false).describe('Integers only.'),
  }).refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['max'] }),
  z.strictObject({ path: FieldPath, values: z.array(z.json()).min(1).max(100).describe('The values tried (the first is where shrinking goes).') }),
]).describe('One parameter `gauntlet check` varies: a numeric range or a list of values.');

export const CheckConfigSchema = z.strictObject({
  vary: z.array(VaryRangeSchema).max(50).default([]).describe('Parameters varied within these ranges (stack parameters, venue models, ...).'),
  market: z.boolean().default(true).describe('Vary the market: the run seed (market path), and synthetic sources\' length and volatility (shorter markets are where shrinking goes).'),
  faults: z.enum(['swarm', 'declared', 'none']).default('swarm')
    .describe("swarm: each run enables a random subset of fault kinds with random windows and rates (swarm testing), besides the declared plan; declared: the scenario's own fault plan only; none: no faults."),
  seed: z.enum(['vary', 'fixed']).default('vary').describe("vary: each run draws its own root seed; fixed: every run keeps the scenario's seed (regression files)."),
  maxFaults: z.number().int().min(1).max(20).default(6).describe('swarm: most faults added to one run.'),
}).prefault({}).describe('What `gauntlet check` varies in this scenario (runs with seeds, market, fault plans and parameters drawn by fast-check).');

export type CheckConfig = z.output<typeof CheckConfigSchema>;
