// Proves that the code in docs/plug-in.md compiles and runs as the page says: a user's own agent
// plugged into the reference stack, a user's own whole stack implementing TradingStack, both run
// through runBacktest; and that every code block of the page appears verbatim in this file (the
// import paths aside), so the page cannot drift from code that is tested.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { driveAgent } from './testing/test-kit.ts';

// --- page: imports ---
import {
  arraySource, FixedQuantityAllocator, ReferenceStack, RiskEngine, runBacktest,
  type Agent, type AgentContext, type ExecutionReport, type OrderRequest, type StackEnv, type TradingStack,
} from '../index.ts';

// --- page: agent ---
/** Long after `n` rising closes in a row, flat after `n` falling ones. */
class StreakAgent implements Agent {
  readonly id: string;
  private readonly instrument: string;
  private readonly n: number;
  // Plain data only: snapshot() must capture everything the agent remembers.
  private s = { prevCloseRaw: 0, up: 0, down: 0, target: 0 };

  constructor(id: string, instrument: string, n: number) {
    this.id = id;
    this.instrument = instrument;
    this.n = n;
  }

  start(ctx: AgentContext): void {
    const index = ctx.instruments.findIndex((i) => i.id === this.instrument);
    if (index < 0) throw new RangeError(`agent ${this.id}: unknown instrument ${this.instrument}`);
    ctx.data.onBar((bar) => {
      if (bar.instrumentIndex !== index) return;
      const s = this.s; // no allocation per bar: agents run on every bar
      if (s.prevCloseRaw > 0) {
        s.up = bar.closeRaw > s.prevCloseRaw ? s.up + 1 : 0;
        s.down = bar.closeRaw < s.prevCloseRaw ? s.down + 1 : 0;
      }
      s.prevCloseRaw = bar.closeRaw;
      const want = s.up >= this.n ? 1 : s.down >= this.n ? 0 : s.target;
      if (want !== s.target) {
        s.target = want;
        ctx.signal(index, want); // target exposure in [-1, 1]
      }
    });
  }

  snapshot(): unknown { return { ...this.s }; }
  restore(state: unknown): void { this.s = { ...(state as typeof this.s) }; }
}
// --- end ---

// --- page: whole stack ---
/** Buys `quantity` shares at the first bar and keeps its own position from the fills it is sent. */
class FirstBarBuyer implements TradingStack {
  private readonly quantityRaw: number;
  private s = { sent: false, positionRaw: 0 };

  constructor(quantityRaw: number) {
    this.quantityRaw = quantityRaw;
  }

  start(env: StackEnv): void {
    env.data.onBar((bar) => {
      if (this.s.sent) return;
      this.s.sent = true;
      const order: OrderRequest = {
        clientOrderId: 'fbb-1', instrumentIndex: bar.instrumentIndex, side: 1,
        quantityRaw: this.quantityRaw, type: 'market', timeInForce: 'GTC',
      };
      // Journal what you decide: the journal is the run's fingerprint and what reports replay.
      env.journal.record('order', env.clock.nowUs(), order.clientOrderId, bar.instrumentId, order.side, order.quantityRaw, order.type, 0, 0);
      env.venue.submit(order);
    });
  }

  onReport(report: ExecutionReport): void {
    if (report.kind === 'fill') this.s.positionRaw += report.side * report.quantityRaw;
  }

  get positionRaw(): number { return this.s.positionRaw; }
  snapshot(): unknown { return { ...this.s }; }
  restore(state: unknown): void { this.s = { ...(state as typeof this.s) }; }
}
// --- end ---

// --- page: run ---
const HOUR_US = 3_600_000_000;
const closes = [100, 101, 102, 103, 102, 101, 100, 101, 102, 103, 104];
const bars = closes.map((close, i) => ({
  openTimeUs: i * HOUR_US, closeTimeUs: (i + 1) * HOUR_US,
  open: closes[i - 1] ?? close, high: Math.max(close, closes[i - 1] ?? close), low: Math.min(close, closes[i - 1] ?? close), close,
}));
const market = () => [arraySource({ instrumentId: 'X', priceDecimals: 0, barIntervalUs: HOUR_US }, { type: 'bar', rows: bars })];
const common = { seed: 1, instruments: [{ id: 'X', kind: 'equity' as const, priceDecimals: 0 }], account: { currency: 'USD', startCash: 10_000 } };

// Your agent inside the reference stack: it sizes, risk-checks and executes the agent's signals.
const withMyAgent = await runBacktest({
  ...common, sources: market(),
  stack: () => new ReferenceStack({
    agents: [new StreakAgent('streak', 'X', 3)],
    allocator: new FixedQuantityAllocator({ quantity: 10 }),
    risk: new RiskEngine({ maxPosition: 10 }),
  }),
});

// Your whole stack instead of the reference one.
const myStack = new FirstBarBuyer(5);
const withMyStack = await runBacktest({ ...common, sources: market(), stack: () => myStack });
// --- end ---

describe('docs/plug-in.md', () => {
  it('the agent signals where its rule says (checked by hand: 3 rises end at bar 3, 3 falls at bar 6, 3 rises at bar 9)', () => {
    const d = driveAgent(new StreakAgent('streak', 'X', 3));
    d.feed(closes);
    expect(d.signals.map((s) => [s.bar, s.target])).toEqual([[3, 1], [6, 0], [9, 1]]);
  });

  it('the agent trades inside the reference stack: fills at the next open', () => {
    expect(withMyAgent.fills.map((f) => [f.side, f.quantity, f.price])).toEqual([['buy', 10, 103], ['sell', 10, 100], ['buy', 10, 103]]);
  });

  it('the whole stack trades and keeps its own books', () => {
    expect(withMyStack.fills.map((f) => [f.clientOrderId, f.side, f.quantity, f.price])).toEqual([['fbb-1', 'buy', 5, 100]]);
    expect(myStack.positionRaw).toBe(5);
    expect(withMyStack.final.equity).toBe(1_000_000 + 5 * (104 - 100) * 100); // cents
  });

  it('every code block of the page is in this file', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const page = readFileSync(join(here, '..', '..', 'docs', 'plug-in.md'), 'utf8');
    const self = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.replace("from './engine/index.ts'", "from '../index.ts'"));
    expect(blocks.length).toBe(4);
    for (const b of blocks) expect(self).toContain(b);
  });
});
