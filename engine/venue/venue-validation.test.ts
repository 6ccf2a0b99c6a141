// Proves what the venue refuses and why: orders on an unknown instrument, quantities that are not
// positive lot multiples, missing, stray or off-tick limit and stop prices, IOC on stops, orders
// and replaces arriving inside a trading halt ('halted'); that a working order does not trade
// during a halt and does after it; that a repeated client order id books nothing; and that
// every rejection is a terminal 'rejected' state with a reason.
import { describe, expect, it } from 'vitest';
import { HALTED } from '../market/halts.ts';
import type { OrderRequest } from './orders.ts';
import { fillsOf, LOTS, order, statusesOf, tradeSource, venueKit, XYZ } from './venue-test-kit.ts';

const T = 1_700_000_000_000_000;

describe('order validation', () => {
  const cases: [string, Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'quantityRaw'>, RegExp][] = [
    ['unknown instrument', { side: 1, quantityRaw: 1, instrumentIndex: 5 }, /unknown instrument index 5/],
    ['zero quantity', { side: 1, quantityRaw: 0 }, /positive integer/],
    ['fractional quantity', { side: 1, quantityRaw: 1.5 }, /positive integer/],
    ['not a lot multiple', { side: 1, quantityRaw: 150, instrumentIndex: 1 }, /not a multiple of the lot size 100/],
    ['limit without a price', { side: 1, quantityRaw: 1, type: 'limit' }, /limit price is missing/],
    ['limit off the tick', { side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: 10_002 }, /not on the tick size 5/],
    ['negative limit', { side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: -5 }, /must be a positive integer/],
    ['stop without a price', { side: -1, quantityRaw: 1, type: 'stop' }, /stop price is missing/],
    ['stop-limit without a limit', { side: -1, quantityRaw: 1, type: 'stop-limit', stopPriceRaw: 10_000 }, /limit price is missing/],
    ['stop off the tick', { side: -1, quantityRaw: 1, type: 'stop', stopPriceRaw: 9_999 }, /not on the tick size/],
    ['market with a limit', { side: 1, quantityRaw: 1, limitPriceRaw: 10_000 }, /market order takes no limit price/],
    ['limit with a stop', { side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: 10_000, stopPriceRaw: 10_000 }, /limit order takes no stop price/],
    ['IOC stop', { side: 1, quantityRaw: 1, type: 'stop', stopPriceRaw: 10_000, timeInForce: 'IOC' }, /IOC does not apply to stop/],
  ];
  for (const [name, o, reason] of cases) {
    it(`rejects: ${name}`, async () => {
      const k = venueKit({ startUs: T, instruments: [XYZ, LOTS] });
      const req = order(o);
      k.venue.submit(req);
      await k.run();
      const s = statusesOf(k.log, req.clientOrderId);
      expect(s).toHaveLength(1);
      expect(s[0]![0]).toBe('rejected');
      expect(s[0]![2]).toMatch(reason);
      expect(k.venue.order(req.clientOrderId)?.status).toBe('rejected');
      expect(k.venue.workingCount).toBe(0);
    });
  }

  it('a repeated client order id books nothing', async () => {
    const k = venueKit({ startUs: T });
    const o = order({ side: 1, quantityRaw: 5 });
    k.venue.submit(o);
    k.venue.submit({ ...o, quantityRaw: 50 });
    k.feed([{ instrumentIndex: 0, source: tradeSource([{ timeUs: T + 1, price: 10_000 }]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T + 1, 5, 10_000]]);
    // The resend is answered with where the order stands: a reply to the stack, not a state change.
    expect(statusesOf(k.log, o.clientOrderId)).toEqual([['accepted', T, undefined]]);
    expect(k.log.delivered.filter((d) => d.report.clientOrderId === o.clientOrderId).map((d) => [d.report.kind, d.report.kind === 'fill' ? '' : d.report.reason]))
      .toEqual([['accepted', undefined], ['accepted', 'duplicate client order id: the order is accepted'], ['fill', '']]);
    expect(k.venue.resends).toBe(1);
    expect(k.venue.duplicateOrders).toBe(0);
  });
});

describe('halts', () => {
  it("rejects orders and replaces arriving inside a halt with 'halted', takes cancels, and trades nothing until it ends", async () => {
    const k = venueKit({ startUs: T, halts: { XYZ: [{ fromUs: T + 100, toUs: T + 200 }] } });
    const before = order({ side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: 10_000 });
    const during = order({ side: 1, quantityRaw: 1 });
    const cancelled = order({ side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: 9_000 });
    k.venue.submit(before);
    k.venue.submit(cancelled);
    k.at(T + 150, () => {
      k.venue.submit(during);
      k.venue.replace(before.clientOrderId, { quantityRaw: 2 });
      k.venue.cancel(cancelled.clientOrderId);
    });
    k.feed([{ instrumentIndex: 0, source: tradeSource([{ timeUs: T + 160, price: 9_990 }, { timeUs: T + 200, price: 9_995 }]) }]);
    await k.run();
    expect(statusesOf(k.log, during.clientOrderId)).toEqual([['rejected', T + 150, HALTED]]);
    expect(statusesOf(k.log, before.clientOrderId)).toContainEqual(['replace-rejected', T + 150, HALTED]);
    expect(statusesOf(k.log, cancelled.clientOrderId).at(-1)?.[0]).toBe('cancelled');
    // The print at T+160 falls in the halt; the one at T+200 is the first after it.
    expect(fillsOf(k.log, before.clientOrderId)).toEqual([[T + 200, 1, 9_995]]);
  });

  it('refuses overlapping or empty halt windows at construction', () => {
    expect(() => venueKit({ startUs: T, halts: { XYZ: [{ fromUs: 10, toUs: 20 }, { fromUs: 15, toUs: 30 }] } })).toThrow(/sorted and not overlap/);
    expect(() => venueKit({ startUs: T, halts: { XYZ: [{ fromUs: 10, toUs: 10 }] } })).toThrow(/at or before it starts/);
    expect(() => venueKit({ startUs: T, halts: { NOPE: [] } })).toThrow(/no instrument NOPE/);
  });
});
