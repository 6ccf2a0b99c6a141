/**
 * The data cache's folder: entries named by their key (`<key>.entry`), filled through a temporary
 * file renamed into place (rename is atomic, so a reader sees a whole entry or none; two workers
 * filling one entry write the same bytes and the later rename wins), bounded in size by evicting
 * the least recently used entries (an entry's modification time is its last use), a corrupt entry
 * warned about, removed and rebuilt.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { MarketDataType } from '../../engine/index.ts';
import { CorruptEntryError, entryOf, EntryWriter, type EntryData } from './entry-format.ts';

/** Where the cache is and how large it may grow: plain data, so it crosses to pool workers. */
export interface DataCacheConfig {
  readonly dir: string;
  readonly maxBytes: number;
}

export const DEFAULT_CACHE_MAX_BYTES = 1024 ** 3;

/** This thread's id, for temporary file names (node:worker_threads loads only when the cache writes). */
const threadId = (): number => process.getBuiltinModule('node:worker_threads').threadId;

const ENTRY_SUFFIX = '.entry';
const HASHES_DIR = 'hashes';
/** A file changed less than this before its stamp was taken is hashed again next time. */
const RACY_MS = 2000;

const HashMemoSchema = z.strictObject({ path: z.string(), stamp: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** What identifies one version of a file without reading it: device, inode, size, mtime and ctime in ns. */
function fileStamp(path: string, mustExist = true): string {
  const st = statSync(path, { bigint: true, throwIfNoEntry: mustExist });
  return st === undefined ? '' : `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}
const TEMP_SUFFIX = '.tmp';
/** The largest entry whose bytes lookup keeps for the next lookup of it (250,000 bars take 14 MB). */
const LAST_ENTRY_MAX_BYTES = 64 * 2 ** 20;

/** Marks an entry's last use, for least-recently-used eviction (evicted meanwhile: nothing to mark). */
function touch(path: string): void {
  const now = new Date();
  try { utimesSync(path, now, now); } catch { /* evicted meanwhile */ }
}

/** A temporary file this old was left by a writer that died: eviction removes it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** `$XDG_CACHE_HOME/gauntlet`, else `~/.cache/gauntlet` (the XDG default). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and to be ignored.
  return xdg !== undefined && xdg.startsWith('/') ? join(xdg, 'gauntlet') : join(homedir(), '.cache', 'gauntlet');
}

export interface CacheInfo {
  readonly dir: string;
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
}

export class DataCache {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private readonly hashes = new Map<string, { stamp: string; sha256: Promise<string> }>();
  private readonly nowMs: () => number;
  /** The last entry read, whole and checked: the bytes its batches view (see lookup). */
  private lastEntry: { readonly key: string; readonly dataType: MarketDataType; readonly bytes: Buffer } | null = null;

  constructor(config: DataCacheConfig, options: { onWarning?: (message: string) => void; nowMs?: () => number } = {}) {
    if (!Number.isSafeInteger(config.maxBytes) || config.maxBytes < 0) throw new RangeError(`data cache: maxBytes must be a non-negative integer, got ${config.maxBytes}`);
    this.dir = config.dir;
    this.maxBytes = config.maxBytes;
    this.nowMs = options.nowMs ?? (() => Date.now());
    this.warn = options.onWarning ?? ((m) => { process.stderr.write(`gauntlet: data cache: ${m}\n`); });
  }

  entryPath(key: string): string {
    return join(this.dir, `${key}${ENTRY_SUFFIX}`);
  }

  /** SHA-256 of a file's bytes, hex; once per file and version (size, modification time) in this cache object. */
  sha256(path: string): Promise<string> {
    const stamp = fileStamp(path);
    const known = this.hashes.get(path);
    if (known !== undefined && known.stamp === stamp) return known.sha256;
    const sha256 = this.recalled(path, stamp) ?? sha256File(path).then((hex) => { this.remember(path, stamp, hex); return hex; });
    this.hashes.set(path, { stamp, sha256: Promise.resolve(sha256) });
    return Promise.resolve(sha256);
  }

  /** True when the file is, by its stamp (device, inode, size, change times), the one whose hash `sha256(path)` gave. */
  unchangedSinceHashed(path: string): boolean {
    const known = this.hashes.get(path);
    return known !== undefined && fileStamp(path, false) === known.stamp;
  }

  /**
   * Hashing a large file costs about 2.5 ms a MB, on every run of every scenario reading it. So a
   * file's hash is kept under hashes/ with its stamp, as git keeps its index: device, inode, size,
   * and modification and change times in nanoseconds (the change time moves on any write, and no
   * one can set it back). A stamp is trusted only when the file last changed well before it was
   * taken; otherwise a write in the same clock tick could go unseen ("racy git").
   */
  private recalled(path: string, stamp: string): string | null {
    try {
      const memo = HashMemoSchema.parse(JSON.parse(readFileSync(this.memoPath(path), 'utf8')));
      return memo.path === path && memo.stamp === stamp ? memo.sha256 : null;
    } catch {
      return null;
    }
  }

  private remember(path: string, stamp: string, sha256: string): void {
    const changedMs = Number(BigInt(stamp.split(':')[4]!) / 1_000_000n);
    if (changedMs > this.nowMs() - RACY_MS) return;
    const memo = this.memoPath(path);
    const tmp = `${memo}.${process.pid}.${threadId()}${TEMP_SUFFIX}`;
    try {
      mkdirSync(join(this.dir, HASHES_DIR), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ path, stamp, sha256 }));
      renameSync(tmp, memo);
    } catch {
      // A cache that cannot be written is only slower: the hash is computed again next time.
      removeQuietly(tmp);
    }
  }

  private memoPath(path: string): string {
    return join(this.dir, HASHES_DIR, `${createHash('sha256').update(path).digest('hex')}.json`);
  }

  has(key: string): boolean {
    return statSync(this.entryPath(key), { throwIfNoEntry: false }) !== undefined;
  }

  /**
   * The entry, or null when there is none (a corrupt one is warned about and removed: the caller
   * rebuilds it). The bytes of the last entry read (up to LAST_ENTRY_MAX_BYTES) are kept: asked
   * again (a faulted run reads its market for the bounds, then for the run; every run of a check
   * reads it), the entry's batches view the same bytes, checked again but not read (about 4 ms
   * instead of 12-16 for 250,000 bars; a copy of them cost as much as the read). Sources and
   * overlays never write into a batch (they copy what they change); one that did would fail the
   * check, and the file would be read instead. Entries are named for their content, so the kept
   * bytes are the file's whatever happened to the file since.
   */
  lookup(key: string, dataType: MarketDataType, what: string): EntryData | null {
    const path = this.entryPath(key);
    const last = this.lastEntry;
    if (last !== null && last.key === key && last.dataType === dataType) {
      try {
        const kept = entryOf(last.bytes, dataType);
        touch(path);
        return kept;
      } catch (e) {
        if (!(e instanceof CorruptEntryError)) throw e;
        this.lastEntry = null;
      }
    }
    let data: EntryData;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
      data = entryOf(bytes, dataType);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (!(e instanceof CorruptEntryError)) throw e;
      this.warn(`entry ${path} for ${what} is corrupt (${e.message}): removed; rebuilding it from the file`);
      removeQuietly(path);
      return null;
    }
    this.lastEntry = bytes.length <= LAST_ENTRY_MAX_BYTES ? { key, dataType, bytes } : null;
    touch(path);
    return data;
  }

  /** A writer into a temporary file of its own; null (with a warning) when the folder cannot be written. */
  newWriter(key: string, dataType: MarketDataType): EntryWriter | null {
    try {
      mkdirSync(this.dir, { recursive: true });
      return new EntryWriter(join(this.dir, `${key}.${process.pid}.${threadId()}.${randomUUID().slice(0, 8)}${TEMP_SUFFIX}`), dataType);
    } catch (e) {
      this.warn(`cannot write to ${this.dir} (${(e as Error).message}): running without the cache`);
      return null;
    }
  }

  /** Moves a finished entry into place, then keeps the folder within its size bound. */
  commit(writer: EntryWriter, key: string): void {
    renameSync(writer.path, this.entryPath(key));
    this.evict();
  }

  /** Removes least recently used entries until the folder is within maxBytes; stale temporary files too. */
  evict(): void {
    const entries = this.list();
    let total = entries.reduce((s, e) => s + e.bytes, 0);
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.lastUsedMs - b.lastUsedMs || a.path.localeCompare(b.path));
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      removeQuietly(e.path);
      total -= e.bytes;
    }
  }

  info(): CacheInfo {
    const entries = this.list();
    return { dir: this.dir, entries: entries.length, bytes: entries.reduce((s, e) => s + e.bytes, 0), maxBytes: this.maxBytes };
  }

  /** Removes every entry, temporary file and kept hash; returns how many entries there were. */
  clear(): number {
    const n = this.list().length;
    for (const name of this.names()) if (name.endsWith(ENTRY_SUFFIX) || name.endsWith(TEMP_SUFFIX)) removeQuietly(join(this.dir, name));
    rmSync(join(this.dir, HASHES_DIR), { recursive: true, force: true });
    return n;
  }

  private names(): string[] {
    try {
      return readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Entries with their size and last use; removes temporary files left by writers that died. */
  private list(): { path: string; bytes: number; lastUsedMs: number }[] {
    const out: { path: string; bytes: number; lastUsedMs: number }[] = [];
    const now = Date.now();
    for (const name of this.names()) {
      const path = join(this.dir, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (st === undefined || !st.isFile()) continue;
      if (name.endsWith(TEMP_SUFFIX) && now - st.mtimeMs > STALE_TEMP_MS) removeQuietly(path);
      else if (name.endsWith(ENTRY_SUFFIX)) out.push({ path, bytes: st.size, lastUsedMs: st.mtimeMs });
    }
    return out;
  }
}

function removeQuietly(path: string): void {
  try { unlinkSync(path); } catch { /* removed by another process meanwhile */ }
}

/** SHA-256 of a file's bytes, hex, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
