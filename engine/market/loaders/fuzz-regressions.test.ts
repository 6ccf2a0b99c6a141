// Regressions found by the CSV fuzzer (harness/properties/fuzz/csv-rows.ts): an unclosed quote
// in a CRLF file reported on a line past the end of the file. Each file is written here, to a
// temporary folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp-dirs.ts';
import type { BadRowPolicy, MarketBatch } from '../types.ts';
import { CsvSyntaxError, openCsvSource } from './csv-source.ts';
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
