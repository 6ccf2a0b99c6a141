/**
 * `run --journal`: the journal's human view (JSON Lines, one record per line) written as the run
 * goes, chunk by chunk as the journal hands them to its sink, into a temporary file that takes its
 * name when the run ends. Memory stays one chunk's records however long the run (holding the whole
 * journal, then one string of it, failed past V8's string limit of 512 MiB: a 250,000-bar run under
 * a long venue outage). Not flushed to disk before the rename, as the other sidecars are not.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathOf } from '../report/atomic-write.ts';
import { JournalDecoder, type JournalSink } from '../scenario/engine-parts.ts';

export class JournalLinesFile implements JournalSink {
  private readonly decoder = new JournalDecoder();
  private readonly path: string;
  private readonly tmp: string;
  private fd: number | null;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = tempPathOf(path);
    this.fd = openSync(this.tmp, 'w');
  }

  write(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error(`journal file ${this.path}: written after it was closed`);
    let text = '';
    for (const record of this.decoder.chunk(bytes)) text += `${JSON.stringify(record)}\n`;
    const out = Buffer.from(text, 'utf8');
    for (let off = 0; off < out.length;) off += writeSync(this.fd, out, off, out.length - off);
  }

  /** The run ended: the file takes its name (replacing an older run's). */
  commit(): void {
    this.close();
    renameSync(this.tmp, this.path);
  }

  /** The run failed: no file (an older run's stays). */
  abandon(): void {
    this.close();
    rmSync(this.tmp, { force: true });
  }

  private close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
