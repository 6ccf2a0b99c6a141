/**
 * A map from string ids (client order ids) to values, in insertion order: the subset of `Map` the
 * venue and the execution engine use, built for their pattern of mostly new, unique ids that are
 * forgotten oldest first, in bulk.
 *
 * Why not `Map`: every order round trip looks up a new id at the venue (is it a retry?), inserts
 * it on both sides, and later forgets it. A V8 `Map` holding thousands of string keys answers a
 * miss by walking a bucket chain and comparing against each key's string (a cache miss apiece),
 * and re-allocates its whole table as entries come and go: several hundred ns per operation in
 * the full backtest. Here each slot of the index keeps the id's hash beside the entry's position,
 * so a miss is settled in one typed array without touching any string, a hit compares one string
 * (usually the very same object), and the index is rebuilt in place.
 *
 * Layout: entries in insertion order (`keys`, `vals`, `hashes`; a deleted entry leaves a hole)
 * and an open-addressing index (linear probing) of (hash, entry + 1) pairs, EMPTY for a free slot
 * and DELETED for one whose entry went (probing goes on past it). A rebuild sweeps out holes and
 * deleted slots; it happens only inside `set` and `forgetOldest`, so deleting while iterating is
 * safe, as it is with `Map`.
 *
 * Keys are compared as `Map` compares them (SameValueZero), and a key that is not a string (bad
 * input: a malformed order's id) still works, in a slow lane of its own: the venue must reject
 * such an order with a report, not crash.
 */

const EMPTY = 0;
const DELETED = -1;
const MIN_SLOTS = 16;
/** Marks the key of a deleted entry (any value, undefined included, can be a key). */
const HOLE: unique symbol = Symbol('hole');

/** FNV-1a over UTF-16 code units: cheap for short ids, and well spread for `prefix-<n>` ids. */
export function hashOf(s: string): number {
  if (typeof s !== 'string') return 0; // not an id: all such keys share one probe run
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** SameValueZero, as `Map` compares keys (NaN equals NaN). */
function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

export class IdMap<V> {
  /**
   * Entries [0, count) of `keys` and `vals`; slots past `count` are HOLE and undefined. The arrays
   * never get shorter: V8 gives back an array's storage when it shrinks by half (pop included), and
   * a map that forgets half its entries in bulk would reallocate it at the next inserts.
   */
  private keys: (string | typeof HOLE)[] = [];
  private vals: (V | undefined)[] = [];
  private count = 0;
  /**
   * The last key hashed here and its hash: an id is looked up several times in a row (inserted,
   * then found by each report about it), and hashing its characters again is most of a lookup.
   */
  private lastKey: unknown = HOLE;
  private lastHash = 0;
  /** Hash of each entry's key (kept so that rebuilding never re-reads a string). */
  private hashes = new Int32Array(MIN_SLOTS);
  private live = 0;
  /** Pairs (hash, entry + 1 | EMPTY | DELETED); `index.length / 2` slots, a power of two. */
  private index = new Int32Array(2 * MIN_SLOTS);
  /** Slots not EMPTY (live or deleted): what makes probes long. */
  private used = 0;

  get size(): number {
    return this.live;
  }

  /** `hash` is hashOf(key), when the caller has it already (an id looked up in several maps is hashed once). */
  get(key: string, hash: number = this.hash(key)): V | undefined {
    const e = this.find(key, hash);
    return e < 0 ? undefined : this.vals[e];
  }

  has(key: string): boolean {
    return this.find(key, this.hash(key)) >= 0;
  }

  set(key: string, value: V, h: number = this.hash(key)): this {
    const e = this.find(key, h);
    if (e >= 0) {
      this.vals[e] = value;
      return this;
    }
    // Probes stay short while at most half the slots are used; holes stay fewer than live entries.
    if (2 * (this.used + 1) > this.slots() || this.count > 2 * this.live + MIN_SLOTS) this.rebuild(this.live + 1);
    const at = this.count++;
    if (at === this.hashes.length) this.growHashes();
    if (at === this.keys.length) {
      this.keys.push(key);
      this.vals.push(value);
    } else {
      this.keys[at] = key;
      this.vals[at] = value;
    }
    this.hashes[at] = h;
    this.live++;
    this.insertSlot(h, at);
    return this;
  }

  delete(key: string): boolean {
    const h = this.hash(key);
    const idx = this.index;
    const mask = this.slots() - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const pos = idx[2 * i + 1]!;
      if (pos === EMPTY) return false;
      if (pos > 0 && idx[2 * i] === h && sameKey(this.keys[pos - 1], key)) {
        idx[2 * i + 1] = DELETED;
        this.hole(pos - 1);
        return true;
      }
    }
  }

  /**
   * Deletes up to `count` entries, oldest first, skipping those `keep` says to keep, in one pass
   * and one rebuild (far cheaper than as many deletes); `forgotten` sees each value deleted, and
   * its key's hash (hashOf).
   */
  forgetOldest(count: number, keep: (value: V) => boolean, forgotten?: (value: V, hash: number) => void): void {
    let left = count;
    for (let e = 0; e < this.count && left > 0; e++) {
      if (this.keys[e] === HOLE || keep(this.vals[e]!)) continue;
      forgotten?.(this.vals[e]!, this.hashes[e]!);
      this.hole(e);
      left--;
    }
    if (left < count) this.rebuild(this.live);
  }

  clear(): void {
    this.keys = [];
    this.vals = [];
    this.count = 0;
    this.hashes = new Int32Array(MIN_SLOTS);
    this.live = 0;
    this.index = new Int32Array(2 * MIN_SLOTS);
    this.used = 0;
  }

  /** Live values in insertion order; an entry deleted during the iteration is skipped. */
  *values(): IterableIterator<V> {
    for (let e = 0; e < this.count; e++) if (this.keys[e] !== HOLE) yield this.vals[e]!;
  }

  /** Live [key, value] pairs in insertion order. */
  *entries(): IterableIterator<[string, V]> {
    for (let e = 0; e < this.count; e++) {
      const k = this.keys[e]!;
      if (k !== HOLE) yield [k, this.vals[e]!];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** hashOf(key), remembered for the next call with the same key. */
  private hash(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    const h = hashOf(key);
    this.lastKey = key;
    this.lastHash = h;
    return h;
  }

  private slots(): number {
    return this.index.length >> 1;
  }

  /** The entry position of `key`, or -1. */
  private find(key: string, h: number): number {
    const idx = this.index;
    const mask = this.slots() - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const pos = idx[2 * i + 1]!;
      if (pos === EMPTY) return -1;
      if (pos > 0 && idx[2 * i] === h && sameKey(this.keys[pos - 1], key)) return pos - 1;
    }
  }

  /** Empties entry `e` (its index slot is left to the caller or to the next rebuild). */
  private hole(e: number): void {
    this.keys[e] = HOLE;
    this.vals[e] = undefined;
    this.live--;
  }

  private insertSlot(h: number, e: number): void {
    const idx = this.index;
    const mask = this.slots() - 1;
    let i = h & mask;
    while (idx[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
    idx[2 * i] = h;
    idx[2 * i + 1] = e + 1;
    this.used++;
  }

  private growHashes(): void {
    const next = new Int32Array(2 * this.hashes.length);
    next.set(this.hashes);
    this.hashes = next;
  }

  /**
   * Compacts the entries in place and re-indexes them, with room for `expected` entries in at most
   * a quarter of the slots. An index up to four times that size is kept rather than reallocated:
   * after a bulk forget the map grows back to where it was.
   */
  private rebuild(expected: number): void {
    const { keys, vals, hashes } = this;
    let n = 0;
    for (let e = 0; e < this.count; e++) {
      if (keys[e] === HOLE) continue;
      keys[n] = keys[e]!;
      vals[n] = vals[e];
      hashes[n] = hashes[e]!;
      n++;
    }
    // The slots left behind are cleared (nothing kept alive), not cut off (see `keys`).
    for (let e = n; e < this.count; e++) { keys[e] = HOLE; vals[e] = undefined; }
    this.count = n;
    let slots = MIN_SLOTS;
    while (slots < 4 * expected) slots *= 2;
    const current = this.slots();
    if (current >= slots && current <= 4 * slots) this.index.fill(EMPTY);
    else this.index = new Int32Array(2 * slots);
    this.used = 0;
    for (let e = 0; e < n; e++) this.insertSlot(hashes[e]!, e);
  }
}
