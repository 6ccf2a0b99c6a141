// Proves that bad rows are never dropped silently: corrupted copies of real files, written to the
// OS temp folder by this test (the shared files are read, never changed), get every bad row
// reported with its line, column and reason under each policy. reject throws at the first bad
// line; skip drops and reports each; repair fixes what has a sound repair (reporting the change and
// keeping the row) and skips the rest. Also: header mismatches, blank lines, broken CSV, missing files.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BarBatch, BadRowPolicy, DataIssue, MarketBatch } from '../types.ts';
import { MarketDataError } from '../types.ts';
import { CsvSyntaxError, openCsvSource } from './csv-source.ts';
import { loadAll } from './load-all.ts';
import type { BarMapping, CsvMappingInput } from './mapping.ts';
import { sharedMarketMappings } from './shared-mappings.ts';
import { sharedMarketDir } from '../../testing/shared-data.ts';
import { tempDir } from '../../testing/temp-dirs.ts';

const DATA_DIR = `${sharedMarketDir()}/`;
const shared = sharedMarketMappings(DATA_DIR, { stockClose: 'close' });
const tmp = tempDir('bad-rows');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `lines` (1-based line numbers as in DataIssue) to a temp file named `name`. */
function writeLines(name: string, lines: string[]): string {
  const path = join(tmp, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function realLines(file: string): string[] {
  return readFileSync(join(DATA_DIR, file), 'utf8').split('\n').filter((l) => l !== '');
}

/** Sets field `k` of 1-based line `n`. */
function setField(lines: string[], n: number, k: number, value: string): void {
  const f = (lines[n - 1] ?? '').split(',');
  f[k] = value;
  lines[n - 1] = f.join(',');
}

const O = 1, H = 2, L = 3, C = 4;
const ORCL = realLines('orcl-1995-2014.csv');
const field = (n: number, k: number): string => (ORCL[n - 1] ?? '').split(',')[k] ?? '';

/** ORCL with one problem on each of these lines; every other line is the real file. */
function corruptedOrcl(): string[] {
  const lines = [...ORCL];
  setField(lines, 3, O, 'abc');
  setField(lines, 5, H, 'NaN');
  setField(lines, 7, L, '0');
  setField(lines, 9, C, '-2.5');
  setField(lines, 11, H, field(11, L)); setField(lines, 11, L, field(11, H)); // high below low
  setField(lines, 13, O, '9.999999'); // open above high
  setField(lines, 15, 0, field(14, 0)); // duplicated date
  setField(lines, 17, 0, field(10, 0)); // out of order
  for (const k of [O, H, L, C]) setField(lines, 19, k, (Number(field(19, k)) * 3).toFixed(6)); // a +200% jump
  setField(lines, 21, O, `${field(21, O)}5`); // seven decimals: '2.1111115' style
  lines[22] = (lines[22] ?? '').split(',').slice(0, 3).join(','); // line 23: missing columns
  setField(lines, 25, 0, '1995-13-01'); // no such date
  return lines;
}

const EXPECTED: [number, string, DataIssue['reason']][] = [
  [3, 'Open', 'not-a-number'],
  [5, 'High', 'nan'],
  [7, 'Low', 'non-positive-price'],
  [9, 'Close', 'non-positive-price'],
  [11, 'High', 'high-below-low'],
  [13, 'Open', 'ohlc-outside-range'],
  [15, 'Date', 'duplicate-time'],
  [17, 'Date', 'out-of-order'],
  [19, 'Close', 'jump'],
  [21, 'Open', 'too-many-decimals'],
  [23, 'Low', 'missing-column'],
  [25, 'Date', 'bad-time'],
];
const REPAIRABLE = new Set([11, 13, 21]);

function orclMapping(file: string, badRows: BadRowPolicy): BarMapping {
  return { ...shared.orcl, file, badRows };
}

function bars(batches: readonly MarketBatch[]): BarBatch[] {
  return batches.filter((b): b is BarBatch => b.type === 'bar');
}

/** The loaded bar whose open time equals that of the real file's line `n` (found by its date). */
function barAt(batches: readonly MarketBatch[], dateText: string, all: BarBatch[] = bars(batches)): { o: number; h: number; l: number; c: number } {
  const open = Date.parse(`${dateText}T09:30:00-05:00`) * 1000;
  for (const b of all) {
    for (let i = 0; i < b.length; i++) {
      if (b.openTimeUs[i] === open) return { o: b.open[i] ?? 0, h: b.high[i] ?? 0, l: b.low[i] ?? 0, c: b.close[i] ?? 0 };
    }
  }
  throw new Error(`no bar on ${dateText}`);
}

const count = (batches: readonly MarketBatch[]): number => batches.reduce((n, b) => n + b.length, 0);
const brief = (issues: readonly DataIssue[]): [number, string, string, string][] => issues.map((i) => [i.line, i.column, i.reason, i.action]);

describe('bad rows in a corrupted copy of orcl-1995-2014.csv', () => {
  const file = writeLines('orcl-corrupt.csv', corruptedOrcl());
  const dataRows = ORCL.length - 1;

  it('reject: throws at the first bad line with its location', async () => {
    const source = openCsvSource(orclMapping(file, 'reject'));
    const err = await loadAll(source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketDataError);
    const issue = (err as MarketDataError).issue;
    expect([issue.file, issue.line, issue.column, issue.reason, issue.action]).toEqual([file, 3, 'Open', 'not-a-number', 'rejected']);
    expect((err as Error).message).toContain(`${file}:3: column Open: not-a-number`);
  });

  it('reject: throws even at a repairable row', async () => {
    const lines = [...ORCL];
    setField(lines, 40, O, `${field(40, O)}1`);
    const err = await loadAll(openCsvSource(orclMapping(writeLines('orcl-decimals.csv', lines), 'reject'))).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 40, column: 'Open', reason: 'too-many-decimals', action: 'rejected' });
  });

  it('skip: reports every bad row, drops them, keeps the rest', async () => {
    const source = openCsvSource(orclMapping(file, 'skip'));
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual(EXPECTED.map(([line, col, reason]) => [line, col, reason, 'skipped']));
    expect(source.issues.every((i) => i.file === file && i.detail.length > 0)).toBe(true);
    expect(count(batches)).toBe(dataRows - EXPECTED.length);
    // The jump is measured against the last accepted row (line 18), and the row after it is kept.
    expect(source.issues[8]?.detail).toContain('at line 18');
    expect(() => barAt(batches, field(20, 0))).not.toThrow();
  });

  it('repair: fixes swap, clamp and rounding, reports what changed, skips the rest', async () => {
    const source = openCsvSource(orclMapping(file, 'repair'));
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual(EXPECTED.map(([line, col, reason]) => [line, col, reason, REPAIRABLE.has(line) ? 'repaired' : 'skipped']));
    expect(count(batches)).toBe(dataRows - EXPECTED.length + REPAIRABLE.size);
    const raw = (s: string): number => Number(s.replace('.', ''));
    // Line 11: High and Low swapped back.
    expect(barAt(batches, field(11, 0))).toMatchObject({ h: raw(field(11, H)), l: raw(field(11, L)) });
    expect(source.issues[4]?.detail).toContain('swapped High and Low');
    // Line 13: Open 9.999999 clamped to High.
    expect(barAt(batches, field(13, 0)).o).toBe(raw(field(13, H)));
    expect(source.issues[5]?.detail).toBe(`Open 9.999999 outside [${field(13, L)}, ${field(13, H)}]; clamped to ${field(13, H)}`);
    // Line 21: one digit '5' appended: a tie, rounded half-even (to even last digit).
    const base = raw(field(21, O));
    expect(barAt(batches, field(21, 0)).o).toBe(base % 2 === 0 ? base : base + 1);
    expect(source.issues[9]?.detail).toContain('rounded half-even to');
  });
});

describe('bad rows in quotes and trades', () => {
  it('reports a crossed quote and keeps quotes sharing a timestamp', async () => {
    const lines = realLines('fx-2010-bidask.csv');
    lines[2] = '02/03/2010 16:53:51,0.5349,0.5347'; // line 3: bid > ask
    const file = writeLines('fx-crossed.csv', lines);
    const source = openCsvSource({ ...shared.fxBidAsk, file, maxJumpPct: undefined, maxSpreadPct: undefined });
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual([[3, 'BID/ASK', 'crossed-quote', 'skipped']]);
    expect(count(batches)).toBe(lines.length - 2); // the two 16:53:54 quotes both kept
  });

  it('reports an out-of-order trade and measures order against the last accepted trade', async () => {
    const lines = realLines('index-2015-ticks.csv');
    lines[9] = lines[9]?.replace(/^2015-09-23T20:5\d/, '2015-09-23T20:50') ?? ''; // line 10 goes back in time
    const file = writeLines('ticks-order.csv', lines);
    const reject = await loadAll(openCsvSource({ ...shared.indexTicks, file })).catch((e: unknown) => e);
    expect((reject as MarketDataError).issue).toMatchObject({ line: 10, column: 'Datetime', reason: 'out-of-order' });
    const source = openCsvSource({ ...shared.indexTicks, file, badRows: 'repair' });
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual([[10, 'Datetime', 'out-of-order', 'skipped']]);
    expect(count(batches)).toBe(lines.length - 2);
  });

  it('repairs a bad size to 0 (unknown)', async () => {
    const lines = realLines('index-2015-ticks.csv');
    setField(lines, 5, 5, 'lots');
    const source = openCsvSource({ ...shared.indexTicks, file: writeLines('ticks-size.csv', lines), badRows: 'repair' });
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual([[5, 'Volume', 'not-a-number', 'repaired']]);
    expect(batches[0]?.type === 'trade' ? batches[0].size[3] : -1).toBe(0);
  });
});

describe('file-level problems', () => {
  it('counts blank lines so later line numbers stay true', async () => {
    const lines = [...ORCL.slice(0, 6)];
    lines.splice(3, 0, ''); // line 4 is blank
    setField(lines, 6, C, 'x');
    const source = openCsvSource(orclMapping(writeLines('orcl-blank.csv', lines), 'skip'));
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual([[6, 'Close', 'not-a-number', 'skipped']]);
    expect(count(batches)).toBe(4);
  });

  it('reads CRLF line ends and a byte-order mark like plain LF', async () => {
    const lines = [...ORCL.slice(0, 6)];
    setField(lines, 5, O, '-1');
    const file = join(tmp, 'orcl-crlf.csv');
    writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`);
    const source = openCsvSource(orclMapping(file, 'skip'));
    const batches = await loadAll(source);
    expect(brief(source.issues)).toEqual([[5, 'Open', 'non-positive-price', 'skipped']]);
    expect(count(batches)).toBe(4);
  });

  it('refuses a header that lacks a declared column, whatever the policy', async () => {
    const file = writeLines('orcl-header.csv', ['Date,Open,High,Low,Close,Volume', ...ORCL.slice(1, 5)]);
    const err = await loadAll(openCsvSource({ ...orclMapping(file, 'skip'), closePrice: 'adjClose' })).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 1, column: 'Adj Close', reason: 'missing-column' });
  });

  it('refuses an empty file, broken CSV and a missing file with their location', async () => {
    const empty = await loadAll(openCsvSource(orclMapping(writeLines('empty.csv', []), 'skip'))).catch((e: unknown) => e);
    expect((empty as MarketDataError).issue).toMatchObject({ line: 1, reason: 'missing-column' });
    const broken = writeLines('broken.csv', [...ORCL.slice(0, 3), '"1995-01-06,2.1,2.2,2.0,2.1,2.0,100']);
    const syntax = await loadAll(openCsvSource(orclMapping(broken, 'skip'))).catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(CsvSyntaxError);
    expect([(syntax as CsvSyntaxError).file, (syntax as CsvSyntaxError).line]).toEqual([broken, 4]);
    const missing = await loadAll(openCsvSource(orclMapping(join(tmp, 'nope.csv'), 'skip'))).catch((e: unknown) => e);
    expect((missing as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('validates mappings before opening anything', () => {
    expect(() => openCsvSource({ ...shared.orcl, closePrice: undefined })).toThrow(/closePrice/);
    expect(() => openCsvSource({ ...shared.eurusdH1, timestampMarks: undefined })).toThrow(/timestampMarks|open/);
    expect(() => openCsvSource({ ...shared.orcl, priceDecimals: 10 })).toThrow();
    expect(() => openCsvSource({ ...shared.indexTicks, time: { format: 'date', column: 'Datetime', calendar: 'XNYS' } })).toThrow(/date-only/);
  });
});

// Issue 9: rows the reject policy let through. Each test was written before its fix and failed on
// the code of the time: extra fields were ignored, a header-only file gave 0 bars and no error, a
// declared Adj Close column was never read unless it was the close, and tickSize was never
// compared with the prices.
describe('malformed rows that used to pass reject', () => {
  it('rejects a row with more fields than the header, naming the first extra field', async () => {
    const lines = [...ORCL.slice(0, 10)];
    lines[3] = `${lines[3]},17`; // line 4: eight fields under a seven-column header
    const file = writeLines('orcl-extra.csv', lines);
    const err = await loadAll(openCsvSource(orclMapping(file, 'reject'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketDataError);
    expect((err as MarketDataError).issue).toMatchObject({ file, line: 4, column: '8', reason: 'extra-fields', action: 'rejected' });
    for (const policy of ['skip', 'repair'] as const) {
      const source = openCsvSource(orclMapping(file, policy));
      const batches = await loadAll(source);
      // No sound repair: a stray delimiter may have shifted any field, so the row is dropped.
      expect(brief(source.issues)).toEqual([[4, '8', 'extra-fields', 'skipped']]);
      expect(count(batches)).toBe(8);
    }
  });

  it('rejects a row with fewer fields than the header even when the missing one is not mapped', async () => {
    const lines = realLines('index-2006-day.csv').slice(0, 6);
    lines[2] = (lines[2] ?? '').split(',').slice(0, 6).join(','); // line 3 lacks OpenInterest
    const file = writeLines('index-short.csv', lines);
    const err = await loadAll(openCsvSource({ ...shared.indexDay, file })).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 3, column: 'OpenInterest', reason: 'missing-column', action: 'rejected' });
  });

  it('refuses a header-only file, whatever the policy: a run on no data is not a pass', async () => {
    const file = writeLines('orcl-header-only.csv', [ORCL[0] ?? '']);
    for (const policy of ['reject', 'skip', 'repair'] as const) {
      const err = await loadAll(openCsvSource(orclMapping(file, policy))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MarketDataError);
      expect((err as MarketDataError).issue).toMatchObject({ file, line: 1, reason: 'no-rows', action: 'rejected' });
      expect((err as Error).message).toBe(`${file}:1: no-rows: the file has a header but no data rows`);
    }
  });

  it('refuses a file whose every row was skipped, saying how many and where the first was', async () => {
    const lines = [...ORCL.slice(0, 4)];
    for (let n = 2; n <= 4; n++) setField(lines, n, C, 'x');
    const file = writeLines('orcl-all-bad.csv', lines);
    const err = await loadAll(openCsvSource(orclMapping(file, 'skip'))).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 1, reason: 'no-rows' });
    expect((err as Error).message).toContain('all 3 data rows were bad (the first at line 2: column Close: not-a-number)');
  });

  it('validates a declared Adj Close column even when the close is the plain Close', async () => {
    const lines = [...ORCL.slice(0, 10)];
    setField(lines, 6, 5, 'garbage');
    const file = writeLines('orcl-adj-garbage.csv', lines);
    const err = await loadAll(openCsvSource(orclMapping(file, 'reject'))).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 6, column: 'Adj Close', reason: 'not-a-number' });
    const skip = openCsvSource(orclMapping(file, 'skip'));
    expect(count(await loadAll(skip))).toBe(8);
    expect(brief(skip.issues)).toEqual([[6, 'Adj Close', 'not-a-number', 'skipped']]);
  });
});

describe('prices off the instrument tick grid', () => {
  // Bars on a 0.05 grid (2 decimals, tick 5 raw) but for line 4's Close, 10.03.
  const lines = [
    'Datetime,Open,High,Low,Close,Volume',
    '2024-01-02 09:00:00,10.00,10.10,9.95,10.05,100',
    '2024-01-02 09:01:00,10.05,10.15,10.00,10.10,100',
    '2024-01-02 09:02:00,10.10,10.10,10.00,10.03,100',
    '2024-01-02 09:03:00,10.05,10.20,10.05,10.15,100',
  ];
  const mapping = (file: string, badRows: BadRowPolicy): CsvMappingInput => ({
    file, instrumentId: 'X', dataType: 'bar', priceDecimals: 2, badRows, barInterval: '1m', timestampMarks: 'open',
    time: { format: 'datetime', column: 'Datetime', timeZone: 'UTC' },
    columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' },
  });
  const file = writeLines('tick-grid.csv', lines);

  it('reject: stops at the first price off the grid, with line and column', async () => {
    const err = await loadAll(openCsvSource(mapping(file, 'reject'), { tickSizeRaw: 5 })).catch((e: unknown) => e);
    expect((err as MarketDataError).issue).toMatchObject({ line: 4, column: 'Close', reason: 'off-tick', action: 'rejected' });
    expect((err as Error).message).toContain("'10.03' is not a multiple of the tick size 0.05");
  });

  it('skip drops the row; repair rounds half-even to the nearest tick and says so', async () => {
    const skip = openCsvSource(mapping(file, 'skip'), { tickSizeRaw: 5 });
    expect(count(await loadAll(skip))).toBe(3);
    expect(brief(skip.issues)).toEqual([[4, 'Close', 'off-tick', 'skipped']]);
    const repair = openCsvSource(mapping(file, 'repair'), { tickSizeRaw: 5 });
    const batches = bars(await loadAll(repair));
    expect(brief(repair.issues)).toEqual([[4, 'Close', 'off-tick', 'repaired']]);
    expect(repair.issues[0]?.detail).toContain('rounded half-even to 10.05');
    expect(batches[0]?.close[2]).toBe(1005);
  });

  it('the default tick (one unit of the last decimal) accepts every price', async () => {
    expect(count(await loadAll(openCsvSource(mapping(file, 'reject'))))).toBe(4);
  });
});
