// Proves matching on trades and quotes through a real Kernel: market orders take the next print,
// or the touch of the next quote (buy at the ask, sell at the bid); a buy limit fills when the
// ask is at or below it, at the ask; stops trigger on the print or on the touch of their side and
// fill there; the participation cap reads the trade size or the size at the touch; a quote with
// no price on a side trades nothing on that side.
import { describe, expect, it } from 'vitest';
import { OhlcPathFillModel } from './models/fill-models.ts';
import { fillsOf, order, quoteSource, tradeSource, venueKit } from './venue-test-kit.ts';

const T = 1_700_000_000_000_000;

describe('quotes', () => {
  it('market buys at the ask and sells at the bid of the next quote', async () => {
    const k = venueKit({ startUs: T });
    const buy = order({ side: 1, quantityRaw: 3 });
    const sell = order({ side: -1, quantityRaw: 2 });
    k.venue.submit(buy);
    k.venue.submit(sell);
    k.feed([{ instrumentIndex: 0, source: quoteSource([{ timeUs: T + 10, bid: 9_995, ask: 10_005 }, { timeUs: T + 20, bid: 9_990, ask: 10_010 }]) }]);
    await k.run();
    expect(fillsOf(k.log, buy.clientOrderId)).toEqual([[T + 10, 3, 10_005]]);
    expect(fillsOf(k.log, sell.clientOrderId)).toEqual([[T + 10, 2, 9_995]]);
  });

  it('a buy limit fills when the ask is at or below the limit, at the ask; a sell limit at the bid', async () => {
    const k = venueKit({ startUs: T });
    const buy = order({ side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: 10_000 });
    const sell = order({ side: -1, quantityRaw: 1, type: 'limit', limitPriceRaw: 10_020 });
    k.venue.submit(buy);
    k.venue.submit(sell);
    k.feed([{ instrumentIndex: 0, source: quoteSource([
      { timeUs: T + 1, bid: 9_995, ask: 10_005 }, // neither
      { timeUs: T + 2, bid: 9_985, ask: 9_995 }, // ask 9995 <= 10000: buy at 9995
      { timeUs: T + 3, bid: 10_025, ask: 10_030 }, // bid 10025 >= 10020: sell at 10025
    ]) }]);
    await k.run();
    expect(fillsOf(k.log, buy.clientOrderId)).toEqual([[T + 2, 1, 9_995]]);
    expect(fillsOf(k.log, sell.clientOrderId)).toEqual([[T + 3, 1, 10_025]]);
  });

  it('a buy stop triggers when the ask reaches it and fills at that ask; a missing ask trades nothing', async () => {
    const k = venueKit({ startUs: T });
    const o = order({ side: 1, quantityRaw: 1, type: 'stop', stopPriceRaw: 10_050 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: quoteSource([
      { timeUs: T + 1, bid: 10_040, ask: 10_045 },
      { timeUs: T + 2, bid: 10_050, ask: 0 }, // no ask
      { timeUs: T + 3, bid: 10_050, ask: 10_060 },
    ]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T + 3, 1, 10_060]]);
  });

  it('the participation cap reads the size at the touch of the order side', async () => {
    const k = venueKit({ startUs: T, fill: new OhlcPathFillModel({ participation: 0.5 }) });
    const o = order({ side: 1, quantityRaw: 30 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: quoteSource([
      { timeUs: T + 1, bid: 9_995, ask: 10_005, bidSize: 1_000, askSize: 40 }, // 20 of 40 at the ask
      { timeUs: T + 2, bid: 9_995, ask: 10_010, bidSize: 1_000, askSize: 100 }, // the other 10
    ]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T + 1, 20, 10_005], [T + 2, 10, 10_010]]);
  });
});

describe('trades', () => {
  it('market orders take the next print; a buy limit fills at a print at or below it, at the print', async () => {
    const k = venueKit({ startUs: T });
    const mkt = order({ side: -1, quantityRaw: 4 });
    const lim = order({ side: 1, quantityRaw: 4, type: 'limit', limitPriceRaw: 9_950 });
    k.venue.submit(mkt);
    k.venue.submit(lim);
    k.feed([{ instrumentIndex: 0, source: tradeSource([{ timeUs: T + 5, price: 10_000, size: 10 }, { timeUs: T + 6, price: 9_940, size: 10 }]) }]);
    await k.run();
    expect(fillsOf(k.log, mkt.clientOrderId)).toEqual([[T + 5, 4, 10_000]]);
    expect(fillsOf(k.log, lim.clientOrderId)).toEqual([[T + 6, 4, 9_940]]);
  });

  it('a sell stop triggers on the first print at or below the stop and fills at that print', async () => {
    const k = venueKit({ startUs: T });
    const o = order({ side: -1, quantityRaw: 2, type: 'stop', stopPriceRaw: 9_900 });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: tradeSource([{ timeUs: T + 1, price: 9_950 }, { timeUs: T + 2, price: 9_880 }, { timeUs: T + 3, price: 9_800 }]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T + 2, 2, 9_880]]);
  });
});
