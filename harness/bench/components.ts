/**
 * Per-component timings of the decision path (gauntlet bench): agent, allocator, risk, execution
 * and the whole decision, each a tinybench task replaying what that component was given in a real
 * run of the scenario (recorded through the stack's wrappers) on a fresh instance.
 *
 * Most calls take well under a microsecond, below what one timer reading resolves: each sample is
 * a batch of calls sized to take at least BATCH_TARGET_US, reported per call (tinybench's
 * overriddenDuration / overriddenIterationCost), and the percentiles are of those batch means,
 * from the samples tinybench retains (it reports no p95 itself).
 */
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import {
  createAgent, createAllocator, ExecutionEngine, Journal, referenceStackOf, RiskEngine, StackBooks, subscribeHandler, timersOver,
  type AllocationParams, type Allocator, type BarView, type Clock, type DataClient, type Execution, type ExecutionReport, type Instrument,
  type KernelContext, type OrderRequest, type PreTradeRisk, type RiskBookView, type SessionCalendar, type StackEnv, type TradingStack,
} from '../../engine/index.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { runScenario } from '../scenario/run.ts';
import { referenceConfig, type ReferenceStackConfig } from '../scenario/stack-schema.ts';
import { quantile } from '../gates/quantile.ts';

/** A sample is a batch taking at least this long: far above the timer's resolution and overhead. */
export const BATCH_TARGET_US = 50;

export const COMPONENTS = ['agent', 'allocator', 'risk', 'execution', 'decision'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export interface ComponentTiming {
  /** Calls of the component in the recorded run (a task replays them, cycling). */
  readonly calls: number;
  readonly batch: number;
  readonly samples: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
}

type StackInput = { readonly kind: 'bar'; readonly bar: BarView } | { readonly kind: 'report'; readonly report: ExecutionReport };

interface Recorded {
  readonly instruments: readonly Instrument[];
  readonly account: { readonly moneyDecimals: number; readonly startCash: number };
  readonly calendar: SessionCalendar;
  readonly bars: BarView[];
  readonly allocations: AllocationParams[];
  readonly checks: { order: OrderRequest; view: RiskBookView; nowUs: number }[];
  /** Execution's inputs in order: rebalances and reports. */
  readonly execution: ({ kind: 'rebalance'; index: number; targetRaw: number } | { kind: 'report'; report: ExecutionReport })[];
  /** The stack's inputs in order. */
  readonly stack: StackInput[];
}

function viewCopy(v: RiskBookView): RiskBookView {
  const n = v.instruments.length;
  const pos = Array.from({ length: n }, (_, i) => v.positionRaw(i));
  const pending = Array.from({ length: n }, (_, i) => v.pendingRaw(i));
  const last = Array.from({ length: n }, (_, i) => v.lastPriceRaw(i));
  const equity = v.equity();
  return {
    instruments: v.instruments, moneyDecimals: v.moneyDecimals, positionRaw: (i) => pos[i]!, pendingRaw: (i) => pending[i]!,
    lastPriceRaw: (i) => last[i]!, equity: () => equity,
  };
}

/** Runs the scenario once with recording wrappers around each component. */
async function record(loaded: LoadedScenario, seed: number): Promise<Recorded & { config: ReferenceStackConfig }> {
  const config = referenceConfig(loaded.scenario.stack);
  const rec: Omit<Recorded, 'instruments' | 'account' | 'calendar'> & { instruments: readonly Instrument[]; calendar: SessionCalendar | null } = {
    instruments: [], calendar: null, bars: [], allocations: [], checks: [], execution: [], stack: [],
  };
  let agentsSeen = 0;
  await runScenario(loaded, {
    seed,
    wrap: {
      agent: (agent) => ({
        id: agent.id,
        start: (ctx) => {
          // One recorder for the run's bars (the first agent's subscription sees every bar).
          if (agentsSeen++ === 0) ctx.data.onBar((b) => { rec.bars.push({ ...b }); });
          agent.start(ctx);
        },
        snapshot: () => agent.snapshot(),
        restore: (s) => agent.restore(s),
      }),
      allocator: (a) => wrapAllocator(a, (p) => rec.allocations.push({ ...p })),
      risk: (r) => wrapRisk(r, (order, view, nowUs) => rec.checks.push({ order, view: viewCopy(view), nowUs })),
      execution: (e) => wrapExecution(e, rec.execution),
      stack: (s) => recordStack(s, rec),
    },
  });
  return {
    ...rec, config, calendar: rec.calendar!,
    account: { moneyDecimals: loaded.scenario.account.moneyDecimals, startCash: Math.round(loaded.scenario.account.startCash * 10 ** loaded.scenario.account.moneyDecimals) },
  };
}

/** `obj` with some methods replaced; every other member is the original's, called on the original (its state stays in one place). */
function intercept<T extends object>(obj: T, overrides: Partial<T>): T {
  return new Proxy(obj, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function wrapAllocator(a: Allocator, on: (p: AllocationParams) => void): Allocator {
  return intercept(a, { targetQuantityRaw: (p: AllocationParams) => { on(p); return a.targetQuantityRaw(p); } });
}

function wrapRisk(r: PreTradeRisk, on: (order: OrderRequest, view: RiskBookView, nowUs: number) => void): PreTradeRisk {
  return intercept(r, { check: (order: OrderRequest, view: RiskBookView, nowUs: number) => { on(order, view, nowUs); return r.check(order, view, nowUs); } });
}

function wrapExecution(e: Execution, out: Recorded['execution']): Execution {
  return intercept(e, {
    rebalance: (index: number, targetRaw: number) => { out.push({ kind: 'rebalance', index, targetRaw }); return e.rebalance(index, targetRaw); },
    onReport: (report: ExecutionReport) => { out.push({ kind: 'report', report }); e.onReport(report); },
  });
}

function recordStack(s: TradingStack, rec: { instruments: readonly Instrument[]; calendar: SessionCalendar | null; stack: StackInput[] }): TradingStack {
  return {
    start: (env) => {
      rec.instruments = env.instruments;
      rec.calendar = env.calendar ?? null;
      env.data.onBar((b) => { rec.stack.push({ kind: 'bar', bar: { ...b } }); });
      s.start(env);
    },
    onReport: (r) => { rec.stack.push({ kind: 'report', report: r }); return s.onReport(r); },
    snapshot: () => s.snapshot(),
    restore: (x) => s.restore(x),
    stop: () => s.stop?.(),
  };
}

/** A clock, a data client and a kernel for components run outside a simulation (timers never fire). */
function bareEnv(clock: { t: number }): { data: DataClient & { push(b: BarView): void }; kernel: KernelContext; clock: Clock } {
  const handlers: ((b: BarView) => void | Promise<void>)[] = [];
  const c: Clock = { nowUs: () => clock.t };
  const never = (): never => { throw new Error('not available in a component benchmark'); };
  return {
    clock: c,
    data: { onBar: (h) => subscribeHandler(handlers, h), onTrade: () => () => {}, onQuote: () => () => {}, push: (b) => { clock.t = b.closeTimeUs; for (const h of handlers) void h(b); } },
    kernel: { clock: c, sleep: never, spawn: never, fetch: never, external: never, schedule: () => () => {}, post: () => {}, scheduleAt: () => () => {}, ...timersOver(() => () => {}) },
  };
}

/** One replay step per component: each call replays the next recorded input (a fresh instance when they run out). */
function replayers(r: Recorded & { config: ReferenceStackConfig }): Record<ComponentName, { calls: number; next: () => void }> {
  const noVenue = { submit: () => {}, cancel: () => {}, replace: () => {} };
  // agent
  let agentBars = r.bars.length;
  let agentPush: (b: BarView) => void = () => {};
  const freshAgents = (): void => {
    const clock = { t: 0 };
    const env = bareEnv(clock);
    for (const a of r.config.agents) createAgent(a).start({ data: env.data, clock: env.clock, instruments: r.instruments, signal: () => {} });
    agentPush = env.data.push;
    agentBars = 0;
  };
  // allocator
  let allocator = createAllocator(r.config.allocator);
  let allocations = 0;
  // risk
  let risk: RiskEngine | null = null;
  let checks = r.checks.length;
  const freshRisk = (): void => {
    risk = new RiskEngine(r.config.risk);
    risk.start({ instruments: r.instruments, moneyDecimals: r.account.moneyDecimals, journal: new Journal({ rootSeed: 0 }), calendar: r.calendar, startEquity: r.account.startCash });
    checks = 0;
  };
  // execution
  let execution: Execution | null = null;
  let execCalls = r.execution.length;
  const freshExecution = (): void => {
    const clock = { t: 0 };
    const env = bareEnv(clock);
    const books = new StackBooks(r.instruments, r.account);
    const risk2 = new RiskEngine(r.config.risk);
    risk2.start({ instruments: r.instruments, moneyDecimals: r.account.moneyDecimals, journal: new Journal({ rootSeed: 0 }), calendar: r.calendar, startEquity: books.equity() });
    execution = new ExecutionEngine({ prefix: r.config.orderIdPrefix, instruments: r.instruments, venue: noVenue, risk: risk2, journal: new Journal({ rootSeed: 0 }), clock: env.clock, kernel: env.kernel, books, config: r.config.execution });
    execCalls = 0;
  };
  // whole decision
  let stack: TradingStack | null = null;
  let stackPush: (b: BarView) => void = () => {};
  let stackInputs = r.stack.length;
  const freshStack = (): void => {
    const clock = { t: 0 };
    const env = bareEnv(clock);
    stack = referenceStackOf(r.config, { account: r.account, calendar: r.calendar });
    const full: StackEnv = { data: env.data, venue: noVenue, clock: env.clock, kernel: env.kernel, journal: new Journal({ rootSeed: 0 }), instruments: r.instruments, calendar: r.calendar };
    stack.start(full);
    stackPush = env.data.push;
    stackInputs = 0;
  };
  const cycle = (n: number): number => Math.max(1, n);
  return {
    agent: { calls: r.bars.length, next: () => { if (agentBars >= r.bars.length) freshAgents(); agentPush(r.bars[agentBars++]!); } },
    allocator: {
      calls: r.allocations.length,
      next: () => {
        if (allocations >= cycle(r.allocations.length)) { allocator = createAllocator(r.config.allocator); allocations = 0; }
        const p = r.allocations[allocations++];
        if (p !== undefined) allocator.targetQuantityRaw(p);
      },
    },
    risk: { calls: r.checks.length, next: () => { if (checks >= cycle(r.checks.length)) freshRisk(); const c = r.checks[checks++]; if (c !== undefined) risk!.check(c.order, c.view, c.nowUs); } },
    execution: {
      calls: r.execution.length,
      next: () => {
        if (execCalls >= cycle(r.execution.length)) freshExecution();
        const c = r.execution[execCalls++];
        if (c === undefined) return;
        if (c.kind === 'rebalance') execution!.rebalance(c.index, c.targetRaw);
        else execution!.onReport(c.report);
      },
    },
    decision: {
      calls: r.stack.length,
      next: () => {
        if (stackInputs >= r.stack.length) freshStack();
        const x = r.stack[stackInputs++]!;
        if (x.kind === 'bar') stackPush(x.bar);
        else void stack!.onReport(x.report);
      },
    },
  };
}

/** Calls per sample so that a sample takes at least BATCH_TARGET_US (after a warm-up; the fastest of three tries, so a pause does not shrink it). */
function batchSize(next: () => void): number {
  for (let i = 0; i < 2_000; i++) next();
  for (let b = 1; b < 1 << 24; b *= 2) {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      for (let i = 0; i < b; i++) next();
      best = Math.min(best, performance.now() - t0);
    }
    if (best * 1000 >= BATCH_TARGET_US) return b;
  }
  return 1 << 24;
}

export interface ComponentBenchOptions {
  readonly seed: number;
  /** Real time per task (tinybench's time budget). */
  readonly timeMs: number;
}

export async function benchComponents(loaded: LoadedScenario, options: ComponentBenchOptions): Promise<Record<ComponentName, ComponentTiming | null>> {
  const rec = await record(loaded, options.seed);
  const steps = replayers(rec);
  const bench = new Bench({ time: options.timeMs, warmupTime: Math.min(100, options.timeMs / 5), retainSamples: true });
  const batches = {} as Record<ComponentName, number>;
  for (const name of COMPONENTS) {
    const s = steps[name];
    if (s.calls === 0) continue;
    const batch = batchSize(s.next);
    batches[name] = batch;
    bench.add(name, () => {
      const t0 = bench.now();
      for (let i = 0; i < batch; i++) s.next();
      const ms = bench.now() - t0;
      return { overriddenDuration: ms / batch, overriddenIterationCost: ms };
    });
  }
  await bench.run();
  const out = {} as Record<ComponentName, ComponentTiming | null>;
  for (const name of COMPONENTS) {
    const task = bench.getTask(name);
    const result = task?.result as { latency?: { samples?: readonly number[]; mean: number } } | undefined;
    const samples = result?.latency?.samples;
    if (task === undefined || samples === undefined || samples.length === 0) { out[name] = null; continue; }
    const sorted = samples.slice().sort((a, b) => a - b);
    const us = (ms: number): number => Number((ms * 1000).toFixed(4));
    out[name] = {
      calls: steps[name].calls, batch: batches[name], samples: sorted.length, meanUs: us(result!.latency!.mean),
      p50Us: us(quantile(sorted, 0.5)), p95Us: us(quantile(sorted, 0.95)), p99Us: us(quantile(sorted, 0.99)),
    };
  }
  return out;
}
