// Proves the stack's own books, kept only from fills and prices, give exactly the engine ledger's
// equity (integer equality) for random fill and mark sequences on an equity and a future, and
// that their snapshot round-trips through JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../instruments/instrument.ts';
import { Ledger } from '../../portfolio/ledger.ts';
import { StackBooks } from './books.ts';

const instruments = [
  makeInstrument({ id: 'ORCL', kind: 'equity', priceDecimals: 2 }, 2),
  makeInstrument({ id: 'ES', kind: 'future', priceDecimals: 2, multiplier: 50, marginPerContract: 5000 }, 2),
];

describe('StackBooks', () => {
  it('equity equals the ledger equity after every fill and mark', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('fill' as const), i: fc.integer({ min: 0, max: 1 }), side: fc.constantFrom(1 as const, -1 as const), q: fc.integer({ min: 1, max: 50 }), px: fc.integer({ min: 100, max: 100_000 }), fee: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ kind: fc.constant('mark' as const), i: fc.integer({ min: 0, max: 1 }), px: fc.integer({ min: 100, max: 100_000 }) }),
    );
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const ledger = new Ledger({ instruments, currency: 'USD', moneyDecimals: 2, startCash: 10_000_000 });
      const books = new StackBooks(instruments, { moneyDecimals: 2, startCash: 10_000_000 });
      for (const s of steps) {
        if (s.kind === 'fill') {
          ledger.applyFill({ instrumentIndex: s.i, side: s.side, quantityRaw: s.q, priceRaw: s.px, fee: s.fee });
          books.applyFill(s.i, s.side, s.q, s.px, s.fee);
        } else {
          ledger.mark(s.i, s.px);
          books.mark(s.i, s.px);
        }
        expect(books.equity()).toBe(ledger.equity());
        expect(books.positionRaw(s.i)).toBe(ledger.position(s.i).quantityRaw);
      }
    }));
  });

  it('without an account equity is unknown, positions are still kept', () => {
    const books = new StackBooks(instruments, null);
    books.applyFill(0, 1, 5, 1000, 0);
    expect(books.equity()).toBeNaN();
    expect(books.positionRaw(0)).toBe(5);
    expect(books.lastPriceRaw(0)).toBe(1000); // the fill prices a never-marked instrument
  });

  it('snapshot -> JSON -> restore is exact', () => {
    const a = new StackBooks(instruments, { moneyDecimals: 2, startCash: 1_000_000 });
    a.applyFill(1, -1, 2, 450_000, 400);
    a.mark(1, 449_000);
    const b = new StackBooks(instruments, { moneyDecimals: 2, startCash: 1_000_000 });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(b.equity()).toBe(a.equity());
  });
});
