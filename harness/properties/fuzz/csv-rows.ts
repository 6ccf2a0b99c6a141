/**
 * Boundary 2: CSV market data rows. A generated file under a generated (valid) mapping goes
 * through the streaming loader (openCsvSource, read to the end) under each bad-row policy. The
 * files are plausible bars, trades or quotes, broken row by row at a rate drawn per file: wrong
 * field counts, garbage and NaN numbers, exponents, huge and negative prices, too many decimals,
 * impossible or misformatted timestamps, order breaks, crossed quotes, jumps, unicode, quotes
 * (balanced or not), blank lines, CRLF or CR line ends, a BOM, a header that does not match.
 *
 * What must hold:
 * - the loader yields rows or throws only its documented input errors: MarketDataError (a bad
 *   row under reject, a header mismatch, no usable row) or CsvSyntaxError (broken CSV text);
 * - every issue, thrown or recorded, names the file, a line of it and, for a row, the column;
 *   its action follows the policy;
 * - nothing is dropped silently: rows handed out plus rows reported skipped are the file's
 *   non-blank data lines (checked when no quote can join lines);
 * - every row handed out is one the loader promises: positive exact prices, low <= open, close
 *   <= high, bid <= ask, finite non-negative sizes, time order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvSyntaxError, MarketDataError, openCsvSource, type BadRowPolicy, type CsvMappingInput, type DataIssue, type MarketBatch } from '../../../engine/index.ts';
import { isPositiveInt, runFuzz, type FuzzOptions, type FuzzResult, type Verdict } from './fuzz-run.ts';

type Gen = fc.GeneratorValue;

export interface CsvInput {
  readonly mapping: CsvMappingInput;
  readonly tickSizeRaw: number;
  readonly text: string;
  /** Data lines (after the header, not blank) when no quote character can join lines; null otherwise. */
  readonly dataLines: number | null;
}

const FILE = 'fuzz.csv';
const MS_PER_DAY = 86_400_000;
/** Raw prices stay below this, so that the walk never leaves the exact range by itself. */
const RAW_MAX = 2 ** 50;

const REASONS: ReadonlySet<string> = new Set([
  'not-a-number', 'nan', 'non-positive-price', 'high-below-low', 'ohlc-outside-range', 'out-of-order', 'duplicate-time', 'jump', 'wide-spread',
  'crossed-quote', 'bad-time', 'too-many-decimals', 'missing-column', 'extra-fields', 'off-tick', 'no-rows',
]);

/** Numbers as files write them when they should not. */
const GARBAGE = [
  '', ' ', 'NaN', 'nan', 'NAN', '-nan', 'null', 'N/A', '-', '.', '..', '1..2', '1.2.3', 'abc', '1e5', '1E-3', '-1e2', '1e400', '0x1F', '+1.5', '+', '-0',
  '0', '0.0', '-1', '-0.01', '1,5', '1 000', ' 1.5', '1.5 ', '\t1', 'Infinity', '-Infinity', '∞', '１２３', '١٢٣', '߁', '1.5\u200b', '\u00a01',
  '9'.repeat(17), '9'.repeat(30), '9'.repeat(400), `0.${'0'.repeat(30)}1`, `${'9'.repeat(16)}.99`, '4503599627370496', '9007199254740991', '9007199254740991.5', '900719925474099.15', '9007199254740993',
  '"1.5"', '"', '""', "'1.5'", '$1.50', '1.50USD', '1/2', '½', 'true', '\u0000', '\uD800', '\u{1F600}',
];

const BAD_TIMES = [
  '', '0', 'now', '2020-02-30', '2020-13-01', '2020-00-10', '1600-01-01', '2300-01-01', '2020-1-1', '20200101', '2020/01/01', '01/02/2020',
  '2020-01-01T24:00', '2020-01-01T23:60', '2020-01-01T23:59:60', '2020-01-01T10:00:00+25:00', '2020-01-01T10:00:00+0530', '2020-01-01T10:00:00.1234567',
  '2020-01-01 10:00', '2020-01-01 10:00:00Z', '2020-01-01T10:00:00z', '2020-01-01T10:00:00.Z', '2020-01-01T10:00:00 ', ' 2020-01-01T10:00:00',
  '２０２０-01-01', '2020-01-01T10:00:00+01:00:00', '12/31/2020 24:00:00', '02/30/2020 10:00:00', '1577836800', '1577836800000000', '9'.repeat(40),
];

const NAMES = {
  time: ['Date', 'Time', 'timestamp', 'datetime', 'Datum', 't', 'Zeit (UTC)', 'date ', '日付'],
  open: ['Open', 'open', 'o', 'Eröffnung'], high: ['High', 'high', 'h'], low: ['Low', 'low', 'l'], close: ['Close', 'close', 'c', 'Last'],
  adjClose: ['Adj Close', 'adj_close'], volume: ['Volume', 'vol', 'v'], price: ['Price', 'price', 'p'], size: ['Size', 'qty', 's'],
  bid: ['Bid', 'bid', 'b'], ask: ['Ask', 'ask', 'a'], bidSize: ['BidSize', 'bid_size'], askSize: ['AskSize', 'ask_size'],
  extra: ['Symbol', 'Exchange', 'Note', 'x', ''],
} as const;

type Field = keyof typeof NAMES;

function fixed(raw: number, d: number): string {
  const neg = raw < 0;
  const digits = String(Math.abs(raw)).padStart(d + 1, '0');
  const cut = digits.length - d;
  return `${neg ? '-' : ''}${d === 0 ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`}`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The text of an instant (UTC) in a declared format; two fields for date+time. */
function timeText(format: string, ms: number): string[] {
  const t = new Date(ms);
  const date = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  const clock = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  switch (format) {
    case 'date': return [date];
    case 'date+time': return [date, clock];
    case 'iso': return [`${date}T${clock}${ms % 7 === 0 ? 'Z' : ''}`];
    case 'mdy': return [`${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}/${pad(t.getUTCFullYear(), 4)} ${clock}`];
    default: return [`${date} ${clock}`];
  }
}

/** Generates one file and its mapping. */
function csvInput(g: Gen): CsvInput {
  const dataType = g(fc.constantFrom, 'bar', 'bar', 'trade', 'quote');
  const format = dataType === 'bar' ? g(fc.constantFrom, 'date', 'iso', 'datetime', 'mdy', 'date+time') : g(fc.constantFrom, 'iso', 'datetime', 'mdy', 'date+time');
  const d = g(fc.integer, { min: 0, max: 9 });
  const delimiter = g(fc.constantFrom, ',', ',', ',', ';', '\t', '|');
  const badRows: BadRowPolicy = g(fc.constantFrom, 'reject', 'skip', 'repair');
  const name = (f: Field): string => NAMES[f][g(fc.nat, { max: NAMES[f].length - 1 })]!;

  // Which fields the file has, in which order; extra columns nobody reads, now and then.
  const fields: Field[] = format === 'date+time' ? ['time', 'extra'] : ['time'];
  const optional: Field[] = [];
  if (dataType === 'bar') { fields.push('open', 'high', 'low', 'close'); optional.push('adjClose', 'volume'); }
  else if (dataType === 'trade') { fields.push('price'); optional.push('size'); }
  else { fields.push('bid', 'ask'); optional.push('bidSize', 'askSize'); }
  for (const f of optional) if (g(fc.boolean)) fields.push(f);
  for (let i = g(fc.nat, { max: 3 }) === 0 ? g(fc.integer, { min: 1, max: 3 }) : 0; i > 0; i--) fields.push('extra');
  if (g(fc.boolean)) for (let i = fields.length - 1; i > 0; i--) { const j = g(fc.nat, { max: i }); [fields[i], fields[j]] = [fields[j]!, fields[i]!]; }

  // Header names, unique but for what a mutation below does; the mapping refers by name or position.
  const used = new Set<string>();
  const header = fields.map((f, i) => { let n = name(f); while (used.has(n)) n = `${n}_${i}`; used.add(n); return n; });
  const dateIndex = fields.indexOf('time');
  const clockIndex = format === 'date+time' ? fields.indexOf('extra') : -1;
  if (clockIndex >= 0) header[clockIndex] = header[clockIndex] === '' ? 'clock' : `${header[clockIndex]}-clock`;
  const ref = (i: number): string | number => (header[i] === '' || g(fc.nat, { max: 5 }) === 0 ? i + 1 : header[i]!);
  const col = (f: Field): string | number => ref(fields.indexOf(f));
  const timeZone = g(fc.constantFrom, 'UTC', 'UTC', 'America/New_York', 'Asia/Kolkata');
  const time = format === 'date' ? { format, column: col('time'), calendar: g(fc.constantFrom, 'UTC_24H', 'XNYS') }
    : format === 'date+time' ? { format, dateColumn: ref(dateIndex), timeColumn: ref(clockIndex), timeZone }
    : { format, column: col('time'), timeZone };
  const common = { file: FILE, instrumentId: 'X', priceDecimals: d, delimiter, time, badRows, ...(g(fc.boolean) ? { maxJumpPct: g(fc.constantFrom, 0.5, 5, 50, 1000) } : {}) };
  const has = (f: Field): boolean => fields.includes(f);
  let mapping: CsvMappingInput;
  if (dataType === 'bar') {
    const adj = has('adjClose');
    mapping = {
      ...common, dataType, columns: { open: col('open'), high: col('high'), low: col('low'), close: col('close'), ...(adj ? { adjClose: col('adjClose') } : {}), ...(has('volume') ? { volume: col('volume') } : {}) },
      barInterval: format === 'date' ? '1d' : g(fc.constantFrom, '1m', '5m', '1h', '1d', '30s'),
      ...(format === 'date' ? {} : { timestampMarks: g(fc.constantFrom, 'open', 'close') }),
      ...(adj ? { closePrice: g(fc.constantFrom, 'close', 'adjClose') } : {}),
    } as CsvMappingInput;
  } else if (dataType === 'trade') {
    mapping = { ...common, dataType, columns: { price: col('price'), ...(has('size') ? { size: col('size') } : {}) } } as CsvMappingInput;
  } else {
    mapping = {
      ...common, dataType, columns: { bid: col('bid'), ask: col('ask'), ...(has('bidSize') ? { bidSize: col('bidSize') } : {}), ...(has('askSize') ? { askSize: col('askSize') } : {}) },
      ...(g(fc.boolean) ? { maxSpreadPct: g(fc.constantFrom, 0.01, 1, 10, 200) } : {}),
    } as CsvMappingInput;
  }
  const tickSizeRaw = g(fc.nat, { max: 4 }) === 0 ? g(fc.constantFrom, 2, 5, 25, 100) : 1;

  // Rows: a walk on the tick grid, broken at a rate drawn for the file.
  const rate = g(fc.constantFrom, 0, 0.02, 0.1, 0.4, 1);
  const count = g(fc.nat, { max: 9 }) === 0 ? g(fc.integer, { min: 100, max: 600 }) : g(fc.nat, { max: 30 });
  const stepMs = format === 'date' ? MS_PER_DAY : g(fc.constantFrom, 1000, 60_000, 3_600_000, MS_PER_DAY);
  let ms = Date.UTC(g(fc.integer, { min: 1990, max: 2030 }), g(fc.nat, { max: 11 }), g(fc.integer, { min: 1, max: 28 }));
  let price = Math.min(RAW_MAX, Math.max(1, Math.round(g(fc.double, { min: 0.01, max: 5000, noNaN: true }) * 10 ** d))) * tickSizeRaw;
  const rows: string[][] = [];
  let quoted = false;
  for (let r = 0; r < count; r++) {
    ms += stepMs;
    const moveRaw = Math.round(price * g(fc.double, { min: -0.02, max: 0.02, noNaN: true }) / tickSizeRaw) * tickSizeRaw;
    const open = price;
    price = Math.max(tickSizeRaw, Math.min(RAW_MAX, price + moveRaw));
    const [hi, lo] = [Math.max(open, price) + tickSizeRaw * g(fc.nat, { max: 3 }), Math.max(tickSizeRaw, Math.min(open, price) - tickSizeRaw * g(fc.nat, { max: 3 }))];
    const t = timeText(format, ms);
    const v = (f: Field): string => {
      switch (f) {
        case 'time': return t[0]!;
        case 'open': return fixed(open, d);
        case 'high': return fixed(hi, d);
        case 'low': return fixed(lo, d);
        case 'close': return fixed(price, d);
        case 'adjClose': return fixed(Math.max(1, Math.round(price * g(fc.constantFrom, 1, 1, 0.5, 0.001, 2))), d);
        case 'price': return fixed(price, d);
        case 'bid': return fixed(lo, d);
        case 'ask': return fixed(hi, d);
        case 'volume': case 'size': case 'bidSize': case 'askSize': return String(g(fc.nat, { max: 100_000 }) / (g(fc.boolean) ? 1 : 100));
        case 'extra': return 'x';
      }
    };
    const row = fields.map((f, i) => (i === clockIndex ? t[1]! : v(f)));
    if (g(fc.double, { min: 0, max: 1, noNaN: true }) < rate) quoted = breakRow(g, row, fields, delimiter) || quoted;
    rows.push(row);
    if (g(fc.nat, { max: 49 }) === 0) rows.push([]); // a blank line
  }

  // The header, broken now and then (a column missing or named twice).
  const headerRow = [...header];
  if (g(fc.nat, { max: 14 }) === 0) {
    const i = g(fc.nat, { max: headerRow.length - 1 });
    if (g(fc.boolean)) headerRow.splice(i, 1); else headerRow[i] = headerRow[(i + 1) % headerRow.length]!;
  }
  const eol = g(fc.constantFrom, '\n', '\n', '\r\n', '\r');
  const mixed = g(fc.nat, { max: 9 }) === 0;
  const lines = [headerRow, ...rows].map((f) => f.join(delimiter));
  let text = mixed ? lines.map((l) => `${l}${g(fc.constantFrom, '\n', '\r\n')}`).join('') : `${lines.join(eol)}${g(fc.nat, { max: 3 }) === 0 ? '' : eol}`;
  if (g(fc.nat, { max: 9 }) === 0) text = `\uFEFF${text}`;
  if (g(fc.nat, { max: 29 }) === 0) text = g(fc.constantFrom, '', '\n', '\uFEFF', eol.repeat(3));
  // Lines can be counted when no quote may join them and one line end is used throughout (csv-parse
  // detects the record delimiter from the first line end).
  const countable = !quoted && !mixed && !text.includes('"');
  const dataLines = countable ? text.split(eol).slice(1).filter((l) => l !== '').length : null;
  return { mapping, tickSizeRaw, text, dataLines };
}

/** Breaks one row in place; true when it wrote a quote. */
function breakRow(g: Gen, row: string[], fields: readonly Field[], delimiter: string): boolean {
  const i = g(fc.nat, { max: row.length - 1 });
  const timeAt = fields.indexOf('time');
  switch (g(fc.nat, { max: 13 })) {
    case 0: row.splice(g(fc.nat, { max: row.length }), g(fc.integer, { min: 1, max: 2 })); return false;
    case 1: row.push(...Array.from({ length: g(fc.integer, { min: 1, max: 3 }) }, () => g(fc.constantFrom, '', 'x', '1'))); return false;
    case 2: case 3: row[i] = g(fc.constantFrom, ...GARBAGE); return row[i]!.includes('"');
    case 4: row[timeAt] = g(fc.constantFrom, ...BAD_TIMES); return false;
    case 5: { const t = row[timeAt]!; row[timeAt] = t.replace(/\d(?=\D*$)/, (c) => String((Number(c) + 9) % 10)); return false; } // time moved a little, maybe backwards
    case 6: row[i] = `${row[i]}${g(fc.integer, { min: 1, max: 9 })}`; return false; // one more decimal (or a much larger number)
    case 7: row[i] = `-${row[i]}`; return false;
    case 8: { const a = g(fc.nat, { max: row.length - 1 }); [row[i], row[a]] = [row[a]!, row[i]!]; return false; } // high below low, bid above ask...
    case 9: row[i] = (Number(row[i]) * g(fc.constantFrom, 10, 1000, 0.01, 1e6)).toString(); return false; // a jump, maybe in exponent notation
    case 10: row[i] = `"${row[i]}"`; return true;
    case 11: row[i] = g(fc.constantFrom, `"1${delimiter}5"`, '"1""5"', '"unclosed', 'a"b', '"a"b', `"${'x'.repeat(50)}\n"`); return true;
    case 12: row[i] = g(fc.string, { unit: 'binary', maxLength: 8 }).replace(/[\r\n]/g, ''); return row[i]!.includes('"');
    default: row[i] = `${'9'.repeat(g(fc.integer, { min: 10, max: 40 }))}.${'9'.repeat(g(fc.nat, { max: 12 }))}`; return false;
  }
}

export function csvInputArb(): fc.Arbitrary<CsvInput> {
  return fc.gen().map(csvInput);
}

export function showCsvInput(x: CsvInput): string {
  return `${JSON.stringify({ ...x.mapping, file: undefined })} tick ${x.tickSizeRaw}\n${JSON.stringify(x.text)}`;
}

const crash = (message: string): Verdict => ({ kind: 'crash', message });
const violation = (message: string): Verdict => ({ kind: 'violation', message });

/** Why `issue` does not say where it is or does not follow the policy; null when it does. */
function issueGap(issue: DataIssue, policy: BadRowPolicy, lines: number, thrown: boolean): string | null {
  if (issue.file !== FILE) return `issue names file ${JSON.stringify(issue.file)}`;
  if (!isPositiveInt(issue.line) || issue.line > lines) return `issue line ${issue.line} is not a line of the file (1..${lines})`;
  if (!REASONS.has(issue.reason)) return `issue reason '${issue.reason}' is not a documented reason`;
  if (typeof issue.detail !== 'string' || issue.detail === '') return 'issue without a detail';
  // A file-level issue (header, no rows) is on line 1 and may name no column; a row's names one.
  const fileLevel = issue.line === 1 && (issue.reason === 'missing-column' || issue.reason === 'no-rows');
  if (!fileLevel && (typeof issue.column !== 'string' || issue.column === '')) return `row issue without a column: ${JSON.stringify(issue)}`;
  if (!fileLevel && issue.line < 2) return `row issue on the header line: ${JSON.stringify(issue)}`;
  const actions = thrown ? ['rejected'] : policy === 'skip' ? ['skipped'] : policy === 'repair' ? ['skipped', 'repaired'] : [];
  if (!actions.includes(issue.action)) return `action '${issue.action}' under policy ${policy}${thrown ? ' (thrown)' : ''}`;
  return null;
}

/** Why a batch holds a row the loader promises never to hand out; null when none. */
function badOutput(b: MarketBatch, last: { timeUs: number }): string | null {
  const price = (x: number): boolean => Number.isSafeInteger(x) && x > 0;
  const size = (x: number): boolean => Number.isFinite(x) && x >= 0;
  for (let i = 0; i < b.length; i++) {
    if (b.type === 'bar') {
      const [o, h, l, c] = [b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!];
      if (![o, h, l, c].every(price)) return `bar ${i}: prices ${o} ${h} ${l} ${c} are not all positive exact integers`;
      if (!(l <= o && o <= h && l <= c && c <= h)) return `bar ${i}: O ${o} H ${h} L ${l} C ${c} outside its range`;
      if (!size(b.volume[i]!)) return `bar ${i}: volume ${b.volume[i]}`;
      if (!Number.isSafeInteger(b.openTimeUs[i]!) || !(b.openTimeUs[i]! < b.closeTimeUs[i]!) || !(b.openTimeUs[i]! > last.timeUs)) return `bar ${i}: time ${b.openTimeUs[i]}..${b.closeTimeUs[i]} after ${last.timeUs}`;
      last.timeUs = b.openTimeUs[i]!;
    } else if (b.type === 'trade') {
      if (!price(b.price[i]!) || !size(b.size[i]!)) return `trade ${i}: price ${b.price[i]} size ${b.size[i]}`;
      if (!Number.isSafeInteger(b.timeUs[i]!) || b.timeUs[i]! < last.timeUs) return `trade ${i}: time ${b.timeUs[i]} before ${last.timeUs}`;
      last.timeUs = b.timeUs[i]!;
    } else {
      if (!price(b.bid[i]!) || !price(b.ask[i]!) || b.bid[i]! > b.ask[i]!) return `quote ${i}: bid ${b.bid[i]} ask ${b.ask[i]}`;
      if (!size(b.bidSize[i]!) || !size(b.askSize[i]!)) return `quote ${i}: sizes ${b.bidSize[i]} ${b.askSize[i]}`;
      if (!Number.isSafeInteger(b.timeUs[i]!) || b.timeUs[i]! < last.timeUs) return `quote ${i}: time ${b.timeUs[i]} before ${last.timeUs}`;
      last.timeUs = b.timeUs[i]!;
    }
  }
  return null;
}

async function checkCsv(x: CsvInput, dir: string): Promise<Verdict> {
  writeFileSync(join(dir, FILE), x.text);
  const policy = x.mapping.badRows;
  const lines = x.text.split(/\r\n|\r|\n/).length;
  const source = openCsvSource(x.mapping, { baseDir: dir, tickSizeRaw: x.tickSizeRaw });
  let rowsOut = 0;
  let thrown: unknown = null;
  const last = { timeUs: -Infinity };
  try {
    for (let b = await source.next(); b !== null; b = await source.next()) {
      const bad = badOutput(b, last);
      if (bad !== null) return violation(`accepted a bad row: ${bad}`);
      rowsOut += b.length;
    }
  } catch (e) {
    thrown = e;
  } finally {
    source.close();
  }
  for (const issue of source.issues) {
    const gap = issueGap(issue, policy, lines, false);
    if (gap !== null) return crash(gap);
  }
  const skipped = new Set(source.issues.filter((i) => i.action === 'skipped').map((i) => i.line)).size;
  if (thrown instanceof MarketDataError) {
    const gap = issueGap(thrown.issue, policy, lines, true);
    if (gap !== null) return crash(`thrown ${gap}`);
    if (thrown.issue.reason === 'no-rows' && x.dataLines !== null && rowsOut === 0 && skipped !== x.dataLines && policy !== 'reject') {
      return violation(`no rows accepted, but only ${skipped} of ${x.dataLines} data lines reported skipped`);
    }
    return { kind: 'ok', outcome: `${policy}/${thrown.issue.reason}` };
  }
  if (thrown instanceof CsvSyntaxError) {
    if (thrown.file !== FILE || !isPositiveInt(thrown.line) || thrown.line > lines) return crash(`CSV syntax error without a line of the file: ${thrown.file}:${thrown.line}`);
    return { kind: 'ok', outcome: `${policy}/csv-syntax` };
  }
  if (thrown !== null) throw thrown;
  // Nothing lost: every data line is a row handed out or a row reported skipped.
  if (x.dataLines !== null && rowsOut + skipped !== x.dataLines) {
    return violation(`${x.dataLines} data lines, but ${rowsOut} rows out and ${skipped} reported skipped`);
  }
  return { kind: 'ok', outcome: `${policy}/${source.issues.length > 0 ? 'rows-with-issues' : 'rows'}` };
}

/** Fuzzes the CSV loader: `runs` generated files, each written to a temporary folder and read to its end. */
export async function fuzzCsvRows(opts: FuzzOptions): Promise<FuzzResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-fuzz-csv-'));
  try {
    return await runFuzz(csvInputArb(), (x) => checkCsv(x, dir), { ...opts, show: showCsvInput });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
