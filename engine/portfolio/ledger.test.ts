// Proves the ledger's accounting: average cost on equities and futures, partial closes and flips,
// fees and margin, with the ledger identity holding exactly (integer equality) after every fill
// and mark, for random fill sequences too; and that snapshot/restore is exact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../instruments/instrument.ts';
import { Ledger } from './ledger.ts';

const stock = makeInstrument({ id: 'ORCL', kind: 'equity', priceDecimals: 2 }, 2);
const future = makeInstrument({ id: 'IDX', kind: 'future', priceDecimals: 2, multiplier: 10, marginPerContract: 1000 }, 2);

describe('Ledger', () => {
  it('equity: buy, mark, partial sell, flip short; realized by average cost', () => {
    const l = new Ledger({ instruments: [stock], currency: 'USD', moneyDecimals: 2, startCash: 1_000_000 }); // $10,000.00
    l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 10, priceRaw: 10_000, fee: 100 }); // 10 @ 100.00, fee 1.00
    l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 10, priceRaw: 11_000, fee: 100 }); // avg 105.00
    expect(l.summary()).toMatchObject({ cash: 1_000_000 - 210_000 - 200, fees: 200, realized: 0 });
    l.mark(0, 12_000);
    expect(l.summary().unrealized).toBe(20 * 12_000 - 210_000);
    const sell = l.applyFill({ instrumentIndex: 0, side: -1, quantityRaw: 30, priceRaw: 12_000, fee: 300 }); // close 20, open short 10
    expect(sell.realized).toBe(20 * 12_000 - 210_000);
    expect(sell.notional).toBe(30 * 12_000);
    // The effect is the ledger's own object, refilled by the next fill (read it at once).
    const next = l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 10, priceRaw: 12_000, fee: 0 }); // closes the short at cost
    expect(next).toBe(sell);
    expect(next).toEqual({ notional: 10 * 12_000, realized: 0 });
    l.applyFill({ instrumentIndex: 0, side: -1, quantityRaw: 10, priceRaw: 12_000, fee: 0 }); // short 10 again, as before
    expect(l.position(0)).toMatchObject({ quantityRaw: -10, costBasis: -120_000 });
    expect(l.checkIdentity()).toBeNull();
    l.mark(0, 11_000);
    expect(l.summary().unrealized).toBe(120_000 - 110_000); // short gains when the price falls
    expect(l.checkIdentity()).toBeNull();
  });

  it('a quote marks at its mid, half up to a raw price: neither side of the spread', () => {
    const l = new Ledger({ instruments: [stock], currency: 'USD', moneyDecimals: 2, startCash: 1_000_000 });
    l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 10, priceRaw: 10_000, fee: 0 });
    l.markQuote(0, 10_000, 10_003); // mid 100.015 -> 100.02
    expect(l.position(0).lastPriceRaw).toBe(10_002);
    expect(l.summary().unrealized).toBe(10 * 2);
    l.markQuote(0, 9_990, 10_010);
    expect(l.position(0).lastPriceRaw).toBe(10_000);
    expect(l.position(0).lastPriceRaw).not.toBe(9_990);
    expect(l.checkIdentity()).toBeNull();
  });

  it('futures: only PnL and fees move cash; margin is held aside', () => {
    const l = new Ledger({ instruments: [future], currency: 'USD', moneyDecimals: 2, startCash: 1_000_000 });
    l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 1, priceRaw: 360_000, fee: 200 }); // 3600.00 x10
    expect(l.summary()).toMatchObject({ cash: 1_000_000 - 200, marginInUse: 100_000, freeCash: 1_000_000 - 200 - 100_000 });
    l.mark(0, 361_050);
    expect(l.summary().unrealized).toBe(10 * 1_050);
    expect(l.summary().equity).toBe(1_000_000 - 200 + 10_500);
    l.applyFill({ instrumentIndex: 0, side: -1, quantityRaw: 1, priceRaw: 359_000, fee: 200 });
    expect(l.summary()).toMatchObject({ realized: -10_000, cash: 1_000_000 - 400 - 10_000, marginInUse: 0, unrealized: 0 });
    expect(l.checkIdentity()).toBeNull();
  });

  it('rejects impossible fills as bugs', () => {
    const l = new Ledger({ instruments: [stock], currency: 'USD', moneyDecimals: 2, startCash: 0 });
    expect(() => l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 0, priceRaw: 1, fee: 0 })).toThrow(/quantity/);
    expect(() => l.applyFill({ instrumentIndex: 0, side: 1, quantityRaw: 1, priceRaw: -1, fee: 0 })).toThrow(/price/);
    expect(() => l.applyFill({ instrumentIndex: 3, side: 1, quantityRaw: 1, priceRaw: 1, fee: 0 })).toThrow(/unknown instrument/);
    expect(() => new Ledger({ instruments: [makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 2, currency: 'EUR' }, 2)], currency: 'USD', moneyDecimals: 2, startCash: 0 })).toThrow(/multi-currency/);
  });

  it('the identity holds exactly after every random fill and mark; snapshot restores exactly', () => {
    const odd = makeInstrument({ id: 'ODD', kind: 'equity', priceDecimals: 6 }, 2); // notional needs rounding
    const step = fc.record({
      inst: fc.integer({ min: 0, max: 2 }),
      side: fc.constantFrom(1 as const, -1 as const),
      qty: fc.integer({ min: 1, max: 500 }),
      px: fc.integer({ min: 1, max: 50_000_000 }),
      fee: fc.integer({ min: 0, max: 1000 }),
      markPx: fc.integer({ min: 1, max: 50_000_000 }),
    });
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const l = new Ledger({ instruments: [stock, future, odd], currency: 'USD', moneyDecimals: 2, startCash: 123_456_789 });
      for (const s of steps) {
        l.applyFill({ instrumentIndex: s.inst, side: s.side, quantityRaw: s.qty, priceRaw: s.px, fee: s.fee });
        expect(l.checkIdentity()).toBeNull();
        l.mark(s.inst, s.markPx);
        expect(l.checkIdentity()).toBeNull();
      }
      const snap = l.snapshot();
      const back = new Ledger({ instruments: [stock, future, odd], currency: 'USD', moneyDecimals: 2, startCash: 123_456_789 });
      back.restore(snap);
      expect(back.summary()).toEqual(l.summary());
    }));
  });
});
