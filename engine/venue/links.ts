/**
 * The two one-way links between the stack and the venue: order entry (submit, cancel, replace)
 * and execution reports. Each is FIFO, as one TCP session is: a message never overtakes one sent
 * before it, so it arrives at the later of (now + its drawn latency) and the previous message's
 * arrival. Without that, a random latency could deliver a cancel before the order it cancels, or
 * a fill before its acknowledgement, which no real session does.
 *
 * Messages in flight are plain data (snapshot/restore); each is delivered by a kernel event at
 * PRIORITY.venue, so within an instant it comes after market data and timers.
 */
import { PRIORITY } from '../kernel/event-queue.ts';
import type { KernelContext } from '../kernel/kernel.ts';
import type { OrderRequest } from './orders.ts';
import type { OrderChanges } from './order-validation.ts';

export type OrderMessage =
  | { readonly kind: 'submit'; readonly order: OrderRequest }
  | { readonly kind: 'cancel'; readonly clientOrderId: string }
  | { readonly kind: 'replace'; readonly clientOrderId: string; readonly changes: OrderChanges };

export interface InFlight<T> {
  readonly arriveUs: number;
  readonly message: T;
}

export interface LinkState<T> {
  readonly lastArrivalUs: number;
  readonly inFlight: readonly InFlight<T>[];
}

export interface LinkParams<T> {
  readonly context: KernelContext;
  /** Names the kernel event of a message ("venue.arrive submit o-1"), for errors and traces. */
  readonly label: (message: T) => string;
  readonly deliver: (message: T) => void | Promise<void>;
  /**
   * Deliver at once, inside `send`, when the message arrives now and nothing is ahead of it (a
   * zero-latency order reaches the venue within the stack's call, as it always has here).
   */
  readonly immediate: boolean;
}

/** Arrival time before any message: earlier than any valid time. */
const NEVER = Number.MIN_SAFE_INTEGER;

export class Link<T> {
  private readonly p: LinkParams<T>;
  /**
   * Messages in flight and their arrival times, oldest first, in slots [head, tail) of two
   * parallel arrays (no object per message). The arrays never shrink: every order and report
   * travels here, and giving back their storage each time the link empties would reallocate it at
   * the next message.
   */
  private messages: (T | undefined)[] = [];
  private arrivals: number[] = [];
  private head = 0;
  private tail = 0;
  private lastArrivalUs = NEVER;
  /** Bumped by restore: kernel events scheduled before it find a different epoch and do nothing. */
  private epoch = 0;
  /** The kernel event body of this epoch: one closure per epoch, not one per message. */
  private arriveEvent: () => void | Promise<void>;

  constructor(params: LinkParams<T>) {
    this.p = params;
    this.arriveEvent = this.eventForEpoch();
  }

  get inFlightCount(): number {
    return this.tail - this.head;
  }

  send(message: T, delayUs: number): void {
    if (this.arrivesNow(delayUs)) {
      void this.p.deliver(message);
      return;
    }
    const arriveUs = Math.max(this.p.context.clock.nowUs() + delayUs, this.lastArrivalUs);
    this.lastArrivalUs = arriveUs;
    this.messages[this.tail] = message;
    this.arrivals[this.tail] = arriveUs;
    this.tail++;
    this.scheduleAt(arriveUs, message);
  }

  /**
   * True when a message sent now after `delayUs` is delivered at once, inside the call (an
   * immediate link, no latency, nothing in flight): its arrival is then recorded, and the caller
   * may hand it over itself without building the message. False changes nothing.
   */
  arrivesNow(delayUs: number): boolean {
    if (!Number.isSafeInteger(delayUs) || delayUs < 0) throw new RangeError(`latency ${delayUs} must be a non-negative integer of microseconds`);
    const now = this.p.context.clock.nowUs();
    if (!this.p.immediate || delayUs !== 0 || this.lastArrivalUs > now || this.inFlightCount !== 0) return false;
    this.lastArrivalUs = now;
    return true;
  }

  private eventForEpoch(): () => void | Promise<void> {
    const epoch = this.epoch;
    return () => this.arrive(epoch);
  }

  private scheduleAt(arriveUs: number, message: T): void {
    const delayUs = Math.max(0, arriveUs - this.p.context.clock.nowUs());
    this.p.context.post(delayUs, this.p.label(message), this.arriveEvent, PRIORITY.venue);
  }

  private arrive(epoch: number): void | Promise<void> {
    if (epoch !== this.epoch) return;
    // Arrival times never decrease and the kernel breaks ties by scheduling order: the head is due.
    const m = this.messages[this.head]!;
    this.messages[this.head++] = undefined; // delivered: not kept alive by the link
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head > 1024 && 2 * this.head > this.tail) {
      // Mostly delivered slots: move the rest to the front, in bulk.
      this.messages.copyWithin(0, this.head, this.tail);
      this.arrivals.copyWithin(0, this.head, this.tail);
      this.messages.fill(undefined, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return this.p.deliver(m);
  }

  snapshot(): LinkState<T> {
    const inFlight: InFlight<T>[] = [];
    for (let k = this.head; k < this.tail; k++) inFlight.push({ arriveUs: this.arrivals[k]!, message: this.messages[k]! });
    return { lastArrivalUs: this.lastArrivalUs, inFlight: structuredClone(inFlight) };
  }

  /**
   * Replaces the messages in flight and schedules their delivery. A message due before the
   * kernel's now (restoring into a kernel that has moved on) is delivered at the first chance, in
   * order.
   */
  restore(state: LinkState<T>): void {
    this.epoch++;
    this.arriveEvent = this.eventForEpoch();
    const inFlight = structuredClone([...state.inFlight]);
    this.messages = inFlight.map((m) => m.message);
    this.arrivals = inFlight.map((m) => m.arriveUs);
    this.head = 0;
    this.tail = inFlight.length;
    this.lastArrivalUs = state.lastArrivalUs;
    for (const m of inFlight) this.scheduleAt(m.arriveUs, m.message);
  }
}
