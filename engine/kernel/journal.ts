/**
 * The journal: every input and decision of a run, in order, in a compact canonical encoding whose
 * SHA-256 is the run's fingerprint.
 *
 * Encoding (version 1): a sequence of records, each a run of little-endian IEEE-754 float64 words.
 * Word 0 of a record packs the record kind and, for market records, the source index:
 * `kind + 256 * source`. Each kind has a fixed list of fields (JOURNAL_KINDS), but for `string`
 * records, which carry UTF-8 bytes padded to whole words. Strings (instrument ids, order ids,
 * reasons) are interned: the first use writes a `string` record, later uses write its id.
 * Words go into a large chunk that is hashed (and handed to the sink, if any) when full, so hashing
 * costs one update per chunk rather than one per event.
 */
import { createHash, type Hash } from 'node:crypto';
import { endianness } from 'node:os';
import { HashLane } from './hash-thread.ts';

/**
 * 1: the first encoding. 2: typed lifecycle and risk records (cancelRequest ... venueReplace) in
 * place of notes. 3: transport records of the provider path (providerRequest ... duplicateData).
 */
export const JOURNAL_VERSION = 3;

/** Field lists per record kind; the decoder and the JSON Lines view read them from here. */
export const JOURNAL_KINDS = {
  header: { code: 0, fields: ['version', 'rootSeed'] },
  string: { code: 1, fields: ['id', 'byteLength'] },
  barOpen: { code: 2, fields: ['timeUs', 'open'] },
  bar: { code: 3, fields: ['timeUs', 'high', 'low', 'close', 'volume'] },
  trade: { code: 4, fields: ['timeUs', 'price', 'size'] },
  quote: { code: 5, fields: ['timeUs', 'bid', 'ask', 'bidSize', 'askSize'] },
  signal: { code: 10, fields: ['timeUs', 'agent', 'instrument', 'target'] },
  order: { code: 11, fields: ['timeUs', 'clientOrderId', 'instrument', 'side', 'quantity', 'type', 'limitPrice', 'stopPrice'] },
  riskReject: { code: 12, fields: ['timeUs', 'clientOrderId', 'reason'] },
  venueAccept: { code: 13, fields: ['timeUs', 'clientOrderId'] },
  venueReject: { code: 14, fields: ['timeUs', 'clientOrderId', 'reason'] },
  fill: { code: 15, fields: ['timeUs', 'clientOrderId', 'instrument', 'side', 'quantity', 'price', 'fee'] },
  cancel: { code: 16, fields: ['timeUs', 'clientOrderId', 'reason'] },
  expire: { code: 17, fields: ['timeUs', 'clientOrderId'] },
  note: { code: 18, fields: ['timeUs', 'text'] },
  // Version 2: the order lifecycle and risk events as typed records (they were notes), so gates
  // and invariants count them. Prices and quantities are raw; NaN marks a field a replace leaves.
  cancelRequest: { code: 19, fields: ['timeUs', 'clientOrderId'] },
  replaceRequest: { code: 20, fields: ['timeUs', 'clientOrderId', 'quantity', 'limitPrice', 'stopPrice'] },
  retry: { code: 21, fields: ['timeUs', 'clientOrderId', 'action', 'send'] },
  giveUp: { code: 22, fields: ['timeUs', 'clientOrderId', 'action', 'sends'] },
  ignoredReport: { code: 23, fields: ['timeUs', 'clientOrderId', 'report', 'reason'] },
  duplicateReport: { code: 24, fields: ['timeUs', 'clientOrderId', 'report'] },
  overfill: { code: 25, fields: ['timeUs', 'clientOrderId', 'filled', 'quantity'] },
  dailyLossHalt: { code: 26, fields: ['timeUs', 'session', 'equity', 'sessionStartEquity'] },
  killSwitch: { code: 27, fields: ['timeUs', 'reason'] },
  venueReplace: { code: 28, fields: ['timeUs', 'clientOrderId'] },
  // Crash and restart (added without a version bump: a run without crashes writes none of them).
  // `reconcile`: after a restart the stack applied a report it had missed (`report` its kind),
  // learnt from the venue. `reportLost`: a report reached the stack while it was down.
  // `stackRestart`: the stack came back after `downtimeUs` (a restart with no downtime writes nothing).
  reconcile: { code: 29, fields: ['timeUs', 'clientOrderId', 'report', 'reason'] },
  reportLost: { code: 30, fields: ['timeUs', 'clientOrderId', 'report'] },
  stackRestart: { code: 31, fields: ['timeUs', 'downtimeUs'] },
  // Version 3: the provider path's transport, what the data client did to get market data. Not
  // part of the decision fingerprint (see TRANSPORT_KINDS). `request` is the run's request number,
  // `stream` names what was polled ("bars:SPX"); no record carries a header value.
  providerRequest: { code: 40, fields: ['timeUs', 'provider', 'request', 'url'] },
  providerResponse: { code: 41, fields: ['timeUs', 'provider', 'request', 'status', 'latencyUs', 'items'] },
  providerError: { code: 42, fields: ['timeUs', 'provider', 'request', 'reason'] },
  providerLate: { code: 43, fields: ['timeUs', 'provider', 'request', 'requestUs'] },
  payloadRejected: { code: 44, fields: ['timeUs', 'provider', 'request', 'reason'] },
  providerRetry: { code: 45, fields: ['timeUs', 'provider', 'stream', 'attempt', 'delayUs', 'reason'] },
  retryAfterInvalid: { code: 46, fields: ['timeUs', 'provider', 'request', 'value'] },
  providerGiveUp: { code: 47, fields: ['timeUs', 'stream', 'attempts', 'reason'] },
  breaker: { code: 48, fields: ['timeUs', 'provider', 'state'] },
  failover: { code: 49, fields: ['timeUs', 'stream', 'from', 'to'] },
  staleRejected: { code: 50, fields: ['timeUs', 'provider', 'stream', 'dataTimeUs', 'ageUs'] },
  skewRejected: { code: 51, fields: ['timeUs', 'provider', 'stream', 'dataTimeUs', 'aheadUs'] },
  duplicateData: { code: 52, fields: ['timeUs', 'provider', 'stream', 'dataTimeUs'] },
  // A fault the run's fault plan applied (chaos): `fault` is its kind ('provider-status',
  // 'venue-lost-ack'...), `faultTarget` what it hit (a provider, 'venue', 'stack', an order id).
  // Not `target`: field encodings go by name, and signal's numeric `target` must stay a number.
  faultApplied: { code: 60, fields: ['timeUs', 'fault', 'faultTarget', 'detail'] },
  // A stack over HTTP in measured-latency mode: its measured response time to a step, which became
  // the virtual delay before its actions reached the venue. An input (replay feeds it back), not a decision.
  stackLatency: { code: 61, fields: ['timeUs', 'step', 'latencyUs'] },
} as const;
export type JournalKind = keyof typeof JOURNAL_KINDS;

/** Market data records: inputs, the same on every data path. */
export const MARKET_KINDS: ReadonlySet<JournalKind> = new Set(['barOpen', 'bar', 'trade', 'quote']);

/**
 * How the stack got its data on the provider path. The decision fingerprint leaves these out
 * (with the market records), so a provider run with no fault has the direct run's decision
 * fingerprint. Their fields are inline strings, never interned: interning would write `string`
 * records into the decision stream.
 */
export const TRANSPORT_KINDS: ReadonlySet<JournalKind> = new Set([
  'providerRequest', 'providerResponse', 'providerError', 'providerLate', 'payloadRejected', 'providerRetry', 'retryAfterInvalid',
  'providerGiveUp', 'breaker', 'failover', 'staleRejected', 'skewRejected', 'duplicateData',
  // Not transport, but not a decision either: the fault is an input; what the stack and venue did about it is in the decisions.
  'faultApplied', 'stackLatency',
]);

/** Fields whose values are interned string ids (a small, fixed set of values: ids of things). */
export const STRING_FIELDS: ReadonlySet<string> = new Set(['agent', 'instrument', 'type', 'action', 'report']);
/**
 * Fields written inline, as a byte length word then UTF-8 bytes padded to whole words: values that
 * are mostly unique (order ids, reasons with numbers), so interning them would grow without bound.
 */
export const INLINE_STRING_FIELDS: ReadonlySet<string> = new Set([
  'clientOrderId', 'reason', 'text', 'session', 'provider', 'url', 'stream', 'from', 'to', 'state', 'value', 'fault', 'faultTarget', 'detail',
]);

/**
 * Receives the encoded bytes as they are produced. The view is reused (and may lie on a
 * SharedArrayBuffer the hash thread reads next): copy what you keep.
 */
export interface JournalSink {
  write(bytes: Uint8Array): void;
}

export interface JournalOptions {
  rootSeed: number;
  sink?: JournalSink;
  /** Words per chunk: one hash update per chunk. */
  chunkWords?: number;
  /**
   * Full chunks after which the fingerprint is computed on the hash thread (hash-thread.ts):
   * default OFF_THREAD_AFTER_CHUNKS; Infinity keeps it on this thread. The fingerprint is the same.
   */
  offThreadAfterChunks?: number;
  /**
   * About how many market rows the run reads, if known (MarketSource.expectedRows), asked when the
   * journal would open its hash lane: a run known to read fewer than LONG_RUN_ROWS hashes here.
   */
  expectedRows?: () => number | undefined;
}

/**
 * A run long enough to fill this many full chunks (about 14,000 bars) hashes on the hash thread;
 * shorter runs, the thousands of a suite, hash here and never start it.
 */
export const OFF_THREAD_AFTER_CHUNKS = 2;
/**
 * Fewer market rows than this hash on this thread even past OFF_THREAD_AFTER_CHUNKS: starting the
 * worker slows a fresh process's main thread by more (about 35 ms on 2 vCPUs) than hashing 250,000
 * bars' journal here costs (about 12 ms).
 */
export const LONG_RUN_ROWS = 600_000;
/** Chunks held (copied, 512 KiB each by default) while the hash thread starts or falls behind, before the journal waits for it. */
const HELD_MAX_CHUNKS = 32;

/** Lets an unfinished journal's lane go when the journal is collected (a run that threw). */
const lanes = new FinalizationRegistry<HashLane>((lane) => lane.abandon());

const K = {
  string: JOURNAL_KINDS.string.code,
  barOpen: JOURNAL_KINDS.barOpen.code,
  bar: JOURNAL_KINDS.bar.code,
  trade: JOURNAL_KINDS.trade.code,
  quote: JOURNAL_KINDS.quote.code,
  signal: JOURNAL_KINDS.signal.code,
  order: JOURNAL_KINDS.order.code,
  venueAccept: JOURNAL_KINDS.venueAccept.code,
  fill: JOURNAL_KINDS.fill.code,
};
const encoder = new TextEncoder();

type DecisionKind = Exclude<JournalKind, 'header' | 'string' | 'barOpen' | 'bar' | 'trade' | 'quote'>;
const FIELD_NUMBER = 0;
const FIELD_INTERNED = 1;
const FIELD_INLINE = 2;
/** Per decision kind, its code, fields and field encodings, computed once (no Set lookups per record). */
const DECISION_SPECS = Object.fromEntries(Object.entries(JOURNAL_KINDS).map(([kind, spec]) => [kind, {
  code: spec.code,
  transport: TRANSPORT_KINDS.has(kind as JournalKind),
  fields: spec.fields as readonly string[],
  types: Uint8Array.from(spec.fields, (f: string) => (INLINE_STRING_FIELDS.has(f) ? FIELD_INLINE : STRING_FIELDS.has(f) ? FIELD_INTERNED : FIELD_NUMBER)),
}])) as Record<DecisionKind, { code: number; transport: boolean; fields: readonly string[]; types: Uint8Array }>;

function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  return s.length;
}

/** Words an inline string takes: its byte length, then its bytes padded to whole words. */
function inlineWords(s: string): number {
  return 1 + ((utf8Length(s) + 7) >> 3);
}

/** Words of a journal's first chunk (8 KiB); it grows by 4x up to chunkWords. */
const INITIAL_CHUNK_WORDS = 1024;

/**
 * Buffers of finished journals (their chunk and decision stream), which the next journals write
 * in: the runs of a check or a suite, thousands in one process, each allocated and zeroed about
 * 70 KiB otherwise (a year of daily bars grows both to 32 KiB), a few percent of a short run in
 * malloc, memset and V8's sweeping of array buffers. Safe to share because a journal gives its
 * buffers back only in fingerprint(), after which it never reads or writes them (it holds empty
 * ones, and any write throws), and the sink's views were lent for the call only (JournalSink).
 * A journal never reads a word it has not written, so what a buffer held before does not matter;
 * nor does its size, as chunks grow to chunkWords before they are flushed. A hash lane's slots
 * are never kept here. Bounded in count and size: a few full chunks at most.
 */
const spareBuffers: Float64Array[] = [];
const SPARE_BUFFERS_MAX = 4;
const SPARE_BUFFER_WORDS_MAX = 1 << 16;
const NO_WORDS = new Float64Array(0);
const NO_BYTES = new Uint8Array(0);

/** The largest spare buffer of at most `maxWords` words, taken from the spares; null if none fits. */
function takeSpareBuffer(maxWords: number): Float64Array | null {
  let best = -1;
  for (let k = 0; k < spareBuffers.length; k++) {
    const len = spareBuffers[k]!.length;
    if (len <= maxWords && (best < 0 || len > spareBuffers[best]!.length)) best = k;
  }
  if (best < 0) return null;
  const words = spareBuffers[best]!;
  spareBuffers[best] = spareBuffers[spareBuffers.length - 1]!;
  spareBuffers.pop();
  return words;
}

function keepSpareBuffer(words: Float64Array): void {
  if (words.length === 0 || words.length > SPARE_BUFFER_WORDS_MAX || spareBuffers.length >= SPARE_BUFFERS_MAX) return;
  if (words.buffer instanceof SharedArrayBuffer || words.byteOffset !== 0) return;
  spareBuffers.push(words);
}

/** The columns of a batch of bars that Journal.barRow reads (the market's BarBatch has them). */
export interface BarRowColumns {
  readonly closeTimeUs: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export class Journal {
  private readonly hash: Hash = createHash('sha256');
  /**
   * The decision stream: the header, strings and every record but market data and transport, in
   * order, copied as they are written (decisions are rare next to market data) and hashed into
   * the decision fingerprint.
   */
  private readonly decisionHash: Hash = createHash('sha256');
  private dwords: Float64Array;
  private dpos = 0;
  private decisionFinished: string | null = null;
  private readonly sink: JournalSink | undefined;
  /** The chunk being filled; it starts small and grows to chunkWords (see room()). */
  private words: Float64Array;
  private bytes: Uint8Array;
  private readonly chunkWords: number;
  private pos = 0;
  private offThreadAfter: number;
  private readonly expectedRows: (() => number | undefined) | undefined;
  /** Full chunks flushed before the hash thread took over, kept (copied) until it does or the run ends. */
  private held: Uint8Array[] = [];
  /** With a lane: whether chunks are written in its slots (else held, waiting for free slots). */
  private inPlace = false;
  /** Set once the hash thread hashes this journal: chunks are then written in its slots. */
  private lane: HashLane | null = null;
  private readonly strings = new Map<string, number>();
  /**
   * The last few strings interned and their ids, tried before the map: every order writes the same
   * handful (its instrument, its type, the agent), and comparing against the very same string
   * object costs less than a map lookup. Round robin; an empty slot's id is -1, so it never matches.
   */
  private readonly recentStrings: string[] = ['', '', '', ''];
  private readonly recentIds = new Float64Array(4).fill(-1);
  private recentNext = 0;
  private finished: string | null = null;
  /** Records written, for reports and tests. */
  records = 0;
  /** `order` records written: the orders a stack meant to send (chaos counts orders booked beyond them). */
  orders = 0;

  constructor(options: JournalOptions) {
    // Float64Array writes are native-endian; the canonical encoding is little-endian.
    if (endianness() !== 'LE') throw new Error('journal: big-endian hosts are not supported yet');
    const chunkWords = options.chunkWords ?? 1 << 16;
    if (!Number.isInteger(chunkWords) || chunkWords < 64) throw new RangeError(`journal chunkWords must be an integer >= 64, got ${chunkWords}`);
    this.chunkWords = chunkWords;
    const after = options.offThreadAfterChunks ?? OFF_THREAD_AFTER_CHUNKS;
    if (!(after >= 1)) throw new RangeError(`journal offThreadAfterChunks must be >= 1, got ${after}`);
    this.offThreadAfter = after;
    this.expectedRows = options.expectedRows;
    // A short run (one of thousands in a suite) never needs the full chunk: allocating and zeroing
    // 512 KiB per run was a tenth of a small scenario's cost, and memory traffic that two worker
    // threads fight over.
    this.words = takeSpareBuffer(chunkWords) ?? new Float64Array(Math.min(chunkWords, INITIAL_CHUNK_WORDS));
    this.bytes = new Uint8Array(this.words.buffer);
    this.dwords = takeSpareBuffer(chunkWords) ?? new Float64Array(256);
    this.sink = options.sink;
    this.write3(JOURNAL_KINDS.header.code, JOURNAL_VERSION, options.rootSeed);
  }

  /**
   * Makes room for `n` words. Its common case is one comparison, small enough for V8 to inline into
   * every record writer (the whole bar path has a budget of inlined code); the rest is makeRoom.
   */
  private room(n: number): void {
    if (this.pos + n > this.words.length || this.finished !== null) this.makeRoom(n);
  }

  private makeRoom(n: number): void {
    if (this.finished !== null) throw new Error('journal: write after fingerprint()');
    if (this.pos + n > this.words.length) {
      // Grow the chunk until it is full size, then flush it. The hash and the sink see one byte
      // stream whatever the chunk sizes, so growing changes no fingerprint.
      if (this.words.length < this.chunkWords) this.grow(this.pos + n);
      if (this.pos + n > this.words.length) this.flushChunk();
    }
  }

  private grow(needWords: number): void {
    let size = this.words.length;
    while (size < needWords && size < this.chunkWords) size *= 4;
    const words = new Float64Array(Math.min(size, this.chunkWords));
    words.set(this.words.subarray(0, this.pos));
    this.words = words;
    this.bytes = new Uint8Array(words.buffer);
  }

  private flushChunk(): void {
    if (this.pos === 0) return;
    const view = this.bytes.subarray(0, this.pos * 8);
    this.sink?.write(view);
    if (this.lane !== null && this.inPlace) {
      this.lane.publish(view.byteLength);
      this.setChunk(this.lane.acquire());
    } else if (this.lane !== null) {
      this.held.push(view.slice());
      this.feedLane(this.held.length > HELD_MAX_CHUNKS);
    } else if (this.words.length < this.chunkWords || this.offThreadAfter === Number.POSITIVE_INFINITY) {
      this.hash.update(view);
    } else if (this.held.length + 1 < this.offThreadAfter) {
      // A long run, maybe: the chunk waits for the hash thread (hashing it here would tie the
      // hash to this thread).
      this.held.push(view.slice());
    } else {
      this.goOffThread(view);
    }
    this.pos = 0;
  }

  /**
   * Opens a hash lane for the held chunks and `view`. They move into its slots as the worker frees
   * them (feedLane): the worker thread may take tens of milliseconds to start, and the run goes on
   * meanwhile instead of waiting for it. Once nothing is held, chunks are written in the slots.
   */
  private goOffThread(view: Uint8Array): void {
    const rows = this.expectedRows?.();
    if (rows !== undefined && rows < LONG_RUN_ROWS) {
      this.stayOnThread(view);
      return;
    }
    let lane: HashLane;
    try {
      lane = HashLane.open(this.chunkWords);
    } catch {
      // No worker thread to be had (a permission model that forbids them, say): hash here.
      this.stayOnThread(view);
      return;
    }
    lanes.register(this, lane, lane);
    this.lane = lane;
    this.held.push(view.slice());
    this.feedLane(false);
  }

  /** Hashes the held chunks and `view` here, and every chunk after them. */
  private stayOnThread(view: Uint8Array): void {
    this.offThreadAfter = Number.POSITIVE_INFINITY;
    for (const bytes of this.held) this.hash.update(bytes);
    this.held = [];
    this.hash.update(view);
  }

  /**
   * Moves held chunks, oldest first, into the lane's free slots (waiting for slots when `wait`:
   * too much is held), and writes in the slots from then on once nothing is held.
   */
  private feedLane(wait: boolean): void {
    const lane = this.lane!;
    let k = 0;
    for (; k < this.held.length && (wait || lane.hasFreeSlot()); k++) {
      const bytes = this.held[k]!;
      new Uint8Array(lane.acquire().buffer).set(bytes);
      lane.publish(bytes.byteLength);
    }
    if (k > 0) this.held.splice(0, k);
    if (this.held.length === 0 && lane.hasFreeSlot()) {
      this.inPlace = true;
      this.setChunk(lane.acquire());
    }
  }

  private setChunk(words: Float64Array): void {
    this.words = words;
    this.bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  }

  /** The interned id of `s`, writing its `string` record on first use. */
  str(s: string): number {
    const recent = this.recentStrings;
    for (let k = 0; k < 4; k++) if (recent[k] === s && this.recentIds[k]! >= 0) return this.recentIds[k]!;
    let id = this.strings.get(s);
    if (id !== undefined) {
      const k = this.recentNext;
      recent[k] = s;
      this.recentIds[k] = id;
      this.recentNext = (k + 1) & 3;
      return id;
    }
    id = this.strings.size;
    this.strings.set(s, id);
    const utf8 = encoder.encode(s);
    const dataWords = Math.ceil(utf8.length / 8);
    if (3 + dataWords > this.chunkWords) throw new RangeError(`journal: string of ${utf8.length} bytes exceeds a chunk`);
    this.room(3 + dataWords);
    const p = this.pos;
    this.words[p] = K.string;
    this.words[p + 1] = id;
    this.words[p + 2] = utf8.length;
    this.words.fill(0, p + 3, p + 3 + dataWords);
    this.bytes.set(utf8, (p + 3) * 8);
    this.keepDecision(p, p + 3 + dataWords);
    this.pos = p + 3 + dataWords;
    this.records++;
    return id;
  }

  barOpen(source: number, timeUs: number, open: number): void {
    this.room(3);
    const w = this.words;
    const p = this.pos;
    w[p] = K.barOpen + 256 * source;
    w[p + 1] = timeUs;
    w[p + 2] = open;
    this.pos = p + 3;
    this.records++;
  }

  bar(source: number, timeUs: number, high: number, low: number, close: number, volume: number): void {
    this.room(6);
    const w = this.words;
    const p = this.pos;
    w[p] = K.bar + 256 * source;
    w[p + 1] = timeUs;
    w[p + 2] = high;
    w[p + 3] = low;
    w[p + 4] = close;
    w[p + 5] = volume;
    this.pos = p + 6;
    this.records++;
  }

  /**
   * bar() for row `row` of a batch of bars, its values read here rather than passed: a time is
   * no small integer, so a call V8 does not inline boxes it (16 bytes of garbage a bar), and the
   * engine's onBar is too big for TurboFan to inline bar() into it. Writes the very record bar() does.
   */
  barRow(source: number, b: BarRowColumns, row: number): void {
    this.room(6);
    const w = this.words;
    const p = this.pos;
    w[p] = K.bar + 256 * source;
    w[p + 1] = b.closeTimeUs[row]!;
    w[p + 2] = b.high[row]!;
    w[p + 3] = b.low[row]!;
    w[p + 4] = b.close[row]!;
    w[p + 5] = b.volume[row]!;
    this.pos = p + 6;
    this.records++;
  }

  trade(source: number, timeUs: number, price: number, size: number): void {
    this.write4(K.trade + 256 * source, timeUs, price, size);
  }

  quote(source: number, timeUs: number, bid: number, ask: number, bidSize: number, askSize: number): void {
    this.room(6);
    const w = this.words;
    const p = this.pos;
    w[p] = K.quote + 256 * source;
    w[p + 1] = timeUs;
    w[p + 2] = bid;
    w[p + 3] = ask;
    w[p + 4] = bidSize;
    w[p + 5] = askSize;
    this.pos = p + 6;
    this.records++;
  }

  /**
   * A decision record (kinds other than market data): its values in the order of the kind's
   * fields; strings are interned first. Decisions are rare next to market data, so this generic
   * path may allocate.
   */
  record(kind: DecisionKind, ...values: (number | string)[]): void {
    const spec = DECISION_SPECS[kind];
    const types = spec.types;
    if (kind === 'order') this.orders++;
    if (values.length !== types.length) {
      throw new Error(`journal ${kind}: expected ${types.length} values (${spec.fields.join(', ')}), got ${values.length}`);
    }
    // Interned strings may write their own records first, so resolve them before this one starts.
    let words = 1;
    for (let i = 0; i < types.length; i++) {
      const v = values[i]!;
      const t = types[i];
      if (t === FIELD_NUMBER) {
        if (typeof v !== 'number') throw new TypeError(`journal ${kind}.${spec.fields[i]}: expected a number`);
        words += 1;
      } else if (t === FIELD_INTERNED) {
        if (typeof v === 'string') values[i] = this.str(v);
        words += 1;
      } else {
        if (typeof v !== 'string') throw new TypeError(`journal ${kind}.${spec.fields[i]}: expected a string`);
        words += inlineWords(v);
      }
    }
    if (words > this.chunkWords) throw new RangeError(`journal ${kind}: record of ${words} words exceeds a chunk`);
    this.room(words);
    const w = this.words;
    let p = this.pos;
    w[p++] = spec.code;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (typeof v === 'number') { w[p++] = v; continue; }
      p = this.inline(p, v);
    }
    if (!spec.transport) this.keepDecision(this.pos, p);
    this.pos = p;
    this.records++;
  }

  // ---- typed decision records ----
  // The decisions of every order round trip (signal, order, venue accept, fill) have their own
  // writers: no rest-argument array and no per-field dispatch. Each writes exactly the bytes that
  // record() writes for the same values (interned strings first, in field order), which the
  // journal tests check.

  signal(timeUs: number, agent: string, instrument: string, target: number): void {
    const agentId = this.str(agent);
    const instrumentId = this.str(instrument);
    let p = this.begin(5, 'signal');
    const w = this.words;
    w[p++] = K.signal;
    w[p++] = timeUs;
    w[p++] = agentId;
    w[p++] = instrumentId;
    w[p++] = target;
    this.end(p);
  }

  order(timeUs: number, clientOrderId: string, instrument: string, side: number, quantity: number, type: string, limitPrice: number, stopPrice: number): void {
    const instrumentId = this.str(instrument);
    const typeId = this.str(type);
    this.orders++;
    let p = this.beginWithString(8, clientOrderId, 'order');
    const w = this.words;
    w[p++] = K.order;
    w[p++] = timeUs;
    p = this.inline(p, clientOrderId);
    w[p++] = instrumentId;
    w[p++] = side;
    w[p++] = quantity;
    w[p++] = typeId;
    w[p++] = limitPrice;
    w[p++] = stopPrice;
    this.end(p);
  }

  venueAccept(timeUs: number, clientOrderId: string): void {
    let p = this.beginWithString(2, clientOrderId, 'venueAccept');
    const w = this.words;
    w[p++] = K.venueAccept;
    w[p++] = timeUs;
    p = this.inline(p, clientOrderId);
    this.end(p);
  }

  fill(timeUs: number, clientOrderId: string, instrument: string, side: number, quantity: number, price: number, fee: number): void {
    const instrumentId = this.str(instrument);
    let p = this.beginWithString(7, clientOrderId, 'fill');
    const w = this.words;
    w[p++] = K.fill;
    w[p++] = timeUs;
    p = this.inline(p, clientOrderId);
    w[p++] = instrumentId;
    w[p++] = side;
    w[p++] = quantity;
    w[p++] = price;
    w[p++] = fee;
    this.end(p);
  }

  /** Makes room for a record of `words` words and returns where it starts. */
  private begin(words: number, kind: DecisionKind): number {
    if (words > this.chunkWords) throw new RangeError(`journal ${kind}: record of ${words} words exceeds a chunk`);
    this.room(words);
    return this.pos;
  }

  /**
   * begin() for a record of `words` words besides one inline string. The room made is an upper bound
   * of the string's size (3 UTF-8 bytes per UTF-16 unit), so the string is read once, when it is
   * written; more room than used only moves a chunk boundary, which the encoding does not see.
   */
  private beginWithString(words: number, s: string, kind: DecisionKind): number {
    const most = words + 1 + ((3 * s.length + 7) >> 3);
    if (most <= this.chunkWords) {
      this.room(most);
      return this.pos;
    }
    return this.begin(words + inlineWords(s), kind);
  }

  /** Ends the (decision) record that begin() started: `p` is the word after it. */
  private end(p: number): void {
    this.keepDecision(this.pos, p);
    this.pos = p;
    this.records++;
  }

  /** Copies words [from, to) of the chunk, a record just written, into the decision stream. */
  private keepDecision(from: number, to: number): void {
    const n = to - from;
    if (this.dpos + n > this.dwords.length) {
      // Grow like the chunk up to chunkWords (a record never exceeds it), then hash when full.
      if (this.dwords.length < this.chunkWords) {
        const grown = new Float64Array(Math.min(this.chunkWords, Math.max(this.dwords.length * 4, this.dpos + n)));
        grown.set(this.dwords.subarray(0, this.dpos));
        this.dwords = grown;
      }
      if (this.dpos + n > this.dwords.length) this.flushDecisions();
    }
    const d = this.dwords;
    const w = this.words;
    let q = this.dpos;
    for (let i = from; i < to; i++) d[q++] = w[i]!;
    this.dpos = q;
  }

  private flushDecisions(): void {
    if (this.dpos === 0) return;
    this.decisionHash.update(new Uint8Array(this.dwords.buffer, 0, this.dpos * 8));
    this.dpos = 0;
  }

  /**
   * Writes a string inline at word `p` (room for it was made); returns the word after it. Every
   * order writes its id three times, so ASCII, the usual case, is written in one pass with no
   * allocation: bytes as they are read, then the padding of the last word.
   */
  private inline(p: number, s: string): number {
    const bytes = this.bytes;
    const at = (p + 1) * 8;
    const len = s.length;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return this.inlineUtf8(p, s); // its UTF-8 is longer: room was made for that
      bytes[at + i] = c;
    }
    const end = at + 8 * ((len + 7) >> 3);
    for (let i = at + len; i < end; i++) bytes[i] = 0;
    this.words[p] = len;
    return p + 1 + ((len + 7) >> 3);
  }

  private inlineUtf8(p: number, s: string): number {
    const utf8 = encoder.encode(s);
    const dataWords = Math.ceil(utf8.length / 8);
    this.words[p] = utf8.length;
    this.words.fill(0, p + 1, p + 1 + dataWords);
    this.bytes.set(utf8, (p + 1) * 8);
    return p + 1 + dataWords;
  }

  /** The header: the one 3-word record, part of both streams. */
  private write3(a: number, b: number, c: number): void {
    this.room(3);
    const p = this.pos;
    this.words[p] = a;
    this.words[p + 1] = b;
    this.words[p + 2] = c;
    this.keepDecision(p, p + 3);
    this.pos = p + 3;
    this.records++;
  }

  private write4(a: number, b: number, c: number, d: number): void {
    this.room(4);
    const w = this.words;
    const p = this.pos;
    w[p] = a;
    w[p + 1] = b;
    w[p + 2] = c;
    w[p + 3] = d;
    this.pos = p + 4;
    this.records++;
  }

  /** Flushes the last chunk and returns the SHA-256 (hex) of the whole encoding. Idempotent; ends writing. */
  fingerprint(): string {
    if (this.finished === null) {
      const lane = this.lane;
      if (lane !== null) {
        if (!this.inPlace) {
          if (this.pos > 0) {
            const view = this.bytes.subarray(0, this.pos * 8);
            this.sink?.write(view);
            this.held.push(view.slice());
            this.pos = 0;
          }
          this.feedLane(true);
        }
        if (this.pos > 0) {
          this.sink?.write(this.bytes.subarray(0, this.pos * 8));
          lane.publish(this.pos * 8);
          this.pos = 0;
        }
        this.finished = lane.finish();
        lanes.unregister(lane);
        this.lane = null;
      } else {
        for (const bytes of this.held) this.hash.update(bytes);
        this.held = [];
        if (this.pos > 0) {
          const view = this.bytes.subarray(0, this.pos * 8);
          this.sink?.write(view);
          this.hash.update(view);
          this.pos = 0;
        }
        this.finished = this.hash.digest('hex');
        keepSpareBuffer(this.words);
      }
      this.flushDecisions();
      this.decisionFinished = this.decisionHash.digest('hex');
      keepSpareBuffer(this.dwords);
      this.words = NO_WORDS;
      this.bytes = NO_BYTES;
      this.dwords = NO_WORDS;
    }
    return this.finished;
  }

  /**
   * SHA-256 (hex) of the decision stream: the encoding without market data and transport records
   * (what the stack decided and what the venue and risk did about it, given its data). The same on
   * the direct and the provider path when no fault is injected. Ends writing, like fingerprint().
   */
  decisionFingerprint(): string {
    this.fingerprint();
    return this.decisionFinished!;
  }
}
