/**
 * The venue's orders as plain data: the orders it remembers (client order ids stay known so that
 * a retried submit books nothing) and, per instrument, the working ones in time priority.
 * A snapshot is a deep copy made of plain objects and arrays; restore rebuilds the same state.
 */
import { hashOf, IdMap } from '../kernel/id-map.ts';
import { FinishedOrders } from './finished-orders.ts';
import { isWorkingStatus, type OrderRequest, type OrderStatus } from './orders.ts';

export interface VenueOrderState {
  /** The order's current terms (a replace changes them; the client order id never changes). */
  request: OrderRequest;
  status: OrderStatus;
  filledRaw: number;
  /** When the order reached the venue. */
  acceptedUs: number;
  /** Bars that open before this instant are not matched: arrival, or a replace that moved the order. */
  activeFromUs: number;
  /** Stop and stop-limit orders: the stop has triggered. */
  triggered: boolean;
  /** DAY orders: when the order expires (session close); null for other times in force. */
  expireUs: number | null;
}

export interface OrderBookSnapshot {
  /** Live and recently finished orders, in arrival order. */
  readonly orders: readonly VenueOrderState[];
  /** Older finished orders still remembered, oldest first (FinishedOrders). */
  readonly finished: readonly VenueOrderState[];
  /** Client order ids of working orders per instrument, in time priority. */
  readonly working: readonly (readonly string[])[];
}

/**
 * Finished orders the venue remembers, so that a retry of a finished order's client id is still
 * recognised (and books nothing). Beyond it the oldest finished orders are forgotten, which keeps
 * memory flat on long runs: a retry arriving after this many later orders finished is not a retry
 * any real stack makes. All but the most recent ones are kept in columns (FinishedOrders).
 */
export const FINISHED_ORDERS_KEPT = 8_192;

/**
 * Finished orders kept as objects beside the live ones (up to twice this many) before they move
 * to the columns: few enough that they die young in V8's heap, and a prompt retry finds its order
 * without a copy being made.
 */
export const RECENT_FINISHED_KEPT = 256;

/** A request as the venue keeps it: its own object, which it reuses (see OrderBookState.newOrder). */
type OwnRequest = { -readonly [K in Exclude<keyof OrderRequest, 'limitPriceRaw' | 'stopPriceRaw'>]: OrderRequest[K] } & { limitPriceRaw: number | undefined; stopPriceRaw: number | undefined };

/**
 * The venue's own copy of an order, every field present (absent prices as undefined) so that all
 * requests share one object shape: the fill model reads them on every market event.
 */
function ownCopy(o: OrderRequest): OrderRequest {
  return {
    clientOrderId: o.clientOrderId, instrumentIndex: o.instrumentIndex, side: o.side, quantityRaw: o.quantityRaw,
    type: o.type, timeInForce: o.timeInForce, limitPriceRaw: o.limitPriceRaw, stopPriceRaw: o.stopPriceRaw,
  };
}

/**
 * Order objects kept for reuse at most: the columns take finished orders in bulk, up to
 * RECENT_FINISHED_KEPT plus the working ones at a time, and new orders take them back one by one.
 */
const SPARE_KEPT = 4 * RECENT_FINISHED_KEPT;

/** Not finished: working, or still being booked at arrival. */
function isLive(s: VenueOrderState): boolean {
  return isWorkingStatus(s.status) || s.status === 'pending';
}

/** Sentinel of "no DAY order working" in `nextExpiryUs`. */
const NO_EXPIRY = Number.POSITIVE_INFINITY;

export class OrderBookState {
  /** Live and recently finished orders by client order id, in arrival order. */
  readonly orders = new IdMap<VenueOrderState>();
  /** Older finished orders, in columns. */
  readonly finished = new FinishedOrders(FINISHED_ORDERS_KEPT);
  /** Working orders per instrument, in time priority. Terminal orders are dropped by `compact`. */
  readonly working: VenueOrderState[][];
  /**
   * Per instrument, a lower bound on the earliest expiry of its working DAY orders (Infinity when
   * none): an order leaving early leaves it stale, which costs one scan that finds nothing.
   */
  readonly nextExpiryUs: Float64Array;
  /**
   * The instrument whose list matching is walking (-1: none). Removals from that list are left
   * to `compact` (the order's status already says it is done), so that a listener re-entering the
   * venue during matching never shifts the list under the loop.
   */
  busy = -1;

  constructor(instrumentCount: number) {
    this.working = Array.from({ length: instrumentCount }, () => []);
    this.nextExpiryUs = new Float64Array(instrumentCount).fill(NO_EXPIRY);
  }

  /**
   * A remembered order: the object itself when live or recent, else a copy from the columns.
   * `idHash` is hashOf(clientOrderId), when the caller has it (both maps take the one hash).
   */
  get(clientOrderId: string, idHash: number = hashOf(clientOrderId)): VenueOrderState | undefined {
    return this.orders.get(clientOrderId, idHash) ?? this.finished.get(clientOrderId, idHash);
  }

  /** Every remembered order: the older finished ones (copies) first, then the live and recent ones. */
  *values(): IterableIterator<VenueOrderState> {
    yield* this.finished.values();
    yield* this.orders.values();
  }

  /**
   * Called after an order is added: once the map holds more than twice RECENT_FINISHED_KEPT
   * orders besides the working ones, moves the oldest finished ones (insertion order) to the
   * columns, down to RECENT_FINISHED_KEPT. Amortised O(1) per order while few orders work.
   */
  forgetOldFinished(): void {
    // Most calls stop here, without counting the working orders (the bound holds for any count).
    if (this.orders.size <= 2 * RECENT_FINISHED_KEPT) return;
    const working = this.workingCount;
    if (this.orders.size <= 2 * RECENT_FINISHED_KEPT + working) return;
    this.orders.forgetOldest(this.orders.size - RECENT_FINISHED_KEPT - working, isLive, this.keepFinished);
  }

  /**
   * Order objects (with their requests) of orders the columns took. Such an object lived through
   * hundreds of orders, long enough for V8 to promote it to the old generation, where it would die
   * as garbage: reused, it lives on instead, and a new order allocates nothing for its state.
   * Nothing else holds it: `get` gives copies of orders in the columns, and the venue's answers
   * carry copies of its requests.
   */
  private spare: VenueOrderState[] = [];

  private readonly keepFinished = (s: VenueOrderState, idHash: number): void => {
    if (this.finished.add(s, idHash) && this.spare.length < SPARE_KEPT) this.spare.push(s);
  };

  /** A new order's state, pending since `nowUs`, with the venue's own copy of its request. */
  newOrder(order: OrderRequest, nowUs: number): VenueOrderState {
    const s = this.spare.pop();
    if (s === undefined) return { request: ownCopy(order), status: 'pending', filledRaw: 0, acceptedUs: nowUs, activeFromUs: nowUs, triggered: false, expireUs: null };
    const r = s.request as OwnRequest;
    r.clientOrderId = order.clientOrderId;
    r.instrumentIndex = order.instrumentIndex;
    r.side = order.side;
    r.quantityRaw = order.quantityRaw;
    r.type = order.type;
    r.timeInForce = order.timeInForce;
    r.limitPriceRaw = order.limitPriceRaw;
    r.stopPriceRaw = order.stopPriceRaw;
    s.status = 'pending';
    s.filledRaw = 0;
    s.acceptedUs = nowUs;
    s.activeFromUs = nowUs;
    s.triggered = false;
    s.expireUs = null;
    return s;
  }

  get workingCount(): number {
    let n = 0;
    // Indexed: for-of made an iterator result per call wherever V8 had not optimised the caller.
    for (let i = 0; i < this.working.length; i++) n += this.working[i]!.length;
    return n;
  }

  addWorking(s: VenueOrderState): void {
    const i = s.request.instrumentIndex;
    this.working[i]!.push(s);
    if (s.expireUs !== null && s.expireUs < this.nextExpiryUs[i]!) this.nextExpiryUs[i] = s.expireUs;
  }

  /** Removes `s` from its instrument's working list (it keeps its place in `orders`). */
  removeWorking(s: VenueOrderState): void {
    if (s.request.instrumentIndex === this.busy) return;
    const list = this.working[s.request.instrumentIndex]!;
    const k = list.indexOf(s);
    if (k < 0) return;
    for (let j = k; j + 1 < list.length; j++) list[j] = list[j + 1]!;
    list.pop(); // (splice would allocate the removed elements' array)
  }

  /** Moves `s` to the back of its instrument's queue: it lost its time priority. */
  moveToBack(s: VenueOrderState): void {
    if (s.request.instrumentIndex === this.busy) return; // keeps its place: rare, and harmless
    this.removeWorking(s);
    this.working[s.request.instrumentIndex]!.push(s);
  }

  /**
   * Drops orders that are no longer working from instrument `i`'s list, in place. No allocation:
   * popping keeps the list's storage, where setting a shorter length gives it back (to be
   * reallocated by the next order).
   */
  compact(i: number): void {
    const list = this.working[i]!;
    let w = 0;
    for (let k = 0; k < list.length; k++) {
      const s = list[k]!;
      if (isWorkingStatus(s.status)) list[w++] = s;
    }
    while (list.length > w) list.pop();
  }

  /** Recomputes instrument `i`'s earliest DAY expiry from its working orders. */
  refreshExpiry(i: number): void {
    let next = NO_EXPIRY;
    for (const s of this.working[i]!) if (s.expireUs !== null && s.expireUs < next) next = s.expireUs;
    this.nextExpiryUs[i] = next;
  }

  snapshot(): OrderBookSnapshot {
    return {
      orders: [...this.orders.values()].map((s) => structuredClone(s)),
      finished: [...this.finished.values()].map((s) => structuredClone(s)),
      working: this.working.map((list) => list.map((s) => s.request.clientOrderId)),
    };
  }

  restore(snap: OrderBookSnapshot): void {
    if (snap.working.length !== this.working.length) {
      throw new RangeError(`venue restore: snapshot has ${snap.working.length} instruments, the venue ${this.working.length}`);
    }
    this.orders.clear();
    this.finished.clear();
    this.spare = [];
    for (const s of snap.finished) this.finished.add(structuredClone(s));
    for (const s of snap.orders) this.orders.set(s.request.clientOrderId, structuredClone(s));
    for (let i = 0; i < this.working.length; i++) {
      const list = this.working[i]!;
      list.length = 0;
      for (const id of snap.working[i]!) {
        const s = this.orders.get(id);
        if (s === undefined || !isWorkingStatus(s.status)) throw new RangeError(`venue restore: working order ${id} is unknown or not working`);
        list.push(s);
      }
      this.refreshExpiry(i);
    }
  }
}
