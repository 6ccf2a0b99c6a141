// The fee schedule rounds once per fill, half to even (its documented rule): per-unit and bps
// parts are summed exactly before rounding, so fractional quantities are not charged a cent twice.
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../instruments/instrument.ts';
import { ScheduleFeeModel, type FeeParams } from './fee-models.ts';

const halfShares = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 2, quantityDecimals: 1, lotSize: 0.5 }, 2);
const whole = makeInstrument({ id: 'Y', kind: 'equity', priceDecimals: 2 }, 2);
const fill = (instrument: FeeParams['instrument'], quantityRaw: number, notional: number): FeeParams => ({ instrument, quantityRaw, priceRaw: 0, notional, moneyDecimals: 2 });

describe('ScheduleFeeModel', () => {
  it('rounds per-unit and bps parts together, half to even, once', () => {
    // 0.5 share x 0.01 = 0.005 -> 0.00 (half to even), not 0.01.
    expect(new ScheduleFeeModel({ perUnit: 0.01 }, 2).fee(fill(halfShares, 5, 6000))).toBe(0);
    // 1.5 shares x 0.01 = 0.015 -> 0.02.
    expect(new ScheduleFeeModel({ perUnit: 0.01 }, 2).fee(fill(halfShares, 15, 18000))).toBe(2);
    // 0.5 x 0.01 + 1 bps of 60.00 = 0.005 + 0.006 = 0.011 -> 0.01 (two roundings gave 0.02).
    expect(new ScheduleFeeModel({ perUnit: 0.01, bps: 1 }, 2).fee(fill(halfShares, 5, 6000))).toBe(1);
    // Whole units: exact.
    expect(new ScheduleFeeModel({ perUnit: 0.01, minimum: 1 }, 2).fee(fill(whole, 300, 3_000_000))).toBe(300);
    expect(new ScheduleFeeModel({ perUnit: 0.01, minimum: 1 }, 2).fee(fill(whole, 3, 30_000))).toBe(100);
    // 2.5 bps of 1000.02 = 0.2500050 -> 0.25.
    expect(new ScheduleFeeModel({ bps: 2.5 }, 2).fee(fill(whole, 1, 100_002))).toBe(25);
  });
});
