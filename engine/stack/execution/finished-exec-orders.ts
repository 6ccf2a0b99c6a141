/**
 * The execution engine's finished orders, in columns: what it keeps of an order after its last
 * report, to reconcile late reports (FINISHED_KEPT of them), without heap objects per order.
 *
 * Why columns: a finished order is remembered for a thousand orders or more, so V8 promotes the
 * objects it holds (the engine's record, its state, its request and its fill keys: about 300
 * bytes) to the old generation, where they later die as garbage: the young generation grows to
 * its maximum and old-generation collections run through a long replay. Here an order costs a
 * slot in typed arrays allocated once; the id string is the one the engine's map already keeps.
 *
 * Only the common shape goes into a slot (`fits`): a market GTC order as `rebalance` builds it,
 * never replaced, booked at most one fill, nothing outstanding. `thaw` rebuilds the very objects
 * (same keys, same order, same values) the engine would have kept, so snapshots and late reports
 * cannot tell the difference; anything else stays an object in the engine.
 */
import type { OrderRequest } from '../../venue/orders.ts';
import type { ExecOrder, ExecStatus } from './order-state.ts';

const TERMINAL: readonly ExecStatus[] = ['filled', 'cancelled', 'rejected', 'expired'];

/**
 * Index of a terminal status in TERMINAL, -1 for any other. A switch, not `indexOf`/`includes`:
 * every finished order asks twice, and the builtin's call cost more than the comparisons.
 */
function terminalCode(s: ExecStatus): number {
  switch (s) {
    case 'filled': return 0;
    case 'cancelled': return 1;
    case 'rejected': return 2;
    case 'expired': return 3;
    default: return -1;
  }
}

/** Slots made at first: a short run (most of a check's or a suite's) never needs the whole capacity. */
const FIRST_SLOTS = 64;

export class FinishedExecOrders {
  readonly capacity: number;
  /** Slots made so far (the columns' length): doubled as needed, up to capacity. */
  private slots: number;
  private ids: (string | undefined)[];
  private status: Uint8Array;
  /** Bit 0: acked; bit 1: cancelWanted; bit 2: one fill key (else none). */
  private flags: Uint8Array;
  private instrumentIndex: Int32Array;
  private side: Int8Array;
  private timerSeq: Float64Array;
  /** quantityRaw, filledRaw, deadlineUs, then the fill key's four numbers: 7 words per slot. */
  private words: Float64Array;
  /** Marked for the bulk forget in progress (the engine's forgetOldestFinished). Read it anew: growing replaces it. */
  forget: Uint8Array;
  /** Free slots, as a stack (the lowest on top). */
  private free: Int32Array;
  private freeCount: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`finished orders: capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
    const n = Math.min(capacity, FIRST_SLOTS);
    this.slots = n;
    this.ids = new Array<string | undefined>(n).fill(undefined);
    this.status = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.instrumentIndex = new Int32Array(n);
    this.side = new Int8Array(n);
    this.timerSeq = new Float64Array(n);
    this.words = new Float64Array(7 * n);
    this.forget = new Uint8Array(n);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeCount = n;
  }

  get size(): number { return this.slots - this.freeCount; }

  /** Doubles the slots (up to capacity), copying the columns; the new slots go on the free stack. */
  private grow(): void {
    const old = this.slots;
    const n = Math.min(this.capacity, 2 * old);
    const widen = <T extends Uint8Array | Int8Array | Int32Array | Float64Array>(a: T, make: (len: number) => T, per = 1): T => {
      const b = make(per * n);
      b.set(a);
      return b;
    };
    this.status = widen(this.status, (k) => new Uint8Array(k));
    this.flags = widen(this.flags, (k) => new Uint8Array(k));
    this.instrumentIndex = widen(this.instrumentIndex, (k) => new Int32Array(k));
    this.side = widen(this.side, (k) => new Int8Array(k));
    this.timerSeq = widen(this.timerSeq, (k) => new Float64Array(k));
    this.words = widen(this.words, (k) => new Float64Array(k), 7);
    this.forget = widen(this.forget, (k) => new Uint8Array(k));
    for (let i = old; i < n; i++) this.ids.push(undefined);
    const free = new Int32Array(n);
    free.set(this.free.subarray(0, this.freeCount));
    let c = this.freeCount;
    for (let i = n - 1; i >= old; i--) free[c++] = i;
    this.free = free;
    this.freeCount = c;
    this.slots = n;
  }

  /** Whether a finished order fits a slot exactly (plain: its request is as `rebalance` built it, never replaced). */
  static fits(o: ExecOrder, plain: boolean): boolean {
    const r = o.request;
    return plain && r.type === 'market' && r.timeInForce === 'GTC' && r.limitPriceRaw === undefined && r.stopPriceRaw === undefined
      && o.outstanding === 'none' && o.sends === 0 && o.replaceChanges === null && o.fillKeys.length <= 4
      && terminalCode(o.status) >= 0 && Number.isInteger(r.instrumentIndex) && r.instrumentIndex >= 0 && r.instrumentIndex <= 0x7fffffff
      && (r.side === 1 || r.side === -1) && Number.isSafeInteger(o.timerSeq) && typeof r.clientOrderId === 'string';
  }

  /** Stores a finished order that `fits`; its slot, or -1 when every slot is taken. */
  add(o: ExecOrder): number {
    if (this.freeCount === 0) {
      if (this.slots === this.capacity) return -1;
      this.grow();
    }
    const slot = this.free[--this.freeCount]!;
    const r = o.request;
    this.ids[slot] = r.clientOrderId;
    this.status[slot] = terminalCode(o.status);
    this.flags[slot] = (o.acked ? 1 : 0) | (o.cancelWanted ? 2 : 0) | (o.fillKeys.length === 4 ? 4 : 0);
    this.instrumentIndex[slot] = r.instrumentIndex;
    this.side[slot] = r.side;
    this.timerSeq[slot] = o.timerSeq;
    this.forget[slot] = 0;
    const w = 7 * slot;
    const words = this.words;
    words[w] = r.quantityRaw;
    words[w + 1] = o.filledRaw;
    words[w + 2] = o.deadlineUs;
    const k = o.fillKeys;
    if (k.length === 4) { words[w + 3] = k[0]!; words[w + 4] = k[1]!; words[w + 5] = k[2]!; words[w + 6] = k[3]!; }
    return slot;
  }

  id(slot: number): string {
    return this.ids[slot]!;
  }

  /** The order's state as the engine kept it: the same keys in the same order (place and rebalance build them so). */
  thaw(slot: number): ExecOrder {
    const w = 7 * slot;
    const words = this.words;
    const f = this.flags[slot]!;
    const request: OrderRequest = {
      instrumentIndex: this.instrumentIndex[slot]!, side: this.side[slot]! as 1 | -1, quantityRaw: words[w]!,
      type: 'market', timeInForce: 'GTC', clientOrderId: this.ids[slot]!,
    };
    return {
      request, status: TERMINAL[this.status[slot]!]!, acked: (f & 1) !== 0, filledRaw: words[w + 1]!,
      fillKeys: (f & 4) !== 0 ? [words[w + 3]!, words[w + 4]!, words[w + 5]!, words[w + 6]!] : [],
      outstanding: 'none', sends: 0, deadlineUs: words[w + 2]!, timerSeq: this.timerSeq[slot]!, cancelWanted: (f & 2) !== 0,
      replaceChanges: null,
    };
  }

  /** Gives a slot back. */
  release(slot: number): void {
    this.ids[slot] = undefined;
    this.free[this.freeCount++] = slot;
  }

  clear(): void {
    this.ids.fill(undefined);
    for (let i = 0; i < this.slots; i++) this.free[i] = this.slots - 1 - i;
    this.freeCount = this.slots;
  }
}
