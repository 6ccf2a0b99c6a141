/**
 * The whole reference stack as a scenario file describes it: one zod schema (every field
 * described, so the scenario JSON Schema documents it) and a factory. `wrap` lets the harness
 * put a timer or a fault injector around any component without changing it.
 */
import { z } from 'zod';
import type { SessionCalendar } from '../market/calendar.ts';
import { AgentConfigSchema, createAgent } from './agents/registry.ts';
import type { Allocator } from './allocator/allocator.ts';
import { AllocatorConfigSchema, createAllocator } from './allocator/registry.ts';
import type { BooksAccount } from './books/books.ts';
import { ExecutionConfigSchema } from './execution/config.ts';
import { DataClientConfigSchema } from './data-client/config.ts';
import { ExecutionEngine, type Execution } from './execution/execution-engine.ts';
import { RiskLimitsSchema } from './risk/limits.ts';
import { RiskEngine, type PreTradeRisk } from './risk/risk-engine.ts';
import { ReferenceStack } from './reference-stack.ts';
import type { Agent } from './types.ts';

export const StackConfigSchema = z.strictObject({
  agents: z.array(AgentConfigSchema).min(1).describe('Agents: market data in, signals out. Their latest signals on one instrument are averaged.'),
  allocator: AllocatorConfigSchema.default({ kind: 'fixed-quantity', quantity: 1 }).describe('Signals to target positions. Default: fixed-quantity 1.'),
  risk: RiskLimitsSchema.default({ flattenOnKill: true }).describe('Pre-trade risk limits. Default: none.'),
  execution: ExecutionConfigSchema.default({ orderTimeoutUs: 5_000_000, maxRetries: 3, reconcileRetries: 8 }).describe('Order timeout and retries.'),
  dataClient: DataClientConfigSchema.prefault({}).describe('The data client on the provider path (scenario `providers:`): timeouts, retries, failover, circuit breaker, staleness and skew checks. Unused on the direct path.'),
  orderIdPrefix: z.string().min(1).max(32).regex(/^[A-Za-z0-9_.:-]+$/).default('o').describe("Prefix of the stack's client order ids (default 'o')."),
}).describe('The reference stack under test: agents -> allocator -> risk -> execution.');
export type StackConfig = z.input<typeof StackConfigSchema>;
export type StackConfigParsed = z.output<typeof StackConfigSchema>;

/** Decorators the harness may put around each component (timing, fault injection). */
export interface StackWrappers {
  agent?: (agent: Agent) => Agent;
  allocator?: (allocator: Allocator) => Allocator;
  risk?: (risk: PreTradeRisk) => PreTradeRisk;
  execution?: (execution: Execution) => Execution;
}

export interface CreateStackOptions {
  /** Used when the environment gives no account (StackEnv.account wins). */
  account?: BooksAccount;
  /** Used when the environment gives no calendar (StackEnv.calendar wins). */
  calendar?: SessionCalendar;
  wrap?: StackWrappers;
}

export function createReferenceStack(config: StackConfig, options: CreateStackOptions = {}): ReferenceStack {
  return referenceStackOf(StackConfigSchema.parse(config), options);
}

/** The stack from a configuration StackConfigSchema has already parsed (a scenario's): no schema work per run. */
export function referenceStackOf(c: StackConfigParsed | Omit<StackConfigParsed, 'dataClient'>, options: CreateStackOptions = {}): ReferenceStack {
  const w = options.wrap ?? {};
  const agents = c.agents.map((a) => {
    const agent = createAgent(a);
    return w.agent ? w.agent(agent) : agent;
  });
  const allocator = createAllocator(c.allocator);
  const risk = new RiskEngine(c.risk, { parsed: true });
  const wrapExecution = w.execution;
  return new ReferenceStack({
    agents,
    allocator: w.allocator ? w.allocator(allocator) : allocator,
    risk: w.risk ? w.risk(risk) : risk,
    execution: c.execution,
    orderIdPrefix: c.orderIdPrefix,
    ...(wrapExecution ? { createExecution: (deps) => wrapExecution(new ExecutionEngine(deps)) } : {}),
    ...(options.account ? { account: options.account } : {}),
    ...(options.calendar ? { calendar: options.calendar } : {}),
  });
}
