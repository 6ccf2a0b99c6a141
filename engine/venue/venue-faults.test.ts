// Venue faults through the real backtest with the reference stack: each kind applies inside its
// window only, is journaled (faultApplied) and counted; the same seed gives the same journal, and
// another seed other draws over the same market; lost acks under retries never double an order
// with the reference execution, while a stack that re-sends under a new id does.
import { zigzagBars } from '../stack/testing/run-stack.ts';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestResult } from '../backtest/backtest.ts';
import { MARKET_KINDS, type JournalKind } from '../kernel/journal.ts';
import type { JournalRecord } from '../kernel/journal-view.ts';
import { US_PER_HOUR, US_PER_SECOND, utcTimeUs } from '../kernel/time.ts';
import { arraySource, type BarRow } from '../market/array-source.ts';
import { createReferenceStack } from '../stack/stack-config.ts';
import { withNewIdRetries } from '../stack/testing/broken-execution.ts';
import { JournalCollector } from '../stack/testing/test-kit.ts';
import type { TradingStack } from '../stack/types.ts';
import { PARTIAL_FILL_CANCEL_REASON, type VenueFault } from './faults.ts';
import type { ExecutionReport } from './orders.ts';

const T0 = utcTimeUs(2024, 1, 2);
const FROM = T0 + 100 * US_PER_HOUR;
const TO = T0 + 200 * US_PER_HOUR;
const inWindow = (t: number): boolean => t >= FROM && t < TO;

/**
 * A zig-zag walk: enough SMA(5) crossings to trade every few bars. A minute separates one bar's
 * close (where the stack sends its market order) from the next one's open (where it fills), so
 * an order waits for its fill longer than the stack's 5 s timeout: a lost ack is then noticed.
 */
const GAP_US = 60 * US_PER_SECOND;
function bars(n: number): BarRow[] {
  return zigzagBars(n, T0, GAP_US);
}
const ROWS = bars(300);

interface Run { result: BacktestResult; records: JournalRecord[]; delivered: { atUs: number; report: ExecutionReport }[] }

/** Keeps every report as the stack receives it, with the time it arrives. */
function spy(stack: TradingStack, delivered: Run['delivered']): TradingStack {
  let now = (): number => 0;
  return {
    start: (env) => { now = () => env.kernel.clock.nowUs(); return stack.start(env); },
    onReport: (r) => { delivered.push({ atUs: now(), report: r }); return stack.onReport(r); },
    snapshot: () => stack.snapshot(), restore: (s) => stack.restore(s), stop: () => stack.stop?.(),
  };
}

async function run(venueFaults: readonly VenueFault[] = [], opts: { seed?: number; broken?: boolean } = {}): Promise<Run> {
  const sink = new JournalCollector();
  const delivered: Run['delivered'] = [];
  const result = await runBacktest({
    seed: opts.seed ?? 11,
    instruments: [{ id: 'X', kind: 'equity', priceDecimals: 2 }],
    account: { currency: 'USD', startCash: 100_000 },
    sources: [arraySource({ instrumentId: 'X', priceDecimals: 2, barIntervalUs: US_PER_HOUR }, { type: 'bar', rows: ROWS })],
    stack: () => {
      const s = createReferenceStack({ agents: [{ kind: 'sma-crossover', instrument: 'X', period: 5, allowShort: true }], allocator: { kind: 'fixed-quantity', quantity: 10 } });
      return spy(opts.broken === true ? withNewIdRetries(s) : s, delivered);
    },
    journalSink: sink,
    venueFaults,
  });
  return { result, records: sink.records(), delivered };
}

const of = (r: Run, kind: JournalKind): JournalRecord[] => r.records.filter((x) => x.kind === kind);
const faultsOf = (r: Run, fault: string): JournalRecord[] => of(r, 'faultApplied').filter((x) => x.fault === fault);
const market = (r: Run): JournalRecord[] => r.records.filter((x) => MARKET_KINDS.has(x.kind as JournalKind));
const window = (kind: VenueFault['kind'], extra: Partial<VenueFault> = {}): VenueFault => ({ kind, fromUs: FROM, toUs: TO, probability: 1, ...extra });

/** Checks that a fault kind was applied, only in the window, and counted as journaled. */
function appliedInWindow(r: Run, fault: string): JournalRecord[] {
  const applied = faultsOf(r, fault);
  expect(applied.length).toBeGreaterThan(0);
  expect(applied.every((x) => inWindow(x.timeUs as number))).toBe(true);
  expect(r.result.faults.byKind[fault]).toBe(applied.length);
  return applied;
}

const baseline = await run();

describe('venue faults through the reference stack', () => {
  it('baseline: trades on both sides of the window, no fault, no resend', () => {
    const orders = of(baseline, 'order');
    expect(orders.filter((o) => inWindow(o.timeUs as number)).length).toBeGreaterThan(5);
    expect(orders.filter((o) => !inWindow(o.timeUs as number)).length).toBeGreaterThan(5);
    expect(baseline.result.faults.total).toBe(0);
    expect(baseline.result.venue).toEqual({ duplicateOrders: 0, resends: 0, ordersBooked: orders.length });
  });

  it('reject: every order arriving in the window is rejected with the reason, none outside', async () => {
    const r = await run([window('reject', { reason: 'broker says no' })]);
    const applied = appliedInWindow(r, 'venue-reject');
    const rejects = of(r, 'venueReject');
    expect(rejects.map((x) => x.clientOrderId)).toEqual(applied.map((x) => x.faultTarget));
    expect(rejects.every((x) => x.reason === 'broker says no' && inWindow(x.timeUs as number))).toBe(true);
    const inside = of(r, 'order').filter((o) => inWindow(o.timeUs as number));
    expect(rejects.length).toBe(inside.length);
    expect(r.result.fills.every((f) => !inWindow(f.timeUs))).toBe(true);
  });

  it('partial-fill: orders in the window fill floor(fraction * quantity), the venue cancels the rest', async () => {
    const r = await run([window('partial-fill', { fillFraction: 0.5 })]);
    const applied = appliedInWindow(r, 'venue-partial-fill');
    for (const a of applied) {
      const id = a.faultTarget as string;
      const order = of(r, 'order').find((o) => o.clientOrderId === id)!;
      const filled = r.result.fills.filter((f) => f.clientOrderId === id).reduce((q, f) => q + f.quantity, 0);
      expect(filled).toBe(Math.floor(0.5 * (order.quantity as number)));
      expect(of(r, 'cancel').filter((c) => c.clientOrderId === id).map((c) => c.reason)).toEqual([PARTIAL_FILL_CANCEL_REASON]);
    }
    // Orders outside the window fill whole.
    for (const o of of(r, 'order').filter((x) => !inWindow(x.timeUs as number) && (x.timeUs as number) < FROM)) {
      expect(r.result.fills.filter((f) => f.clientOrderId === o.clientOrderId).reduce((q, f) => q + f.quantity, 0)).toBe(o.quantity);
    }
  });

  it('lost-ack: the venue books the order, the stack retries the same id, the venue answers its status and never books it twice', async () => {
    const r = await run([window('lost-ack')]);
    const applied = appliedInWindow(r, 'venue-lost-ack');
    // Accepted at the venue (journaled), but the stack never got that ack.
    for (const a of applied) expect(of(r, 'venueAccept').some((x) => x.clientOrderId === a.faultTarget)).toBe(true);
    expect(of(r, 'retry').length).toBeGreaterThan(0);
    expect(r.result.venue.resends).toBeGreaterThan(0);
    expect(r.result.venue.duplicateOrders).toBe(0);
    expect(r.result.venue.ordersBooked).toBe(of(r, 'order').length);
    // Same trades as without the fault: a lost ack changes no position.
    expect(r.result.fills).toEqual(baseline.result.fills);
  });

  it('delay: reports sent in the window arrive delayUs late, in order; others on time', async () => {
    const delayUs = 2 * US_PER_SECOND;
    const r = await run([window('delay', { delayUs })]);
    appliedInWindow(r, 'venue-delay');
    for (const d of r.delivered) expect(d.atUs - d.report.timeUs).toBe(inWindow(d.report.timeUs) ? delayUs : 0);
    const arrivals = r.delivered.map((d) => d.atUs);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    expect(r.result.fills).toEqual(baseline.result.fills);
  });

  it('disconnect: orders arriving while the link is down are lost (the stack retries), reports made then are held to its end', async () => {
    // Down for 7 s from an order's sending (it and its first retry are lost, the second gets
    // through), and for 20 s from a later fill (its report is held to the end).
    const sent = of(baseline, 'order').find((o) => inWindow(o.timeUs as number))!;
    const filled = baseline.result.fills.find((f) => f.timeUs > (sent.timeUs as number) + US_PER_HOUR)!;
    const downOrder: VenueFault = { kind: 'disconnect', fromUs: sent.timeUs as number, toUs: (sent.timeUs as number) + 7 * US_PER_SECOND, probability: 0 };
    const down: VenueFault = { kind: 'disconnect', fromUs: filled.timeUs, toUs: filled.timeUs + 20 * US_PER_SECOND, probability: 0 };
    const r = await run([downOrder, down]);
    const applied = faultsOf(r, 'venue-disconnect');
    const inEither = (t: number): boolean => [downOrder, down].some((w) => t >= w.fromUs && t < w.toUs);
    expect(applied.every((x) => inEither(x.timeUs as number))).toBe(true);
    expect(r.result.faults.byKind['venue-disconnect']).toBe(applied.length);
    expect(applied.some((x) => String(x.detail).includes('report held'))).toBe(true);
    const held = r.delivered.filter((d) => d.report.timeUs >= down.fromUs && d.report.timeUs < down.toUs);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((d) => d.atUs === down.toUs)).toBe(true);
    const lost = applied.filter((x) => String(x.detail).includes('submit lost'));
    expect(lost.map((x) => [x.faultTarget, x.timeUs])).toEqual([[sent.clientOrderId, downOrder.fromUs], [sent.clientOrderId, downOrder.fromUs + 5 * US_PER_SECOND]]);
    expect(of(r, 'retry').filter((x) => x.clientOrderId === sent.clientOrderId).length).toBe(2);
    // Booked 10 s late, still before its fill at the next open: the trades are the same.
    expect(r.result.fills).toEqual(baseline.result.fills);
    expect(r.result.venue.duplicateOrders).toBe(0);
    expect(r.result.venue.ordersBooked).toBe(of(r, 'order').length);
  });

  it('a long disconnect: each lost order is re-sent a bounded number of times, and all reach the venue once it is back', async () => {
    // Down for 150 of the 300 bars: the stack keeps signalling, so orders pile up unanswered. A
    // new order may re-send each lost one once, but only when the venue has answered something
    // since (it has not: the link is down), so the sends grow with the orders, not their square.
    const longFrom = T0 + 50 * US_PER_HOUR;
    const longTo = T0 + 200 * US_PER_HOUR;
    const r = await run([{ kind: 'disconnect', fromUs: longFrom, toUs: longTo, probability: 0 }]);
    const lostIds = new Set(faultsOf(r, 'venue-disconnect').map((x) => x.faultTarget));
    const orders = of(r, 'order');
    const sentInWindow = orders.filter((o) => (o.timeUs as number) >= longFrom && (o.timeUs as number) < longTo);
    expect(sentInWindow.length).toBeGreaterThan(10);
    expect(lostIds.size).toBe(sentInWindow.length);
    // The default execution config: 3 retries and 8 reconcile retries a cycle, one cycle per order,
    // plus at most one re-send per lost order at the first new order and at the link's return.
    const retries = of(r, 'retry');
    expect(retries.length).toBeLessThanOrEqual(lostIds.size * (3 + 8 + 2));
    for (const id of lostIds) expect(retries.filter((x) => x.clientOrderId === id).length).toBeLessThanOrEqual(3 + 8 + 2);
    // Once it is back, the venue books every order, each once, and every one ends.
    expect(r.result.venue.duplicateOrders).toBe(0);
    expect(r.result.venue.ordersBooked).toBe(orders.length);
    const accepted = new Set(of(r, 'venueAccept').map((x) => x.clientOrderId));
    for (const id of lostIds) expect(accepted.has(id)).toBe(true);
  });

  it('duplicate-report: every report in the window arrives twice; the stack books each fill once', async () => {
    const r = await run([window('duplicate-report')]);
    const applied = appliedInWindow(r, 'venue-duplicate-report');
    const inside = r.delivered.filter((d) => inWindow(d.report.timeUs));
    expect(inside.length).toBe(2 * applied.length);
    expect(of(r, 'duplicateReport').length).toBe(inside.filter((d) => d.report.kind === 'fill').length / 2);
    expect(r.result.fills).toEqual(baseline.result.fills);
    expect(r.result.final).toEqual(baseline.result.final);
  });

  it('same seed, same journal; another seed, other draws over the same market', async () => {
    const faults = [window('reject', { probability: 0.5 }), window('delay', { probability: 0.5, delayUs: US_PER_SECOND })];
    const a = await run(faults, { seed: 1 });
    const b = await run(faults, { seed: 1 });
    const c = await run(faults, { seed: 2 });
    expect(b.result.fingerprint).toBe(a.result.fingerprint);
    expect(c.result.faults.list).not.toEqual(a.result.faults.list);
    expect(market(c)).toEqual(market(a));
    expect(market(a)).toEqual(market(baseline));
  });

  it('validates faults at construction, naming the field', async () => {
    await expect(run([window('partial-fill', { fillFraction: 1 })])).rejects.toThrow(/venueFaults\[0\]\.fillFraction/);
    await expect(run([window('reject'), window('delay')])).rejects.toThrow(/venueFaults\[1\]\.delayUs/);
    await expect(run([window('reject', { probability: 1.5 })])).rejects.toThrow(/venueFaults\[0\]\.probability/);
    await expect(run([window('lost-ack', { toUs: FROM })])).rejects.toThrow(/venueFaults\[0\]\.toUs/);
    await expect(run([window('lost-ack', { instrumentId: 'Y' })])).rejects.toThrow(/venueFaults\[0\]\.instrumentId: no instrument Y/);
    await expect(run([window('lost-ack', { delayUs: 5 })])).rejects.toThrow(/venueFaults\[0\]\.delayUs: not used/);
  });
});

describe('a stack that re-sends under a new client order id', () => {
  it('doubles orders under lost acks, where the reference stack does not', async () => {
    const faults = [window('lost-ack')];
    const reference = await run(faults);
    const broken = await run(faults, { broken: true });
    expect(reference.result.venue.ordersBooked).toBe(of(reference, 'order').length);
    expect(broken.result.venue.ordersBooked).toBeGreaterThan(of(broken, 'order').length);
    // The extra orders trade: the broken stack's position drifts from the reference's.
    expect(broken.result.fills.length).toBeGreaterThan(reference.result.fills.length);
    // Without faults the two are the same stack.
    const calm = await run([], { broken: true });
    expect(calm.result.fingerprint).toBe(baseline.result.fingerprint);
  });
});
