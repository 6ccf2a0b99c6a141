/**
 * The simulation kernel: one virtual clock, one queue of scheduled events ordered by
 * (time, priority, sequence), one time-ordered external stream (market data) merged into it at
 * PRIORITY.market, and the tracking that makes async work settle before time moves.
 *
 * Fast path: when a handler returns nothing and starts nothing, the loop goes on synchronously;
 * only an event that returns a promise or starts tracked work costs a settle.
 */
import { VirtualClock, type Clock } from './clock.ts';
import { EventQueue, PRIORITY, type ScheduledEvent } from './event-queue.ts';
import { Inflight, type FetchFn, type FetchResult } from './settle.ts';
import { assertTimeUs, formatTimeUs, type TimeUs } from './time.ts';

/**
 * A time-ordered stream merged into the queue at PRIORITY.market (ties with scheduled events at
 * the same instant go to the stream). `nextTimeUs()` returns the next event's time, Infinity at
 * the end, or NaN when the stream must first `load()` (reading a file, say).
 */
export interface ExternalStream {
  nextTimeUs(): number;
  load(): Promise<void>;
  /** Runs the next event (the kernel has moved the clock to its time) and steps past it. */
  dispatch(): void | Promise<void>;
}

/** What the kernel gives the stack: its only way to wait, fetch and run in the background. */
export interface KernelContext {
  readonly clock: Clock;
  /** Resolves after `delayUs` of virtual time (a timer event at PRIORITY.timer). */
  sleep(delayUs: number): Promise<void>;
  /** Runs `fn` in the background; the kernel waits for it (or for its sleeps) before time moves. */
  spawn(name: string, fn: () => Promise<void>): void;
  /** A tracked fetch; results are delivered in request order. */
  fetch: FetchFn;
  /** Schedules `run` after `delayUs`; returns a cancel function. */
  schedule(delayUs: number, name: string, run: () => void | Promise<void>, priority?: number): () => void;
}

export interface KernelOptions {
  startUs: TimeUs;
  /** Bounds the queue of scheduled events. */
  queueCapacity?: number;
  /** How the stack's fetches are served (msw in chaos runs). Without it, fetch is an error. */
  fetch?: FetchFn;
}

export interface RunBudget {
  /** Stop after this many events (market and scheduled). */
  maxEvents?: number;
  /** Stop before the first event later than this time. */
  untilUs?: TimeUs;
}

export type StopReason = 'exhausted' | 'max-events' | 'until';

export interface RunOutcome {
  readonly stop: StopReason;
  readonly events: number;
  readonly marketEvents: number;
  readonly endUs: TimeUs;
  /** Tasks still parked on sleeps when the run stopped. */
  readonly parkedTasks: readonly string[];
}

const noFetch: FetchFn = (url) => Promise.reject(new Error(`no fetch is configured for this run (fetching ${url})`));

export class Kernel {
  readonly clock: VirtualClock;
  readonly context: KernelContext;
  private readonly queue: EventQueue;
  private readonly inflight = new Inflight();
  private seq = 0;
  private stream: ExternalStream | null = null;
  private readonly fetchFn: FetchFn;

  constructor(options: KernelOptions) {
    assertTimeUs(options.startUs, 'kernel start');
    this.clock = new VirtualClock(options.startUs);
    this.queue = new EventQueue(options.queueCapacity);
    this.fetchFn = options.fetch ?? noFetch;
    this.context = {
      clock: this.clock,
      sleep: (delayUs) => this.sleep(delayUs),
      spawn: (name, fn) => this.inflight.trackTask(name, fn()),
      fetch: (url, init) => this.inflight.fetch(() => this.fetchFn(url, init)),
      schedule: (delayUs, name, run, priority = PRIORITY.timer) => this.schedule(this.clock.nowUs() + delayUs, priority, name, run),
    };
  }

  /** Sets the market stream. One per kernel: the feed merges its own sources. */
  setStream(stream: ExternalStream): void {
    this.stream = stream;
  }

  /** Schedules `run` at an absolute time. Scheduling in the past is an error naming the event. */
  schedule(timeUs: TimeUs, priority: number, name: string, run: () => void | Promise<void>): () => void {
    assertTimeUs(timeUs, name);
    const now = this.clock.nowUs();
    if (timeUs < now) throw new RangeError(`cannot schedule ${name} at ${formatTimeUs(timeUs)}: now is ${formatTimeUs(now)}`);
    if (!Number.isInteger(priority) || priority <= PRIORITY.market) throw new RangeError(`${name}: priority ${priority} must be an integer above PRIORITY.market`);
    const ev: ScheduledEvent = { timeUs, priority, seq: this.seq++, name, run, cancelled: false };
    this.queue.push(ev);
    return () => { ev.cancelled = true; };
  }

  private sleep(delayUs: number): Promise<void> {
    if (!Number.isSafeInteger(delayUs) || delayUs < 0) return Promise.reject(new RangeError(`sleep: delay ${delayUs} must be a non-negative integer of microseconds`));
    this.inflight.sleeps++;
    this.inflight.dirty = true;
    return new Promise<void>((resolve) => {
      this.schedule(this.clock.nowUs() + delayUs, PRIORITY.timer, 'timer.sleep', () => {
        this.inflight.sleeps--;
        this.inflight.dirty = true;
        resolve();
      });
    });
  }

  /** Runs until the stream and queue are exhausted or the budget is spent. */
  async run(budget: RunBudget = {}): Promise<RunOutcome> {
    const maxEvents = budget.maxEvents ?? Number.MAX_SAFE_INTEGER;
    const untilUs = budget.untilUs ?? Number.POSITIVE_INFINITY;
    const queue = this.queue;
    const clock = this.clock;
    const inflight = this.inflight;
    const stream = this.stream;
    let events = 0;
    let marketEvents = 0;
    let stop: StopReason = 'exhausted';
    for (;;) {
      if (events >= maxEvents) { stop = 'max-events'; break; }
      let streamUs = Number.POSITIVE_INFINITY;
      if (stream !== null) {
        streamUs = stream.nextTimeUs();
        if (streamUs !== streamUs) { // NaN: load the next batch
          await stream.load();
          streamUs = stream.nextTimeUs();
          if (streamUs !== streamUs) throw new Error('market stream still unloaded after load()');
        }
      }
      queue.skipCancelled();
      const top = queue.peek();
      // The stream wins ties: market data has the lowest priority value within an instant.
      if (top === undefined || streamUs <= top.timeUs) {
        if (streamUs === Number.POSITIVE_INFINITY) break;
        if (streamUs > untilUs) { stop = 'until'; break; }
        // A burst of market events: no queue work until the stream passes the queue's top, the
        // handlers schedule something (it may come first), start async work, or the budget ends.
        const limitUs = top === undefined || top.timeUs > untilUs ? untilUs : top.timeUs;
        const pushes = queue.pushes;
        const burstEnd = maxEvents;
        do {
          clock.advanceTo(streamUs, 'market data');
          const r = stream!.dispatch();
          marketEvents++;
          events++;
          if (r !== undefined) { inflight.trackTask('market handler', r); break; }
          if (queue.pushes !== pushes || !inflight.idle || events >= burstEnd) break;
          streamUs = stream!.nextTimeUs();
        } while (streamUs <= limitUs && streamUs !== Number.POSITIVE_INFINITY); // false for NaN (load), the end, past the limit
      } else {
        if (top.timeUs > untilUs) { stop = 'until'; break; }
        queue.pop();
        clock.advanceTo(top.timeUs, top.name);
        const r = top.run();
        events++;
        if (r !== undefined) inflight.trackTask(top.name, r);
      }
      if (!inflight.idle) await inflight.settle(`at ${formatTimeUs(clock.nowUs())}`);
    }
    inflight.throwErrors('end of run');
    return { stop, events, marketEvents, endUs: clock.nowUs(), parkedTasks: inflight.pendingTasks };
  }
}

export type { FetchFn, FetchResult };
