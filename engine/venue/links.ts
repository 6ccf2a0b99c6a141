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
  private queue: InFlight<T>[] = [];
  private head = 0;
  private lastArrivalUs = NEVER;
  /** Bumped by restore: kernel events scheduled before it find a different epoch and do nothing. */
  private epoch = 0;

  constructor(params: LinkParams<T>) {
    this.p = params;
  }

  get inFlightCount(): number {
    return this.queue.length - this.head;
  }

  send(message: T, delayUs: number): void {
    if (!Number.isSafeInteger(delayUs) || delayUs < 0) throw new RangeError(`latency ${delayUs} must be a non-negative integer of microseconds`);
    const now = this.p.context.clock.nowUs();
    const arriveUs = Math.max(now + delayUs, this.lastArrivalUs);
    this.lastArrivalUs = arriveUs;
    if (this.p.immediate && arriveUs === now && this.inFlightCount === 0) {
      void this.p.deliver(message);
      return;
    }
    this.queue.push({ arriveUs, message });
    this.scheduleAt(arriveUs, message);
  }

  private scheduleAt(arriveUs: number, message: T): void {
    const epoch = this.epoch;
    const delayUs = Math.max(0, arriveUs - this.p.context.clock.nowUs());
    this.p.context.schedule(delayUs, this.p.label(message), () => this.arrive(epoch), PRIORITY.venue);
  }

  private arrive(epoch: number): void | Promise<void> {
    if (epoch !== this.epoch) return;
    // Arrival times never decrease and the kernel breaks ties by scheduling order: the head is due.
    const m = this.queue[this.head++]!;
    // Drop delivered messages when the queue empties, or in bulk when they are most of it.
    if (this.head === this.queue.length) { this.queue.length = 0; this.head = 0; }
    else if (this.head > 1024 && 2 * this.head > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
    return this.p.deliver(m.message);
  }

  snapshot(): LinkState<T> {
    return { lastArrivalUs: this.lastArrivalUs, inFlight: structuredClone(this.queue.slice(this.head)) };
  }

  /**
   * Replaces the messages in flight and schedules their delivery. A message due before the
   * kernel's now (restoring into a kernel that has moved on) is delivered at the first chance, in
   * order.
   */
  restore(state: LinkState<T>): void {
    this.epoch++;
    this.queue = structuredClone([...state.inFlight]);
    this.head = 0;
    this.lastArrivalUs = state.lastArrivalUs;
    for (const m of this.queue) this.scheduleAt(m.arriveUs, m.message);
  }
}
