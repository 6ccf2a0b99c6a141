/**
 * The built-in agents by kind: each kind's parameter schema (its descriptions reach the scenario
 * JSON Schema) and a factory. Scenario files name an agent by `kind`; users add their own agents
 * in code by implementing `Agent`.
 */
import { z } from 'zod';
import type { Agent } from '../types.ts';
import { BuyAndHoldAgent, BuyAndHoldParamsSchema } from './buy-and-hold.ts';
import { SmaCrossoverAgent, SmaCrossoverParamsSchema } from './sma-crossover.ts';

export const AgentConfigSchema = z.discriminatedUnion('kind', [
  SmaCrossoverParamsSchema.extend({
    kind: z.literal('sma-crossover').describe('Price crossing its SMA: long above, flat (or short) below.'),
    id: z.string().min(1).optional().describe('Agent id (default: the kind).'),
  }),
  BuyAndHoldParamsSchema.extend({
    kind: z.literal('buy-and-hold').describe('Long from the first bar to the end.'),
    id: z.string().min(1).optional().describe('Agent id (default: the kind).'),
  }),
]).describe('An agent: market data in, signals (target exposure in [-1, 1]) out.');
export type AgentConfig = z.input<typeof AgentConfigSchema>;

export function createAgent(config: AgentConfig): Agent {
  const c = AgentConfigSchema.parse(config);
  const id = c.id ?? c.kind;
  switch (c.kind) {
    case 'sma-crossover': {
      const { kind: _k, id: _i, ...params } = c;
      return new SmaCrossoverAgent(id, params);
    }
    case 'buy-and-hold': {
      const { kind: _k, id: _i, ...params } = c;
      return new BuyAndHoldAgent(id, params);
    }
  }
}
