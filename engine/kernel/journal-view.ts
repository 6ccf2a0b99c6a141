/**
 * The human view of a journal: decodes the canonical encoding (journal.ts) into records and
 * JSON Lines, resolving interned strings. For people and tests; the engine never reads it back.
 */
import { INLINE_STRING_FIELDS, JOURNAL_KINDS, STRING_FIELDS, type JournalKind } from './journal.ts';

export type JournalRecord = { kind: JournalKind; source?: number } & Record<string, number | string>;

const byCode = new Map<number, { kind: JournalKind; fields: readonly string[] }>(
  Object.entries(JOURNAL_KINDS).map(([kind, spec]) => [spec.code, { kind: kind as JournalKind, fields: spec.fields }]),
);
const decoder = new TextDecoder();
const MARKET_CODES = new Set<number>([JOURNAL_KINDS.barOpen.code, JOURNAL_KINDS.bar.code, JOURNAL_KINDS.trade.code, JOURNAL_KINDS.quote.code]);

/**
 * Decodes a journal chunk by chunk, as its sink receives it (JournalSink.write): a record never
 * spans two chunks, and the interned strings are kept from one chunk to the next. Memory is one
 * chunk's records, however long the run.
 */
export class JournalDecoder {
  private readonly strings = new Map<number, string>();
  /** Words decoded in earlier chunks, for the positions errors give. */
  private offsetWords = 0;

  /** The records in `bytes`, the journal's next chunk. Throws on a malformed encoding (a bug or a corrupted file). */
  *chunk(bytes: Uint8Array): Generator<JournalRecord> {
    if (bytes.byteLength % 8 !== 0) throw new Error(`journal: a chunk of ${bytes.byteLength} bytes is not a whole number of words`);
    // A Float64Array view needs 8-byte alignment; a sink's chunk has it, other bytes are copied.
    const data = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
    const words = new Float64Array(data.buffer, data.byteOffset, data.byteLength / 8);
    const strings = this.strings;
    let p = 0;
    while (p < words.length) {
      const head = words[p]!;
      const code = head % 256;
      const source = Math.floor(head / 256);
      const spec = byCode.get(code);
      if (spec === undefined) throw new Error(`journal: unknown record code ${code} at word ${this.offsetWords + p}`);
      if (spec.kind === 'string') {
        const id = words[p + 1]!;
        const len = words[p + 2]!;
        const start = (p + 3) * 8;
        strings.set(id, decoder.decode(data.subarray(start, start + len)));
        p += 3 + Math.ceil(len / 8);
        continue;
      }
      const rec: JournalRecord = { kind: spec.kind } as JournalRecord;
      if (MARKET_CODES.has(code)) rec.source = source;
      p += 1;
      for (const field of spec.fields) {
        const v = words[p]!;
        if (INLINE_STRING_FIELDS.has(field)) {
          rec[field] = decoder.decode(data.subarray((p + 1) * 8, (p + 1) * 8 + v));
          p += 1 + Math.ceil(v / 8);
        } else {
          rec[field] = STRING_FIELDS.has(field) ? (strings.get(v) ?? `#${v}`) : v;
          p += 1;
        }
      }
      if (p > words.length) throw new Error(`journal: a ${spec.kind} record runs past its chunk's end (word ${this.offsetWords + words.length})`);
      yield rec;
    }
    this.offsetWords += words.length;
  }
}

/** Decodes a whole journal (its chunks joined). Throws on a malformed encoding (a bug or a corrupted file). */
export function decodeJournal(bytes: Uint8Array): Generator<JournalRecord> {
  return new JournalDecoder().chunk(bytes);
}

/** The journal as JSON Lines: one record per line. */
export function journalToJsonLines(bytes: Uint8Array): string {
  let out = '';
  for (const rec of decodeJournal(bytes)) out += `${JSON.stringify(rec)}\n`;
  return out;
}
