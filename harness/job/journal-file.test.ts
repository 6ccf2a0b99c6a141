import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { Journal, journalToJsonLines } from '../../engine/index.ts';
import { JournalLinesFile } from './journal-file.ts';

function writeRun(sink: { write(b: Uint8Array): void }, parts: Uint8Array[]): void {
  const j = new Journal({ rootSeed: 3, chunkWords: 64, sink: { write: (b) => { parts.push(b.slice()); sink.write(b); } } });
  for (let i = 0; i < 200; i++) {
    j.barOpen(0, i * 10, 100);
    if (i % 5 === 0) j.record('order', i * 10, `c-${i}`, 'ES', 1, 1, 'market', 0, 0);
    j.bar(0, i * 10 + 5, 101, 99, 100, 3);
  }
  j.fingerprint();
}

describe('JournalLinesFile', () => {
  it('writes the JSON Lines of the journal as its chunks come, under its name once the run ends', () => {
    const dir = tempDir('journal-file');
    const path = join(dir, 'journals', 'run.jsonl');
    const file = new JournalLinesFile(path);
    const parts: Uint8Array[] = [];
    writeRun(file, parts);
    expect(parts.length).toBeGreaterThan(10);
    expect(existsSync(path)).toBe(false);
    file.commit();
    expect(readFileSync(path, 'utf8')).toBe(journalToJsonLines(Buffer.concat(parts)));
    expect(readdirSync(join(dir, 'journals'))).toEqual(['run.jsonl']);
  });

  it('a run that fails leaves no file, and an older run\'s in place', () => {
    const dir = tempDir('journal-file-abandon');
    const path = join(dir, 'run.jsonl');
    writeFileSync(path, 'older\n');
    const file = new JournalLinesFile(path);
    writeRun(file, []);
    file.abandon();
    expect(readdirSync(dir)).toEqual(['run.jsonl']);
    expect(readFileSync(path, 'utf8')).toBe('older\n');
    expect(() => file.write(new Uint8Array(8))).toThrow(/written after it was closed/);
  });
});
