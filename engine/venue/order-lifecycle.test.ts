// Proves that moveTo allows exactly the moves VENUE_TRANSITIONS lists (plus staying
// partially-filled), for every pair of statuses, and refuses a value that is not a status.
import { describe, expect, it } from 'vitest';
import { IllegalVenueTransitionError, moveTo, VENUE_TRANSITIONS } from './order-lifecycle.ts';
import { ORDER_STATUSES, orderStatusCode, type OrderStatus } from './orders.ts';

const ALL = Object.keys(VENUE_TRANSITIONS) as OrderStatus[];

describe('moveTo', () => {
  it('allows exactly the listed moves', () => {
    expect(ALL).toHaveLength(7);
    for (const from of ALL) {
      for (const to of ALL) {
        const s = { status: from, request: { clientOrderId: 'v-1' } };
        const allowed = VENUE_TRANSITIONS[from].includes(to) || (from === to && to === 'partially-filled');
        if (allowed) {
          moveTo(s, to);
          expect(s.status).toBe(to);
        } else {
          expect(() => moveTo(s, to), `${from} -> ${to}`).toThrow(IllegalVenueTransitionError);
          expect(s.status).toBe(from);
        }
      }
    }
  });

  it('refuses a status it does not know, either way', () => {
    const s = { status: 'accepted' as OrderStatus, request: { clientOrderId: 'v-2' } };
    expect(() => moveTo(s, 'bogus' as OrderStatus)).toThrow(/v-2: illegal transition accepted -> bogus/);
    const t = { status: 'bogus' as OrderStatus, request: { clientOrderId: 'v-3' } };
    expect(() => moveTo(t, 'filled')).toThrow(IllegalVenueTransitionError);
  });
});

describe('orderStatusCode', () => {
  it('is each status\'s index in ORDER_STATUSES, which holds every status once; -1 for anything else', () => {
    expect([...ORDER_STATUSES].sort()).toEqual([...ALL].sort());
    expect(ORDER_STATUSES.map((st) => orderStatusCode(st))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(orderStatusCode('bogus' as OrderStatus)).toBe(-1);
  });
});
