// Proves the allocators size as documented, against numbers worked out here: fixed quantity,
// fraction of equity (target notional -> lots at the last price and multiplier), volatility
// target (annualised sample std of returns, capped leverage, flat until ready); that rounding is
// toward zero to whole lots and the result never exceeds its notional budget or maxQuantity while
// one more lot would (a property over random prices, budgets and lot sizes); and that the
// registry builds each kind and their snapshots round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, notionalMoney, type Instrument } from '../../instruments/instrument.ts';
import { FixedQuantityAllocator, lotsWithinNotional, type AllocationParams } from './allocator.ts';
import { FractionOfEquityAllocator } from './fraction-of-equity.ts';
import { createAllocator } from './registry.ts';
import { VolatilityTargetAllocator } from './volatility-target.ts';

const stock = makeInstrument({ id: 'S', kind: 'equity', priceDecimals: 2, lotSize: 10 }, 2);
const future = makeInstrument({ id: 'F', kind: 'future', priceDecimals: 2, multiplier: 50 }, 2);
const fx = makeInstrument({ id: 'EURUSD', kind: 'fx', baseCurrency: 'EUR', priceDecimals: 5, quantityDecimals: 0, lotSize: 1000 }, 2);

function params(instrument: Instrument, target: number, equity: number, priceRaw: number): AllocationParams {
  return { instrument, instrumentIndex: 0, target, equity, moneyDecimals: 2, priceRaw };
}

describe('fixed-quantity', () => {
  it('signal x quantity, toward zero to lots, capped', () => {
    const a = new FixedQuantityAllocator({ quantity: 95 });
    expect(a.targetQuantityRaw(params(stock, 1, Number.NaN, 0))).toBe(90);
    expect(a.targetQuantityRaw(params(stock, -0.5, Number.NaN, 0))).toBe(-40); // -47.5 -> -40
    expect(new FixedQuantityAllocator({ quantity: 95, maxQuantity: 25 }).targetQuantityRaw(params(stock, -1, Number.NaN, 0))).toBe(-20);
  });
});

describe('fraction-of-equity', () => {
  it('converts notional with the last price and the multiplier', () => {
    const a = new FractionOfEquityAllocator({ fraction: 0.5 });
    // Equity $100,000.00, half of it at $123.45 a share: 405.02 shares -> 400 (lots of 10).
    expect(a.targetQuantityRaw(params(stock, 1, 10_000_000, 12_345))).toBe(400);
    // Short at -0.5: $25,000 / 123.45 = 202.5 -> -200.
    expect(a.targetQuantityRaw(params(stock, -0.5, 10_000_000, 12_345))).toBe(-200);
    // A future at 4500.00 x 50 = $225,000 a contract: 2.0 x $1,000,000 buys 8 (8.89 -> 8).
    expect(new FractionOfEquityAllocator({ fraction: 2 }).targetQuantityRaw(params(future, 1, 100_000_000, 450_000))).toBe(8);
    // FX: 1.0 x $50,000 at 1.08765 = 45,970.7 EUR -> 45,000 (lots of 1000).
    expect(new FractionOfEquityAllocator({ fraction: 1 }).targetQuantityRaw(params(fx, 1, 5_000_000, 108_765))).toBe(45_000);
  });

  it('flat on zero signal or non-positive equity; no price is a wiring bug', () => {
    const a = new FractionOfEquityAllocator({ fraction: 1 });
    expect(a.targetQuantityRaw(params(stock, 0, 10_000_000, 0))).toBe(0);
    expect(a.targetQuantityRaw(params(stock, 1, -5, 12_345))).toBe(0);
    expect(() => a.targetQuantityRaw(params(stock, 1, 10_000_000, 0))).toThrow(/no price/);
  });

  it('never exceeds the budget, and one more lot would (exact, in money units)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 10_000_000 }), fc.oneof(fc.double({ min: 0, max: 1e11, noNaN: true }), fc.integer({ min: 0, max: 1000 })), fc.constantFrom(1, -1),
      (priceDecimals, quantityDecimals, lotUnits, multiplier, priceRaw, budget, sign) => {
        const inst = makeInstrument({ id: 'P', kind: 'future', priceDecimals, quantityDecimals, lotSize: lotUnits / 10 ** quantityDecimals, multiplier }, 2);
        const q = lotsWithinNotional(inst, budget, priceRaw, 2, sign);
        expect(Math.abs(q) % inst.lotSizeRaw).toBe(0);
        expect(Math.sign(q) === sign || q === 0).toBe(true);
        expect(notionalMoney(inst, Math.abs(q), priceRaw, 2)).toBeLessThanOrEqual(budget);
        if (budget > 0) expect(notionalMoney(inst, Math.abs(q) + inst.lotSizeRaw, priceRaw, 2)).toBeGreaterThan(budget);
      },
    ));
  });
});

describe('volatility-target', () => {
  it('flat until ready, then scales to target vol / realised vol, capped by maxLeverage', () => {
    const a = new VolatilityTargetAllocator({ targetVolatility: 0.2, lookback: 4, periodsPerYear: 256, maxLeverage: 3 });
    const closes = [10_000, 10_100, 9_999, 10_200, 10_098, 10_300];
    const ready = closes.map((c) => a.onBar(0, c));
    // Returns need two closes; 4 returns need 5 closes: ready (once) at index 4.
    expect(ready).toEqual([false, false, false, false, true, false]);
    const rets = closes.slice(1).map((c, i) => c / closes[i]! - 1).slice(-4);
    const mean = rets.reduce((p, r) => p + r, 0) / 4;
    const std = Math.sqrt(rets.reduce((p, r) => p + (r - mean) ** 2, 0) / 3);
    const vol = std * 16; // sqrt(256)
    expect(a.realisedVolatility(0)).toBeCloseTo(vol, 12);
    const leverage = Math.min(3, 0.2 / vol);
    const equity = 10_000_000; // $100,000.00
    const want = Math.floor((equity * leverage) / 10_300 / 10) * 10; // shares at $103.00, lots of 10
    expect(a.targetQuantityRaw(params(stock, 1, equity, 10_300))).toBe(want);
    expect(a.targetQuantityRaw(params(stock, -1, equity, 10_300))).toBe(-want);
  });

  it('a calm market is capped at maxLeverage', () => {
    const a = new VolatilityTargetAllocator({ targetVolatility: 0.2, lookback: 2, periodsPerYear: 252, maxLeverage: 1.5 });
    for (const c of [10_000, 10_000, 10_000]) a.onBar(0, c);
    expect(a.targetQuantityRaw(params(stock, 1, 1_000_000, 10_000))).toBe(150); // $15,000 at $100
  });

  it('snapshot -> JSON -> restore continues exactly', () => {
    const a = new VolatilityTargetAllocator({ targetVolatility: 0.1, lookback: 3 });
    const b = new VolatilityTargetAllocator({ targetVolatility: 0.1, lookback: 3 });
    for (const c of [100, 101, 99]) a.onBar(2, c);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    for (const c of [102, 98, 97]) expect(b.onBar(2, c)).toBe(a.onBar(2, c));
    expect(b.realisedVolatility(2)).toBe(a.realisedVolatility(2));
  });
});

describe('allocator registry', () => {
  it('builds each kind and refuses bad parameters', () => {
    expect(createAllocator({ kind: 'fixed-quantity', quantity: 1 })).toBeInstanceOf(FixedQuantityAllocator);
    expect(createAllocator({ kind: 'fraction-of-equity', fraction: 0.1 })).toBeInstanceOf(FractionOfEquityAllocator);
    expect(createAllocator({ kind: 'volatility-target', targetVolatility: 0.1 })).toBeInstanceOf(VolatilityTargetAllocator);
    expect(() => createAllocator({ kind: 'fraction-of-equity', fraction: -1 })).toThrow();
  });
});
