// Proves the price-scaling source multiplies every price by k and nothing else: bars, trades and
// quotes keep their times, volumes and sizes; unknown prices stay unknown; halt windows of what it
// wraps are still published; a price past the exact range is an error, never a clamped price.
import { describe, expect, it } from 'vitest';
import { NumericRangeError } from '../kernel/errors.ts';
import { arraySource } from './array-source.ts';
import { halt, haltWindowsOf } from './overlays/index.ts';
import { scalePrices } from './scaled-source.ts';
import { RAW_PRICE_MAX, type MarketBatch, type MarketSource } from './types.ts';

async function rows(source: MarketSource): Promise<Record<string, number>[]> {
  const out: Record<string, number>[] = [];
  for (let b: MarketBatch | null = await source.next(); b !== null; b = await source.next()) {
    for (let i = 0; i < b.length; i++) {
      if (b.type === 'bar') out.push({ o: b.openTimeUs[i]!, c: b.closeTimeUs[i]!, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, v: b.volume[i]! });
      else if (b.type === 'trade') out.push({ t: b.timeUs[i]!, price: b.price[i]!, size: b.size[i]! });
      else out.push({ t: b.timeUs[i]!, bid: b.bid[i]!, ask: b.ask[i]!, bs: b.bidSize[i]!, as: b.askSize[i]! });
    }
  }
  return out;
}

const info = { instrumentId: 'X', priceDecimals: 2 };
const bars = () => arraySource({ ...info, barIntervalUs: 10 }, { type: 'bar', rows: [
  { openTimeUs: 0, closeTimeUs: 10, open: 101, high: 105, low: 99, close: 103, volume: 7 },
  { openTimeUs: 10, closeTimeUs: 20, open: 103, high: 103, low: 97, close: 98, volume: 0 },
] }, 1);
const trades = () => arraySource(info, { type: 'trade', rows: [{ timeUs: 1, price: 50, size: 3 }, { timeUs: 2, price: 0, size: 1 }] });
const quotes = () => arraySource(info, { type: 'quote', rows: [{ timeUs: 1, bid: 49, ask: 51, bidSize: 2, askSize: 4 }] });

describe('scalePrices', () => {
  it('multiplies every price by k and keeps times, volumes and sizes (bars, trades, quotes)', async () => {
    const k = 4;
    const scaled = (r: Record<string, number>, keys: string[]) => Object.fromEntries(Object.entries(r).map(([f, v]) => [f, keys.includes(f) && v > 0 ? v * k : v]));
    expect(await rows(scalePrices(bars(), k))).toEqual((await rows(bars())).map((r) => scaled(r, ['open', 'high', 'low', 'close'])));
    expect(await rows(scalePrices(trades(), k))).toEqual([{ t: 1, price: 200, size: 3 }, { t: 2, price: 0, size: 1 }]);
    expect(await rows(scalePrices(quotes(), k))).toEqual([{ t: 1, bid: 196, ask: 204, bs: 2, as: 4 }]);
  });

  it('leaves the inner batches intact and forwards halt windows', async () => {
    const inner = halt(bars(), { kind: 'halt', fromUs: 10, toUs: 20 });
    const s = scalePrices(inner, 3);
    expect(haltWindowsOf(s)).toEqual(haltWindowsOf(inner));
    expect(await rows(s)).toEqual([{ o: 0, c: 10, open: 303, high: 315, low: 297, close: 309, v: 7 }]);
  });

  it('refuses a factor that is not a whole number >= 1, and a price it cannot scale exactly', async () => {
    expect(() => scalePrices(bars(), 2.5)).toThrow(RangeError);
    expect(() => scalePrices(bars(), 0)).toThrow(RangeError);
    const big = arraySource(info, { type: 'trade', rows: [{ timeUs: 5, price: RAW_PRICE_MAX / 2 + 1 }] });
    await expect(rows(scalePrices(big, 2))).rejects.toThrow(NumericRangeError);
  });
});
