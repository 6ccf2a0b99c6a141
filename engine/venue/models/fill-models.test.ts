// Proves the fill model's decisions in isolation (no venue, no kernel), with hand-made events:
// the assumed bar path (nearer extreme first, ties by the bar's direction), gap fills at the open,
// limits and stops exactly at their price inside the bar, the look-ahead rule (an order arriving
// inside a bar does not see it), IOC taking only the open, points (trades, quotes) at their price,
// the participation capacity in whole lots (float noise included), and fail-fast configuration.
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../instruments/instrument.ts';
import { newMarketEvent, type MarketEvent } from '../market-event.ts';
import type { OrderRequest } from '../orders.ts';
import { NO_FILLS, OhlcPathFillModel, type FillDecision, type FillOrderView } from './fill-models.ts';

const inst = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 2 }, 2);
const lots = makeInstrument({ id: 'L', kind: 'equity', priceDecimals: 2, lotSize: 100 }, 2);

function barEvent(open: number, high: number, low: number, close: number, openTimeUs = 1_000, volume = 0): MarketEvent {
  return { ...newMarketEvent(), kind: 'bar', timeUs: openTimeUs + 60, openTimeUs, closeTimeUs: openTimeUs + 60, open, high, low, close, volume };
}

function decide(req: Partial<OrderRequest>, event: MarketEvent, view: Partial<FillOrderView> = {}, model = new OhlcPathFillModel()): FillDecision {
  const request: OrderRequest = { clientOrderId: 'x', instrumentIndex: 0, side: 1, quantityRaw: 1, type: 'market', timeInForce: 'GTC', ...req };
  const out: FillDecision = { seen: false, triggered: false, priceRaw: Number.NaN, marketable: false };
  model.match({ instrument: inst, order: { request, filledRaw: 0, activeFromUs: 0, triggered: false, ...view }, event }, out);
  return out;
}

describe('OhlcPathFillModel on bars', () => {
  it('fills market orders at the open, marketable (slippage applies)', () => {
    expect(decide({}, barEvent(100, 110, 90, 105))).toEqual({ seen: true, triggered: false, priceRaw: 100, marketable: true });
  });

  it('fills a limit exactly at its price inside the bar and at the open on a gap, not marketable', () => {
    expect(decide({ type: 'limit', limitPriceRaw: 95 }, barEvent(100, 110, 90, 105))).toMatchObject({ priceRaw: 95, marketable: false });
    expect(decide({ type: 'limit', limitPriceRaw: 95 }, barEvent(93, 99, 90, 95))).toMatchObject({ priceRaw: 93 });
    expect(decide({ type: 'limit', limitPriceRaw: 89 }, barEvent(100, 110, 90, 105)).priceRaw).toBeNaN();
    expect(decide({ side: -1, type: 'limit', limitPriceRaw: 110 }, barEvent(100, 110, 90, 105))).toMatchObject({ priceRaw: 110 });
  });

  it('fills a stop at the stop inside the bar and at the open on a gap, marketable', () => {
    expect(decide({ side: -1, type: 'stop', stopPriceRaw: 95 }, barEvent(100, 110, 90, 105))).toEqual({ seen: true, triggered: true, priceRaw: 95, marketable: true });
    expect(decide({ side: -1, type: 'stop', stopPriceRaw: 95 }, barEvent(92, 99, 90, 95))).toMatchObject({ triggered: true, priceRaw: 92 });
    expect(decide({ type: 'stop', stopPriceRaw: 111 }, barEvent(100, 110, 90, 105))).toMatchObject({ triggered: false, priceRaw: Number.NaN });
  });

  it('treats a triggered stop as a market order and a triggered stop-limit as a limit', () => {
    expect(decide({ type: 'stop', stopPriceRaw: 500 }, barEvent(100, 110, 90, 105), { triggered: true })).toMatchObject({ priceRaw: 100, marketable: true });
    expect(decide({ type: 'stop-limit', stopPriceRaw: 500, limitPriceRaw: 95 }, barEvent(100, 110, 90, 105), { triggered: true })).toMatchObject({ priceRaw: 95, marketable: false });
  });

  it('visits the nearer extreme first; on a tie, the high first on a down bar and the low first otherwise', () => {
    // A sell stop-limit (stop 95, limit 108) triggers at the low and can then fill only if the high comes after.
    const order = { side: -1 as const, type: 'stop-limit' as const, stopPriceRaw: 95, limitPriceRaw: 108 };
    expect(decide(order, barEvent(100, 120, 94, 100)).priceRaw).toBe(108); // low nearer: 100 -> 94 -> 120
    expect(decide(order, barEvent(100, 106, 80, 100)).priceRaw).toBeNaN(); // high nearer: 100 -> 106 -> 80 -> 100
    expect(decide(order, barEvent(100, 110, 90, 95)).priceRaw).toBeNaN(); // tie, down bar: high first
    expect(decide(order, barEvent(100, 110, 90, 105)).priceRaw).toBe(108); // tie, up bar: low first
  });

  it('does not show an order a bar it arrived inside (look-ahead), and gives IOC only the open', () => {
    const late = decide({ type: 'limit', limitPriceRaw: 95 }, barEvent(100, 110, 90, 105, 1_000), { activeFromUs: 1_001 });
    expect(late).toMatchObject({ seen: false, priceRaw: Number.NaN });
    const ioc = decide({ type: 'limit', limitPriceRaw: 95, timeInForce: 'IOC' }, barEvent(100, 110, 90, 105));
    expect(ioc).toMatchObject({ seen: true, priceRaw: Number.NaN });
  });
});

describe('OhlcPathFillModel on points', () => {
  const trade = (price: number): MarketEvent => ({ ...newMarketEvent(), kind: 'trade', price, size: 10 });
  const quote = (bid: number, ask: number): MarketEvent => ({ ...newMarketEvent(), kind: 'quote', bid, ask });
  it('trades at the print and at the touch of the order side', () => {
    expect(decide({ type: 'limit', limitPriceRaw: 100 }, trade(98)).priceRaw).toBe(98);
    expect(decide({}, quote(99, 101)).priceRaw).toBe(101);
    expect(decide({ side: -1 }, quote(99, 101)).priceRaw).toBe(99);
    expect(decide({ side: -1, type: 'stop', stopPriceRaw: 99 }, quote(99, 101))).toMatchObject({ triggered: true, priceRaw: 99 });
    expect(decide({}, quote(99, 0))).toMatchObject({ seen: true, priceRaw: Number.NaN });
  });
});

describe('capacity and configuration', () => {
  it('is unlimited without a cap or without a volume, whole lots otherwise', () => {
    const capped = new OhlcPathFillModel({ participation: 0.57 });
    expect(new OhlcPathFillModel().capacityRaw({ instrument: inst, side: 1, event: barEvent(1, 1, 1, 1, 0, 1_000) })).toBe(Number.POSITIVE_INFINITY);
    expect(capped.capacityRaw({ instrument: inst, side: 1, event: barEvent(1, 1, 1, 1, 0, 0) })).toBe(Number.POSITIVE_INFINITY);
    expect(capped.capacityRaw({ instrument: inst, side: 1, event: barEvent(1, 1, 1, 1, 0, 100) })).toBe(57); // 0.57 * 100 = 56.99999999999999 in floats
    expect(capped.capacityRaw({ instrument: lots, side: -1, event: barEvent(1, 1, 1, 1, 0, 349) })).toBe(100); // 198.9 -> one lot
    expect(capped.matchesAtBarOpen).toBe(false);
  });

  it('refuses a participation outside (0, 1] and unknown fields', () => {
    expect(() => new OhlcPathFillModel({ participation: 0 })).toThrow();
    expect(() => new OhlcPathFillModel({ participation: 1.5 })).toThrow();
    expect(() => new OhlcPathFillModel({ marketOnBars: 'same-bar-open' as never })).toThrow();
    expect(() => new OhlcPathFillModel({ slippage: 1 } as never)).toThrow();
  });

  it('NO_FILLS never trades but lets IOC orders see the event', () => {
    const out: FillDecision = { seen: false, triggered: true, priceRaw: 1, marketable: true };
    NO_FILLS.match({ instrument: inst, order: { request: { clientOrderId: 'x', instrumentIndex: 0, side: 1, quantityRaw: 1, type: 'market', timeInForce: 'IOC' }, filledRaw: 0, activeFromUs: 0, triggered: false }, event: barEvent(1, 1, 1, 1) }, out);
    expect(out).toEqual({ seen: true, triggered: false, priceRaw: Number.NaN, marketable: false });
  });
});
