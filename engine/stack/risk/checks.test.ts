// Proves that skipping the checks whose limit is unset (activeChecks) changes no answer: each
// such check passes any order, and the active ones keep STATELESS_CHECKS order.
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../instruments/instrument.ts';
import type { OrderRequest } from '../../venue/orders.ts';
import { activeChecks, STATELESS_CHECKS, type RawLimits } from './checks.ts';
import type { RiskBookView } from './view.ts';

const NONE: RawLimits = { maxPositionRaw: undefined, maxOrderQuantityRaw: undefined, maxPositionNotional: undefined, maxOrderNotional: undefined, maxLeverage: undefined };
const ALL: RawLimits = { maxPositionRaw: [0], maxOrderQuantityRaw: [0], maxPositionNotional: 0, maxOrderNotional: 0, maxLeverage: 0 };
const KEYS = Object.keys(NONE) as (keyof RawLimits)[];

const view: RiskBookView = {
  instruments: [makeInstrument({ id: 'X', kind: 'future', priceDecimals: 2, multiplier: 10, marginPerContract: 1000 }, 2)],
  moneyDecimals: 2,
  positionRaw: () => 5,
  pendingRaw: () => 3,
  lastPriceRaw: () => 400_000,
  equity: () => 1_000,
};
const order: OrderRequest = { clientOrderId: 'o-1', instrumentIndex: 0, side: 1, quantityRaw: 7, type: 'market', timeInForce: 'GTC' };

describe('activeChecks', () => {
  it('keeps the checks whose limit is set, in order, and each check it leaves out passes any order', () => {
    expect(activeChecks(NONE)).toEqual([]);
    expect(activeChecks(ALL)).toEqual(STATELESS_CHECKS);
    // With every limit at zero, each check refuses this order: so each one has exactly one limit.
    for (const check of STATELESS_CHECKS) expect(check(order, view, ALL)).not.toBeNull();
    for (let mask = 0; mask < 1 << KEYS.length; mask++) {
      const on = (k: keyof RawLimits): boolean => (mask & (1 << KEYS.indexOf(k))) !== 0;
      const l: RawLimits = {
        maxPositionRaw: on('maxPositionRaw') ? ALL.maxPositionRaw : undefined,
        maxOrderQuantityRaw: on('maxOrderQuantityRaw') ? ALL.maxOrderQuantityRaw : undefined,
        maxPositionNotional: on('maxPositionNotional') ? ALL.maxPositionNotional : undefined,
        maxOrderNotional: on('maxOrderNotional') ? ALL.maxOrderNotional : undefined,
        maxLeverage: on('maxLeverage') ? ALL.maxLeverage : undefined,
      };
      const active = activeChecks(l);
      expect(active).toEqual(STATELESS_CHECKS.filter((c) => active.includes(c)));
      for (const check of STATELESS_CHECKS) if (!active.includes(check)) expect(check(order, view, l)).toBeNull();
      expect(active.length).toBe(KEYS.filter((_, b) => (mask & (1 << b)) !== 0).length);
    }
  });
});
