/**
 * `npm run bench:csv [-- --json] [-- --rows N --repeats R] [-- --smoke]`
 *
 * Measures how fast the streaming CSV loader turns a file into bar batches under `badRows:
 * reject`: rows per second and bytes per second over a generated file of N one-minute OHLCV bars
 * with an unused Adj Close column (default 1e6 rows, ~60 MB, written once to the OS temp folder
 * and removed afterwards), and over the largest shared recorded file when it is present. The best
 * of R repeats is the figure: the machine is shared, and the slower runs measure the neighbours.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCsvSource, sharedMarketMappings, type CsvMappingInput } from '../../engine/index.ts';
import { sharedMarketDir } from '../../engine/testing/shared-data.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const { json } = args;
const ROWS = args.number('--rows', 1_000_000, 2_000);
const REPEATS = args.number('--repeats', 3, 1);

/** A deterministic random walk of minute bars, 2 decimals, written in 64 KiB-ish chunks. */
function writeBars(path: string, rows: number): void {
  const fd = openSync(path, 'w');
  writeSync(fd, 'Datetime,Open,High,Low,Close,Adj Close,Volume\n');
  let price = 400_000; // cents
  let state = 12345;
  const startMs = Date.UTC(2020, 0, 1);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const open = price;
    const close = Math.max(100, open + (state % 201) - 100);
    const high = Math.max(open, close) + (state % 7);
    const low = Math.min(open, close) - (state % 5);
    const t = new Date(startMs + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    const f = (c: number): string => (c / 100).toFixed(2);
    chunk += `${t},${f(open)},${f(high)},${f(low)},${f(close)},${f(close)},${state % 10_000}\n`;
    price = close;
    if (chunk.length > 65_536) { writeSync(fd, chunk); chunk = ''; }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

async function load(mapping: CsvMappingInput): Promise<{ rows: number; seconds: number }> {
  const source = openCsvSource(mapping);
  const t0 = process.hrtime.bigint();
  let rows = 0;
  for (let b = await source.next(); b !== null; b = await source.next()) rows += b.length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rows, seconds };
}

async function best(mapping: CsvMappingInput): Promise<{ rows: number; seconds: number }> {
  let top = { rows: 0, seconds: Infinity };
  for (let r = 0; r < REPEATS; r++) {
    const m = await load(mapping);
    if (m.seconds < top.seconds) top = m;
  }
  return top;
}

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-csv-bench-'));
try {
  const file = join(dir, 'bars.csv');
  writeBars(file, ROWS);
  const bytes = statSync(file).size;
  const generated = await best({
    file, instrumentId: 'SYN', dataType: 'bar', priceDecimals: 2, badRows: 'reject',
    time: { format: 'datetime', column: 'Datetime', timeZone: 'UTC' }, barInterval: '1m', timestampMarks: 'open',
    columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', adjClose: 'Adj Close', volume: 'Volume' }, closePrice: 'close',
  });
  const result: Record<string, number> = {
    rows: generated.rows, bytes, seconds: generated.seconds,
    rowsPerSecond: Math.round(generated.rows / generated.seconds), mbPerSecond: bytes / 1e6 / generated.seconds,
  };
  let shared: string | null = null;
  try {
    const dataDir = sharedMarketDir();
    const orcl = sharedMarketMappings(dataDir, { stockClose: 'close' }).orcl;
    const m = await best(orcl);
    result.sharedOrclSeconds = m.seconds;
    result.sharedOrclRowsPerSecond = Math.round(m.rows / m.seconds);
    shared = `${orcl.file}: ${m.rows} rows in ${(m.seconds * 1000).toFixed(1)} ms (${Math.round(m.rows / m.seconds).toLocaleString('en-US')} rows/s)`;
  } catch {
    shared = 'shared data not found: skipped';
  }
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`generated ${generated.rows.toLocaleString('en-US')} bars (${(bytes / 1e6).toFixed(1)} MB), best of ${REPEATS}: `
      + `${(generated.seconds).toFixed(2)} s, ${result.rowsPerSecond!.toLocaleString('en-US')} rows/s, ${result.mbPerSecond!.toFixed(1)} MB/s`);
    console.log(shared);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
