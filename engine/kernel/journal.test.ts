// Proves the journal's encoding is canonical and complete: the same records give the same
// fingerprint whatever the chunk size, a changed value changes it, the sink sees exactly the hashed
// bytes, and the JSON Lines view decodes every record with its interned strings.
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { Journal, JOURNAL_VERSION, LONG_RUN_ROWS } from './journal.ts';
import { HashLane } from './hash-thread.ts';
import { decodeJournal, journalToJsonLines } from './journal-view.ts';

function writeSample(j: Journal, close = 101.5): void {
  j.barOpen(0, 1_000, 100);
  j.bar(0, 2_000, 102, 99, close, 0);
  j.trade(1, 2_000, 101, 5);
  j.quote(2, 2_500, 100.5, 101.5, 1, 2);
  j.record('order', 2_000, 'c-1', 'ES', 1, 1, 'market', 0, 0);
  j.record('fill', 3_000, 'c-1', 'ES', 1, 1, 100, 2);
  j.record('riskReject', 3_000, 'c-2', 'max position 1 exceeded: 2');
  for (let i = 0; i < 500; i++) j.bar(0, 4_000 + i, 1, 1, 1, i);
}

describe('Journal', () => {
  it('fingerprint is independent of chunking and sensitive to content', () => {
    const a = new Journal({ rootSeed: 1, chunkWords: 64 });
    const b = new Journal({ rootSeed: 1, chunkWords: 1 << 16 });
    writeSample(a);
    writeSample(b);
    expect(a.fingerprint()).toBe(b.fingerprint());
    expect(a.fingerprint()).toMatch(/^[0-9a-f]{64}$/);

    const c = new Journal({ rootSeed: 1 });
    writeSample(c, 101.25);
    expect(c.fingerprint()).not.toBe(a.fingerprint());
    const d = new Journal({ rootSeed: 2 });
    writeSample(d);
    expect(d.fingerprint()).not.toBe(a.fingerprint());
  });

  it('the sink receives exactly the bytes that are hashed, and they decode to JSON Lines', () => {
    const parts: Uint8Array[] = [];
    const j = new Journal({ rootSeed: 5, chunkWords: 64, sink: { write: (bytes) => parts.push(bytes.slice()) } });
    writeSample(j);
    const fp = j.fingerprint();
    const all = Buffer.concat(parts);
    expect(createHash('sha256').update(all).digest('hex')).toBe(fp);

    const recs = [...decodeJournal(all)];
    expect(recs[0]).toEqual({ kind: 'header', version: JOURNAL_VERSION, rootSeed: 5 });
    expect(recs[1]).toEqual({ kind: 'barOpen', source: 0, timeUs: 1000, open: 100 });
    expect(recs[3]).toEqual({ kind: 'trade', source: 1, timeUs: 2000, price: 101, size: 5 });
    expect(recs.find((r) => r.kind === 'riskReject')).toEqual({ kind: 'riskReject', timeUs: 3000, clientOrderId: 'c-2', reason: 'max position 1 exceeded: 2' });
    expect(recs.find((r) => r.kind === 'order')).toMatchObject({ clientOrderId: 'c-1', instrument: 'ES', type: 'market' });
    const lines = journalToJsonLines(all).trimEnd().split('\n');
    expect(lines).toHaveLength(recs.length);
    expect(JSON.parse(lines[2]!)).toMatchObject({ kind: 'bar', close: 101.5 });
  });

  it('refuses writes after the fingerprint is taken and records with the wrong arity', () => {
    const j = new Journal({ rootSeed: 1 });
    expect(() => j.record('fill', 1, 'x')).toThrow(/expected 7 values/);
    j.fingerprint();
    expect(() => j.bar(0, 1, 1, 1, 1, 1)).toThrow(/after fingerprint/);
    expect(() => j.record('riskReject', 3_000, 'c-2', 'late')).toThrow(/after fingerprint/);
  });

  it('writing in the buffers finished journals gave back changes no byte: fingerprints and sink bytes are a fresh journal\'s', () => {
    // Reference: a chunk too small for any given-back buffer, so this journal allocates its own.
    const refParts: Uint8Array[] = [];
    const ref = new Journal({ rootSeed: 4, chunkWords: 64, sink: { write: (b) => refParts.push(b.slice()) } });
    writeSample(ref);
    const expected = { fp: ref.fingerprint(), decisions: ref.decisionFingerprint(), bytes: Buffer.concat(refParts) };
    for (let round = 0; round < 3; round++) {
      // Journals that fill their buffers with other words (NaNs, longer strings) and give them back.
      for (let k = 0; k < 4; k++) {
        const other = new Journal({ rootSeed: 99 });
        for (let i = 0; i < 3_000 * (k + 1); i++) other.bar(0, i, Number.NaN, Number.NaN, Number.NaN, Number.NaN);
        for (let i = 0; i < 200; i++) other.record('riskReject', i, `order-${i}-${'x'.repeat(40)}`, 'a long reason '.repeat(8));
        other.fingerprint();
      }
      const parts: Uint8Array[] = [];
      const j = new Journal({ rootSeed: 4, sink: { write: (b) => parts.push(b.slice()) } });
      writeSample(j);
      expect(j.fingerprint()).toBe(expected.fp);
      expect(j.decisionFingerprint()).toBe(expected.decisions);
      expect(Buffer.concat(parts).equals(expected.bytes)).toBe(true);
    }
  });
});

describe('Journal strings', () => {
  it('writes unique strings inline (memory stays flat) and decodes non-ASCII text', () => {
    const parts: Uint8Array[] = [];
    const j = new Journal({ rootSeed: 1, chunkWords: 64, sink: { write: (b) => parts.push(b.slice()) } });
    for (let i = 0; i < 200; i++) j.record('cancel', i, `order-${i}`, i % 2 ? 'user' : 'risk: limite dépassée €');
    j.fingerprint();
    const recs = [...decodeJournal(Buffer.concat(parts))].filter((r) => r.kind === 'cancel');
    expect(recs).toHaveLength(200);
    expect(recs[199]).toEqual({ kind: 'cancel', timeUs: 199, clientOrderId: 'order-199', reason: 'user' });
    expect(recs[0]!.reason).toBe('risk: limite dépassée €');
    expect(() => j.record('cancel', 1, 2, 'x')).toThrow();
  });
});

describe('Journal string ids', () => {
  it('give each string its first-use number, whichever recent string it follows (the empty one included)', () => {
    const j = new Journal({ rootSeed: 1 });
    const ref = new Map<string, number>();
    const pool = ['ES', 'market', '', 'agent-a', 'NQ', 'limit', `E${'S'}`]; // the last: equal to the first, another object
    for (let i = 0; i < 500; i++) {
      const s = pool[(i * 7 + (i >> 3)) % pool.length]!;
      if (!ref.has(s)) ref.set(s, ref.size);
      expect(j.str(s), `call ${i}: ${JSON.stringify(s)}`).toBe(ref.get(s));
    }
    expect(ref.size).toBe(6);
  });
});

describe('Journal typed decision writers', () => {
  it('write exactly the bytes record() writes for the same values, strings interned in the same order', () => {
    const bytesOf = (write: (j: Journal) => void, chunkWords: number): Buffer => {
      const parts: Uint8Array[] = [];
      const j = new Journal({ rootSeed: 3, chunkWords, sink: { write: (b) => parts.push(b.slice()) } });
      write(j);
      j.fingerprint();
      return Buffer.concat(parts);
    };
    // Enough records to cross chunks; ids of every padding length, an empty one, and one non-ASCII id.
    const ids = Array.from({ length: 40 }, (_, i) => `o-${'x'.repeat(i % 17)}${i}`).concat('', 'ordre-é€');
    const writeGeneric = (j: Journal): void => {
      ids.forEach((id, i) => {
        j.record('signal', i, 'agent-a', 'ES', i % 2 ? 1 : -0.5);
        j.record('order', i, id, i % 3 ? 'ES' : 'NQ', 1, 2, i % 2 ? 'market' : 'limit', 101.25, 0);
        j.record('venueAccept', i + 1, id);
        j.record('fill', i + 2, id, 'NQ', -1, 2, 101.5, 3);
      });
    };
    const writeTyped = (j: Journal): void => {
      ids.forEach((id, i) => {
        j.signal(i, 'agent-a', 'ES', i % 2 ? 1 : -0.5);
        j.order(i, id, i % 3 ? 'ES' : 'NQ', 1, 2, i % 2 ? 'market' : 'limit', 101.25, 0);
        j.venueAccept(i + 1, id);
        j.fill(i + 2, id, 'NQ', -1, 2, 101.5, 3);
      });
    };
    // Chunks of every size from 64 to 95 words put chunk boundaries at every offset of the records.
    const generic = bytesOf(writeGeneric, 64);
    for (let chunkWords = 64; chunkWords < 96; chunkWords++) {
      expect(bytesOf(writeGeneric, chunkWords).equals(generic), `generic, chunks of ${chunkWords}`).toBe(true);
      expect(bytesOf(writeTyped, chunkWords).equals(generic), `typed, chunks of ${chunkWords}`).toBe(true);
    }
    const typed = bytesOf(writeTyped, 1 << 16);
    const recs = [...decodeJournal(typed)];
    expect(recs.filter((r) => r.kind === 'fill')).toHaveLength(ids.length);
    expect(recs.at(-2)).toEqual({ kind: 'venueAccept', timeUs: 42, clientOrderId: 'ordre-é€' });
  });
});

describe('decision fingerprint', () => {
  /** Two data paths: the same decisions, with market and transport records in different places. */
  function write(j: Journal, path: 'direct' | 'provider', fillPrice = 101_00): void {
    j.bar(0, 1_000, 102_00, 99_00, 100_00, 10);
    if (path === 'provider') {
      j.record('providerRequest', 900, 'alpha', 0, 'https://alpha.providers.gauntlet.test/v2/stocks/X/bars?wait=60');
      j.record('providerResponse', 1_000, 'alpha', 0, 200, 100, 1);
      j.quote(0, 1_000, 99_00, 101_00, 1, 1);
    }
    j.signal(1_000, 'sma', 'X', 1);
    j.order(1_000, 'o-1', 'X', 1, 1, 'market', Number.NaN, Number.NaN);
    if (path === 'direct') j.quote(0, 1_000, 99_00, 101_00, 1, 1);
    j.barOpen(0, 2_000, 101_00);
    if (path === 'provider') j.record('failover', 2_000, 'bars:X', 'alpha', 'beta');
    j.venueAccept(2_000, 'o-1');
    j.fill(2_000, 'o-1', 'X', 1, 1, fillPrice, 0);
  }

  it('is the same on both paths when the decisions are, while the full fingerprints differ', () => {
    const a = new Journal({ rootSeed: 7 });
    const b = new Journal({ rootSeed: 7 });
    write(a, 'direct');
    write(b, 'provider');
    expect(a.decisionFingerprint()).toBe(b.decisionFingerprint());
    expect(a.fingerprint()).not.toBe(b.fingerprint());
  });

  it('changes when a decision changes', () => {
    const a = new Journal({ rootSeed: 7 });
    const b = new Journal({ rootSeed: 7 });
    write(a, 'direct');
    write(b, 'provider', 101_01);
    expect(a.decisionFingerprint()).not.toBe(b.decisionFingerprint());
  });

  it('does not depend on chunk sizes', () => {
    const a = new Journal({ rootSeed: 3, chunkWords: 64 });
    const b = new Journal({ rootSeed: 3 });
    for (const j of [a, b]) for (let i = 0; i < 500; i++) { j.bar(0, i, 2, 1, 1, 0); j.order(i, `o-${i}`, 'X', 1, 1, 'market', Number.NaN, Number.NaN); }
    expect(a.decisionFingerprint()).toBe(b.decisionFingerprint());
    expect(a.fingerprint()).toBe(b.fingerprint());
  });
});

describe('fingerprint on the hash thread', () => {
  /** A journal of many chunks (with 64-word chunks, over a hundred), its sink's bytes and both fingerprints. */
  function run(offThreadAfterChunks: number, rootSeed = 11, bars = 1_000): { bytes: Buffer; fingerprint: string; decisions: string } {
    const parts: Uint8Array[] = [];
    const j = new Journal({ rootSeed, chunkWords: 64, offThreadAfterChunks, sink: { write: (b) => parts.push(b.slice()) } });
    for (let i = 0; i < bars; i++) {
      j.barOpen(0, 2 * i, 100 + i);
      j.bar(0, 2 * i + 1, 102 + i, 99, 101 + i, i);
      if (i % 7 === 0) { j.order(2 * i + 1, `o-${i}`, 'ES', 1, 1, 'market', 0, 0); j.fill(2 * i + 2, `o-${i}`, 'ES', 1, 1, 100 + i, 2); }
    }
    const fingerprint = j.fingerprint(); // flushes the last chunk to the sink
    return { bytes: Buffer.concat(parts), fingerprint, decisions: j.decisionFingerprint() };
  }

  it('gives the in-thread fingerprint, and the sink sees the same bytes, whenever the thread takes over', () => {
    const here = run(Number.POSITIVE_INFINITY);
    expect(createHash('sha256').update(here.bytes).digest('hex')).toBe(here.fingerprint);
    for (const after of [1, 2, 5]) {
      const there = run(after);
      expect(there.bytes.equals(here.bytes), `after ${after} chunks: sink bytes`).toBe(true);
      expect(there.fingerprint, `after ${after} chunks`).toBe(here.fingerprint);
      expect(there.decisions).toBe(here.decisions);
    }
  });

  it('gives the same fingerprint when the run ends while its chunks still wait for the thread to start or catch up', () => {
    for (const bars of [3, 10, 30, 150]) {
      const here = run(Number.POSITIVE_INFINITY, 13, bars);
      const there = run(1, 13, bars);
      expect(there.bytes.equals(here.bytes), `${bars} bars: sink bytes`).toBe(true);
      expect(there.fingerprint, `${bars} bars`).toBe(here.fingerprint);
    }
  });

  it('serves journals one after another and side by side, and one left unfinished stops none of them', () => {
    const abandoned = new Journal({ rootSeed: 1, chunkWords: 64, offThreadAfterChunks: 1 });
    for (let i = 0; i < 1_000; i++) abandoned.bar(0, i, 1, 1, 1, i);
    const a = new Journal({ rootSeed: 2, chunkWords: 64, offThreadAfterChunks: 1 });
    const b = new Journal({ rootSeed: 2, chunkWords: 64, offThreadAfterChunks: 1 });
    const c = new Journal({ rootSeed: 2, chunkWords: 64, offThreadAfterChunks: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 2_000; i++) for (const j of [a, b, c]) j.bar(0, i, 2, 1, 1, i);
    expect(a.fingerprint()).toBe(c.fingerprint());
    expect(b.fingerprint()).toBe(c.fingerprint());
    // Pooled lanes are reused: the next journal's hash starts afresh.
    expect(run(1, 12).fingerprint).toBe(run(Number.POSITIVE_INFINITY, 12).fingerprint);
  });

  it('hashes a run known to be short on this thread, and a long or unknown one on the hash thread, to the same fingerprint', () => {
    const open = vi.spyOn(HashLane, 'open');
    try {
      const fingerprintWith = (expectedRows: number | undefined): string => {
        const j = new Journal({ rootSeed: 3, chunkWords: 64, offThreadAfterChunks: 1, expectedRows: () => expectedRows });
        for (let i = 0; i < 500; i++) j.bar(0, i, 2, 1, 1, i);
        return j.fingerprint();
      };
      const short = fingerprintWith(LONG_RUN_ROWS - 1);
      expect(open).not.toHaveBeenCalled();
      expect(fingerprintWith(LONG_RUN_ROWS)).toBe(short);
      expect(open).toHaveBeenCalledTimes(1);
      expect(fingerprintWith(undefined)).toBe(short);
      expect(open).toHaveBeenCalledTimes(2);
    } finally {
      open.mockRestore();
    }
  });

  it('refuses a threshold below one chunk', () => {
    expect(() => new Journal({ rootSeed: 1, offThreadAfterChunks: 0 })).toThrow(/offThreadAfterChunks/);
  });
});

describe('Journal.barRow', () => {
  it('writes the very record bar() writes from the same row of a batch', () => {
    // Two journals, one fed by bar() with the values, one by barRow() with the batch: equal
    // fingerprints; and a batch row with another value must not match (barRow reads the row given).
    const n = 300;
    const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
    const batch = { closeTimeUs: col((i) => 1.7e15 + 60e6 * i), high: col((i) => 400_100 + i), low: col((i) => 399_900 - i), close: col((i) => 400_000 + (i % 7)), volume: col((i) => 0.5 * i) };
    const byValue = new Journal({ rootSeed: 3, chunkWords: 64 });
    const byRow = new Journal({ rootSeed: 3, chunkWords: 64 });
    for (let r = 0; r < n; r++) {
      byValue.bar(r % 2, batch.closeTimeUs[r]!, batch.high[r]!, batch.low[r]!, batch.close[r]!, batch.volume[r]!);
      byRow.barRow(r % 2, batch, r);
    }
    expect(byRow.records).toBe(byValue.records);
    expect(byRow.fingerprint()).toBe(byValue.fingerprint());
    const shifted = new Journal({ rootSeed: 3, chunkWords: 64 });
    for (let r = 0; r < n; r++) shifted.barRow(r % 2, batch, r === n - 1 ? 0 : r);
    expect(shifted.fingerprint()).not.toBe(byValue.fingerprint());
  });
});
