import { describe, expect, it } from 'vitest';
import { decodeJournal, JournalDecoder, journalToJsonLines } from './journal-view.ts';
import { Journal } from './journal.ts';

/** A journal in small chunks, with strings interned in one chunk and used in later ones, and inline strings. */
function chunkedJournal(): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const j = new Journal({ rootSeed: 9, chunkWords: 64, sink: { write: (b) => parts.push(b.slice()) } });
  for (let i = 0; i < 300; i++) {
    j.barOpen(0, 1_000 * i, 100 + i);
    if (i % 7 === 0) j.record('order', 1_000 * i, `c-${i}`, i % 2 === 0 ? 'ES' : 'NQ', 1, 1, 'market', 0, 0);
    if (i % 11 === 0) j.record('cancel', 1_000 * i, `c-${i}`, i % 2 === 0 ? 'user' : 'risk: limite dépassée €');
    j.bar(0, 1_000 * i + 500, 102, 99, 101, i);
  }
  j.fingerprint();
  return parts;
}

describe('JournalDecoder', () => {
  it('decodes a journal chunk by chunk as its sink gets it: the records of the whole, in order', () => {
    const parts = chunkedJournal();
    expect(parts.length).toBeGreaterThan(20);
    const whole = [...decodeJournal(Buffer.concat(parts))];
    const decoder = new JournalDecoder();
    const chunked = parts.flatMap((p) => [...decoder.chunk(p)]);
    expect(chunked).toEqual(whole);
    expect(chunked.filter((r) => r.kind === 'order').map((r) => r.instrument)).toContain('NQ');
    expect(chunked.find((r) => r.kind === 'cancel' && r.reason !== 'user')!.reason).toBe('risk: limite dépassée €');
    expect(journalToJsonLines(Buffer.concat(parts))).toBe(chunked.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('copies a chunk that is not 8-byte aligned, and refuses one that is not whole words or cut inside a record', () => {
    const parts = chunkedJournal();
    const first = parts[0]!;
    const shifted = new Uint8Array(first.byteLength + 1).subarray(1);
    shifted.set(first);
    expect([...new JournalDecoder().chunk(shifted)]).toEqual([...new JournalDecoder().chunk(first)]);
    expect(() => [...new JournalDecoder().chunk(first.subarray(0, 12))]).toThrow(/not a whole number of words/);
    // The header (3 words) and part of the next record: the record runs past the chunk.
    expect(() => [...new JournalDecoder().chunk(first.subarray(0, 32))]).toThrow(/runs past its chunk's end/);
  });
});
