/**
 * The reference stack: data client -> agents -> allocator -> risk -> execution -> venue, with its
 * own books built from its fills (it never reads the engine's ledger). It is also the example to
 * copy: each part is an interface it is given (Agent, Allocator, PreTradeRisk, Execution), so the
 * harness can wrap any of them, and a user's own whole stack only has to implement TradingStack.
 *
 * Per market event it does O(instruments) work and allocates nothing: it marks its books, lets
 * the allocator see bar closes, and (only when a limit needs it) reports equity to risk. Signals
 * are rare: the stack averages the latest target of every agent that has spoken on the
 * instrument, sizes it with the allocator at the equity of its books, and rebalances. Positions
 * are rebalanced at signals (and when the allocator says its sizing became ready), not every bar.
 *
 * Time is the stack's own clock (env.clock), which chaos may skew against venue time; timers go
 * through the kernel context as relative delays. Nothing here reads the kernel's clock.
 */
import type { Journal } from '../kernel/journal.ts';
import { CALENDARS, type SessionCalendar } from '../market/calendar.ts';
import type { ExecutionReport } from '../venue/orders.ts';
import type { AllocationParams, Allocator } from './allocator/allocator.ts';
import { StackBooks, type BooksAccount, type BooksState } from './books/books.ts';
import type { ExecutionConfig } from './execution/config.ts';
import { ExecutionEngine, type Execution, type ExecutionDeps } from './execution/execution-engine.ts';
import type { PreTradeRisk, RiskCounters } from './risk/risk-engine.ts';
import type { Agent, DataClient, StackEnv, TradingStack, Unsubscribe } from './types.ts';

export interface ReferenceStackParams {
  agents: Agent[];
  allocator: Allocator;
  risk: PreTradeRisk;
  /** Order timeout and retries. */
  execution?: ExecutionConfig;
  /** Builds the execution component (default: an ExecutionEngine); the harness wraps it here. */
  createExecution?: (deps: ExecutionDeps) => Execution;
  /** Prefix of client order ids (default 'o'). */
  orderIdPrefix?: string;
  /** The account, when the environment does not say (env.account wins when given). */
  account?: BooksAccount;
  /** The session calendar, when the environment does not say (env.calendar wins). Default: UTC days. */
  calendar?: SessionCalendar;
}

export interface ReferenceStackState {
  /** Latest target per (instrument, agent): targets[instrument * agents + agent]. */
  targets: number[];
  /** Whether that agent has spoken on that instrument. */
  has: boolean[];
  /** The kill switch tripped with flattening: close positions as their orders settle. */
  flattening: boolean;
  /**
   * Per instrument, when the flatten last sent an order (stack time; null: never) and the position
   * it was sent for: see flattenSettled. Absent in snapshots from before it was kept.
   */
  flattenSentUs?: (number | null)[];
  flattenSentPositionRaw?: number[];
  books: BooksState;
  execution: unknown;
  risk: unknown;
  allocator: unknown;
  agents: Record<string, unknown>;
}

interface Started {
  env: StackEnv;
  journal: Journal;
  books: StackBooks;
  execution: Execution;
  /** The allocator's parameters, refilled at each rebalance (AllocationParams says so). */
  allocation: { -readonly [K in keyof AllocationParams]: AllocationParams[K] };
}

export class ReferenceStack implements TradingStack {
  private readonly p: ReferenceStackParams;
  private st: Started | null = null;
  private targets: number[] = [];
  private has: boolean[] = [];
  private flattening = false;
  /** Per instrument: when the flatten last sent an order (stack time, null: never), and for what position. */
  private flattenSentUs: (number | null)[] = [];
  private flattenSentPositionRaw: number[] = [];
  /** Every data subscription of this instance (its own and its agents'), removed by stop(). */
  private subscriptions: Unsubscribe[] = [];

  /** What its risk engine did (refusals, daily-loss halts, kill switch); null when the risk engine does not count. */
  riskCounters(): RiskCounters | null {
    return this.p.risk.counters?.() ?? null;
  }

  constructor(params: ReferenceStackParams) {
    if (params.agents.length === 0) throw new RangeError('reference stack: at least one agent is needed');
    const ids = new Set(params.agents.map((a) => a.id));
    if (ids.size !== params.agents.length) throw new RangeError('reference stack: agent ids must be unique');
    this.p = params;
  }

  private started(): Started {
    if (this.st === null) throw new Error('reference stack not started');
    return this.st;
  }

  get execution(): Execution { return this.started().execution; }
  get books(): StackBooks { return this.started().books; }
  get risk(): PreTradeRisk { return this.p.risk; }

  start(env: StackEnv): void {
    if (this.st !== null) throw new Error('reference stack started twice');
    const { instruments, clock } = env;
    const data = this.scoped(env.data);
    const account = env.account ?? this.p.account ?? null;
    if (account === null && this.p.allocator.needsEquity) throw new RangeError('reference stack: this allocator sizes by equity, so the stack needs its account (StackEnv.account or params.account)');
    const books = new StackBooks(instruments, account);
    const risk = this.p.risk;
    risk.start({
      instruments, moneyDecimals: books.moneyDecimals, journal: env.journal, calendar: env.calendar ?? this.p.calendar ?? CALENDARS.UTC_24H,
      startEquity: books.equity(), onKill: () => this.onKill(),
    });
    const deps: ExecutionDeps = { prefix: this.p.orderIdPrefix ?? 'o', instruments, venue: env.venue, risk, journal: env.journal, clock, kernel: env.kernel, books, ...(this.p.execution ? { config: this.p.execution } : {}) };
    const execution = this.p.createExecution?.(deps) ?? new ExecutionEngine(deps);
    const allocation = { instrument: instruments[0]!, instrumentIndex: 0, target: 0, equity: 0, moneyDecimals: books.moneyDecimals, priceRaw: 0 };
    this.st = { env, journal: env.journal, books, execution, allocation };
    const n = this.p.agents.length;
    this.targets = new Array<number>(instruments.length * n).fill(0);
    this.has = new Array<boolean>(instruments.length * n).fill(false);
    this.flattenSentUs = new Array<number | null>(instruments.length).fill(null);
    this.flattenSentPositionRaw = new Array<number>(instruments.length).fill(0);

    // The stack's own handlers run before the agents' (subscription order), so books, allocator
    // and risk have seen a bar when an agent signals on it.
    const allocator = this.p.allocator;
    const allocatorOnBar = allocator.onBar?.bind(allocator);
    const wantsEquity = risk.wantsEquity;
    data.onBar((bar) => {
      const i = bar.instrumentIndex;
      books.mark(i, bar.closeRaw);
      if (wantsEquity) risk.onEquity(books.equity(), clock.nowUs());
      if (allocatorOnBar !== undefined && allocatorOnBar(i, bar.closeRaw)) this.rebalance(i);
      if (this.flattening) this.flattenSettled();
    });
    data.onTrade((t) => {
      books.mark(t.instrumentIndex, t.priceRaw);
      if (wantsEquity) risk.onEquity(books.equity(), clock.nowUs());
      if (this.flattening) this.flattenSettled();
    });
    data.onQuote((q) => {
      books.mark(q.instrumentIndex, Math.round((q.bidRaw + q.askRaw) / 2)); // the mid, as the ledger marks
      if (wantsEquity) risk.onEquity(books.equity(), clock.nowUs());
      if (this.flattening) this.flattenSettled();
    });
    this.p.agents.forEach((agent, slot) => {
      agent.start({
        data,
        clock,
        instruments,
        signal: (instrumentIndex, target) => this.onSignal(agent.id, slot, instrumentIndex, target),
      });
    });
  }

  /** The data client as this instance's parts see it: each subscription is kept for stop(). */
  private scoped(data: DataClient): DataClient {
    const subs = this.subscriptions;
    return {
      onBar: (h) => { const u = data.onBar(h); subs.push(u); return u; },
      onTrade: (h) => { const u = data.onTrade(h); subs.push(u); return u; },
      onQuote: (h) => { const u = data.onQuote(h); subs.push(u); return u; },
    };
  }

  private onSignal(agentId: string, slot: number, index: number, target: number): void {
    const { env, journal } = this.started();
    if (!(target >= -1 && target <= 1)) throw new RangeError(`agent ${agentId}: signal ${target} outside [-1, 1]`);
    const inst = env.instruments[index];
    if (inst === undefined || !Number.isInteger(index)) throw new RangeError(`agent ${agentId}: signal for unknown instrument ${index}`);
    journal.signal(env.clock.nowUs(), agentId, inst.id, target);
    const k = index * this.p.agents.length + slot;
    this.targets[k] = target;
    this.has[k] = true;
    this.rebalance(index);
  }

  /**
   * Sizes the instrument's combined signal and sends what closes the gap. While the kill switch
   * flattens, signals no longer move positions; without flattening they still do, and the risk
   * engine lets only risk-reducing orders through.
   */
  private rebalance(index: number): void {
    if (this.flattening) return;
    const { env, books, execution, allocation } = this.started();
    const n = this.p.agents.length;
    let sum = 0;
    let count = 0;
    for (let a = 0; a < n; a++) {
      if (this.has[index * n + a]) { sum += this.targets[index * n + a]!; count++; }
    }
    if (count === 0) return;
    allocation.instrument = env.instruments[index]!;
    allocation.instrumentIndex = index;
    allocation.target = sum / count;
    allocation.equity = books.equity();
    allocation.moneyDecimals = books.moneyDecimals;
    allocation.priceRaw = books.lastPriceRaw(index);
    execution.rebalance(index, this.p.allocator.targetQuantityRaw(allocation));
  }

  /** Trips the kill switch by hand (an operator's button). */
  kill(reason: string): void {
    this.p.risk.kill(reason, this.started().env.clock.nowUs());
  }

  private onKill(): void {
    if (!this.p.risk.flattenOnKill) return;
    this.flattening = true;
    this.started().execution.cancelAll();
    this.flattenSettled();
  }

  /**
   * Closes each position whose instrument has no live order left (cancels answered, fills in).
   * An order that ended without moving the position (rejected, or cancelled with nothing filled:
   * a 1-lot order under a half-fill venue fault) is not sent again at the same instant, which would
   * loop without the clock moving, but at the instrument's next market event, once per event.
   */
  private flattenSettled(): void {
    const { env, books, execution } = this.started();
    const nowUs = env.clock.nowUs();
    for (let i = 0; i < env.instruments.length; i++) {
      const positionRaw = books.positionRaw(i);
      if (positionRaw === 0 || execution.openCount(i) !== 0) continue;
      if (this.flattenSentUs[i] === nowUs && this.flattenSentPositionRaw[i] === positionRaw) continue;
      this.flattenSentUs[i] = nowUs;
      this.flattenSentPositionRaw[i] = positionRaw;
      execution.rebalance(i, 0);
    }
  }

  onReport(report: ExecutionReport): void {
    this.started().execution.onReport(report);
    if (this.flattening) this.flattenSettled();
  }

  stop(): void {
    this.st?.execution.stop();
    for (const u of this.subscriptions) u();
    this.subscriptions = [];
  }

  /** After a restart: the execution asks the venue what it missed; a flatten in progress goes on. */
  reconcile(): void {
    const { env, execution } = this.started();
    if (env.venueQuery === undefined || execution.reconcile === undefined) return;
    if (execution.reconcile(env.venueQuery) > 0 && this.flattening) this.flattenSettled();
  }

  bookedPositionRaw(instrumentIndex: number): number {
    return this.started().books.positionRaw(instrumentIndex);
  }

  snapshot(): ReferenceStackState {
    const { books, execution } = this.started();
    return {
      targets: this.targets.slice(), has: this.has.slice(), flattening: this.flattening,
      flattenSentUs: this.flattenSentUs.slice(), flattenSentPositionRaw: this.flattenSentPositionRaw.slice(),
      books: books.snapshot(), execution: execution.snapshot(), risk: this.p.risk.snapshot(), allocator: this.p.allocator.snapshot(),
      agents: Object.fromEntries(this.p.agents.map((a) => [a.id, a.snapshot()])),
    };
  }

  /** Restores a snapshot into a started stack (a fresh instance after a crash). */
  restore(state: unknown): void {
    const s = state as ReferenceStackState;
    const { books, execution } = this.started();
    if (s.targets.length !== this.targets.length) throw new RangeError('reference stack: snapshot is for another set of agents or instruments');
    this.targets = s.targets.slice();
    this.has = s.has.slice();
    this.flattening = s.flattening;
    if (s.flattenSentUs !== undefined && s.flattenSentPositionRaw !== undefined) {
      this.flattenSentUs = s.flattenSentUs.slice();
      this.flattenSentPositionRaw = s.flattenSentPositionRaw.slice();
    }
    books.restore(s.books);
    execution.restore(s.execution);
    this.p.risk.restore(s.risk);
    this.p.allocator.restore(s.allocator);
    for (const a of this.p.agents) a.restore(s.agents[a.id]);
  }
}
