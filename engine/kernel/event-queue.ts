/**
 * The kernel's queue of scheduled events, ordered by (time, priority, sequence): a binary heap.
 * Market data does not sit here: it streams from its sources and is merged with this queue by the
 * same ordering (market data has the lowest priority value, so it runs first within an instant).
 */
import type { TimeUs } from './time.ts';

/**
 * Order of events within one instant. Market data first (the venue and the stack see the price
 * of an instant before anything reacts to it), then I/O responses (provider data whose latency
 * puts it at this instant), then timers (stack sleeps, timeouts), then venue reports (acks and
 * fills that latency put at this instant), then stack-internal work. A response released by the
 * market event that makes its data exist runs right after that event (Kernel.releaseData).
 */
export const PRIORITY = {
  market: 0,
  io: 1,
  timer: 2,
  venue: 3,
  stack: 4,
} as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

/** An event in the queue. Mutable because the kernel reuses event objects once they have run. */
export interface ScheduledEvent {
  timeUs: TimeUs;
  priority: number;
  /** Unique per scheduling (never reused), so it also tells a reused event object apart. */
  seq: number;
  /** What it is, for errors and the journal ("venue.fill", "timer.sleep"...). */
  name: string;
  run: () => void | Promise<void>;
  cancelled: boolean;
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.timeUs !== b.timeUs) return a.timeUs < b.timeUs;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private readonly capacity: number;

  /** `capacity` bounds the queue: a run that schedules without bound is a bug to surface early. */
  constructor(capacity = 1_000_000) {
    this.capacity = capacity;
  }

  /** Events ever pushed: lets the kernel notice that a handler scheduled something. */
  pushes = 0;

  get size(): number {
    return this.heap.length;
  }

  peek(): ScheduledEvent | undefined {
    return this.heap[0];
  }

  push(ev: ScheduledEvent): void {
    if (this.heap.length >= this.capacity) {
      throw new RangeError(`event queue full (${this.capacity} events) while scheduling ${ev.name}`);
    }
    const h = this.heap;
    this.pushes++;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!before(ev, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = ev;
  }

  pop(): ScheduledEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
