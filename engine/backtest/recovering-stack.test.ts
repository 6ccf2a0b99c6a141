// Crash and restart of the reference stack on the real backtest: with no downtime the run is the
// run that never crashed, byte for byte, wherever the crash lands (orders in flight included);
// with downtime the stack reconciles with the venue: nothing is lost or doubled, its books agree
// with the venue's, and it trades again.
import { describe, expect, it } from 'vitest';
import { US_PER_SECOND } from '../kernel/time.ts';
import { DirectDataClient } from '../stack/data-client/direct-data-client.ts';
import type { ExecutionState } from '../stack/execution/execution-engine.ts';
import type { ReferenceStack } from '../stack/reference-stack.ts';
import { createReferenceStack, type StackConfig } from '../stack/stack-config.ts';
import { runStack, RUN_START_US, wavyCloses, type StackRun } from '../stack/testing/run-stack.ts';
import { lifecycleText } from '../stack/testing/lifecycle-text.ts';
import type { BarView, TradingStack } from '../stack/types.ts';
import type { CrashPlanEntry } from './recovering-stack.ts';

const closes = wavyCloses(240, { seed: 977, wave: 7 });
const BAR_US = 20 * US_PER_SECOND;
const config: StackConfig = {
  agents: [{ kind: 'sma-fast-slow', instrument: 'X', fast: 3, slow: 8, allowShort: true }, { kind: 'rsi-reversion', instrument: 'X', period: 6, allowShort: true }],
  allocator: { kind: 'fixed-quantity', quantity: 7 },
  risk: { maxPosition: 25, maxOrdersPerWindow: 3, orderWindowUs: 120 * US_PER_SECOND },
  execution: { orderTimeoutUs: 30 * US_PER_SECOND, maxRetries: 2 },
};
// Reports take 45 s and bars are 20 s: most instants have a request unanswered (retries happen).
const latency = { model: 'constant' as const, orderUs: 5 * US_PER_SECOND, reportUs: 45 * US_PER_SECOND };

let lastInstance: ReferenceStack | null = null;
const make = (): TradingStack => (lastInstance = createReferenceStack(config));

function run(crashes: readonly CrashPlanEntry[] = []): Promise<StackRun> {
  return runStack({ closes, stack: make(), make, barUs: BAR_US, extra: { latency, crashes } });
}

/** Whether an order was sent and its last report had not reached the stack at `atUs`. */
function inFlightAt(r: StackRun, atUs: number): boolean {
  const sent = new Map<unknown, number>();
  for (const rec of r.records) {
    const t = rec.timeUs as number;
    if (rec.kind === 'order' && t <= atUs) sent.set(rec.clientOrderId, Number.POSITIVE_INFINITY);
    if (rec.kind === 'fill' || rec.kind === 'cancel' || rec.kind === 'venueReject' || rec.kind === 'expire') sent.set(rec.clientOrderId, t + latency.reportUs);
  }
  return [...sent.values()].some((doneUs) => doneUs > atUs);
}

describe('restart with no downtime', () => {
  it('is the run that never crashed, at every 3rd bar, orders in flight or not', async () => {
    const straight = await run();
    expect(straight.records.some((r) => r.kind === 'retry')).toBe(true);
    expect(straight.result.fills.length).toBeGreaterThan(10);
    let inFlight = 0;
    for (let bar = 1; bar < closes.length; bar += 3) {
      const atUs = RUN_START_US + bar * BAR_US + 7 * US_PER_SECOND * (bar % 3); // on and between bar closes
      const crashed = await run([{ atUs, downtimeUs: 0 }]);
      expect(crashed.result.faults.byKind['stack-crash'], `crash at bar ${bar}`).toBe(1);
      expect(crashed.result.fingerprint, `crash at bar ${bar}`).toBe(straight.result.fingerprint);
      if (inFlightAt(straight, atUs)) inFlight++;
    }
    expect(inFlight).toBeGreaterThan(15);
  });

  it('several crashes in one run: still the same run', async () => {
    const straight = await run();
    const crashes = [17, 18, 60, 61, 150].map((b) => ({ atUs: RUN_START_US + b * BAR_US + 3 * US_PER_SECOND, downtimeUs: 0 }));
    const crashed = await run(crashes);
    expect(crashed.result.faults.byKind['stack-crash']).toBe(5);
    expect(crashed.result.fingerprint).toBe(straight.result.fingerprint);
  });
});

describe('restart after downtime', () => {
  const downtimes = [30 * US_PER_SECOND, 90 * US_PER_SECOND, 10 * 60 * US_PER_SECOND];
  it.each(downtimes)('down %i us: nothing lost or doubled, books agree with the venue, trades again', async (downtimeUs) => {
    let reconciled = 0;
    let lost = 0;
    for (let bar = 20; bar < 200; bar += 23) {
      const atUs = RUN_START_US + bar * BAR_US + 11 * US_PER_SECOND;
      const r = await run([{ atUs, downtimeUs }]);
      const where = `crash at bar ${bar}, down ${downtimeUs} us`;
      expect(r.identityFailures, where).toEqual([]);
      // No order booked twice: every fill's order was sent once, and the venue saw no new order with a used id.
      const ids = r.records.filter((x) => x.kind === 'order').map((x) => x.clientOrderId);
      expect(new Set(ids).size, where).toBe(ids.length);
      // The stack's books agree with the venue's (the ledger's) position, and every order ended.
      const stack = lastInstance!;
      expect(stack.books.positionRaw(0), where).toBe(r.result.ledgerState.positions[0]!.quantityRaw);
      expect(stack.execution.openCount(), where).toBe(0);
      // It traded again after the restart.
      const restartUs = atUs + downtimeUs;
      expect(r.records.some((x) => x.kind === 'order' && (x.timeUs as number) > restartUs), where).toBe(true);
      expect(r.records.filter((x) => x.kind === 'stackRestart').length).toBe(1);
      reconciled += r.records.filter((x) => x.kind === 'reconcile').length;
      lost += r.records.filter((x) => x.kind === 'reportLost').length;
    }
    expect(lost).toBeGreaterThan(0);
    expect(reconciled).toBeGreaterThan(0);
  });

  it('a fill report lost while down is reconciled from the venue at the restart', async () => {
    // Reports take 45 s: down from 40 s to 60 s after a fill, the stack misses its report.
    const straight = await run();
    const fill = straight.records.find((x) => x.kind === 'fill' && (x.timeUs as number) > RUN_START_US + 40 * BAR_US)!;
    const r = await run([{ atUs: (fill.timeUs as number) + 40 * US_PER_SECOND, downtimeUs: 20 * US_PER_SECOND }]);
    const text = r.records.map(lifecycleText).filter((t) => t !== null);
    expect(text).toContain(`fill report for ${String(fill.clientOrderId)} lost: the stack was down`);
    expect(text).toContain(`reconciled fill of ${String(fill.clientOrderId)}: a fill the stack had not booked`);
    expect(lastInstance!.books.positionRaw(0)).toBe(r.result.ledgerState.positions[0]!.quantityRaw);
  });
});

describe('a stopped instance leaves nothing behind', () => {
  it('stop() removes its data subscriptions and timers', () => {
    const data = new DirectDataClient();
    const stack = createReferenceStack(config);
    let timers = 0;
    const kernel = { schedule: () => { timers++; return () => { timers--; }; } };
    stack.start({
      data, venue: { submit: () => {}, cancel: () => {}, replace: () => {} }, clock: { nowUs: () => 0 },
      kernel: kernel as never, journal: { record: () => {}, signal: () => {} } as never,
      instruments: [{ id: 'X', index: 0, priceDecimals: 0, quantityDecimals: 0, lotSizeRaw: 1 } as never],
      account: { currency: 'USD', moneyDecimals: 2, startCash: 1_000_000 },
    });
    const bar: BarView = { instrumentId: 'X', instrumentIndex: 0, openTimeUs: 0, closeTimeUs: 1, open: 10, high: 10, low: 10, close: 10, volume: 0, openRaw: 10, highRaw: 10, lowRaw: 10, closeRaw: 10, priceDecimals: 0 };
    data.pushBar(bar);
    expect(stack.books.lastPriceRaw(0)).toBe(10);
    stack.stop();
    data.pushBar({ ...bar, closeRaw: 20, close: 20 });
    expect(stack.books.lastPriceRaw(0)).toBe(10); // no handler of the stopped stack ran
    expect(timers).toBe(0);
  });

  it('the snapshot at a crash is the state the new instance restores', async () => {
    const atUs = RUN_START_US + 100 * BAR_US + 5 * US_PER_SECOND;
    const r = await run([{ atUs, downtimeUs: 0 }]);
    const crash = r.result.faults.list.find((f) => f.kind === 'stack-crash')!;
    expect(crash.timeUs).toBe(atUs);
    expect(crash.detail).toMatch(/^down for 0 us; snapshot \d+ bytes; \d+ messages in flight$/);
    expect((lastInstance!.snapshot().execution as ExecutionState).seq).toBeGreaterThan(0);
  });
});

describe('a stack that cannot be restored is an error naming why', () => {
  it('a snapshot JSON cannot carry fails the run at the crash, naming the field', async () => {
    const bad = (): TradingStack => {
      const inner = createReferenceStack(config);
      return { start: (env) => inner.start(env), onReport: (r) => inner.onReport(r), snapshot: () => ({ ...inner.snapshot(), lastSignalAtUs: Number.NaN }), restore: (s) => inner.restore(s), stop: () => inner.stop() };
    };
    const atUs = RUN_START_US + 50 * BAR_US;
    await expect(runStack({ closes, stack: bad(), make: bad, barUs: BAR_US, extra: { latency, crashes: [{ atUs, downtimeUs: 0 }] } }))
      .rejects.toThrow(/stack snapshot: state\.lastSignalAtUs is NaN, which JSON cannot carry/);
  });

  it('an instance that sends after its crash (its stop() left a timer running) is named', async () => {
    const leaky = (): TradingStack => {
      const inner = createReferenceStack(config);
      let kernel: { schedule: (d: number, n: string, run: () => void) => () => void } | null = null;
      let venue: { submit: (o: { clientOrderId: string; instrumentIndex: number; side: 1 | -1; quantityRaw: number; type: 'market'; timeInForce: 'GTC' }) => void } | null = null;
      let sent = 0;
      return {
        start: (env) => { kernel = env.kernel; venue = env.venue; inner.start(env); },
        onReport: (r) => inner.onReport(r), snapshot: () => inner.snapshot(), restore: (s) => inner.restore(s),
        // stop() arms a timer of its own through a kernel it kept from start (a zombie thread).
        stop: () => { inner.stop(); const v = venue!; setTimeoutLike(kernel!, () => v.submit({ clientOrderId: `z-${sent++}`, instrumentIndex: 0, side: 1, quantityRaw: 1, type: 'market', timeInForce: 'GTC' })); },
      };
    };
    const atUs = RUN_START_US + 50 * BAR_US;
    // The timer was armed through the instance's own kernel view: cancelled at the crash, so the run is clean.
    const r = await runStack({ closes, stack: leaky(), make: leaky, barUs: BAR_US, extra: { latency, crashes: [{ atUs, downtimeUs: 60 * US_PER_SECOND }] } });
    expect(r.records.some((x) => String(x.clientOrderId ?? '').startsWith('z-'))).toBe(false);
  });
});

describe('a task of a dead instance', () => {
  it('that sends an order after the crash is an error naming it', async () => {
    const spawning = (): TradingStack => {
      const inner = createReferenceStack(config);
      return {
        start: (env) => {
          inner.start(env);
          // A background task that outlives stop(): started at the first bar, it wakes after the crash and sends.
          let started = false;
          env.data.onBar(() => {
            if (started) return;
            started = true;
            env.kernel.spawn('poller', async () => {
              await env.kernel.sleep(60 * BAR_US);
              env.venue.submit({ clientOrderId: 'zombie-1', instrumentIndex: 0, side: 1, quantityRaw: 1, type: 'market', timeInForce: 'GTC' });
            });
          });
        },
        onReport: (r) => inner.onReport(r), snapshot: () => inner.snapshot(), restore: (s) => inner.restore(s), stop: () => inner.stop(),
      };
    };
    let built = 0;
    const make = (): TradingStack => (built++ === 0 ? spawning() : createReferenceStack(config));
    await expect(runStack({ closes, stack: createReferenceStack(config), make, barUs: BAR_US, extra: { latency, crashes: [{ atUs: RUN_START_US + 50 * BAR_US, downtimeUs: 0 }] } }))
      .rejects.toThrow(/a crashed stack instance tried to submit zombie-1: its stop\(\) left work running/);
  });
});

function setTimeoutLike(kernel: { schedule: (d: number, n: string, run: () => void) => () => void }, run: () => void): void {
  kernel.schedule(1, 'zombie', run);
}
