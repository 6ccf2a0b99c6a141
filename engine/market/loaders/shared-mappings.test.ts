// Proves that every recorded file in ../shared/data/market (read in place, never copied) and the
// vega-datasets demo file load through their declared mappings: row counts are the file's data
// rows minus the reported bad rows, the first and last rows' times and raw prices match values this
// test reads from the file text itself (times written out by hand, in UTC, from the declared zone),
// the clean files report no issue, and the noisy FX file flags exactly the rows its README describes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTimeUs } from '../../kernel/time.ts';
import type { MarketBatch } from '../types.ts';
import { BATCH_ROWS } from '../types.ts';
import type { CsvMapping } from './mapping.ts';
import { openCsvSource } from './csv-source.ts';
import { loadAll } from './load-all.ts';
import { SHARED_FILES, demoSp500Mapping, demoSp500Path, sharedMarketMappings } from './shared-mappings.ts';
import { sharedMarketDir } from '../../testing/shared-data.ts';

const DATA_DIR = `${sharedMarketDir()}/`;
const mappings = sharedMarketMappings(DATA_DIR, { stockClose: 'close' });

/** The file's lines, split on commas (the test's own reading, independent of the loader). */
function fileRows(path: string): string[][] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(','));
}

/** Raw fixed-point value of decimal text, by string surgery: '2.179012' at 6 -> 2179012. */
function raw(text: string, decimals: number): number {
  const [int = '', frac = ''] = text.split('.');
  return Number(int + frac.padEnd(decimals, '0'));
}

/** Row i of the loaded batches as plain values, times in ISO UTC. */
function row(batches: readonly MarketBatch[], i: number): Record<string, number | string> {
  for (const b of batches) {
    if (i >= b.length) { i -= b.length; continue; }
    switch (b.type) {
      case 'bar': return { open: formatTimeUs(b.openTimeUs[i] ?? 0), close: formatTimeUs(b.closeTimeUs[i] ?? 0), o: b.open[i] ?? 0, h: b.high[i] ?? 0, l: b.low[i] ?? 0, c: b.close[i] ?? 0, v: b.volume[i] ?? 0 };
      case 'trade': return { time: formatTimeUs(b.timeUs[i] ?? 0), price: b.price[i] ?? 0, size: b.size[i] ?? 0 };
      case 'quote': return { time: formatTimeUs(b.timeUs[i] ?? 0), bid: b.bid[i] ?? 0, ask: b.ask[i] ?? 0 };
    }
  }
  throw new Error(`no row ${i}`);
}

const count = (batches: readonly MarketBatch[]): number => batches.reduce((n, b) => n + b.length, 0);

async function load(mapping: CsvMapping): Promise<{ batches: MarketBatch[]; issues: readonly unknown[]; rows: string[][] }> {
  const source = openCsvSource(mapping);
  const batches = await loadAll(source);
  return { batches, issues: source.issues, rows: fileRows(mapping.file) };
}

/** Expected bar from a file row: OHLC at `d` decimals from the text; volume from the text. */
function barOf(fields: string[], cols: { o: number; h: number; l: number; c: number; v: number }, d: number, open: string, close: string): Record<string, number | string> {
  const f = (k: number): string => fields[k] ?? '';
  return { open, close, o: raw(f(cols.o), d), h: raw(f(cols.h), d), l: raw(f(cols.l), d), c: raw(f(cols.c), d), v: Number(f(cols.v)) };
}

// Times below are the file's first/last stamps converted by hand with the declared zone:
// New York is UTC-5 in winter (EST) and UTC-4 in summer (EDT); Frankfurt is UTC+1 in winter.
const bars = [
  { key: 'orcl', d: 6, first: ['1995-01-03', '1995-01-03T14:30', '1995-01-03T21:00'], last: ['2014-12-31', '2014-12-31T14:30', '2014-12-31T21:00'] },
  { key: 'nvda', d: 6, first: ['1999-01-22', '1999-01-22T14:30', '1999-01-22T21:00'], last: ['2014-12-31', '2014-12-31T14:30', '2014-12-31T21:00'] },
  // 1996-04-12 is after 1996's DST start (April 7): EDT.
  { key: 'yhoo', d: 6, first: ['1996-04-12', '1996-04-12T13:30', '1996-04-12T20:00'], last: ['2014-12-31', '2014-12-31T14:30', '2014-12-31T21:00'] },
  { key: 'indexDay', d: 2, first: ['2006-01-02', '2006-01-02T08:00', '2006-01-02T16:30'], last: ['2006-12-29', '2006-12-29T08:00', '2006-12-29T16:30'] },
] as const;

describe('shared market files load through their declared mappings', () => {
  for (const t of bars) {
    it(`${SHARED_FILES[t.key]}: daily bars on the declared session calendar`, async () => {
      const { batches, issues, rows } = await load(mappings[t.key]);
      const dataRows = rows.slice(1);
      expect(issues).toEqual([]);
      expect(count(batches)).toBe(dataRows.length);
      const cols = { o: 1, h: 2, l: 3, c: 4, v: rows[0]?.indexOf('Volume') ?? -1 };
      const [firstDate, firstOpen, firstClose] = t.first;
      const [lastDate, lastOpen, lastClose] = t.last;
      expect(dataRows[0]?.[0]).toBe(firstDate);
      expect(dataRows.at(-1)?.[0]).toBe(lastDate);
      expect(row(batches, 0)).toEqual(barOf(dataRows[0] ?? [], cols, t.d, `${firstOpen}:00.000000Z`, `${firstClose}:00.000000Z`));
      expect(row(batches, dataRows.length - 1)).toEqual(barOf(dataRows.at(-1) ?? [], cols, t.d, `${lastOpen}:00.000000Z`, `${lastClose}:00.000000Z`));
    });
  }

  it('orcl: date-only bars span 09:30-16:00 New York in winter and in summer, in BATCH_ROWS batches', async () => {
    const { batches, rows } = await load(mappings.orcl);
    expect(batches.map((b) => b.length)).toEqual([BATCH_ROWS, rows.length - 1 - BATCH_ROWS]);
    const i = rows.findIndex((r) => r[0] === '2014-07-01') - 1; // a summer session
    expect(row(batches, i)).toMatchObject({ open: '2014-07-01T13:30:00.000000Z', close: '2014-07-01T20:00:00.000000Z' });
  });

  it('orcl with Adj Close: close = Adj Close, O/H/L scaled by AdjClose/Close, rounded half-even', async () => {
    const adj = sharedMarketMappings(DATA_DIR, { stockClose: 'adjClose' }).orcl;
    const { batches, issues, rows } = await load(adj);
    expect(issues).toEqual([]);
    expect(count(batches)).toBe(rows.length - 1);
    const [, o = '', h = '', l = '', c = '', ac = ''] = rows[1] ?? []; // 1995-01-03
    const scaled = (x: string): number => {
      const p = BigInt(raw(x, 6)) * BigInt(raw(ac, 6));
      const den = BigInt(raw(c, 6));
      const q = p / den;
      const twice = 2n * (p - q * den);
      return Number(twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q);
    };
    expect(row(batches, 0)).toMatchObject({ o: scaled(o), h: scaled(h), l: scaled(l), c: raw(ac, 6) });
    expect(row(batches, 0).c).toBe(1_883_304);
  });

  it('index-2006-m5: two-column Date,Time stamps mark the 5-minute bar close, Frankfurt time', async () => {
    const { batches, issues, rows } = await load(mappings.indexM5);
    const data = rows.slice(1);
    expect(issues).toEqual([]);
    expect(count(batches)).toBe(data.length);
    const cols = { o: 2, h: 3, l: 4, c: 5, v: 6 };
    expect(data[0]?.slice(0, 2)).toEqual(['2006-01-02', '09:05:00']);
    expect(data.at(-1)?.slice(0, 2)).toEqual(['2006-01-30', '17:30:00']);
    expect(row(batches, 0)).toEqual(barOf(data[0] ?? [], cols, 2, '2006-01-02T08:00:00.000000Z', '2006-01-02T08:05:00.000000Z'));
    expect(row(batches, data.length - 1)).toEqual(barOf(data.at(-1) ?? [], cols, 2, '2006-01-30T16:25:00.000000Z', '2006-01-30T16:30:00.000000Z'));
  });

  it('eurusd-2017-h1: unnamed first column, hourly bars stamped at their open, UTC', async () => {
    const { batches, issues, rows } = await load(mappings.eurusdH1);
    const data = rows.slice(1);
    expect(rows[0]?.[0]).toBe('');
    expect(issues).toEqual([]);
    expect(count(batches)).toBe(data.length);
    const cols = { o: 1, h: 2, l: 3, c: 4, v: 5 };
    expect(data[0]?.[0]).toBe('2017-04-19 09:00:00');
    expect(data.at(-1)?.[0]).toBe('2018-02-07 15:00:00');
    expect(row(batches, 0)).toEqual(barOf(data[0] ?? [], cols, 5, '2017-04-19T09:00:00.000000Z', '2017-04-19T10:00:00.000000Z'));
    expect(row(batches, data.length - 1)).toEqual(barOf(data.at(-1) ?? [], cols, 5, '2018-02-07T15:00:00.000000Z', '2018-02-07T16:00:00.000000Z'));
  });

  it('index-2015-ticks: one trade a row (price = Close, size = Volume), ms stamps, shared stamps kept in order', async () => {
    const { batches, issues, rows } = await load(mappings.indexTicks);
    const data = rows.slice(1);
    expect(issues).toEqual([]);
    expect(count(batches)).toBe(data.length);
    const first = data[0] ?? [], last = data.at(-1) ?? [];
    expect([first[0], last[0]]).toEqual(['2015-09-23T20:57:42.146', '2015-09-23T21:00:00.238']);
    expect(row(batches, 0)).toEqual({ time: '2015-09-23T20:57:42.146000Z', price: raw(first[4] ?? '', 2), size: Number(first[5]) });
    expect(row(batches, data.length - 1)).toEqual({ time: '2015-09-23T21:00:00.238000Z', price: raw(last[4] ?? '', 2), size: Number(last[5]) });
    // The file has a pair of trades sharing a millisecond: both are kept, in file order.
    const shared = data.findIndex((r, i) => i > 0 && r[0] === data[i - 1]?.[0]);
    expect(shared).toBeGreaterThan(0);
    expect(row(batches, shared - 1).time).toBe(row(batches, shared).time);
    expect(row(batches, shared).price).toBe(raw(data[shared]?.[4] ?? '', 2));
  });

  it('fx-2010-bidask: flags exactly the README spikes and the wide quote, and keeps the rest', async () => {
    // Rule (declared in the mapping): a quote is bad when its mid moves more than 3% from the mid of
    // the last ACCEPTED quote, or its spread exceeds 1% of its mid. Mids by line (line 1 = header):
    //  2: .53465   3: .5345   4: .5544 (+3.7%: jump)   5: .5343   6: .53545 but spread .0219 = 4.1% (wide)
    //  7: .5465 (+2.3% from line 5: kept; it shares line 6's 16:53:54 stamp)   8: .5825 (+6.6%: jump)
    //  9: .53725 (-1.7%: kept)   10: .57935 (+7.8%: jump)   11: .5686 (+5.8% from line 9: jump)
    const { batches, issues, rows } = await load(mappings.fxBidAsk);
    const flagged = issues.map((i) => {
      const { line, column, reason, action } = i as { line: number; column: string; reason: string; action: string };
      return [line, column, reason, action];
    });
    expect(flagged).toEqual([
      [4, 'BID/ASK', 'jump', 'skipped'],
      [6, 'BID/ASK', 'wide-spread', 'skipped'],
      [8, 'BID/ASK', 'jump', 'skipped'],
      [10, 'BID/ASK', 'jump', 'skipped'],
      [11, 'BID/ASK', 'jump', 'skipped'],
    ]);
    expect(count(batches)).toBe(rows.length - 1 - flagged.length);
    const kept = [2, 3, 5, 7, 9].map((line) => rows[line - 1] ?? []);
    const fromFile = kept.map(([, bid = '', ask = '']) => ({ bid: raw(bid, 4), ask: raw(ask, 4) }));
    expect([0, 1, 2, 3, 4].map((i) => { const r = row(batches, i); return { bid: r.bid, ask: r.ask }; })).toEqual(fromFile);
    expect(kept[0]?.[0]).toBe('02/03/2010 16:53:50');
    expect(row(batches, 0).time).toBe('2010-02-03T16:53:50.000000Z');
    expect(kept[4]?.[0]).toBe('02/03/2010 16:53:57');
    expect(row(batches, 4).time).toBe('2010-02-03T16:53:57.000000Z');
  });

  it('vega-datasets sp500-2000.csv (the demo data) loads with no issue', async () => {
    expect(demoSp500Path()).toMatch(/vega-datasets[/\\]data[/\\]sp500-2000\.csv$/);
    const { batches, issues, rows } = await load(demoSp500Mapping());
    const data = rows.slice(1);
    expect(issues).toEqual([]);
    expect(count(batches)).toBe(data.length);
    const cols = { o: 1, h: 2, l: 3, c: 4, v: 6 };
    expect([data[0]?.[0], data.at(-1)?.[0]]).toEqual(['2000-01-03', '2020-04-17']);
    expect(row(batches, 0)).toEqual(barOf(data[0] ?? [], cols, 6, '2000-01-03T14:30:00.000000Z', '2000-01-03T21:00:00.000000Z'));
    expect(row(batches, data.length - 1)).toEqual(barOf(data.at(-1) ?? [], cols, 6, '2020-04-17T13:30:00.000000Z', '2020-04-17T20:00:00.000000Z'));
  });
});
