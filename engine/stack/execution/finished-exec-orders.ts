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

export class FinishedExecOrders {
  readonly capacity: number;
  private readonly ids: (string | undefined)[];
  private readonly status: Uint8Array;
  /** Bit 0: acked; bit 1: cancelWanted; bit 2: one fill key (else none). */
  private readonly flags: Uint8Array;
  private readonly instrumentIndex: Int32Array;
  private readonly side: Int8Array;
  private readonly timerSeq: Float64Array;
  /** quantityRaw, filledRaw, deadlineUs, then the fill key's four numbers: 7 words per slot. */
  private readonly words: Float64Array;
  /** Marked for the bulk forget in progress (the engine's forgetOldestFinished). */
  readonly forget: Uint8Array;
  /** Free slots, as a stack. */
  private readonly free: Int32Array;
  private freeCount: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`finished orders: capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.status = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.instrumentIndex = new Int32Array(capacity);
    this.side = new Int8Array(capacity);
    this.timerSeq = new Float64Array(capacity);
    this.words = new Float64Array(7 * capacity);
    this.forget = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get size(): number { return this.capacity - this.freeCount; }

  /** Whether a finished order fits a slot exactly (plain: its request is as `rebalance` built it, never replaced). */
  static fits(o: ExecOrder, plain: boolean): boolean {
    const r = o.request;
    return plain && r.type === 'market' && r.timeInForce === 'GTC' && r.limitPriceRaw === undefined && r.stopPriceRaw === undefined
      && o.outstanding === 'none' && o.sends === 0 && o.replaceChanges === null && o.fillKeys.length <= 4
      && TERMINAL.includes(o.status) && Number.isInteger(r.instrumentIndex) && r.instrumentIndex >= 0 && r.instrumentIndex <= 0x7fffffff
      && (r.side === 1 || r.side === -1) && Number.isSafeInteger(o.timerSeq) && typeof r.clientOrderId === 'string';
  }

  /** Stores a finished order that `fits`; its slot, or -1 when every slot is taken. */
  add(o: ExecOrder): number {
    if (this.freeCount === 0) return -1;
    const slot = this.free[--this.freeCount]!;
    const r = o.request;
    this.ids[slot] = r.clientOrderId;
    this.status[slot] = TERMINAL.indexOf(o.status);
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
    for (let i = 0; i < this.capacity; i++) this.free[i] = this.capacity - 1 - i;
    this.freeCount = this.capacity;
  }
}
