// Proves the slippage models: hand-computed prices for fixed ticks, basis points and volume impact
// (square-root and linear, none when the volume is unknown, bounded by maxBps), rounding to the
// tick grid against the order, sells never pushed to zero, exact arithmetic for large prices,
// configuration refused at construction; and, as a property over random prices, ticks, sides and
// sizes, that every model moves the price against the order (never negative slippage) onto the
// grid.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, type Instrument } from '../../instruments/instrument.ts';
import type { Side } from '../orders.ts';
import {
  BpsSlippageModel, createSlippageModel, FixedTicksSlippageModel, NO_SLIPPAGE, VolumeSlippageModel,
  type SlippageModel, type SlippageParams,
} from './slippage-models.ts';

const tick5 = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 2, tickSize: 0.05 }, 2);
const p = (side: Side, priceRaw: number, extra: Partial<SlippageParams> = {}): SlippageParams => ({ instrument: tick5, side, priceRaw, quantityRaw: 100, volume: 0, ...extra });

describe('fixed ticks', () => {
  const m = new FixedTicksSlippageModel({ ticks: 2 });
  it('adds ticks to buys and takes them off sells, from the grid price against the order', () => {
    expect(m.adjust(p(1, 10_000))).toBe(10_010);
    expect(m.adjust(p(-1, 10_000))).toBe(9_990);
    expect(m.adjust(p(1, 10_002))).toBe(10_015); // 10002 -> 10005 (up, against a buy) + 10
    expect(m.adjust(p(-1, 10_002))).toBe(9_990); // 10002 -> 10000 (down, against a sell) - 10
  });
  it('never pushes a sell to zero: it stops at one tick', () => {
    expect(new FixedTicksSlippageModel({ ticks: 1_000 }).adjust(p(-1, 100))).toBe(5);
  });
});

describe('basis points', () => {
  it('moves by the fraction of the price and rounds to the grid against the order', () => {
    const m = new BpsSlippageModel({ bps: 7 });
    expect(m.adjust(p(1, 10_000))).toBe(10_010); // 10007 -> up to 10010
    expect(m.adjust(p(-1, 10_000))).toBe(9_990); // 9993 -> down to 9990
    expect(new BpsSlippageModel({ bps: 10 }).adjust(p(1, 10_000))).toBe(10_010); // exactly 10 raw
  });
  it('is exact for prices whose product with 10^6 passes 2^53', () => {
    const fine = makeInstrument({ id: 'F', kind: 'equity', priceDecimals: 6 }, 2);
    const raw = 8_000_000_000_001; // 8000000.000001 at 6 decimals; raw * 10^6 is far above 2^53
    const out = new BpsSlippageModel({ bps: 0.25 }).adjust({ instrument: fine, side: 1, priceRaw: raw, quantityRaw: 1, volume: 0 });
    // raw * 0.25 / 10^4 = 200000000.000025 raw -> rounded up to 200000001
    expect(out).toBe(raw + 200_000_001);
  });
});

describe('volume impact', () => {
  it('square root: coefficient * sqrt(quantity / volume)', () => {
    const m = new VolumeSlippageModel({ impact: 'sqrt', coefficientBps: 100 });
    expect(m.impactBps(100, 10_000)).toBeCloseTo(10, 12);
    expect(m.adjust(p(1, 10_000, { quantityRaw: 100, volume: 10_000 }))).toBe(10_010); // 10 bps
  });
  it('linear: coefficient * quantity / volume, rounded to the grid against the order', () => {
    const m = new VolumeSlippageModel({ impact: 'linear', coefficientBps: 100 });
    expect(m.adjust(p(1, 10_000, { quantityRaw: 100, volume: 10_000 }))).toBe(10_005); // 1 bps = 1 raw -> 10005
    expect(m.adjust(p(-1, 10_000, { quantityRaw: 100, volume: 10_000 }))).toBe(9_995);
  });
  it('none when the volume is unknown (0), and never more than maxBps', () => {
    const m = new VolumeSlippageModel({ impact: 'linear', coefficientBps: 10_000, maxBps: 50 });
    expect(m.adjust(p(1, 10_000, { volume: 0 }))).toBe(10_000);
    expect(m.adjust(p(1, 10_000, { quantityRaw: 1_000, volume: 1_000 }))).toBe(10_050);
    expect(m.usesVolume).toBe(true);
  });
});

describe('configuration', () => {
  it('refuses bad parameters at construction', () => {
    expect(() => new FixedTicksSlippageModel({ ticks: -1 })).toThrow();
    expect(() => new FixedTicksSlippageModel({ ticks: 1.5 })).toThrow();
    expect(() => new BpsSlippageModel({ bps: 1.234 })).toThrow(/more than 2 decimals/);
    expect(() => new BpsSlippageModel({ bps: 6_000 })).toThrow();
    expect(() => createSlippageModel({ model: 'bogus' } as never)).toThrow();
  });
  it('builds each model from its config; none by default', () => {
    expect(createSlippageModel(undefined)).toBe(NO_SLIPPAGE);
    expect(createSlippageModel({ model: 'none' })).toBe(NO_SLIPPAGE);
    expect(createSlippageModel({ model: 'fixed-ticks', ticks: 1 })).toBeInstanceOf(FixedTicksSlippageModel);
    expect(createSlippageModel({ model: 'bps', bps: 1 })).toBeInstanceOf(BpsSlippageModel);
    expect(createSlippageModel({ model: 'volume', coefficientBps: 10 })).toBeInstanceOf(VolumeSlippageModel);
  });
});

describe('property: slippage is never in favour of the order and lands on the grid', () => {
  const models: [string, SlippageModel][] = [
    ['fixed-ticks', new FixedTicksSlippageModel({ ticks: 3 })],
    ['bps', new BpsSlippageModel({ bps: 12.5 })],
    ['volume sqrt', new VolumeSlippageModel({ coefficientBps: 80 })],
    ['volume linear', new VolumeSlippageModel({ impact: 'linear', coefficientBps: 300, maxBps: 5_000 })],
  ];
  const instruments = new Map<number, Instrument>();
  const withTick = (tickRaw: number): Instrument => {
    let inst = instruments.get(tickRaw);
    if (inst === undefined) { inst = makeInstrument({ id: `T${tickRaw}`, kind: 'equity', priceDecimals: 4, tickSize: tickRaw / 10_000 }, 2); instruments.set(tickRaw, inst); }
    return inst;
  };
  for (const [name, m] of models) {
    it(name, () => {
      fc.assert(fc.property(
        fc.constantFrom(1, 5, 25, 100), fc.integer({ min: 100, max: 2 ** 40 }), fc.constantFrom<Side>(1, -1),
        fc.integer({ min: 1, max: 1_000_000 }), fc.nat({ max: 10_000_000 }),
        (tickRaw, priceRaw, side, quantityRaw, volume) => {
          const out = m.adjust({ instrument: withTick(tickRaw), side, priceRaw, quantityRaw, volume });
          expect(Number.isSafeInteger(out) && out > 0).toBe(true);
          expect(side * (out - priceRaw)).toBeGreaterThanOrEqual(0);
          expect(out % tickRaw).toBe(0);
        },
      ), { numRuns: 300 });
    });
  }
});
