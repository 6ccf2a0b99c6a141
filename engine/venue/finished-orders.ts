/**
 * The venue's memory of older finished orders, in columns: what it needs to answer a retry of a
 * finished order's client id (and `order(id)`), without one heap object per order.
 *
 * Why columns: a remembered order outlives several young-generation collections, so V8 promotes
 * every object it holds to the old generation, where it later dies as garbage. With thousands of
 * finished orders remembered, a long replay promoted a few hundred bytes per order and its peak
 * resident memory grew far above its live heap (222 MB against about 20 MB for 1e7 bars). Here an
 * order costs a slot in typed arrays that are allocated once, its client order id included (as
 * UTF-16 code units, with an open-addressing index of its own): keeping the id strings alone
 * promoted about 200 KB per young collection.
 *
 * A ring of `capacity` slots: adding to a full ring forgets the oldest order. An order whose
 * fields the columns cannot hold exactly (a malformed one the venue rejected, e.g. an unknown
 * type, a NaN price or an id that is not a string) is kept as the object itself, in a slot of its
 * own, and so is an id longer than MAX_ID_UNITS.
 */
import { hashOf } from '../kernel/id-map.ts';
import type { VenueOrderState } from './order-book-state.ts';
import { ORDER_STATUSES, orderStatusCode, type OrderType, type TimeInForce } from './orders.ts';

const TYPES: readonly OrderType[] = ['market', 'limit', 'stop', 'stop-limit'];
const TIMES_IN_FORCE: readonly TimeInForce[] = ['GTC', 'DAY', 'IOC'];

/**
 * Column codes of a type and time in force (their index in the lists above; -1 for a value not in
 * them; a status's is orderStatusCode). A switch, not `indexOf`: every finished order is filed,
 * and the builtin's call cost more than the rest of its filing bar the id.
 */
function typeCode(x: OrderType): number {
  switch (x) {
    case 'market': return 0;
    case 'limit': return 1;
    case 'stop': return 2;
    case 'stop-limit': return 3;
    default: return -1;
  }
}

function timeInForceCode(x: TimeInForce): number {
  switch (x) {
    case 'GTC': return 0;
    case 'DAY': return 1;
    case 'IOC': return 2;
    default: return -1;
  }
}

/** An optional price as a column value: NaN for absent; null when the value cannot be stored (a NaN or a non-number). */
function optionalPrice(x: number | undefined): number | null {
  if (x === undefined) return Number.NaN;
  return typeof x === 'number' && !Number.isNaN(x) ? x : null;
}

/** Ids up to this many UTF-16 code units are kept in the columns; longer ones as strings. */
const MAX_ID_UNITS = 40;
const EMPTY = 0;
/** Slots the columns start with. */
const INITIAL_SLOTS = 64;
/** The index before the first columns: one EMPTY entry, so every lookup misses (it never holds an entry). */
const NO_SLOTS_INDEX = new Int32Array(1);

export class FinishedOrders {
  readonly capacity: number;
  /** Open addressing with linear probing: slot + 1 of each remembered id, EMPTY for a free entry. */
  private index!: Int32Array;
  private hashes!: Int32Array;
  /** Each slot's id as code units (MAX_ID_UNITS per slot), and its length; -1: the id is in `longIds`. */
  private idUnits!: Uint16Array;
  private idLength!: Int16Array;
  /** Ids kept as values, by slot: longer than MAX_ID_UNITS, or not strings at all. */
  private longIds!: unknown[];
  /** Remembered ids that are not strings (bad input), with their slots: compared as `Map` compares keys. */
  private readonly otherIds = new Map<unknown, number>();
  /** Orders the columns cannot hold exactly, by slot (undefined for a columnar slot). */
  private objects!: (VenueOrderState | undefined)[];
  private status!: Uint8Array;
  private type!: Uint8Array;
  private timeInForce!: Uint8Array;
  private side!: Int8Array;
  private triggered!: Uint8Array;
  private instrumentIndex!: Int32Array;
  private quantityRaw!: Float64Array;
  private limitPriceRaw!: Float64Array;
  private stopPriceRaw!: Float64Array;
  private filledRaw!: Float64Array;
  private acceptedUs!: Float64Array;
  private activeFromUs!: Float64Array;
  /** NaN: no expiry (null). */
  private expireUs!: Float64Array;
  /** The next slot to write: the oldest order once the ring is full. */
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`finished orders: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    // No columns until the first order comes, then a few, grown by doubling: most runs finish a
    // handful of orders, all of which the venue's map keeps, and a check or a suite runs thousands
    // of them (the full ring is about 1 MB of zeroed memory; even the first columns are a dozen
    // buffers outside the heap, a few microseconds apiece).
    this.index = NO_SLOTS_INDEX;
    this.longIds = [];
    this.objects = [];
  }

  /** Slots the columns have room for now (grown up to capacity while the ring fills). */
  private slots = 0;

  /** (Re)allocates the columns for `n` slots, keeping the orders in slots below `slots`, and re-indexes them. */
  private allocate(n: number): void {
    const kept = this.slots;
    const grow = <T extends Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Float64Array>(old: T | undefined, make: (k: number) => T, width = 1): T => {
      const next = make(n * width);
      if (old !== undefined && kept > 0) next.set(old.subarray(0, kept * width));
      return next;
    };
    this.hashes = grow(this.hashes, (k) => new Int32Array(k));
    this.idUnits = grow(this.idUnits, (k) => new Uint16Array(k), MAX_ID_UNITS);
    this.idLength = grow(this.idLength, (k) => new Int16Array(k));
    this.status = grow(this.status, (k) => new Uint8Array(k));
    this.type = grow(this.type, (k) => new Uint8Array(k));
    this.timeInForce = grow(this.timeInForce, (k) => new Uint8Array(k));
    this.side = grow(this.side, (k) => new Int8Array(k));
    this.triggered = grow(this.triggered, (k) => new Uint8Array(k));
    this.instrumentIndex = grow(this.instrumentIndex, (k) => new Int32Array(k));
    this.quantityRaw = grow(this.quantityRaw, (k) => new Float64Array(k));
    this.limitPriceRaw = grow(this.limitPriceRaw, (k) => new Float64Array(k));
    this.stopPriceRaw = grow(this.stopPriceRaw, (k) => new Float64Array(k));
    this.filledRaw = grow(this.filledRaw, (k) => new Float64Array(k));
    this.acceptedUs = grow(this.acceptedUs, (k) => new Float64Array(k));
    this.activeFromUs = grow(this.activeFromUs, (k) => new Float64Array(k));
    this.expireUs = grow(this.expireUs, (k) => new Float64Array(k));
    const longIds = new Array<unknown>(n).fill(undefined);
    const objects = new Array<VenueOrderState | undefined>(n).fill(undefined);
    for (let k = 0; k < kept; k++) { longIds[k] = this.longIds[k]; objects[k] = this.objects[k]; }
    this.longIds = longIds;
    this.objects = objects;
    let entries = 4;
    while (entries < 2 * n) entries *= 2;
    this.index = new Int32Array(entries);
    this.slots = n;
    for (let k = 0; k < kept; k++) if (this.idLength[k] !== -1 || typeof this.longIds[k] === 'string') this.indexSlot(k);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Remembers finished order `s` (its state is copied; the object is not kept unless it must be).
   * `idHash` is hashOf of its client order id, when the caller has it. Returns whether the columns
   * hold it: the object `s` is then no longer needed (the caller may reuse it).
   */
  add(s: VenueOrderState, idHash: number = hashOf(s.request.clientOrderId)): boolean {
    const id: unknown = s.request.clientOrderId;
    if (this.slotOf(id, idHash) >= 0) throw new Error(`finished orders: ${String(id)} is already remembered`);
    if (this.count === this.slots && this.slots < this.capacity) this.allocate(Math.min(this.capacity, this.slots === 0 ? INITIAL_SLOTS : 2 * this.slots));
    const slot = this.head;
    if (this.count === this.capacity) this.forget(slot);
    else this.count++;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
    this.storeId(slot, id, idHash);
    if (this.storeColumns(slot, s)) return true;
    this.objects[slot] = s;
    return false;
  }

  /** The remembered order's state (a new object each call, but for one kept as an object), or undefined. */
  get(clientOrderId: string, idHash: number = hashOf(clientOrderId)): VenueOrderState | undefined {
    const slot = this.slotOf(clientOrderId, idHash);
    return slot < 0 ? undefined : this.at(slot);
  }

  /** Every remembered order, oldest first (as `get` gives them). */
  *values(): IterableIterator<VenueOrderState> {
    const start = this.count === this.capacity ? this.head : 0;
    for (let k = 0; k < this.count; k++) yield this.at((start + k) % this.capacity);
  }

  clear(): void {
    this.index.fill(EMPTY);
    this.otherIds.clear();
    this.longIds.fill(undefined);
    this.objects.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  /** The slot remembering `id` (whose hashOf is `h`), or -1. */
  private slotOf(id: unknown, h: number): number {
    if (typeof id !== 'string') return this.otherIds.get(id) ?? -1;
    const mask = this.index.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.index[i]!;
      if (e === EMPTY) return -1;
      if (this.hashes[e - 1] === h && this.idEquals(e - 1, id)) return e - 1;
    }
  }

  private idEquals(slot: number, id: string): boolean {
    const n = this.idLength[slot]!;
    if (n < 0) return this.longIds[slot] === id;
    if (n !== id.length) return false;
    const base = slot * MAX_ID_UNITS;
    for (let k = 0; k < n; k++) if (this.idUnits[base + k] !== id.charCodeAt(k)) return false;
    return true;
  }

  private storeId(slot: number, id: unknown, h: number): void {
    this.longIds[slot] = undefined;
    if (typeof id !== 'string') {
      this.idLength[slot] = -1;
      this.longIds[slot] = id;
      this.otherIds.set(id, slot);
      return;
    }
    if (id.length > MAX_ID_UNITS) {
      this.idLength[slot] = -1;
      this.longIds[slot] = id;
    } else {
      this.idLength[slot] = id.length;
      const base = slot * MAX_ID_UNITS;
      for (let k = 0; k < id.length; k++) this.idUnits[base + k] = id.charCodeAt(k);
    }
    this.hashes[slot] = h;
    this.indexSlot(slot);
  }

  /** Enters `slot` (its hash already in `hashes`) in the index. */
  private indexSlot(slot: number): void {
    const mask = this.index.length - 1;
    let i = this.hashes[slot]! & mask;
    while (this.index[i] !== EMPTY) i = (i + 1) & mask;
    this.index[i] = slot + 1;
  }

  /** The id of `slot` as a value (a new string for one kept as code units). */
  private idOf(slot: number): unknown {
    const n = this.idLength[slot]!;
    if (n < 0) return this.longIds[slot];
    const base = slot * MAX_ID_UNITS;
    return String.fromCharCode(...this.idUnits.subarray(base, base + n));
  }

  /** Drops `slot`'s id from the index: backward-shift deletion, so probes need no tombstones. */
  private forget(slot: number): void {
    if (this.idLength[slot] === -1 && typeof this.longIds[slot] !== 'string') {
      this.otherIds.delete(this.longIds[slot]);
      return;
    }
    const idx = this.index;
    const mask = idx.length - 1;
    let i = this.hashes[slot]! & mask;
    while (idx[i] !== slot + 1) i = (i + 1) & mask;
    // Entries after the hole move back into it unless their home lies cyclically in (i, j].
    for (let j = i; ;) {
      idx[i] = EMPTY;
      for (;;) {
        j = (j + 1) & mask;
        const e = idx[j]!;
        if (e === EMPTY) return;
        const home = this.hashes[e - 1]! & mask;
        const stays = i <= j ? i < home && home <= j : i < home || home <= j;
        if (!stays) break;
      }
      idx[i] = idx[j]!;
      i = j;
    }
  }

  /** Writes `s` into the columns of `slot`; false (nothing usable written) when they cannot hold it exactly. */
  private storeColumns(slot: number, s: VenueOrderState): boolean {
    this.objects[slot] = undefined;
    const o = s.request;
    const status = orderStatusCode(s.status);
    const type = typeCode(o.type);
    const tif = timeInForceCode(o.timeInForce);
    const limit = optionalPrice(o.limitPriceRaw);
    const stop = optionalPrice(o.stopPriceRaw);
    const expire = s.expireUs === null ? Number.NaN : s.expireUs;
    const exact = typeof o.clientOrderId === 'string' && status >= 0 && type >= 0 && tif >= 0 && limit !== null && stop !== null
      && (o.side === 1 || o.side === -1) && (o.instrumentIndex | 0) === o.instrumentIndex && typeof o.quantityRaw === 'number'
      && !Number.isNaN(expire) === (s.expireUs !== null) && typeof s.filledRaw === 'number' && typeof s.acceptedUs === 'number'
      && typeof s.activeFromUs === 'number' && typeof s.triggered === 'boolean';
    if (!exact) return false;
    this.status[slot] = status;
    this.type[slot] = type;
    this.timeInForce[slot] = tif;
    this.side[slot] = o.side;
    this.triggered[slot] = s.triggered ? 1 : 0;
    this.instrumentIndex[slot] = o.instrumentIndex;
    this.quantityRaw[slot] = o.quantityRaw;
    this.limitPriceRaw[slot] = limit;
    this.stopPriceRaw[slot] = stop;
    this.filledRaw[slot] = s.filledRaw;
    this.acceptedUs[slot] = s.acceptedUs;
    this.activeFromUs[slot] = s.activeFromUs;
    this.expireUs[slot] = expire;
    return true;
  }

  private at(slot: number): VenueOrderState {
    const kept = this.objects[slot];
    if (kept !== undefined) return kept; // finished: nobody changes it any more
    const limit = this.limitPriceRaw[slot]!;
    const stop = this.stopPriceRaw[slot]!;
    const expire = this.expireUs[slot]!;
    return {
      request: {
        clientOrderId: this.idOf(slot) as string, instrumentIndex: this.instrumentIndex[slot]!, side: this.side[slot] === 1 ? 1 : -1,
        quantityRaw: this.quantityRaw[slot]!, type: TYPES[this.type[slot]!]!, timeInForce: TIMES_IN_FORCE[this.timeInForce[slot]!]!,
        limitPriceRaw: Number.isNaN(limit) ? undefined : limit, stopPriceRaw: Number.isNaN(stop) ? undefined : stop,
      },
      status: ORDER_STATUSES[this.status[slot]!]!, filledRaw: this.filledRaw[slot]!, acceptedUs: this.acceptedUs[slot]!,
      activeFromUs: this.activeFromUs[slot]!, triggered: this.triggered[slot] === 1, expireUs: Number.isNaN(expire) ? null : expire,
    };
  }
}
