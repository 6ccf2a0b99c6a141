/**
 * The reference stack: data client -> agents -> allocator -> risk -> execution -> venue.
 * It is also the example to copy: each part is replaceable, and a user's own whole stack only
 * has to implement `TradingStack`.
 */
import type { Journal } from '../kernel/journal.ts';
import type { ExecutionReport } from '../venue/orders.ts';
import type { Allocator } from './allocator/allocator.ts';
import { ExecutionEngine } from './execution/execution-engine.ts';
import type { RiskEngine } from './risk/risk-engine.ts';
import type { Agent, StackEnv, TradingStack } from './types.ts';

export interface ReferenceStackParams {
  agents: Agent[];
  allocator: Allocator;
  risk: RiskEngine;
  /** Prefix of client order ids. */
  orderIdPrefix?: string;
  /** Equity in money units for sizing; the stack reads its own books in a real deployment. */
  equity?: () => number;
}

interface ReferenceStackState {
  /** Latest target per agent, per instrument: signals[instrument][agent]. */
  signals: Record<string, number>[];
  execution: unknown;
  agents: Record<string, unknown>;
}

export class ReferenceStack implements TradingStack {
  private readonly p: ReferenceStackParams;
  private env: StackEnv | null = null;
  private execution: ExecutionEngine | null = null;
  private journal: Journal | null = null;
  private signals: Record<string, number>[] = [];
  private lastPriceRaw: number[] = [];

  constructor(params: ReferenceStackParams) {
    if (params.agents.length === 0) throw new RangeError('reference stack: at least one agent is needed');
    const ids = new Set(params.agents.map((a) => a.id));
    if (ids.size !== params.agents.length) throw new RangeError('reference stack: agent ids must be unique');
    this.p = params;
  }

  get executionEngine(): ExecutionEngine {
    if (this.execution === null) throw new Error('reference stack not started');
    return this.execution;
  }

  start(env: StackEnv): void {
    this.env = env;
    this.journal = env.journal;
    this.signals = env.instruments.map(() => ({}));
    this.lastPriceRaw = env.instruments.map(() => Number.NaN);
    this.execution = new ExecutionEngine({ prefix: this.p.orderIdPrefix ?? 'o', instruments: env.instruments, venue: env.venue, risk: this.p.risk, journal: env.journal, clock: env.clock });
    env.data.onBar((bar) => { this.lastPriceRaw[bar.instrumentIndex] = bar.closeRaw; });
    env.data.onTrade((t) => { this.lastPriceRaw[t.instrumentIndex] = t.priceRaw; });
    for (const agent of this.p.agents) {
      agent.start({
        data: env.data,
        clock: env.clock,
        instruments: env.instruments,
        signal: (instrumentIndex, target) => this.onSignal(agent.id, instrumentIndex, target),
      });
    }
  }

  private onSignal(agentId: string, instrumentIndex: number, target: number): void {
    const env = this.env!;
    if (!(target >= -1 && target <= 1)) throw new RangeError(`agent ${agentId}: signal ${target} outside [-1, 1]`);
    const inst = env.instruments[instrumentIndex];
    if (inst === undefined) throw new RangeError(`agent ${agentId}: signal for unknown instrument ${instrumentIndex}`);
    this.journal!.record('signal', env.clock.nowUs(), agentId, inst.id, target);
    const perAgent = this.signals[instrumentIndex]!;
    perAgent[agentId] = target;
    const values = Object.values(perAgent);
    const combined = values.reduce((a, b) => a + b, 0) / values.length;
    const targetRaw = this.p.allocator.targetQuantityRaw({
      instrument: inst, target: combined, equity: this.p.equity?.() ?? Number.NaN, moneyDecimals: 2, priceRaw: this.lastPriceRaw[instrumentIndex]!,
    });
    this.execution!.rebalance(instrumentIndex, targetRaw);
  }

  onReport(report: ExecutionReport): void {
    this.executionEngine.onReport(report);
  }

  snapshot(): ReferenceStackState {
    return {
      signals: structuredClone(this.signals),
      execution: this.executionEngine.snapshot(),
      agents: Object.fromEntries(this.p.agents.map((a) => [a.id, a.snapshot()])),
    };
  }

  restore(state: unknown): void {
    const s = state as ReferenceStackState;
    this.signals = structuredClone(s.signals);
    this.executionEngine.restore(s.execution);
    for (const a of this.p.agents) a.restore(s.agents[a.id]);
  }
}
