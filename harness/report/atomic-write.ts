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
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    if (options.fsync !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
