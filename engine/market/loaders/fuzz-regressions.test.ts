// Regressions found by the CSV fuzzer (harness/properties/fuzz/csv-rows.ts): rows the loader
// handed out although they break what it promises (an infinite volume, adjusted prices of 0 or
// past 2^53, a repair that rounds past 2^53), and an unclosed quote in a CRLF file reported on a
// line past the end of the file. Each file is written here, to a temporary folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp-dirs.ts';
import type { BadRowPolicy, BarBatch, MarketBatch, TradeBatch } from '../types.ts';
import type { MarketDataError } from '../types.ts';
import { CsvSyntaxError, openCsvSource } from './csv-source.ts';
import { DEC_OUT_OF_RANGE, parseFixed, parseSize } from './decimal.ts';
import { loadAll } from './load-all.ts';
import type { CsvMappingInput } from './mapping.ts';

const tmp = tempDir('fuzz-regressions');

function write(name: string, text: string): string {
  writeFileSync(join(tmp, name), text);
  return name;
}

function bars(file: string, badRows: BadRowPolicy, extra: Partial<CsvMappingInput> = {}): CsvMappingInput {
  return {
    file, instrumentId: 'X', dataType: 'bar', priceDecimals: 0, time: { format: 'date', column: 'Date', calendar: 'UTC_24H' },
    columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' }, barInterval: '1d', badRows, ...extra,
  } as CsvMappingInput;
}

const load = async (m: CsvMappingInput, tickSizeRaw = 1): Promise<{ batches: MarketBatch[]; issues: string[]; error: unknown }> => {
  const source = openCsvSource(m, { baseDir: tmp, tickSizeRaw });
  let batches: MarketBatch[] = [];
  let error: unknown = null;
  try {
    batches = await loadAll(source);
  } catch (e) {
    error = e;
  }
  return { batches, issues: source.issues.map((i) => `${i.line} ${i.column} ${i.reason} ${i.action}: ${i.detail}`), error };
};

describe('an unclosed quote', () => {
  it('is reported on the line it opens, in a CRLF file too (csv-parse counts to the end, CRLF twice)', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const lines = ['Date,Open,High,Low,Close,Volume', '2020-01-01,1,1,1,1,1', '2020-01-02,"1,1,1,1,1', '2020-01-03,1,1,1,1,1', '2020-01-04,1,1,1,1,1'];
      const { error } = await load(bars(write('quote.csv', `${lines.join(eol)}${eol}`), 'skip'));
      expect(error, JSON.stringify(eol)).toBeInstanceOf(CsvSyntaxError);
      expect([(error as CsvSyntaxError).line, (error as CsvSyntaxError).message]).toEqual([3, 'quote.csv:3: CSV syntax: a quote opened on this line is never closed']);
    }
  });
});

describe('sizes and volumes', () => {
  it('a volume of more digits than a double holds is a bad row, never Infinity', async () => {
    const file = write('huge-volume.csv', `Date,Open,High,Low,Close,Volume\n2020-01-01,1,1,1,1,1\n2020-01-02,1,1,1,1,${'9'.repeat(400)}\n`);
    expect(parseSize('9'.repeat(400), { raw: 0 })).toBe(DEC_OUT_OF_RANGE);
    const skip = await load(bars(file, 'skip'));
    expect(skip.issues).toEqual([`3 Volume not-a-number skipped: '${'9'.repeat(400)}' is beyond the largest number`]);
    const repair = await load(bars(file, 'repair'));
    expect((repair.batches[0] as BarBatch).volume.slice(0, 2)).toEqual(new Float64Array([1, 0]));
    const trades = write('huge-size.csv', `Time,Price,Size\n2020-01-01T00:00:00Z,1,${'9'.repeat(309)}\n2020-01-01T00:00:01Z,1,${'9'.repeat(308)}\n`);
    const t = await load({ file: trades, instrumentId: 'X', dataType: 'trade', priceDecimals: 0, time: { format: 'iso', column: 'Time' }, columns: { price: 'Price', size: 'Size' }, badRows: 'skip' });
    expect(t.issues).toHaveLength(1);
    expect((t.batches[0] as TradeBatch).size[0]).toBe(Number('9'.repeat(308))); // 1e308: a double still holds it
  });
});

describe('adjusted bars', () => {
  const header = 'Date,Open,High,Low,Close,Adj Close,Volume';
  const adjusted = (file: string, badRows: BadRowPolicy): CsvMappingInput =>
    bars(file, badRows, { columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', adjClose: 'Adj Close', volume: 'Volume' }, closePrice: 'adjClose' });

  it('a ratio that takes the prices to 0 at the declared decimals is a bad row at Adj Close', async () => {
    const file = write('adj-zero.csv', `${header}\n2020-01-01,1000,1000,1000,1000,1000,1\n2020-01-02,1000,1000,100,1000,1,1\n`);
    const skip = await load(adjusted(file, 'skip'));
    expect(skip.issues).toEqual(["3 Adj Close non-positive-price skipped: adjusting by 1/1000 takes the bar's prices to 0, not above 0 at 0 decimals"]);
    expect(skip.batches[0]!.length).toBe(1);
    const reject = await load(adjusted(file, 'reject'));
    expect((reject.error as MarketDataError).issue).toMatchObject({ line: 3, column: 'Adj Close', reason: 'non-positive-price', action: 'rejected' });
  });

  it('a ratio that takes the prices past 2^53 is a bad row at Adj Close', async () => {
    const file = write('adj-huge.csv', `${header}\n2020-01-01,1,4,1,1,1,1\n2020-01-02,1,4,1,1,4503599627370496,1\n`);
    const skip = await load(adjusted(file, 'skip'));
    expect(skip.issues).toEqual(["3 Adj Close not-a-number skipped: adjusting by 4503599627370496/1 takes the bar's prices beyond 2^53 at 0 decimals"]);
  });
});

describe('repairs near 2^53', () => {
  it('rounding extra decimals up past 2^53 is out of range, not a repair', async () => {
    expect(parseFixed('900719925474099.15', 1, { raw: 0 })).toBe(DEC_OUT_OF_RANGE);
    const file = write('round-up.csv', 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,1,1,1,1\n2020-01-02,1,900719925474099.15,1,1,1\n');
    const repair = await load(bars(file, 'repair', { priceDecimals: 1 }));
    expect(repair.issues).toEqual(["3 High not-a-number skipped: '900719925474099.15' is beyond 2^53 at 1 decimals"]);
  });

  it('an off-tick price whose nearest tick is past 2^53 is not repaired', async () => {
    const file = write('off-tick.csv', 'Date,Open,High,Low,Close,Volume\n2020-01-01,2,2,2,2,1\n2020-01-02,2,9007199254740991,2,2,1\n');
    const repair = await load(bars(file, 'repair'), 2);
    expect(repair.issues).toEqual(["3 High off-tick skipped: '9007199254740991' is not a multiple of the tick size 2, and the nearest tick is beyond 2^53 at 0 decimals"]);
    expect(repair.batches[0]!.length).toBe(1);
  });
});
