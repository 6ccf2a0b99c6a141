// Proves the reference stack end to end on the real backtest (kernel, venue, ledger, journal):
// for every built-in agent, each signal at a bar's close becomes one order filled at the next
// bar's open for the size the allocator says, the ledger identity holds after every event, and
// the stack's own books end equal to the engine's ledger; a crash mid-run (snapshot -> JSON ->
// restore into a fresh stack) gives the same journal fingerprint and fills as a run that never
// crashed; a retry after a timeout (report latency longer than the timeout, or a lost ack) never
// books a second order at the venue; the stack reads only its own clock; and a stack that sizes
// by equity without an account is refused at start.
import { subscribe } from './data-client/subscriptions.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { US_PER_HOUR, US_PER_SECOND } from '../kernel/time.ts';
import type { ExecutionReport } from '../venue/orders.ts';
import type { AgentConfig } from './agents/registry.ts';
import { createAgent } from './agents/registry.ts';
import type { ExecutionState } from './execution/execution-engine.ts';
import { ReferenceStack } from './reference-stack.ts';
import { createReferenceStack, type StackConfig } from './stack-config.ts';
import { barAtClose, barAtOpen, runStack, RUN_START_US, wavyCloses } from './testing/run-stack.ts';
import { driveAgent, withEnv } from './testing/test-kit.ts';
import type { BarHandler, DataClient, QuoteHandler, StackEnv, TradeHandler, TradingStack } from './types.ts';
import { lifecycleText } from './testing/lifecycle-text.ts';

const closes = wavyCloses(300, { seed: 12345, wave: 9 });

const agents: AgentConfig[] = [
  { kind: 'sma-crossover', instrument: 'X', period: 10, allowShort: true },
  { kind: 'sma-fast-slow', instrument: 'X', fast: 5, slow: 20, allowShort: true },
  { kind: 'ema-momentum', instrument: 'X', fast: 5, slow: 20 },
  { kind: 'rsi-reversion', instrument: 'X', period: 6, allowShort: true },
  { kind: 'buy-and-hold', instrument: 'X' },
];

describe('every agent through the whole stack', () => {
  it.each(agents)('$kind: signal at close i -> fill at open i+1, identity every event, books = ledger', async (agent) => {
    const d = driveAgent(createAgent(agent));
    d.feed(closes);
    expect(d.signals.length).toBeGreaterThan(0);
    const stack = createReferenceStack({ agents: [agent], allocator: { kind: 'fixed-quantity', quantity: 10 } });
    const run = await runStack({ closes, stack });
    expect(run.identityFailures).toEqual([]);
    const want: [number, string, number, number][] = [];
    let position = 0;
    for (const s of d.signals) {
      const delta = s.target * 10 - position;
      if (delta === 0 || s.bar + 1 >= closes.length) continue;
      want.push([s.bar + 1, delta > 0 ? 'buy' : 'sell', Math.abs(delta), closes[s.bar]!]);
      position += delta;
    }
    expect(run.result.fills.map((f) => [barAtOpen(f.timeUs), f.side, f.quantity, f.price])).toEqual(want);
    expect(stack.books.equity()).toBe(run.result.final.equity);
    expect(stack.books.positionRaw(0)).toBe(position);
  });

  it('fraction-of-equity sizes from the stack\'s own equity at the signal', async () => {
    const stack = createReferenceStack({ agents: [agents[1]!], allocator: { kind: 'fraction-of-equity', fraction: 0.5 } });
    const run = await runStack({ closes, stack, extra: { fees: { perUnit: 0.01 } } });
    expect(run.identityFailures).toEqual([]);
    const signals = run.records.filter((r) => r.kind === 'signal');
    const orders = run.records.filter((r) => r.kind === 'order');
    expect(orders.length).toBe(signals.length);
    // First order: half of $10,000 at the signal bar's close, whole shares.
    const first = orders[0]!;
    expect(first.quantity).toBe(Math.floor(5_000 / closes[barAtClose(first.timeUs as number)]!));
    expect(stack.books.equity()).toBe(run.result.final.equity);
  });

  it('volatility-target acts on a warm-up signal once its estimate is ready', async () => {
    const stack = createReferenceStack({ agents: [{ kind: 'buy-and-hold', instrument: 'X' }], allocator: { kind: 'volatility-target', targetVolatility: 0.1, lookback: 20, periodsPerYear: 252 * 8 } });
    const run = await runStack({ closes, stack });
    expect(run.identityFailures).toEqual([]);
    expect(run.result.fills.map((f) => barAtOpen(f.timeUs))).toEqual([21]); // 20 returns need 21 closes: ready at bar 20
  });

  it('refuses equity sizing when the stack has no account', async () => {
    const stack = createReferenceStack({ agents: [agents[4]!], allocator: { kind: 'fraction-of-equity', fraction: 1 } });
    await expect(runStack({ closes, stack, envAccount: false })).rejects.toThrow(/needs its account/);
  });
});

/**
 * Crashes the stack between two bars: snapshot, stop, JSON, a fresh stack from the same
 * factory started on the same environment, restore. Market data goes through a proxy data client
 * so that the dead stack's subscriptions die with it.
 */
class CrashOnce implements TradingStack {
  private current: TradingStack;
  private handlers = { bar: [] as BarHandler[], trade: [] as TradeHandler[], quote: [] as QuoteHandler[] };
  private env: StackEnv | null = null;
  private bars = 0;
  private readonly make: () => TradingStack;
  private readonly atBar: number;

  constructor(make: () => TradingStack, atBar: number) {
    this.make = make;
    this.atBar = atBar;
    this.current = make();
  }

  private proxy(): DataClient {
    const h = this.handlers;
    return { onBar: (f) => subscribe(h.bar, f), onTrade: (f) => subscribe(h.trade, f), onQuote: (f) => subscribe(h.quote, f) };
  }

  start(env: StackEnv): void {
    this.env = env;
    env.data.onBar((bar) => {
      if (this.bars++ === this.atBar) this.crash();
      for (const f of this.handlers.bar) void f(bar);
    });
    env.data.onTrade((t) => { for (const f of this.handlers.trade) void f(t); });
    env.data.onQuote((q) => { for (const f of this.handlers.quote) void f(q); });
    this.current.start({ ...env, data: this.proxy() });
  }

  /** The snapshot taken at the crash, as JSON. */
  stateAtCrash = '';

  private crash(): void {
    const state = JSON.stringify(this.current.snapshot());
    this.stateAtCrash = state;
    this.current.stop?.();
    this.handlers = { bar: [], trade: [], quote: [] };
    this.current = this.make();
    this.current.start({ ...this.env!, data: this.proxy() });
    this.current.restore(JSON.parse(state));
  }

  onReport(r: ExecutionReport): void | Promise<void> { return this.current.onReport(r); }
  snapshot(): unknown { return this.current.snapshot(); }
  restore(s: unknown): void { this.current.restore(s); }
}

describe('crash and restart', () => {
  const config: StackConfig = {
    agents: [agents[1]!, agents[3]!],
    allocator: { kind: 'volatility-target', targetVolatility: 0.15, lookback: 10, periodsPerYear: 2016, maxLeverage: 2 },
    risk: { maxPosition: 25, maxOrdersPerWindow: 3, orderWindowUs: 6 * US_PER_HOUR, maxDailyLoss: 300 },
    execution: { orderTimeoutUs: 30 * US_PER_SECOND, maxRetries: 2 },
  };
  const latency = { model: 'constant' as const, orderUs: 0, reportUs: 45 * US_PER_SECOND }; // retries happen

  it.each([37, 150, 222])('restored at bar %i, the run is identical to one that never crashed', async (atBar) => {
    const straight = await runStack({ closes, stack: createReferenceStack(config), extra: { latency } });
    const crashed = await runStack({ closes, stack: new CrashOnce(() => createReferenceStack(config), atBar), extra: { latency } });
    expect(crashed.identityFailures).toEqual([]);
    expect(straight.result.fills.length).toBeGreaterThan(3);
    expect(straight.records.some((r) => r.kind === 'retry')).toBe(true);
    expect(crashed.result.fills).toEqual(straight.result.fills);
    expect(crashed.result.fingerprint).toBe(straight.result.fingerprint);
  });

  it('restored during a long venue outage: the lost orders are re-sent as if it never crashed, same run', async () => {
    // The link is down for 150 of 300 hourly bars: orders pile up unanswered, new orders re-send
    // them while the venue has answered since (resendAbandoned), so a restart must carry that along.
    const outage = { venueFaults: [{ kind: 'disconnect' as const, fromUs: RUN_START_US + 50 * US_PER_HOUR, toUs: RUN_START_US + 200 * US_PER_HOUR, probability: 0 }] };
    const plain: StackConfig = { agents: [agents[0]!], allocator: { kind: 'fixed-quantity', quantity: 10 } };
    const straight = await runStack({ closes, stack: createReferenceStack(plain), extra: outage });
    expect(straight.records.filter((r) => r.kind === 'retry').length).toBeGreaterThan(20);
    for (const atBar of [60, 120, 199, 201]) {
      const crashed = await runStack({ closes, stack: new CrashOnce(() => createReferenceStack(plain), atBar), extra: outage });
      expect(crashed.result.fingerprint, `crash at bar ${atBar}`).toBe(straight.result.fingerprint);
    }
  });

  it('restored while requests are unanswered: timers re-armed from the snapshot, same run', async () => {
    // 20-second bars, reports after 45 s, timeout 30 s: a crash lands between a send and its answer.
    const fast: StackConfig = { ...config, risk: { maxPosition: 25, maxOrdersPerWindow: 3, orderWindowUs: 120 * US_PER_SECOND } };
    const barUs = 20 * US_PER_SECOND;
    const straight = await runStack({ closes, stack: createReferenceStack(fast), barUs, extra: { latency } });
    for (const atBar of [31, 64, 120]) {
      const crashing = new CrashOnce(() => createReferenceStack(fast), atBar);
      const crashed = await runStack({ closes, stack: crashing, barUs, extra: { latency } });
      const open = (JSON.parse(crashing.stateAtCrash) as { execution: ExecutionState }).execution;
      if (open.open.some((id) => open.orders[id]!.outstanding !== 'none')) {
        expect(crashed.result.fingerprint).toBe(straight.result.fingerprint);
        expect(crashed.result.fills).toEqual(straight.result.fills);
        return;
      }
    }
    throw new Error('no crash point had an unanswered request: pick others');
  });
});

describe('retries never duplicate an order at the venue', () => {
  const config: StackConfig = { agents: [agents[1]!], allocator: { kind: 'fixed-quantity', quantity: 10 }, execution: { orderTimeoutUs: US_PER_SECOND, maxRetries: 5 } };

  it('report latency longer than the timeout: the same id is re-sent, the venue books it once', async () => {
    const stack = createReferenceStack(config);
    const run = await runStack({ closes, stack, extra: { latency: { model: 'constant', orderUs: 0, reportUs: 3 * US_PER_SECOND } } });
    const orders = run.records.filter((r) => r.kind === 'order');
    const retries = run.records.filter((r) => r.kind === 'retry' && r.action === 'submit');
    expect(retries.length).toBeGreaterThanOrEqual(2 * orders.length); // two timeouts before each ack arrives
    const filledIds = run.result.fills.map((f) => f.clientOrderId);
    expect(new Set(filledIds).size).toBe(filledIds.length); // one fill per order: never booked twice
    expect(filledIds.length).toBe(orders.length);
    expect(stack.books.positionRaw(0)).toBe(run.result.ledgerState.positions[0]!.quantityRaw);
    expect(stack.execution.openCount()).toBe(0);
  });

  it('a lost ack: the retry gets the answer, the venue books the order once', async () => {
    const inner = createReferenceStack(config);
    let dropped = 0;
    const lossy: TradingStack = {
      start: (env) => inner.start(env),
      onReport: (r) => { if (r.kind === 'accepted' && dropped++ === 0) return; inner.onReport(r); },
      snapshot: () => inner.snapshot(),
      restore: (s) => inner.restore(s),
    };
    // A minute between bars: the fill (at the next open) cannot answer the order before the timeout.
    const run = await runStack({ closes, stack: lossy, gapUs: 60 * US_PER_SECOND });
    const first = run.records.find((r) => r.kind === 'order')!;
    expect(run.records.map(lifecycleText)).toContain(`retry submit of ${String(first.clientOrderId)} (send 2)`);
    expect(run.result.fills.filter((f) => f.clientOrderId === first.clientOrderId).length).toBe(1);
    expect(inner.books.positionRaw(0)).toBe(run.result.ledgerState.positions[0]!.quantityRaw);
    expect(inner.execution.order(first.clientOrderId as string)!.status).toBe('filled');
  });
});

describe('the stack keeps its own clock', () => {
  it('journals signals and orders at its (skewed) clock, not the kernel\'s', async () => {
    const skewUs = US_PER_HOUR / 2;
    const stack = createReferenceStack({ agents: [agents[4]!], allocator: { kind: 'fixed-quantity', quantity: 1 } });
    let kernelNow = 0;
    const skewed: TradingStack = {
      start: (env) => { kernelNow = 1; withEnv(stack, { clock: { nowUs: () => env.clock.nowUs() + skewUs } }).start(env); },
      onReport: (r) => stack.onReport(r), snapshot: () => stack.snapshot(), restore: (s) => stack.restore(s),
    };
    const run = await runStack({ closes: closes.slice(0, 5), stack: skewed });
    expect(kernelNow).toBe(1);
    const signal = run.records.find((r) => r.kind === 'signal')!;
    expect(signal.timeUs).toBe(RUN_START_US + US_PER_HOUR + skewUs); // bar 0 closes at +1h
  });

  it('no stack source reads the kernel clock', () => {
    const root = dirname(fileURLToPath(import.meta.url));
    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
    });
    const offenders = files(root).filter((f) => /kernel\.clock|context\.clock|\bVirtualClock\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('ReferenceStack', () => {
  it('refuses duplicate agent ids and no agents', () => {
    const a = createAgent(agents[4]!);
    expect(() => new ReferenceStack({ agents: [], allocator: { needsEquity: false, targetQuantityRaw: () => 0, snapshot: () => null, restore: () => {} }, risk: createReferenceStack({ agents: [agents[4]!] }).risk })).toThrow(/at least one agent/);
    expect(() => createReferenceStack({ agents: [agents[4]!, agents[4]!] })).toThrow(/unique/);
    expect(a.id).toBe('buy-and-hold');
  });
});
