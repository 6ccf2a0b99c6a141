// Proves that the provider timeline answers as of a virtual time exactly like a naive filter over
// the stable-sorted rows (never an item later than the as-of time), merges sources, and caps lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arraySource, type TradeRow } from '../../../engine/index.ts';
import { ITEMS_PER_QUERY_MAX, ProviderTimeline } from './timeline.ts';
import { ACME_BARS, ACME_TRADES, T0_US, testSources } from './test-market.ts';

describe('ProviderTimeline', () => {
  it('serves bars as of their close time and keeps source order among equal times', async () => {
    const t = await ProviderTimeline.fromSources(testSources());
    expect(t.has('bars', 'ACME')).toBe(true);
    expect(t.has('quotes', 'BRK.B')).toBe(false);
    expect(t.priceDecimals('bars', 'BRK.B')).toBe(4);
    // At the first bar's close, exactly one bar has happened.
    const first = ACME_BARS[0]!;
    expect(t.after('bars', 'ACME', null, first.closeTimeUs - 1)).toEqual([]);
    expect(t.after('bars', 'ACME', null, first.closeTimeUs).map((b) => b.closeTimeUs)).toEqual([first.closeTimeUs]);
    expect(t.latest('bars', 'ACME', first.closeTimeUs + 59_000_000)?.openRaw).toBe(first.open);
    // Trades come in pairs of equal times: both of a pair, in source order (size i + 1).
    const pair = t.after('trades', 'ACME', null, T0_US);
    expect(pair.map((x) => x.size)).toEqual([1, 2]);
    expect(t.latest('trades', 'ACME', T0_US)?.size).toBe(2);
    expect(t.nextTimeAfter('trades', 'ACME', T0_US)).toBe(ACME_TRADES[2]!.timeUs);
    expect(t.nextTimeAfter('trades', 'ACME', ACME_TRADES.at(-1)!.timeUs)).toBeNull();
    expect(t.range('bars', 'ACME', ACME_BARS[2]!.closeTimeUs, ACME_BARS[4]!.closeTimeUs, Number.MAX_SAFE_INTEGER).length).toBe(3);
    // A range never reaches past its as-of time.
    expect(t.range('bars', 'ACME', ACME_BARS[2]!.closeTimeUs, ACME_BARS[4]!.closeTimeUs, ACME_BARS[3]!.closeTimeUs).length).toBe(2);
    expect(t.streamKeys()).toEqual([
      { symbol: 'ACME', kind: 'bars' }, { symbol: 'ACME', kind: 'quotes' }, { symbol: 'ACME', kind: 'trades' }, { symbol: 'BRK.B', kind: 'bars' },
    ]);
  });

  it('caps a list at 10,000 items and refuses sources that disagree on decimals', async () => {
    const rows: TradeRow[] = Array.from({ length: ITEMS_PER_QUERY_MAX + 5 }, (_, i) => ({ timeUs: i, price: 1 }));
    const t = await ProviderTimeline.fromSources([arraySource({ instrumentId: 'X', priceDecimals: 0 }, { type: 'trade', rows })]);
    expect(t.after('trades', 'X', null, 1e9).length).toBe(ITEMS_PER_QUERY_MAX);
    expect(t.after('trades', 'X', 9, 1e9)[0]!.timeUs).toBe(10);
    await expect(ProviderTimeline.fromSources([
      arraySource({ instrumentId: 'X', priceDecimals: 0 }, { type: 'trade', rows }),
      arraySource({ instrumentId: 'X', priceDecimals: 2 }, { type: 'trade', rows }),
    ])).rejects.toThrow(/X trades comes at 0 and 2 price decimals/);
  });

  it('agrees with a naive filter over the stable-sorted rows of merged sources (property)', async () => {
    const rowsArb = fc.array(fc.record({ timeUs: fc.integer({ min: 0, max: 50 }), price: fc.integer({ min: 1, max: 99 }) }), { maxLength: 30 });
    const timeArb = fc.option(fc.integer({ min: -2, max: 55 }), { nil: null });
    await fc.assert(fc.asyncProperty(rowsArb, rowsArb, timeArb, fc.integer({ min: -2, max: 55 }), fc.integer({ min: -2, max: 55 }), async (a, b, afterUs, asOfUs, fromUs) => {
      const t = await ProviderTimeline.fromSources([
        arraySource({ instrumentId: 'S', priceDecimals: 0 }, { type: 'trade', rows: a.map((r, i) => ({ ...r, size: i })) }, 4),
        arraySource({ instrumentId: 'S', priceDecimals: 0 }, { type: 'trade', rows: b.map((r, i) => ({ ...r, size: 100 + i })) }, 3),
      ]);
      // Independent expectation: concatenate, stable sort by time, filter.
      const all = [...a.map((r, i) => ({ ...r, size: i })), ...b.map((r, i) => ({ ...r, size: 100 + i }))]
        .map((r, order) => ({ ...r, order })).sort((x, y) => x.timeUs - y.timeUs || x.order - y.order)
        .map((r) => ({ timeUs: r.timeUs, priceRaw: r.price, size: r.size }));
      const after = all.filter((r) => (afterUs === null || r.timeUs > afterUs) && r.timeUs <= asOfUs);
      expect(t.after('trades', 'S', afterUs, asOfUs)).toEqual(after);
      expect(t.range('trades', 'S', fromUs, 40, asOfUs)).toEqual(all.filter((r) => r.timeUs >= fromUs && r.timeUs <= Math.min(40, asOfUs)));
      expect(t.latest('trades', 'S', asOfUs)).toEqual(all.filter((r) => r.timeUs <= asOfUs).at(-1) ?? null);
      expect(t.nextTimeAfter('trades', 'S', afterUs)).toBe(all.find((r) => afterUs === null || r.timeUs > afterUs)?.timeUs ?? null);
    }), { numRuns: 200 });
  });
});
