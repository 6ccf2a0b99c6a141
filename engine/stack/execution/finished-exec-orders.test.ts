/**
 * Proves that a finished order stored in the columns comes back as the very state the execution
 * engine kept (same keys in the same order, same values: snapshots are compared as JSON), that only
 * orders the columns can hold exactly are let in, and that slots are bounded and reused.
 */
import { describe, expect, it } from 'vitest';
import { FinishedExecOrders } from './finished-exec-orders.ts';
import type { ExecOrder } from './order-state.ts';

function plainOrder(over: Partial<ExecOrder> = {}): ExecOrder {
  return {
    request: { instrumentIndex: 2, side: -1, quantityRaw: 7, type: 'market', timeInForce: 'GTC', clientOrderId: 'stk-41' },
    status: 'filled', acked: true, filledRaw: 7, fillKeys: [1_577_836_800_000_000, 7, 0, 400_012],
    outstanding: 'none', sends: 0, deadlineUs: 1_577_836_805_000_000, timerSeq: 3, cancelWanted: false, replaceChanges: null,
    ...over,
  };
}

describe('FinishedExecOrders', () => {
  it('gives back what it was given, key order included', () => {
    const store = new FinishedExecOrders(4);
    for (const o of [
      plainOrder(),
      plainOrder({ status: 'cancelled', acked: false, filledRaw: 0, fillKeys: [], cancelWanted: true }),
      plainOrder({ status: 'rejected', filledRaw: -0, fillKeys: [Number.NaN, 1, 2, 3] }),
      plainOrder({ status: 'expired', request: { instrumentIndex: 0, side: 1, quantityRaw: 0.5, type: 'market', timeInForce: 'GTC', clientOrderId: 'x' } }),
    ]) {
      expect(FinishedExecOrders.fits(o, true)).toBe(true);
      const slot = store.add(o);
      expect(slot).toBeGreaterThanOrEqual(0);
      const back = store.thaw(slot);
      expect(JSON.stringify(back)).toBe(JSON.stringify(o));
      expect(Object.is(back.filledRaw, o.filledRaw)).toBe(true);
      expect(back.fillKeys).toEqual(o.fillKeys);
      expect(store.id(slot)).toBe(o.request.clientOrderId);
    }
  });

  it('grows its columns as orders come (64 slots first), keeps every order across the growth, and stops at capacity', () => {
    const store = new FinishedExecOrders(300);
    const order = (i: number) => plainOrder({ filledRaw: i, request: { instrumentIndex: i % 3, side: i % 2 === 0 ? 1 : -1, quantityRaw: i, type: 'market', timeInForce: 'GTC', clientOrderId: `o-${i}` } });
    const slots = Array.from({ length: 300 }, (_, i) => store.add(order(i)));
    expect(new Set(slots).size).toBe(300);
    expect(store.size).toBe(300);
    expect(store.add(order(300))).toBe(-1);
    slots.forEach((slot, i) => expect(JSON.stringify(store.thaw(slot))).toBe(JSON.stringify(order(i))));
    store.forget[slots[299]!] = 1; // the forget marks grow with the columns
    store.release(slots[7]!);
    expect(store.add(order(7))).toBe(slots[7]);
    store.clear();
    expect(store.size).toBe(0);
    expect(Array.from({ length: 300 }, (_, i) => store.add(order(i))).every((slot) => slot >= 0)).toBe(true);
  });

  it('lets in only plain, settled orders with at most one fill', () => {
    expect(FinishedExecOrders.fits(plainOrder(), false)).toBe(false);
    expect(FinishedExecOrders.fits(plainOrder({ fillKeys: [1, 1, 1, 1, 2, 1, 0, 1] }), true)).toBe(false);
    expect(FinishedExecOrders.fits(plainOrder({ replaceChanges: { quantityRaw: 3 } }), true)).toBe(false);
    expect(FinishedExecOrders.fits(plainOrder({ outstanding: 'cancel' }), true)).toBe(false);
    expect(FinishedExecOrders.fits(plainOrder({ sends: 1 }), true)).toBe(false);
    expect(FinishedExecOrders.fits(plainOrder({ status: 'accepted' }), true)).toBe(false);
    const limit = plainOrder();
    expect(FinishedExecOrders.fits({ ...limit, request: { ...limit.request, type: 'limit', limitPriceRaw: 5 } }, true)).toBe(false);
  });

  it('is bounded, and reuses released slots', () => {
    const store = new FinishedExecOrders(2);
    const a = store.add(plainOrder());
    const b = store.add(plainOrder());
    expect(store.add(plainOrder())).toBe(-1);
    expect(store.size).toBe(2);
    store.release(a);
    expect(store.add(plainOrder({ status: 'cancelled' }))).toBe(a);
    expect(store.thaw(a).status).toBe('cancelled');
    expect(store.thaw(b).status).toBe('filled');
    expect(() => new FinishedExecOrders(0)).toThrow(RangeError);
  });
});
