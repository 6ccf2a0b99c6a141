// Proves that a loader streams: a generated 1,000,000-row CSV (about 55 MB, written to the OS temp
// folder by this test) comes through in BATCH_ROWS-row batches while the process heap stays far
// below what holding the file would take, and every row arrives in order with its exact values.
// No timing is asserted (speed is measured by a benchmark, not a test).
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BATCH_ROWS } from '../types.ts';
import { openCsvSource } from './csv-source.ts';
import { tempDir } from '../../testing/temp-dirs.ts';

const ROWS = 1_000_000;
const START_MS = Date.UTC(2020, 0, 1);
const tmp = tempDir('stream');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Row i: a one-minute bar; prices cycle through 1.00000 .. 1.09999 (5 decimals). */
function price(i: number): string {
  return `1.0${String(i % 10_000).padStart(4, '0')}`;
}

function writeFile(path: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'Time,Open,High,Low,Close,Volume\n');
    const chunk: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const t = new Date(START_MS + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
      const p = price(i);
      chunk.push(`${t},${p},${p},${p},${p},${i % 977}\n`);
      if (chunk.length === 10_000) { writeSync(fd, chunk.join('')); chunk.length = 0; }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
}

it('streams a 1,000,000-row file in BATCH_ROWS batches with bounded heap', async () => {
  const path = join(tmp, 'million.csv');
  writeFile(path);
  const source = openCsvSource({
    file: path, instrumentId: 'GEN', dataType: 'bar', priceDecimals: 5,
    time: { format: 'datetime', column: 'Time', timeZone: 'UTC' },
    columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' },
    barInterval: '1m', timestampMarks: 'open', badRows: 'reject',
  });
  const baseline = process.memoryUsage().heapUsed;
  // Its parsed rows would take several hundred MB; 96 MB over the baseline leaves room for
  // garbage not yet collected (runs peak 20-35 MB over it).
  const bound = baseline + 96 * 1024 * 1024;
  let maxHeap = 0;
  let maxBuffers = 0;
  let rows = 0;
  const lengths = new Map<number, number>();
  let inOrder = true;
  let valuesOk = true;
  for (let b = await source.next(); b !== null; b = await source.next()) {
    if (b.type !== 'bar') throw new Error('expected bars');
    lengths.set(b.length, (lengths.get(b.length) ?? 0) + 1);
    for (let i = 0; i < b.length; i++, rows++) {
      if (b.openTimeUs[i] !== (START_MS + rows * 60_000) * 1000) inOrder = false;
      if (b.close[i] !== 100_000 + (rows % 10_000) || b.volume[i] !== rows % 977) valuesOk = false;
    }
    const mem = process.memoryUsage();
    maxHeap = Math.max(maxHeap, mem.heapUsed);
    maxBuffers = Math.max(maxBuffers, mem.arrayBuffers);
  }
  expect(rows).toBe(ROWS);
  expect(source.issues).toEqual([]);
  expect(inOrder).toBe(true);
  expect(valuesOk).toBe(true);
  // Every batch is full but the last.
  expect(Object.fromEntries(lengths)).toEqual({ [BATCH_ROWS]: Math.floor(ROWS / BATCH_ROWS), [ROWS % BATCH_ROWS]: 1 });
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`;
  console.log(`heap: baseline ${mb(baseline)}, max ${mb(maxHeap)}; array buffers max ${mb(maxBuffers)} while streaming ${ROWS} rows`);
  expect(maxHeap).toBeLessThan(bound);
  // Batches live in typed arrays, outside the heap: keeping them all would take ~56 MB.
  expect(maxBuffers).toBeLessThan(48 * 1024 * 1024);
});
