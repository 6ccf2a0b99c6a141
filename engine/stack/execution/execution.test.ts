// Proves the order lifecycle: illegal transitions throw naming the order; reports are reconciled
// (a duplicated fill is booked once, a late or duplicate ack changes nothing, a fill after a
// cancel is still booked, unknown ids are ignored and counted); cancels wait for the ack;
// cancel/replace answers move the order as the table says; an unanswered request is re-sent with
// the same client order id at most maxRetries times, then the stack gives up without inventing an
// outcome; timers survive snapshot -> JSON -> restore into a fresh engine. Driven by hand with a
// recording venue and a hand-cranked timer queue (the end-to-end retry test with the real venue
// is in reference-stack.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../kernel/journal.ts';
import { timersOver } from '../../kernel/kernel.ts';
import { makeInstrument } from '../../instruments/instrument.ts';
import type { ExecutionReport, OrderRequest } from '../../venue/orders.ts';
import type { VenueApi } from '../../venue/venue.ts';
import { StackBooks } from '../books/books.ts';
import { RiskEngine } from '../risk/risk-engine.ts';
import { CALENDARS } from '../../market/calendar.ts';
import { JournalCollector } from '../testing/test-kit.ts';
import { ExecutionEngine, FINISHED_KEPT } from './execution-engine.ts';
import type { ExecutionConfig } from './config.ts';
import { IllegalTransitionError, isTerminal, TRANSITIONS, transition, type ExecOrder, type ExecStatus } from './order-state.ts';
import { lifecycleText } from '../testing/lifecycle-text.ts';

const inst = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 0 }, 2);

/** A venue that records what it is asked; the test plays the venue's part by hand. */
class RecordingVenue implements VenueApi {
  calls: string[] = [];
  submit(o: OrderRequest): void { this.calls.push(`submit ${o.clientOrderId}`); }
  cancel(id: string): void { this.calls.push(`cancel ${id}`); }
  replace(id: string, changes: object): void { this.calls.push(`replace ${id} ${JSON.stringify(changes)}`); }
}

/** Timers by hand: schedule() queues, advance() moves time and fires what is due, in order. */
class Timers {
  nowUs = 1_000_000_000;
  private q: { at: number; seq: number; run: () => void; cancelled: boolean }[] = [];
  private seq = 0;
  readonly clock = { nowUs: () => this.nowUs };
  schedule = (delayUs: number, _name: string, run: () => void | Promise<void>): (() => void) => {
    const t = { at: this.nowUs + delayUs, seq: this.seq++, run: () => { void run(); }, cancelled: false };
    this.q.push(t);
    return () => { t.cancelled = true; };
  };
  advance(us: number): void {
    const end = this.nowUs + us;
    for (let guard = 0; guard < 1000; guard++) {
      const due = this.q.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.nowUs = due.at;
      due.run();
    }
    this.nowUs = end;
  }
  get armed(): number { return this.q.filter((t) => !t.cancelled).length; }
}

function setup(config: ExecutionConfig = { orderTimeoutUs: 1_000, maxRetries: 2 }) {
  const timers = new Timers();
  const venue = new RecordingVenue();
  const sink = new JournalCollector();
  const journal = new Journal({ rootSeed: 1, sink });
  const books = new StackBooks([inst], { moneyDecimals: 2, startCash: 1_000_000 });
  books.mark(0, 100);
  const risk = new RiskEngine({});
  risk.start({ instruments: [inst], moneyDecimals: 2, journal, calendar: CALENDARS.UTC_24H, startEquity: books.equity() });
  const make = () => new ExecutionEngine({ prefix: 't', instruments: [inst], venue, risk, journal, clock: timers.clock, kernel: timersOver(timers.schedule), books, config });
  const exec = make();
  const notes = () => { journal.fingerprint(); return sink.records().map(lifecycleText).filter((t) => t !== null); };
  return { timers, venue, exec, books, make, notes };
}

const ack = (id: string): ExecutionReport => ({ kind: 'accepted', clientOrderId: id, instrumentIndex: 0, timeUs: 0 });
const fill = (id: string, q: number, leaves: number, px = 100, t = 5): ExecutionReport => ({ kind: 'fill', clientOrderId: id, instrumentIndex: 0, timeUs: t, side: 1, quantityRaw: q, priceRaw: px, fee: 0, leavesQuantityRaw: leaves });
const status = (kind: 'rejected' | 'cancelled' | 'expired' | 'cancel-rejected' | 'replace-rejected', id: string): ExecutionReport => ({ kind, clientOrderId: id, instrumentIndex: 0, timeUs: 0, reason: 'test' });

describe('order state machine', () => {
  it('terminal states have no way out, and every listed move is to a known state', () => {
    for (const s of ['filled', 'cancelled', 'rejected', 'expired'] as const) expect(TRANSITIONS[s]).toEqual([]);
    const all = Object.keys(TRANSITIONS);
    for (const tos of Object.values(TRANSITIONS)) for (const to of tos) expect(all).toContain(to);
  });

  it('transition allows exactly the listed moves, and isTerminal holds for the states with none', () => {
    const all = Object.keys(TRANSITIONS) as ExecStatus[];
    expect(all).toHaveLength(9);
    for (const from of all) {
      expect(isTerminal(from)).toBe(TRANSITIONS[from].length === 0);
      for (const to of all) {
        const o = { request: { clientOrderId: 'x-1' }, status: from } as ExecOrder;
        if (TRANSITIONS[from].includes(to)) {
          transition(o, to);
          expect(o.status).toBe(to);
        } else {
          expect(() => transition(o, to), `${from} -> ${to}`).toThrow(IllegalTransitionError);
          expect(o.status).toBe(from);
        }
      }
    }
    const o = { request: { clientOrderId: 'x-2' }, status: 'accepted' } as ExecOrder;
    expect(() => transition(o, 'bogus' as ExecStatus)).toThrow(IllegalTransitionError);
  });

  it('an illegal transition throws, naming the order', () => {
    const o = { request: { clientOrderId: 'abc-7' }, status: 'filled' as ExecStatus } as ExecOrder;
    expect(() => transition(o, 'accepted')).toThrow(IllegalTransitionError);
    expect(() => transition(o, 'accepted')).toThrow(/abc-7: illegal transition filled -> accepted/);
    const p = { request: { clientOrderId: 'abc-8' }, status: 'pending-new' as ExecStatus } as ExecOrder;
    expect(() => transition(p, 'pending-cancel')).toThrow(/abc-8/); // cancels wait for the ack
  });

  it('replacing an order that is not acknowledged and working is misuse: it throws with the id', () => {
    const { exec } = setup();
    const id = exec.rebalance(0, 10)!;
    expect(() => exec.replace(id, { quantityRaw: 5 })).toThrow(new RegExp(`${id}: illegal transition pending-new -> pending-replace`));
    exec.onReport(ack(id));
    exec.onReport(fill(id, 10, 0));
    expect(() => exec.replace(id, { quantityRaw: 5 })).toThrow(/filled -> pending-replace/);
  });
});

describe('reconciliation', () => {
  it('a duplicated fill is booked once; a late duplicate ack changes nothing', () => {
    const { exec, books } = setup();
    const id = exec.rebalance(0, 10)!;
    exec.onReport(ack(id));
    exec.onReport(fill(id, 4, 6, 100, 5));
    exec.onReport(fill(id, 4, 6, 100, 5)); // the same report delivered twice
    expect(books.positionRaw(0)).toBe(4);
    expect(exec.order(id)!.status).toBe('partially-filled');
    exec.onReport(fill(id, 6, 0, 101, 6));
    exec.onReport(ack(id)); // a retry's answer arriving after the fill
    expect(books.positionRaw(0)).toBe(10);
    expect(exec.order(id)!.status).toBe('filled');
    expect(exec.ignoredReports).toBe(2);
    expect(exec.openCount()).toBe(0);
  });

  it('a fill before the ack acknowledges the order; an unknown id is ignored and counted', () => {
    const { exec, books, notes } = setup();
    const id = exec.rebalance(0, 3)!;
    exec.onReport(fill(id, 3, 0));
    expect(exec.order(id)!.status).toBe('filled');
    exec.onReport(fill('someone-else-1', 1, 0));
    expect(books.positionRaw(0)).toBe(3);
    expect(notes()).toContain('ignored fill report for someone-else-1: unknown (or long finished) order');
  });

  it('a fill the venue made before a cancel is booked even when the cancel is heard first', () => {
    const { exec, books } = setup();
    const id = exec.rebalance(0, 10)!;
    exec.onReport(ack(id));
    exec.cancel(id);
    exec.onReport(status('cancelled', id));
    exec.onReport(fill(id, 10, 0));
    expect(exec.order(id)!.status).toBe('cancelled');
    expect(books.positionRaw(0)).toBe(10); // fills are the truth about positions
    expect(exec.pendingRaw(0)).toBe(0);
  });
});

describe('memory', () => {
  it('keeps at most twice FINISHED_KEPT finished orders (forgotten in bulk), so long runs stay flat', () => {
    const { exec } = setup();
    const n = 5 * FINISHED_KEPT + 10;
    for (let i = 0; i < n; i++) {
      const id = exec.submit({ instrumentIndex: 0, side: 1, quantityRaw: 1, type: 'market', timeInForce: 'GTC' })!;
      exec.onReport(fill(id, 1, 0, 100, i));
      if (i % 997 === 0) expect(exec.snapshot().finished.length).toBeLessThan(2 * FINISHED_KEPT);
    }
    const state = exec.snapshot();
    expect(Object.keys(state.orders).length).toBeGreaterThanOrEqual(FINISHED_KEPT);
    expect(Object.keys(state.orders).length).toBeLessThan(2 * FINISHED_KEPT);
    expect(exec.order('t-1')).toBeUndefined();
    expect(exec.order(`t-${n - FINISHED_KEPT + 1}`)!.status).toBe('filled');
  });
});

describe('finished orders in columns', () => {
  it('a plain (rebalance) order kept in the columns answers late reports and snapshots exactly as an object kept order does', () => {
    // The same orders and reports, once through rebalance (finished orders go to the columns) and
    // once through submit (the same request, kept as objects): everything observable must agree.
    const script = (plain: boolean) => {
      const t = setup();
      const ids: string[] = [];
      const seen: string[] = [];
      for (let i = 0; i < 3 * FINISHED_KEPT; i++) {
        const side = i % 2 === 0 ? 1 : -1;
        const id = plain
          ? t.exec.rebalance(0, t.books.positionRaw(0) + t.exec.pendingRaw(0) + side)!
          : t.exec.submit({ instrumentIndex: 0, side, quantityRaw: 1, type: 'market', timeInForce: 'GTC' })!;
        ids.push(id);
        t.exec.onReport(ack(id));
        if (i % 11 === 5) { t.exec.cancel(id); t.exec.onReport(status('cancelled', id)); } else t.exec.onReport(fill(id, 1, 0, 100, i));
        if (i % 7 === 0 && i >= 50) t.exec.onReport(fill(ids[i - 50]!, 1, 0, 100, i - 50)); // a late duplicate
        if (i % 13 === 0 && i >= 20) t.exec.onReport(fill(ids[i - 20]!, 1, 0, 99, 10 * i)); // a late new fill: booked
        if (i % 17 === 0 && i >= 30) t.exec.onReport(status('expired', ids[i - 30]!)); // about a finished order
        if (i % 19 === 0 && i >= 3000) t.exec.onReport(ack(ids[i - 3000]!)); // long forgotten
        if (i % 23 === 0 && i >= 5) seen.push(String(t.exec.cancel(ids[i - 5]!)), JSON.stringify(t.exec.order(ids[i - 5]!)));
        if (i % 401 === 0) seen.push(JSON.stringify(t.exec.snapshot()));
      }
      seen.push(JSON.stringify(t.exec.snapshot()), String(t.books.positionRaw(0)), String(t.exec.ignoredReports), ...t.notes());
      return seen;
    };
    const viaColumns = script(true);
    expect(viaColumns).toEqual(script(false));
    // And a snapshot with orders in the columns restores into an engine that carries on the same.
    const t = setup();
    for (let i = 0; i < 100; i++) { const id = t.exec.rebalance(0, i % 2 === 0 ? 1 : 0)!; t.exec.onReport(fill(id, 1, 0, 100, i)); }
    const state = JSON.parse(JSON.stringify(t.exec.snapshot()));
    const fresh = t.make();
    fresh.restore(state);
    expect(JSON.stringify(fresh.snapshot())).toBe(JSON.stringify(state));
    fresh.onReport(fill('t-50', 1, 0, 100, 49));
    t.exec.onReport(fill('t-50', 1, 0, 100, 49));
    expect(JSON.stringify(fresh.snapshot())).toBe(JSON.stringify(t.exec.snapshot()));
  });
});

describe('reused order objects', () => {
  it('an order that reuses a finished plain order\'s objects starts clean, times out on its own, and leaves the finished one as it was', () => {
    const { exec, venue, timers, notes } = setup({ orderTimeoutUs: 1_000, maxRetries: 1, reconcileRetries: 0 });
    // A plain order fills after one retry: it goes to the columns and its objects are kept for reuse.
    const first = exec.rebalance(0, 1)!;
    timers.advance(1_000);
    exec.onReport(fill(first, 1, 0, 101, 7));
    const finished = JSON.stringify(exec.order(first));
    // The next order takes those objects: nothing of the first order's state may show through.
    const second = exec.rebalance(0, 0)!;
    expect(exec.order(second)).toMatchObject({ status: 'pending-new', acked: false, filledRaw: 0, fillKeys: [], outstanding: 'submit', sends: 1, timerSeq: 1, cancelWanted: false, replaceChanges: null });
    expect(exec.order(second)!.request.side).toBe(-1);
    // Its timer is its own: it re-sends the second order once, then gives up on it.
    timers.advance(5_000);
    expect(venue.calls).toEqual([`submit ${first}`, `submit ${first}`, `submit ${second}`, `submit ${second}`]);
    // Its first fill fills in the kept fill-key array, which the finished order no longer shows.
    exec.onReport(fill(second, 1, 0, 99, 9));
    exec.onReport(fill(second, 1, 0, 99, 9)); // a duplicate: recognised by the reused keys
    expect(exec.order(second)!.fillKeys).toEqual([9, 1, 0, 99]);
    expect(exec.ignoredReports).toBe(1);
    expect(JSON.stringify(exec.order(first))).toBe(finished);
    expect(exec.order(first)!.fillKeys).toEqual([7, 1, 0, 101]);
    expect(exec.pendingRaw(0)).toBe(0);
    expect(notes().filter((n) => n.includes(second))).toEqual([`retry submit of ${second} (send 2)`, `no answer to submit of ${second} after 2 sends: gave up`, `duplicate fill report for ${second}`]);
  });
});

describe('cancel and replace', () => {
  it('a cancel waits for the ack, then goes out once', () => {
    const { exec, venue } = setup();
    const id = exec.rebalance(0, 10)!;
    exec.cancel(id);
    expect(venue.calls).toEqual([`submit ${id}`]);
    exec.onReport(ack(id));
    expect(venue.calls).toEqual([`submit ${id}`, `cancel ${id}`]);
    expect(exec.order(id)!.status).toBe('pending-cancel');
    exec.onReport(status('cancel-rejected', id));
    expect(exec.order(id)!.status).toBe('accepted');
  });

  it('replace: refused keeps the old terms, applied takes the new ones', () => {
    const { exec, venue } = setup();
    const id = exec.rebalance(0, 10)!;
    exec.onReport(ack(id));
    expect(exec.replace(id, { quantityRaw: 6 })).toBe(true);
    expect(exec.order(id)!.status).toBe('pending-replace');
    exec.onReport(status('replace-rejected', id));
    expect(exec.order(id)!.request.quantityRaw).toBe(10);
    expect(exec.replace(id, { quantityRaw: 6 })).toBe(true);
    exec.onReport({ kind: 'replaced', clientOrderId: id, instrumentIndex: 0, timeUs: 0, leavesQuantityRaw: 6 });
    expect(exec.order(id)!.request.quantityRaw).toBe(6);
    expect(exec.order(id)!.status).toBe('accepted');
    expect(exec.pendingRaw(0)).toBe(6);
    expect(venue.calls.filter((c) => c.startsWith('replace'))).toHaveLength(2);
  });
});

describe('timeouts and retries', () => {
  it('re-sends the same client order id after each timeout, at most maxRetries times, then gives up', () => {
    const { exec, venue, timers, notes } = setup({ orderTimeoutUs: 1_000, maxRetries: 2, reconcileRetries: 0 });
    const id = exec.rebalance(0, 10)!;
    timers.advance(10_000);
    expect(venue.calls).toEqual([`submit ${id}`, `submit ${id}`, `submit ${id}`]);
    expect(notes()).toEqual([`retry submit of ${id} (send 2)`, `retry submit of ${id} (send 3)`, `no answer to submit of ${id} after 3 sends: gave up`]);
    expect(exec.order(id)!.status).toBe('pending-new'); // never invents an outcome
    expect(exec.pendingRaw(0)).toBe(10); // and keeps counting it as working
    exec.onReport(ack(id)); // a late answer still settles it
    expect(exec.order(id)!.status).toBe('accepted');
  });

  it('re-sends an unanswered submit beyond maxRetries at doubling intervals (reconcileRetries), then gives up', () => {
    const { exec, venue, timers, notes } = setup({ orderTimeoutUs: 1_000, maxRetries: 1, reconcileRetries: 2 });
    const id = exec.rebalance(0, 10)!;
    timers.advance(1_000);
    expect(venue.calls).toHaveLength(2); // the one retry maxRetries allows
    timers.advance(1_000);
    expect(venue.calls).toHaveLength(3); // the first reconcile re-send...
    timers.advance(1_999);
    expect(venue.calls).toHaveLength(3); // ...after which the wait doubles
    timers.advance(1);
    expect(venue.calls).toEqual([`submit ${id}`, `submit ${id}`, `submit ${id}`, `submit ${id}`]);
    timers.advance(100_000);
    expect(notes().at(-1)).toBe(`no answer to submit of ${id} after 4 sends: gave up`);
    expect(timers.armed).toBe(0);
  });

  it('an answer disarms the timer: no retry', () => {
    const { exec, venue, timers } = setup();
    const id = exec.rebalance(0, 10)!;
    exec.onReport(ack(id));
    timers.advance(10_000);
    expect(venue.calls).toEqual([`submit ${id}`]);
    expect(timers.armed).toBe(0);
  });

  it('a lost cancel answer is retried with the same id', () => {
    const { exec, venue, timers } = setup({ orderTimeoutUs: 1_000, maxRetries: 1 });
    const id = exec.rebalance(0, 10)!;
    exec.onReport(ack(id));
    exec.cancel(id);
    timers.advance(1_000);
    expect(venue.calls).toEqual([`submit ${id}`, `cancel ${id}`, `cancel ${id}`]);
  });

  it('snapshot -> JSON -> restore into a fresh engine re-arms the timer at the same deadline', () => {
    const { exec, venue, timers, make } = setup({ orderTimeoutUs: 1_000, maxRetries: 3 });
    const id = exec.rebalance(0, 10)!;
    timers.advance(400);
    const state = JSON.parse(JSON.stringify(exec.snapshot()));
    exec.stop();
    const fresh = make();
    fresh.restore(state);
    timers.advance(599);
    expect(venue.calls).toEqual([`submit ${id}`]);
    timers.advance(1);
    expect(venue.calls).toEqual([`submit ${id}`, `submit ${id}`]);
    expect(fresh.rebalance(0, 15)).toBe('t-2'); // ids continue: never reused after a restore
  });
});

describe('pendingRaw', () => {
  /** What pendingRaw must be: the signed unfilled quantity of the snapshot's open orders, summed afresh. */
  const scanned = (exec: ExecutionEngine): number => {
    const s = exec.snapshot();
    let sum = 0;
    for (const id of s.open) { const o = s.orders[id]!; sum += o.request.side * Math.max(0, o.request.quantityRaw - o.filledRaw); }
    return sum;
  };
  const op = fc.oneof(
    fc.record({ kind: fc.constant('submit' as const), side: fc.constantFrom(1 as const, -1 as const), qty: fc.integer({ min: 1, max: 9 }) }),
    fc.record({ kind: fc.constantFrom('ack' as const, 'cancel' as const, 'cancelled' as const, 'expired' as const, 'rejected' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 12 }), leaves: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 12 }), answer: fc.boolean() }),
    fc.record({ kind: fc.constant('replaced' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constantFrom('timeout' as const, 'restore' as const) }),
  );

  it('is the unfilled quantity of the open orders after any orders, reports, timeouts and restores', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const t = setup({ orderTimeoutUs: 1_000, maxRetries: 1, reconcileRetries: 1 });
      let exec = t.exec;
      const sent: { id: string; side: 1 | -1 }[] = [];
      let time = 10;
      for (const o of ops) {
        const order = sent.length === 0 || !('pick' in o) ? undefined : sent[o.pick % sent.length]!;
        try {
          if (o.kind === 'submit') {
            const id = exec.submit({ instrumentIndex: 0, side: o.side, quantityRaw: o.qty, type: 'market', timeInForce: 'GTC' });
            if (id !== null) sent.push({ id, side: o.side });
          } else if (o.kind === 'timeout') t.timers.advance(1_500);
          else if (o.kind === 'restore') {
            const state: unknown = JSON.parse(JSON.stringify(exec.snapshot()));
            exec.stop();
            exec = t.make();
            exec.restore(state);
          } else if (order !== undefined) {
            const id = order.id;
            if (o.kind === 'ack') exec.onReport(ack(id));
            else if (o.kind === 'cancel') exec.cancel(id);
            else if (o.kind === 'cancelled' || o.kind === 'expired' || o.kind === 'rejected') exec.onReport(status(o.kind, id));
            else if (o.kind === 'fill') exec.onReport({ kind: 'fill', clientOrderId: id, instrumentIndex: 0, timeUs: time++, side: order.side, quantityRaw: o.qty, priceRaw: 100, fee: 0, leavesQuantityRaw: o.leaves });
            else if (o.kind === 'replace') {
              exec.replace(id, { quantityRaw: o.qty });
              if (o.answer) exec.onReport({ kind: 'replaced', clientOrderId: id, instrumentIndex: 0, timeUs: time++ });
            }
            else exec.onReport({ kind: 'replaced', clientOrderId: id, instrumentIndex: 0, timeUs: time++ });
          }
        } catch (e) {
          if (!(e instanceof IllegalTransitionError)) throw e; // a cancel or replace the order's state does not allow
        }
        expect(exec.pendingRaw(0)).toBe(scanned(exec));
      }
    }), { numRuns: 300 });
  });
});
