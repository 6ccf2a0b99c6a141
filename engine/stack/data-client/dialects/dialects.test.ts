// Regressions found by the payload fuzzer (harness/properties/fuzz/provider-payloads.ts): a body
// the dialects accepted although it says something else than what they read (an impossible time
// rolled over into another, a price too small for the decimals read as 0), and rejections of a
// latest body that named a list item the body does not have.
import { describe, expect, it } from 'vitest';
import { aggsV3 } from './aggs-v3.ts';
import { parseRfc3339Us } from './dialect.ts';
import { stocksV2 } from './stocks-v2.ts';

describe('RFC 3339 times', () => {
  it('reads real times exactly', () => {
    expect(parseRfc3339Us('2020-02-29T23:59:59.123456Z')).toBe(Date.UTC(2020, 1, 29, 23, 59, 59) * 1000 + 123_456);
    expect(parseRfc3339Us('1685-01-01T00:00:00Z')).toBe(Date.UTC(1685, 0, 1) * 1000);
  });

  it('refuses times Date.UTC would roll over or move to another century', () => {
    for (const s of ['2020-02-30T00:00:00Z', '2021-02-29T00:00:00Z', '2020-13-01T00:00:00Z', '2020-00-10T00:00:00Z', '2020-01-00T00:00:00Z',
      '2020-01-01T24:00:00Z', '2020-01-01T23:60:00Z', '2020-01-01T23:59:60Z', '0050-01-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
      expect(parseRfc3339Us(s), s).toBeNull();
    }
  });
});

describe('stocks-v2 payloads', () => {
  it('refuses a positive price that is 0 at the declared decimals', () => {
    const r = stocksV2.parse('poll', 'trades', { symbol: 'X', trades: [{ t: '2020-01-01T00:00:00Z', p: 1e-12, s: 1 }] }, 2);
    expect(r).toEqual({ ok: false, reason: 'trades.0: p 1e-12 is not a positive price at 2 decimals' });
    expect(stocksV2.parse('poll', 'quotes', { symbol: 'X', quotes: [{ t: '2020-01-01T00:00:00Z', bp: 5e-324, ap: 1, bs: 0, as: 0 }] }, 0).ok).toBe(false);
  });

  it('refuses an impossible time instead of reading the next day', () => {
    const r = stocksV2.parse('latest', 'trades', { symbol: 'X', trade: { t: '2020-02-30T00:00:00Z', p: 1, s: 1 } }, 2);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/^trade\.t: /);
  });

  it("names a latest body's item by its key: there is no list", () => {
    const r = stocksV2.parse('latest', 'quotes', { symbol: 'X', quote: { t: '2020-01-01T00:00:00Z', bp: 9007199254.740992, ap: 9007199254.740992, bs: 0, as: 0 } }, 6);
    expect(r).toEqual({ ok: false, reason: 'quote: bp 9007199254.740992 is not a positive price at 6 decimals' });
  });
});

describe('aggs-v3 payloads', () => {
  it("names a latest body's item by its key: there is no list", () => {
    const r = aggsV3.parse('latest', 'trades', { status: 'OK', ticker: 'X', results: { t: '1577836800000000000', p: '0', s: 1 } }, 2);
    expect(r).toEqual({ ok: false, reason: 'results: p 0 is not a positive price at 2 decimals' });
    const list = aggsV3.parse('poll', 'trades', { status: 'OK', ticker: 'X', resultsCount: 1, results: [{ t: '1577836800000000000', p: '0', s: 1 }] }, 2);
    expect(list).toEqual({ ok: false, reason: 'results.0: p 0 is not a positive price at 2 decimals' });
  });
});
