// Proves, for each risk limit, that a stack trying to breach it never sends an order that breaks
// it and that each refused order is journaled with the limit's reason. Each test runs the real
// backtest with a scripted agent, then re-derives positions, working orders, prices and equity
// from the decoded journal alone (not from the stack) and checks every order against the limit.
// Also: after the daily-loss limit only risk-reducing orders pass until the next session, when
// new risk is allowed again; the kill switch (by hand, and on drawdown) lets only flattening
// orders through; risk state round-trips through snapshot/restore.
import { describe, expect, it } from 'vitest';
import { Journal } from '../../kernel/journal.ts';
import type { JournalRecord } from '../../kernel/journal-view.ts';
import { CALENDARS } from '../../market/calendar.ts';
import { US_PER_HOUR } from '../../kernel/time.ts';
import { FixedQuantityAllocator } from '../allocator/allocator.ts';
import { ReferenceStack } from '../reference-stack.ts';
import { barAtClose, runStack, RUN_START_US } from '../testing/run-stack.ts';
import { ScriptedAgent } from '../testing/test-kit.ts';
import { makeInstrument } from '../../instruments/instrument.ts';
import type { OrderRequest } from '../../venue/orders.ts';
import { RiskEngine, type RiskBookView, type RiskLimits } from './risk-engine.ts';

const START_CASH = 10_000;

/** The state of the account right after each order, re-derived from the journal alone. */
interface OrderPoint {
  timeUs: number;
  id: string;
  side: number;
  quantity: number;
  /** Position plus working orders, before and after this order. */
  exposureBefore: number;
  exposureAfter: number;
  lastClose: number;
  /** Dollars, at the last close. */
  equity: number;
}

function replay(records: JournalRecord[]): { orders: OrderPoint[]; rejects: JournalRecord[]; notes: string[]; finalPosition: number } {
  let position = 0;
  let flow = START_CASH;
  let lastClose = 0;
  const pending = new Map<string, number>();
  const orders: OrderPoint[] = [];
  const exposure = () => position + [...pending.values()].reduce((a, b) => a + b, 0);
  for (const r of records) {
    if (r.kind === 'bar') lastClose = r.close as number;
    else if (r.kind === 'order') {
      const before = exposure();
      pending.set(r.clientOrderId as string, (r.side as number) * (r.quantity as number));
      orders.push({
        timeUs: r.timeUs as number, id: r.clientOrderId as string, side: r.side as number, quantity: r.quantity as number,
        exposureBefore: before, exposureAfter: exposure(), lastClose, equity: flow + position * lastClose,
      });
    } else if (r.kind === 'fill') {
      const q = (r.side as number) * (r.quantity as number);
      position += q;
      flow -= q * (r.price as number) + (r.fee as number) / 100;
      pending.set(r.clientOrderId as string, (pending.get(r.clientOrderId as string) ?? 0) - q);
    } else if (r.kind === 'venueReject' || r.kind === 'cancel' || r.kind === 'expire') {
      pending.delete(r.clientOrderId as string);
    }
  }
  return { orders, rejects: records.filter((r) => r.kind === 'riskReject'), notes: records.filter((r) => r.kind === 'killSwitch' || r.kind === 'dailyLossHalt')
    .map((r) => (r.kind === 'killSwitch' ? `risk: kill switch tripped: ${String(r.reason)}` : `risk: daily loss limit hit in session ${String(r.session)}`)), finalPosition: position };
}

const reducing = (o: OrderPoint) => Math.abs(o.exposureAfter) < Math.abs(o.exposureBefore) && Math.sign(o.exposureAfter) * Math.sign(o.exposureBefore) >= 0;

async function tryLimit(limits: RiskLimits, script: Record<number, number>, closes: number[], quantity = 20, onStack?: (s: ReferenceStack) => (t: number) => void) {
  const stack = new ReferenceStack({ agents: [new ScriptedAgent('script', 'X', script)], allocator: new FixedQuantityAllocator({ quantity }), risk: new RiskEngine(limits) });
  const run = await runStack({ closes, stack, ...(onStack ? { onEvent: onStack(stack) } : {}) });
  expect(run.identityFailures).toEqual([]);
  return { ...replay(run.records), run, stack };
}

const flat = (n: number, price = 100) => Array.from({ length: n }, () => price);
const reasons = (rejects: JournalRecord[]) => rejects.map((r) => (r.reason as string).split(':')[0]);

describe('each limit holds for every order sent, and every refusal is journaled with its reason', () => {
  // Targets x 20 shares: 5, 10, 20 (breach), -5, -20 (breach).
  const script = { 1: 0.25, 3: 0.5, 5: 1, 7: -0.25, 9: -1 };

  it('maxPosition (counting working orders)', async () => {
    const { orders, rejects } = await tryLimit({ maxPosition: 10 }, script, flat(12));
    expect(orders.length).toBe(3);
    for (const o of orders) expect(Math.abs(o.exposureAfter)).toBeLessThanOrEqual(10);
    expect(reasons(rejects)).toEqual(['maxPosition', 'maxPosition']);
  });

  it('maxOrderQuantity', async () => {
    const { orders, rejects } = await tryLimit({ maxOrderQuantity: 6 }, script, flat(12));
    expect(orders.map((o) => o.quantity)).toEqual([5, 5]);
    expect(reasons(rejects)).toEqual(['maxOrderQuantity', 'maxOrderQuantity', 'maxOrderQuantity']);
  });

  it('maxOrderNotional (at the last price)', async () => {
    const { orders, rejects } = await tryLimit({ maxOrderNotional: 600 }, script, flat(12));
    for (const o of orders) expect(o.quantity * o.lastClose).toBeLessThanOrEqual(600);
    expect(orders.length).toBe(2);
    expect(reasons(rejects)).toEqual(['maxOrderNotional', 'maxOrderNotional', 'maxOrderNotional']);
  });

  it('maxPositionNotional', async () => {
    const closes = [100, 100, 100, 100, 120, 120, 120, 120, 120, 120, 120, 120];
    const { orders, rejects } = await tryLimit({ maxPositionNotional: 1_250 }, script, closes);
    for (const o of orders) expect(reducing(o) || Math.abs(o.exposureAfter) * o.lastClose <= 1_250).toBe(true);
    expect(orders.length).toBe(3);
    expect(reasons(rejects)).toEqual(['maxPositionNotional', 'maxPositionNotional']);
  });

  it('maxLeverage (gross notional / equity)', async () => {
    const { orders, rejects } = await tryLimit({ maxLeverage: 0.5 }, { 1: 0.3, 3: 0.6, 5: -0.2, 7: -0.8 }, flat(10), 100);
    for (const o of orders) expect(reducing(o) || Math.abs(o.exposureAfter) * o.lastClose <= 0.5 * o.equity).toBe(true);
    expect(orders.map((o) => o.exposureAfter)).toEqual([30, -20]);
    expect(reasons(rejects)).toEqual(['maxLeverage', 'maxLeverage']);
  });

  it('maxOrdersPerWindow (rolling window of the stack clock)', async () => {
    const flips = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i, i % 2 === 0 ? 0.5 : 0]));
    const { orders, rejects } = await tryLimit({ maxOrdersPerWindow: 2, orderWindowUs: 3 * US_PER_HOUR }, flips, flat(13));
    for (const o of orders) {
      const inWindow = orders.filter((p) => p.timeUs > o.timeUs - 3 * US_PER_HOUR && p.timeUs <= o.timeUs);
      expect(inWindow.length).toBeLessThanOrEqual(2);
    }
    expect(orders.length).toBeGreaterThan(2);
    expect(rejects.length).toBeGreaterThan(0);
    expect(new Set(reasons(rejects))).toEqual(new Set(['maxOrdersPerWindow']));
  });
});

describe('daily-loss limit', () => {
  it('after the loss only risk-reducing orders pass, and new risk is allowed next session', async () => {
    // Hourly bars from 2024-01-02 00:00 UTC, UTC-day sessions. Long 10 at 100 (bar 2's open);
    // the close of 85 at bar 8 makes the session loss 150 = the limit.
    const day1 = [100, 100, 100, 98, 95, 92, 90, 88, 85, 82, 80, ...flat(12, 80)];
    const closes = [...day1, ...flat(8, 80)];
    const script = { 1: 0.5, 12: 1, 14: 0.25, 16: 1, 26: 1 };
    const { orders, rejects, notes, run } = await tryLimit({ maxDailyLoss: 150 }, script, closes);
    const haltNote = run.records.find((r) => r.kind === 'dailyLossHalt')!;
    expect(barAtClose(haltNote.timeUs as number)).toBe(8);
    expect(notes.some((n) => n.includes('session 2024-01-02'))).toBe(true);
    const nextSessionUs = RUN_START_US + 24 * US_PER_HOUR;
    const halted = orders.filter((o) => o.timeUs >= (haltNote.timeUs as number) && o.timeUs < nextSessionUs);
    expect(halted.length).toBe(1);
    for (const o of halted) expect(reducing(o)).toBe(true);
    expect(rejects.map((r) => [barAtClose(r.timeUs as number), String(r.reason).split(':')[0]])).toEqual([[12, 'maxDailyLoss'], [16, 'maxDailyLoss']]);
    const nextDay = orders.filter((o) => o.timeUs >= nextSessionUs);
    expect(nextDay.map((o) => [barAtClose(o.timeUs), o.exposureAfter])).toEqual([[26, 20]]);
  });
});

describe('kill switch', () => {
  it('by hand: working orders cancelled, positions flattened, nothing adds risk after', async () => {
    const killAt = RUN_START_US + 5 * US_PER_HOUR + 1; // not a bar time: the afterEvent hook fires at bar events
    const { orders, notes, finalPosition } = await tryLimit({}, { 1: 0.5, 7: 1 }, flat(10), 20, (stack) => (t) => {
      if (t >= killAt - 1 && !stack.risk.killed) stack.kill('operator');
    });
    expect(notes).toContain('risk: kill switch tripped: operator');
    expect(orders.map((o) => o.exposureAfter)).toEqual([10, 0]);
    expect(finalPosition).toBe(0);
  });

  it('without flattening: new risk is refused and journaled, reducing orders pass', async () => {
    const { orders, rejects } = await tryLimit({ flattenOnKill: false }, { 1: 0.5, 7: 1, 8: 0 }, flat(10), 20, (stack) => (t) => {
      if (t >= RUN_START_US + 5 * US_PER_HOUR && !stack.risk.killed) stack.kill('operator');
    });
    expect(orders.map((o) => o.exposureAfter)).toEqual([10, 0]);
    expect(rejects.map((r) => String(r.reason))).toEqual(['killSwitch: tripped (operator); only risk-reducing orders pass']);
  });

  it('on drawdown: trips by itself and flattens', async () => {
    const closes = [100, 100, 100, 99, 95, 94, 93, 100, 110, 120];
    const { orders, notes, finalPosition } = await tryLimit({ killSwitchDrawdown: 0.005 }, { 1: 1, 8: 1 }, closes, 20);
    const note = notes.find((n) => n.startsWith('risk: kill switch tripped: drawdown'));
    expect(note).toBeDefined(); // 20 shares x 100 -> 95: equity 9900 is 1% below 10000
    expect(orders.map((o) => o.exposureAfter)).toEqual([20, 0]);
    expect(finalPosition).toBe(0);
  });
});

describe('what the checks count', () => {
  const inst = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 0 }, 2);
  const view = (positionRaw: number, pendingRaw: number): RiskBookView => ({
    instruments: [inst], moneyDecimals: 2, positionRaw: () => positionRaw, pendingRaw: () => pendingRaw, lastPriceRaw: () => 100, equity: () => 1_000_000,
  });
  const buy = (quantityRaw: number): OrderRequest => ({ clientOrderId: 'c', instrumentIndex: 0, side: 1, quantityRaw, type: 'market', timeInForce: 'GTC' });
  const started = (limits: RiskLimits) => {
    const r = new RiskEngine(limits);
    r.start({ instruments: [inst], moneyDecimals: 2, journal: new Journal({ rootSeed: 0 }), calendar: CALENDARS.UTC_24H, startEquity: 1_000_000 });
    return r;
  };

  it('position limits count working orders; a reducing order passes even above the limit, a flip does not', () => {
    const r = started({ maxPosition: 10 });
    expect(r.check(buy(2), view(4, 0), 0)).toBeNull();
    expect(r.check(buy(2), view(4, 5), 0)).toMatch(/^maxPosition: position with working orders would be 11, limit 10/);
    expect(r.check({ ...buy(3), side: -1 }, view(15, 0), 0)).toBeNull(); // 15 -> 12: reduces
    expect(r.check({ ...buy(27), side: -1 }, view(15, 0), 0)).toMatch(/^maxPosition/); // 15 -> -12: a flip beyond the limit
  });

  it('leverage counts working orders of every instrument, at last prices', () => {
    const r = started({ maxLeverage: 1 }); // equity $10,000.00: at most 100 shares at $100
    expect(r.check(buy(40), view(30, 30), 0)).toBeNull();
    expect(r.check(buy(41), view(30, 30), 0)).toMatch(/^maxLeverage/);
  });
});

describe('risk engine state', () => {
  it('snapshot -> JSON -> restore keeps the rate window and the halts', async () => {
    const { stack } = await tryLimit({ maxOrdersPerWindow: 2, orderWindowUs: 3 * US_PER_HOUR, maxDailyLoss: 10 }, { 1: 0.5 }, [100, 100, 100, 90, 90]);
    const state = JSON.parse(JSON.stringify(stack.risk.snapshot()));
    const fresh = new RiskEngine({ maxOrdersPerWindow: 2, orderWindowUs: 3 * US_PER_HOUR, maxDailyLoss: 10 });
    fresh.restore(state);
    expect(fresh.snapshot()).toEqual(stack.risk.snapshot());
    expect(fresh.dailyHalted).toBe(true);
    expect(() => new RiskEngine({ maxOrdersPerWindow: 3, orderWindowUs: 1 }).restore(state)).toThrow(/other limits/);
  });

  it('refuses half an order-rate limit and equity limits without an account', () => {
    expect(() => new RiskEngine({ maxOrdersPerWindow: 2 })).toThrow(/go together/);
    const noAccount = new RiskEngine({ maxLeverage: 1 });
    const journal = new Journal({ rootSeed: 0 });
    expect(() => noAccount.start({ instruments: [], moneyDecimals: 2, journal, calendar: CALENDARS.UTC_24H, startEquity: Number.NaN })).toThrow(/need the account/);
  });
});
