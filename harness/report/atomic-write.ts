/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, are flushed, and the
 * file is renamed over the target, so a reader (or an interrupted run) sees the old file or the
 * new one, never half of one. Synchronous on purpose: a signal handler can call it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * Flush to disk before the rename (default true). Without it a power cut may leave an empty
   * file; a crashed process never leaves half of one. Per-scenario sidecars skip it: thousands of
   * fsyncs would dominate a suite, and the report that names them is flushed.
   */
  readonly fsync?: boolean;
}

export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  writeFilesAtomic([{ path, data }], options);
}

/**
 * Several files that belong together (a run's report.json, junit.xml and summary.md): every
 * temporary file is written and flushed first, then all are renamed one after the other, so that
 * a process killed meanwhile leaves the files of one run or another, mixed only if the kill lands
 * between two renames (microseconds, where writing and flushing took milliseconds).
 */
export function writeFilesAtomic(files: readonly { readonly path: string; readonly data: string | Uint8Array }[], options: AtomicWriteOptions = {}): void {
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(writeTemp(f.path, f.data, options));
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    throw e;
  }
  for (let i = 0; i < files.length; i++) {
    try {
      renameSync(temps[i]!, files[i]!.path);
    } catch (e) {
      for (const t of temps.slice(i)) rmSync(t, { force: true });
      throw e;
    }
  }
}

/** The temporary file `path` is written into before it takes its name: hidden, beside it, one per process. */
export function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

function writeTemp(path: string, data: string | Uint8Array, options: AtomicWriteOptions): string {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = tempPathOf(path);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    if (options.fsync !== false) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}
