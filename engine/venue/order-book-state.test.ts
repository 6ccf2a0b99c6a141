// Proves that the venue's reuse of order objects is invisible: once finished orders have moved to
// the columns, a new order takes one of their objects (no allocation) and starts from nothing of
// the old order (no status, fill, stop trigger, expiry or price carried over), while the old
// orders, read back from the columns, keep every field they finished with.
import { describe, expect, it } from 'vitest';
import { OrderBookState, RECENT_FINISHED_KEPT, type VenueOrderState } from './order-book-state.ts';
import type { OrderRequest } from './orders.ts';

const DAY_LIMIT = (id: string): OrderRequest => ({ clientOrderId: id, instrumentIndex: 0, side: -1, quantityRaw: 5, type: 'stop-limit', timeInForce: 'DAY', limitPriceRaw: 101, stopPriceRaw: 102 });

describe('order objects reused after the columns took their orders', () => {
  it('a new order starts clean in a reused object; the finished ones read back unchanged', () => {
    const book = new OrderBookState(1);
    const made = new Set<VenueOrderState>();
    const finished = new Map<string, string>();
    // Finished orders with every field away from a new order's: enough to move many to the columns.
    for (let k = 0; k < 4 * RECENT_FINISHED_KEPT; k++) {
      const id = `old-${k}`;
      const s = book.newOrder(DAY_LIMIT(id), 1_000 + k);
      made.add(s);
      book.orders.set(id, s);
      s.status = 'filled';
      s.filledRaw = 5;
      s.activeFromUs = 7_000 + k;
      s.triggered = true;
      s.expireUs = 9_000 + k;
      finished.set(id, JSON.stringify(s));
      book.forgetOldFinished();
    }
    const fresh = book.newOrder({ clientOrderId: 'new-1', instrumentIndex: 0, side: 1, quantityRaw: 2, type: 'market', timeInForce: 'GTC' }, 50_000);
    expect(made.has(fresh)).toBe(true); // reused, not allocated
    expect(fresh).toEqual({
      request: { clientOrderId: 'new-1', instrumentIndex: 0, side: 1, quantityRaw: 2, type: 'market', timeInForce: 'GTC', limitPriceRaw: undefined, stopPriceRaw: undefined },
      status: 'pending', filledRaw: 0, acceptedUs: 50_000, activeFromUs: 50_000, triggered: false, expireUs: null,
    });
    for (const [id, json] of finished) expect(JSON.stringify(book.get(id))).toBe(json);
  });
});
