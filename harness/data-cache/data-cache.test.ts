// The data cache changes how fast a run reads its files, never what it reports: a warm run's report
// equals a cold one's and one without the cache (fingerprint, fills, bad-row warnings); an entry is
// reused only for the same bytes under the same mapping; a corrupt entry is warned about and
// rebuilt; a file that fails under its policy is never cached; the folder stays within its bound;
// two fillers of one entry leave one whole entry.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { withoutWallClock } from '../cli/cli-helpers.ts';
import { executeJob, runJob, type JobSpec } from '../job/job.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { marketSources, openFileSource } from '../scenario/market.ts';
import { runScenario } from '../scenario/run.ts';
import { COLUMNS, EntryWriter, readEntry } from './entry-format.ts';
import { DataCache, type DataCacheConfig } from './store.ts';
import { hourlyScenarioText, writeHourlyBarsCsv } from './testing/hourly-bars.ts';
import type { EntryData } from './entry-format.ts';
import { newBarBatch, type MarketBatch, type MarketDataType } from '../../engine/index.ts';

/** A cache that counts what it found, so a test can tell a warm read from a cold one. */
class CountingCache extends DataCache {
  hits = 0;
  misses = 0;
  readonly warnings: string[] = [];
  constructor(config: DataCacheConfig) {
    super(config, { onWarning: (m) => { this.warnings.push(m); } });
  }
  override lookup(key: string, dataType: MarketDataType, what: string): EntryData | null {
    const r = super.lookup(key, dataType, what);
    if (r === null) this.misses++; else this.hits++;
    return r;
  }
}

function scenarioDir(options: { bars?: number; badLines?: number[]; badRows?: 'reject' | 'skip' | 'repair' } = {}): { dir: string; file: string } {
  const dir = tempDir('data-cache');
  writeHourlyBarsCsv(join(dir, 'bars.csv'), { bars: options.bars ?? 3000, badLines: options.badLines ?? [5, 8, 900] });
  const file = join(dir, 's.yaml');
  writeFileSync(file, hourlyScenarioText({ file: 'bars.csv', badRows: options.badRows ?? 'skip' }));
  return { dir, file };
}

async function run(file: string, cache: DataCache | null) {
  const r = loadScenarioFile(file, { cwd: process.cwd() });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return runScenario(r.loaded, { seed: 7, dataCache: cache });
}

const entries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.entry'));

/** A cold run of a fresh scenario that fills a fresh cache with its one entry: the cache, the run and the entry file. */
async function filledCache() {
  const { file } = scenarioDir();
  const cache = new CountingCache({ dir: tempDir('data-cache-dir'), maxBytes: 1e9 });
  const cold = await run(file, cache);
  const [name] = entries(cache.dir);
  return { file, cache, cold, name: name!, path: join(cache.dir, name!) };
}

describe('data cache', () => {
  it('gives a warm run the report of a cold one and of a run without the cache, bad-row warnings included', async () => {
    const { file } = scenarioDir();
    const cacheDir = tempDir('data-cache-dir');
    const spec = (dataCache: DataCacheConfig | null): JobSpec => ({ file, cwd: process.cwd(), seed: { kind: 'scenario' }, dataCache });
    const none = await runJob(spec(null));
    const cold = await runJob(spec({ dir: cacheDir, maxBytes: 1e9 }));
    expect(entries(cacheDir)).toHaveLength(1);
    const warm = await runJob(spec({ dir: cacheDir, maxBytes: 1e9 }));
    expect(none.status).toBe('passed');
    expect(none.warnings.filter((w) => w.kind === 'bad-row').map((w) => (w as { line: number }).line)).toEqual([5, 8, 900]);
    expect(withoutWallClock(cold)).toEqual(withoutWallClock(none));
    expect(withoutWallClock(warm)).toEqual(withoutWallClock(none));

    // ...and the warm run did read the entry, not the file.
    const counting = new CountingCache({ dir: cacheDir, maxBytes: 1e9 });
    const again = await run(file, counting);
    expect([counting.hits, counting.misses]).toEqual([1, 0]);
    expect(again.fingerprint).toBe(none.fingerprint);
    expect(again.warnings).toEqual((await run(file, null)).warnings);
  });

  it("knows a hit's row count once it has handed out a batch (the journal's hint for where to hash), and not a CSV miss's", async () => {
    const { dir, file } = scenarioDir({ bars: 5000 });
    const loaded = loadScenarioFile(file, { cwd: process.cwd() });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const decl = marketSources(loaded.loaded.scenario)[0]!;
    const cache = new DataCache({ dir: tempDir('data-cache-dir'), maxBytes: 1e9 });
    const rowsSeen = async (): Promise<{ expected: number | undefined; rows: number }> => {
      const source = openFileSource({ ...decl, csv: decl.csv! }, dir, cache);
      expect(source.expectedRows?.()).toBeUndefined();
      let rows = 0;
      let expected: number | undefined;
      for (let b = await source.next(); b !== null; b = await source.next()) {
        expected ??= source.expectedRows?.();
        rows += b.length;
      }
      await source.close?.();
      return { expected, rows };
    };
    const cold = await rowsSeen();
    expect(cold.expected).toBeUndefined();
    expect(await rowsSeen()).toEqual({ expected: cold.rows, rows: 4997 });
  });

  it('is not used when the file or the mapping changes', async () => {
    const { dir, file } = scenarioDir();
    const cache = new CountingCache({ dir: tempDir('data-cache-dir'), maxBytes: 1e9 });
    const first = await run(file, cache);
    expect([cache.hits, cache.misses]).toEqual([0, 1]);

    // One price changed: other bytes, another entry, the new data.
    const csv = join(dir, 'bars.csv');
    const text = readFileSync(csv, 'utf8').split('\n');
    text[100] = text[100]!.replace(/,(\d+)\.(\d\d),/, (_m, a: string, b: string) => `,${a}.${b === '00' ? '01' : '00'},`);
    writeFileSync(csv, text.join('\n'));
    const changed = await run(file, new CountingCache(cache));
    const c2 = new CountingCache(cache);
    expect((await run(file, c2)).fingerprint).toBe(changed.fingerprint);
    expect([c2.hits, c2.misses]).toEqual([1, 0]);
    expect(changed.fingerprint).not.toBe(first.fingerprint);
    expect(changed.fingerprint).toBe((await run(file, null)).fingerprint);

    // The same bytes under another mapping (repair instead of skip): another entry, other warnings.
    writeFileSync(file, readFileSync(file, 'utf8').replace('badRows: skip', 'badRows: repair'));
    const c3 = new CountingCache(cache);
    const repaired = await run(file, c3);
    expect([c3.hits, c3.misses]).toEqual([0, 1]);
    expect(repaired.warnings.filter((w) => w.kind === 'bad-row').map((w) => (w as { action: string }).action)).toContain('repaired');
    expect(entries(cache.dir)).toHaveLength(3);
  });

  it('warns about a corrupt entry, rebuilds it, and reports as if it were not there', async () => {
    const { file, cache, cold, path } = await filledCache();
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(path, bytes);

    const after = await run(file, cache);
    expect(cache.warnings).toHaveLength(1);
    expect(cache.warnings[0]).toMatch(/corrupt \(checksum mismatch\).*rebuilding/);
    expect(withoutWallClock(after)).toEqual(withoutWallClock(cold));
    // Rebuilt: whole again, and read on the next run.
    expect(() => readEntry(path, 'bar')).not.toThrow();
    const next = new CountingCache(cache);
    await run(file, next);
    expect([next.hits, next.warnings.length]).toEqual([1, 0]);

    // A cache that read the entry keeps its bytes (see the next test); a new one (a new process) reads the file.
    writeFileSync(path, 'not an entry: some bytes that are no trailer');
    const fresh = new CountingCache(cache);
    await run(file, fresh);
    expect(fresh.warnings[0]).toMatch(/no entry trailer/);
  });

  it('keeps the last entry it read: asked again, its bytes, not the file; bytes a reader wrote into are read again', async () => {
    const { file, cache, cold, name, path } = await filledCache();
    const key = name.replace(/\.entry$/, '');
    const first = cache.lookup(key, 'bar', 'bars.csv')!;
    // The file goes (another process cleared the cache, say): the entry is named for its content, so the kept bytes still are it.
    rmSync(path);
    const second = cache.lookup(key, 'bar', 'bars.csv')!;
    expect(second.batches).toEqual(first.batches);
    expect(second.issues).toEqual(first.issues);
    const a = first.batches[0]!;
    if (a.type !== 'bar') throw new Error('expected bars');
    // A reader that wrote into its batches (none should) is found by the check, and the file is read instead: gone, so a miss.
    a.close[0] = a.close[0]! + 1;
    expect(cache.lookup(key, 'bar', 'bars.csv')).toBeNull();
    // And a run served from the kept bytes reports what the cold run did.
    const warm = new CountingCache(cache);
    expect(withoutWallClock(await run(file, warm))).toEqual(withoutWallClock(cold));
  });

  it('never caches a file that fails under its policy: every run meets the same error', async () => {
    const { file } = scenarioDir({ badRows: 'reject', badLines: [2000] });
    const cacheDir = tempDir('data-cache-dir');
    const spec: JobSpec = { file, cwd: process.cwd(), seed: { kind: 'scenario' }, dataCache: { dir: cacheDir, maxBytes: 1e9 } };
    const a = await executeJob(spec);
    const b = await executeJob(spec);
    expect(a.report.status).toBe('invalid');
    expect(a.report.problems[0]!.message).toContain(':2000:');
    expect(withoutWallClock(b.report)).toEqual(withoutWallClock(a.report));
    expect(readdirSync(cacheDir).filter((f) => f !== 'hashes')).toEqual([]);
  });

  it('keeps the folder within its size bound, evicting the least recently used entry', async () => {
    const one = scenarioDir({ bars: 2000 });
    const two = scenarioDir({ bars: 2500 });
    const dir = tempDir('data-cache-dir');
    await run(one.file, new DataCache({ dir, maxBytes: 1e9 }));
    const size = readFileSync(join(dir, entries(dir)[0]!)).length;
    // Room for the larger entry alone: filling it evicts the older one.
    const bounded = new DataCache({ dir, maxBytes: size + 30_000 });
    await run(two.file, bounded);
    expect(entries(dir)).toHaveLength(1);
    expect(bounded.info()).toMatchObject({ entries: 1 });
    expect(bounded.info().bytes).toBeGreaterThan(size);
    expect(bounded.info().bytes).toBeLessThanOrEqual(size + 30_000);
    // An entry larger than the whole bound is not written at all (nor what it would evict).
    const tiny = new CountingCache({ dir, maxBytes: 10_000 });
    const before = entries(dir);
    expect((await run(one.file, tiny)).fingerprint).toBe((await run(one.file, null)).fingerprint);
    expect(readdirSync(dir).filter((f) => f !== 'hashes')).toEqual(before);
    expect(tiny.misses).toBe(1);
  });

  it('leaves one whole entry when two runs fill it at once', async () => {
    const { file } = scenarioDir();
    const dir = tempDir('data-cache-dir');
    const [a, b] = await Promise.all([run(file, new DataCache({ dir, maxBytes: 1e9 })), run(file, new DataCache({ dir, maxBytes: 1e9 }))]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(readdirSync(dir).filter((f) => f !== 'hashes')).toEqual(entries(dir));
    expect(entries(dir)).toHaveLength(1);
    const data = readEntry(join(dir, entries(dir)[0]!), 'bar');
    expect(data.batches.reduce((n, x) => n + x.length, 0)).toBe(3000 - 3);
    expect(data.issues.map((i) => i.line)).toEqual([5, 8, 900]);
  });

  it("reads an entry's columns as views of its bytes at the offsets its meta records, and through Arrow when it records none", () => {
    const path = join(tempDir('data-cache-entry'), 'e.entry');
    const written: MarketBatch[] = [];
    const writer = new EntryWriter(path, 'bar');
    for (const [k, rows] of [5, 3, 4].entries()) {
      const b = newBarBatch(8);
      b.length = rows;
      for (let i = 0; i < rows; i++) {
        b.openTimeUs[i] = 10 * k + i; b.closeTimeUs[i] = 10 * k + i + 1;
        b.open[i] = 100 + i; b.high[i] = 102 + i; b.low[i] = 99 + i; b.close[i] = 101 + i; b.volume[i] = k;
      }
      writer.append(b, 10 * (k + 1));
      written.push(b);
    }
    writer.finish([]);
    const columns = (batches: readonly MarketBatch[]): number[][] => batches.flatMap((b) => COLUMNS.bar.map((c) => [...(b as unknown as Record<string, Float64Array>)[c]!.subarray(0, b.length)]));
    const viewed = readEntry(path, 'bar');
    expect(columns(viewed.batches)).toEqual(columns(written));
    expect(new Set(viewed.batches.flatMap((b) => COLUMNS.bar.map((c) => (b as unknown as Record<string, Float64Array>)[c]!.buffer))).size).toBe(1);

    // The same entry with no offsets in its meta (CRC recomputed) reads the same through Arrow.
    const bytes = readFileSync(path);
    const trailer = bytes.subarray(bytes.length - 20);
    const metaLength = trailer.readUInt32LE(12);
    const arrowBytes = bytes.subarray(0, bytes.length - 20 - metaLength);
    const meta = JSON.parse(bytes.subarray(arrowBytes.length, bytes.length - 20).toString('utf8')) as { columnOffsets: unknown[] };
    expect(meta.columnOffsets.every((o) => Array.isArray(o))).toBe(true);
    const metaBytes = Buffer.from(JSON.stringify({ ...meta, columnOffsets: meta.columnOffsets.map(() => null) }));
    const body = Buffer.concat([arrowBytes, metaBytes]);
    const newTrailer = Buffer.from(trailer);
    newTrailer.writeUInt32LE(metaBytes.length, 12);
    newTrailer.writeUInt32LE(crc32(body), 16);
    writeFileSync(path, Buffer.concat([body, newTrailer]));
    expect(columns(readEntry(path, 'bar').batches)).toEqual(columns(written));
  });

  it("keeps a file's hash by its stamp, and hashes it again once the file changes", async () => {
    const { dir } = scenarioDir({ bars: 500 });
    const csv = join(dir, 'bars.csv');
    const cacheDir = tempDir('data-cache-dir');
    const later = (): number => Date.now() + 60_000;
    const real = createHash('sha256').update(readFileSync(csv)).digest('hex');
    // A file changed within the last 2 s: too recent to trust its stamp, so nothing is kept.
    expect(await new DataCache({ dir: cacheDir, maxBytes: 1e9 }, { nowMs: () => Date.now() - 60_000 }).sha256(csv)).toBe(real);
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(await new DataCache({ dir: cacheDir, maxBytes: 1e9 }, { nowMs: later }).sha256(csv)).toBe(real);
    const [memo] = readdirSync(join(cacheDir, 'hashes'));
    // The kept hash is what a later cache object answers without reading the file (here, a planted one)...
    const memoPath = join(cacheDir, 'hashes', memo!);
    writeFileSync(memoPath, readFileSync(memoPath, 'utf8').replace(real, 'f'.repeat(64)));
    expect(await new DataCache({ dir: cacheDir, maxBytes: 1e9 }).sha256(csv)).toBe('f'.repeat(64));
    // ...until the file changes: then it is hashed again.
    writeFileSync(csv, `${readFileSync(csv, 'utf8')}\n`);
    const changed = createHash('sha256').update(readFileSync(csv)).digest('hex');
    expect(await new DataCache({ dir: cacheDir, maxBytes: 1e9 }).sha256(csv)).toBe(changed);
    new DataCache({ dir: cacheDir, maxBytes: 1e9 }).clear();
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
