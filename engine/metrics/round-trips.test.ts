// Proves roundTripsFromFills: average cost across adds, partial closes as their own round trips,
// a flip through zero split into a close and an open with its fee divided pro rata, entry fees
// charged pro rata, instruments kept apart (each fill priced with its own multiplier), errors
// that name the fill, and (property) that over any fill sequence that ends flat the round trips'
// pnl adds up to the cash flows less all fees.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill } from './types.ts';
import { roundTripsFromFills } from './round-trips.ts';

function f(timeUs: number, side: 'buy' | 'sell', quantity: number, price: number, fee = 0, instrumentId = 'X'): Fill {
  return { timeUs, instrumentId, side, quantity, price, fee, notional: quantity * price };
}

describe('roundTripsFromFills', () => {
  it('closes a long at average cost, net of entry and exit fees', () => {
    const { roundTrips, open } = roundTripsFromFills([f(1, 'buy', 100, 10, 1), f(2, 'buy', 100, 12, 1), f(3, 'sell', 200, 13, 2)]);
    expect(open).toEqual([]);
    expect(roundTrips).toEqual([
      { instrumentId: 'X', side: 'long', entryTimeUs: 1, exitTimeUs: 3, quantity: 200, entryPrice: 11, exitPrice: 13, pnl: 400 - 4, fees: 4 },
    ]);
  });

  it('makes each partial close its own round trip, entry fees shared by quantity', () => {
    const { roundTrips, open } = roundTripsFromFills([f(1, 'buy', 100, 10, 1), f(2, 'sell', 40, 12, 0.4), f(3, 'sell', 60, 9, 0.6)]);
    expect(open).toEqual([]);
    expect(roundTrips).toHaveLength(2);
    expect(roundTrips[0]).toMatchObject({ side: 'long', quantity: 40, entryTimeUs: 1, exitTimeUs: 2, entryPrice: 10, exitPrice: 12 });
    expect(roundTrips[0]?.pnl).toBeCloseTo(80 - 0.4 - 0.4, 12);
    expect(roundTrips[1]).toMatchObject({ quantity: 60, entryTimeUs: 1, exitTimeUs: 3, exitPrice: 9 });
    expect(roundTrips[1]?.pnl).toBeCloseTo(-60 - 0.6 - 0.6, 12);
  });

  it('splits a flip through zero into a close and an open', () => {
    // Long 100 @ 10 (fee 1); sell 150 @ 12 (fee 1.5: 1.0 to the close, 0.5 to the new short);
    // buy 50 @ 11 (fee 0.5) closes the short.
    const { roundTrips, open } = roundTripsFromFills([f(1, 'buy', 100, 10, 1), f(2, 'sell', 150, 12, 1.5), f(3, 'buy', 50, 11, 0.5)]);
    expect(open).toEqual([]);
    expect(roundTrips).toHaveLength(2);
    expect(roundTrips[0]).toMatchObject({ side: 'long', quantity: 100, entryTimeUs: 1, exitTimeUs: 2, entryPrice: 10, exitPrice: 12 });
    expect(roundTrips[0]?.pnl).toBeCloseTo(200 - 2, 12);
    expect(roundTrips[0]?.fees).toBeCloseTo(2, 12);
    expect(roundTrips[1]).toMatchObject({ side: 'short', quantity: 50, entryTimeUs: 2, exitTimeUs: 3, entryPrice: 12, exitPrice: 11 });
    expect(roundTrips[1]?.pnl).toBeCloseTo(50 - 1, 12);
    expect(roundTrips[1]?.fees).toBeCloseTo(1, 12);
  });

  it('reports what stays open after the flip, with the fees it carries', () => {
    const { roundTrips, open } = roundTripsFromFills([f(1, 'sell', 10, 100, 1), f(2, 'buy', 25, 90, 2.5)]);
    expect(roundTrips).toHaveLength(1);
    expect(roundTrips[0]).toMatchObject({ side: 'short', quantity: 10, pnl: 100 - 2, fees: 2 });
    expect(open).toEqual([{ instrumentId: 'X', side: 'long', quantity: 15, averagePrice: 90, entryTimeUs: 2, unallocatedFees: 1.5 }]);
  });

  it('keeps instruments apart and applies a contract multiplier', () => {
    const fills = [f(1, 'buy', 1, 100, 0, 'ES'), f(2, 'sell', 1, 50, 0, 'AAPL'), f(3, 'sell', 1, 101, 0, 'ES'), f(4, 'buy', 1, 40, 0, 'AAPL')];
    const { roundTrips } = roundTripsFromFills(fills, { multiplierOf: (id) => (id === 'ES' ? 50 : 1) });
    expect(roundTrips.map((t) => [t.instrumentId, t.side, t.pnl])).toEqual([['ES', 'long', 50], ['AAPL', 'short', 10]]);
  });

  it('takes the multiplier of each fill from its own instrument when instruments interleave', () => {
    // The multiplier is asked once per run of fills of one instrument: a run boundary must ask again.
    const fills = [f(1, 'buy', 1, 100, 0, 'ES'), f(2, 'buy', 1, 102, 0, 'ES'), f(3, 'sell', 2, 50, 0, 'AAPL'), f(4, 'sell', 2, 103, 0, 'ES'), f(5, 'buy', 2, 49, 0, 'AAPL')];
    const asked: string[] = [];
    const { roundTrips } = roundTripsFromFills(fills, { multiplierOf: (id) => { asked.push(id); return id === 'ES' ? 50 : 1; } });
    expect(roundTrips.map((t) => [t.instrumentId, t.pnl])).toEqual([['ES', (103 - 101) * 2 * 50], ['AAPL', (50 - 49) * 2]]);
    expect(asked).toEqual(['ES', 'AAPL', 'ES', 'AAPL']);
    expect(() => roundTripsFromFills(fills, { multiplierOf: (id) => (id === 'AAPL' ? 0 : 1) })).toThrow('multiplier of AAPL must be positive, got 0');
  });

  it('adds to the position a flip opened, in the same run of fills', () => {
    // Long 10, sell 15 (close 10, open short 5), sell 5 more: one short of 10 at the average price.
    const { roundTrips, open } = roundTripsFromFills([f(1, 'buy', 10, 100), f(2, 'sell', 15, 110), f(3, 'sell', 5, 120)]);
    expect(roundTrips.map((t) => [t.side, t.quantity, t.pnl])).toEqual([['long', 10, 100]]);
    expect(open).toEqual([{ instrumentId: 'X', side: 'short', quantity: 10, averagePrice: 115, entryTimeUs: 2, unallocatedFees: 0 }]);
  });

  it('closes fractional quantities fully despite rounding', () => {
    const { roundTrips, open } = roundTripsFromFills([f(1, 'buy', 0.1, 10), f(2, 'buy', 0.2, 10), f(3, 'sell', 0.3, 11)]);
    expect(open).toEqual([]);
    expect(roundTrips).toHaveLength(1);
  });

  it('refuses fills out of time order or with a non-positive quantity', () => {
    expect(() => roundTripsFromFills([f(2, 'buy', 1, 10), f(1, 'sell', 1, 10)])).toThrow(/time order/);
    expect(() => roundTripsFromFills([f(1, 'buy', 1, 10), f(2, 'buy', 0, 10)])).toThrow('fill 1 (X): quantity 0 must be positive');
  });

  it('adds up to the cash flows less fees over any sequence that ends flat (property)', () => {
    const fillArb = fc.record({
      instrumentId: fc.constantFrom('A', 'B'),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      quantity: fc.integer({ min: 1, max: 100 }),
      price: fc.integer({ min: 1, max: 1000 }),
      fee: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), (raw) => {
        const fills = raw.map((r, i) => f(i, r.side, r.quantity, r.price, r.fee, r.instrumentId));
        // Flatten whatever is left so that every fill belongs to a closed round trip.
        const net = new Map<string, number>();
        for (const x of fills) net.set(x.instrumentId, (net.get(x.instrumentId) ?? 0) + (x.side === 'buy' ? x.quantity : -x.quantity));
        for (const [id, q] of net) if (q !== 0) fills.push(f(fills.length, q > 0 ? 'sell' : 'buy', Math.abs(q), 500, 1, id));

        const cash = fills.reduce((s, x) => s + (x.side === 'sell' ? x.notional : -x.notional) - x.fee, 0);
        const { roundTrips, open } = roundTripsFromFills(fills);
        expect(open).toEqual([]);
        const pnl = roundTrips.reduce((s, t) => s + t.pnl, 0);
        expect(pnl).toBeCloseTo(cash, 6);
        const fees = roundTrips.reduce((s, t) => s + t.fees, 0);
        expect(fees).toBeCloseTo(fills.reduce((s, x) => s + x.fee, 0), 6);
      }),
    );
  });
});
