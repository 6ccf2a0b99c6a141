/**
 * The built-in agents by kind: each kind's parameter schema (its descriptions reach the scenario
 * JSON Schema) and a factory. Scenario files name an agent by `kind`; users add their own agents
 * in code by implementing `Agent` (docs/plug-in.md).
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import type { Agent } from '../types.ts';
import { BuyAndHoldAgent, BuyAndHoldParamsSchema } from './buy-and-hold.ts';
import { EmaMomentumAgent, EmaMomentumParamsSchema } from './ema-momentum.ts';
import { RsiReversionAgent, RsiReversionParamsSchema } from './rsi-reversion.ts';
import { SmaCrossoverAgent, SmaCrossoverParamsSchema } from './sma-crossover.ts';
import { SmaFastSlowAgent, SmaFastSlowParamsSchema } from './sma-fast-slow.ts';

const agentId = z.string().min(1).optional().describe('Agent id, unique in the stack (default: the kind).');

export const AgentConfigSchema = z.discriminatedUnion('kind', [
  SmaCrossoverParamsSchema.extend({
    kind: z.literal('sma-crossover').describe('Price crossing its SMA: long on a cross above, flat (or short) on a cross below.'),
    id: agentId,
  }),
  SmaFastSlowParamsSchema.extend({
    kind: z.literal('sma-fast-slow').describe('Fast SMA crossing the slow SMA: long on a cross above, flat (or short) on a cross below.'),
    id: agentId,
  }),
  EmaMomentumParamsSchema.extend({
    kind: z.literal('ema-momentum').describe('Long while EMA(fast) > EMA(slow), flat (or short) while below; signals when that changes.'),
    id: agentId,
  }),
  RsiReversionParamsSchema.extend({
    kind: z.literal('rsi-reversion').describe('Wilder RSI mean reversion: long below oversold until above exitLong (and the mirror for shorts).'),
    id: agentId,
  }),
  BuyAndHoldParamsSchema.extend({
    kind: z.literal('buy-and-hold').describe('Long from the first bar to the end.'),
    id: agentId,
  }),
]).describe('An agent: market data in, signals (target exposure in [-1, 1]) out.');
export type AgentConfig = z.input<typeof AgentConfigSchema>;
export type AgentKind = AgentConfig['kind'];

export function createAgent(config: AgentConfig): Agent {
  const c = parseMemo(AgentConfigSchema, config);
  const id = c.id ?? c.kind;
  switch (c.kind) {
    case 'sma-crossover': {
      const { kind: _k, id: _i, ...params } = c;
      return new SmaCrossoverAgent(id, params);
    }
    case 'sma-fast-slow': {
      const { kind: _k, id: _i, ...params } = c;
      return new SmaFastSlowAgent(id, params);
    }
    case 'ema-momentum': {
      const { kind: _k, id: _i, ...params } = c;
      return new EmaMomentumAgent(id, params);
    }
    case 'rsi-reversion': {
      const { kind: _k, id: _i, ...params } = c;
      return new RsiReversionAgent(id, params);
    }
    case 'buy-and-hold': {
      const { kind: _k, id: _i, ...params } = c;
      return new BuyAndHoldAgent(id, params);
    }
  }
}
