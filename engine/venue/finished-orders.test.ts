// Proves that FinishedOrders remembers what a reference ring of objects remembers: over seeded
// sequences of adds and lookups (ids of every length, colliding hashes, ids that are not strings,
// malformed orders), the same orders come back, field for field, the oldest forgotten first; and
// that the venue built on it still answers a retry of an order that finished thousands of orders
// earlier with the order's status, booking nothing.
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng.ts';
import { FinishedOrders } from './finished-orders.ts';
import type { VenueOrderState } from './order-book-state.ts';
import { FINISHED_ORDERS_KEPT, RECENT_FINISHED_KEPT } from './order-book-state.ts';
import { order, tradeSource, venueKit } from './venue-test-kit.ts';

function stateOf(rng: Rng, id: unknown, n: number): VenueOrderState {
  const odd = rng.nextFloat() < 0.05;
  return {
    request: {
      clientOrderId: id as string, instrumentIndex: rng.nextInt(0, 3), side: rng.nextFloat() < 0.5 ? 1 : -1, quantityRaw: rng.nextInt(1, 1000),
      type: odd ? ('bogus' as 'market') : (['market', 'limit', 'stop', 'stop-limit'] as const)[n % 4]!, timeInForce: (['GTC', 'DAY', 'IOC'] as const)[n % 3]!,
      limitPriceRaw: n % 4 === 1 || n % 4 === 3 ? rng.nextInt(1, 1e6) : undefined, stopPriceRaw: n % 4 >= 2 ? (odd ? Number.NaN : rng.nextInt(1, 1e6)) : undefined,
    },
    status: (['filled', 'cancelled', 'rejected', 'expired'] as const)[n % 4]!, filledRaw: rng.nextInt(0, 1000), acceptedUs: 1.7e15 + n, activeFromUs: 1.7e15 + 2 * n,
    triggered: n % 2 === 0, expireUs: n % 3 === 1 ? 1.7e15 + 3 * n : null,
  };
}

describe('FinishedOrders', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`remembers what a ring of objects remembers (seed ${seed})`, () => {
      const rng = Rng.derive(seed, 'finished-orders-test');
      const capacity = 1 + rng.nextInt(0, 300);
      const finished = new FinishedOrders(capacity);
      const ring: VenueOrderState[] = [];
      const long = 'x'.repeat(45);
      let n = 0;
      const nextId = (): unknown => {
        const r = rng.nextFloat();
        n++;
        if (r < 0.01) return undefined;
        if (r < 0.02) return { n }; // not a string: a malformed order's id
        if (r < 0.1) return `${long}-${n}`;
        if (r < 0.15) return '';
        return `o-${n}-é`;
      };
      for (let step = 0; step < 5_000; step++) {
        const id = nextId();
        if (id === '' && ring.some((s) => s.request.clientOrderId === '')) continue;
        if (id === undefined && ring.some((s) => s.request.clientOrderId === undefined)) continue;
        const s = stateOf(rng, id, step);
        finished.add(s);
        ring.push(s);
        if (ring.length > capacity) ring.shift();
        // Look up a remembered id, a forgotten or unknown one.
        const probe = ring[rng.nextInt(0, ring.length - 1)]!;
        expect(finished.get(probe.request.clientOrderId), `seed ${seed} step ${step}`).toEqual(probe);
        expect(finished.get(`o-${step - capacity - 1}-é`) !== undefined).toBe(ring.some((r) => r.request.clientOrderId === `o-${step - capacity - 1}-é`));
        expect(finished.size).toBe(ring.length);
      }
      expect([...finished.values()]).toEqual(ring);
      expect(() => finished.add(ring.at(-1)!)).toThrow(/already remembered/);
      finished.clear();
      expect(finished.size).toBe(0);
      expect(finished.get(ring.at(-1)!.request.clientOrderId)).toBeUndefined();
    });
  }

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new FinishedOrders(0)).toThrow(/positive integer/);
  });
});

describe('the venue remembers finished orders in columns', () => {
  it('answers a retry of an order finished thousands of orders ago with its status, and books nothing', async () => {
    const T = 1_700_000_000_000_000;
    const k = venueKit({ startUs: T });
    const first = order({ side: 1, quantityRaw: 1 });
    k.venue.submit(first);
    k.feed([{ instrumentIndex: 0, source: tradeSource([{ timeUs: T + 1, price: 10_000 }]) }]);
    await k.run();
    expect(k.venue.order(first.clientOrderId)?.status).toBe('filled');
    // Enough later orders (rejected at once: quantity 0) to move the first one out of the recent objects.
    const later = 4 * RECENT_FINISHED_KEPT;
    for (let i = 0; i < later; i++) k.venue.submit(order({ side: 1, quantityRaw: 0 }));
    expect(later).toBeLessThan(FINISHED_ORDERS_KEPT);
    const booked = k.venue.ordersBooked;
    k.venue.submit({ ...first, quantityRaw: 9 });
    await k.run();
    expect(k.venue.resends).toBe(1);
    expect(k.venue.ordersBooked).toBe(booked);
    expect(k.venue.duplicateOrders).toBe(0);
    expect(k.venue.order(first.clientOrderId)).toMatchObject({ status: 'filled', filledRaw: 1, request: { quantityRaw: 1, clientOrderId: first.clientOrderId } });
    const last = k.log.delivered.filter((d) => d.report.clientOrderId === first.clientOrderId).at(-1)!.report;
    expect(last).toMatchObject({ kind: 'accepted', reason: 'duplicate client order id: the order is filled' });
    expect([...k.venue.orders()]).toHaveLength(later + 1);
  });
});

describe('FinishedOrders column codes', () => {
  it('give back every status, type and time in force as it was filed, and keep an unknown one as the object', () => {
    const statuses = ['pending', 'accepted', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired'] as const;
    const types = ['market', 'limit', 'stop', 'stop-limit'] as const;
    const tifs = ['GTC', 'DAY', 'IOC'] as const;
    const finished = new FinishedOrders(1000);
    const filed: VenueOrderState[] = [];
    let n = 0;
    for (const status of statuses) for (const type of types) for (const timeInForce of tifs) {
      const s: VenueOrderState = {
        request: { clientOrderId: `c-${n++}`, instrumentIndex: 0, side: 1, quantityRaw: 1, type, timeInForce, limitPriceRaw: undefined, stopPriceRaw: undefined },
        status, filledRaw: 0, acceptedUs: 1, activeFromUs: 1, triggered: false, expireUs: null,
      };
      expect(finished.add(s)).toBe(true); // held in the columns, not as the object
      filed.push(structuredClone(s));
    }
    for (const s of filed) expect(finished.get(s.request.clientOrderId)).toEqual(s);
    const odd = { ...structuredClone(filed[0]!), status: 'lost' as 'filled', request: { ...filed[0]!.request, clientOrderId: 'odd' } };
    expect(finished.add(odd)).toBe(false); // not a status the columns know: kept as the object itself
    expect(finished.get('odd')).toBe(odd);
  });
});
