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
import { Inflight, type FetchFn, type FetchInit, type FetchResult, type TransportRequest, type TransportResponse } from './settle.ts';
import { assertTimeUs, formatTimeUs, type TimeUs } from './time.ts';

/**
 * A time-ordered stream merged into the queue at PRIORITY.market (ties with scheduled events at
 * the same instant go to the stream). `peek()` puts the next event's time in `nextUs[0]`: Infinity
 * at the end, or NaN when the stream must first `load()` (reading a file, say).
 *
 * The time is handed over in a typed array, not returned: V8 boxes a double that a call returns
 * unless the caller inlined it, and whether the kernel's loop inlines the stream depends on when
 * V8 compiled it. A returned time was 16 bytes of garbage per market event in some runs and none
 * in others (300 MB per 1e7 bars, which moved a long replay's peak memory by 30-40 MB).
 */
export interface ExternalStream {
  /** One slot, the same array for the stream's life; `peek()` writes it. */
  readonly nextUs: Float64Array;
  peek(): void;
  load(): Promise<void>;
  /** Runs the next event (the kernel has moved the clock to its time) and steps past it. */
  dispatch(): void | Promise<void>;
  /**
   * Optional fast path: runs events in a row, from the next one on, asking `gate` before each
   * (the event's time in `nextUs[0]`, then `gate.enter()`: false means leave it for later) and
   * telling it after (`gate.leave(r)` with what the handler returned: false means stop). It may
   * stop early whenever it likes (the kernel then goes on through peek/dispatch). A stream whose
   * next events sit in one array (a bar batch) runs them without the per-event search over its
   * sources.
   */
  runBurst?(gate: BurstGate): void;
}

/**
 * What a stream's runBurst asks before and after each event: the kernel's own checks, so that a
 * burst run by the stream keeps every rule of the kernel's loop (the clock reads the event's time,
 * budgets count each event, a handler that schedules work or starts async work ends the burst).
 */
export interface BurstGate {
  /**
   * Before the event whose time the stream has put in its `nextUs[0]` (not an argument: a time
   * passed to a call V8 does not inline is boxed): moves the clock there and returns true, or
   * false when the event must wait (past the burst's limit).
   */
  enter(): boolean;
  /** After the event's handler, with what it returned: counts the event; false when the burst must end. */
  leave(r: void | Promise<void>): boolean;
}

/** What the kernel gives the stack: its only way to wait, fetch and run in the background. */
export interface KernelContext {
  readonly clock: Clock;
  /** Resolves after `delayUs` of virtual time (a timer event at PRIORITY.timer). */
  sleep(delayUs: number): Promise<void>;
  /** Runs `fn` in the background; the kernel waits for it (or for its sleeps) before time moves. */
  spawn(name: string, fn: () => Promise<void>): void;
  /**
   * A fetch on virtual time: the response is delivered at the request's instant plus the latency
   * the transport gave it (at PRIORITY.io; responses due at one instant in request order). With
   * `timeoutUs`, the promise rejects with a FetchTimeoutError at now + timeoutUs unless the
   * response came strictly earlier; a response that comes later is dropped and handed to `onLate`.
   */
  fetch(url: string, init?: StackFetchInit): Promise<FetchResult>;
  /**
   * Real I/O outside virtual time: a stack served over HTTP, driven in lockstep. It takes no
   * virtual time: the kernel runs nothing else until it has settled (the caller's continuation
   * runs before the next event), and fails the run naming `what` if it outlasts the real-time
   * watchdog. Never for data the stack pulls from providers: that is `fetch`, on virtual time.
   */
  external<T>(what: string, run: () => Promise<T>): Promise<T>;
  /** Schedules `run` after `delayUs`; returns a cancel function. */
  schedule(delayUs: number, name: string, run: () => void | Promise<void>, priority?: number): () => void;
  /** Schedules `run` after `delayUs`, for an event never cancelled: no cancel function is made. */
  post(delayUs: number, name: string, run: () => void | Promise<void>, priority?: number): void;
  /** Schedules `run` at an absolute time (not in the past); returns a cancel function. */
  scheduleAt(timeUs: number, name: string, run: () => void | Promise<void>, priority?: number): () => void;
  /**
   * `schedule` for a timer armed and disarmed on every order request: it returns the timer
   * itself, not a cancel function, so that arming allocates nothing (a cancel function was about
   * 95 bytes per order). Keep `handle.seq` as read now and cancel with `cancelTimer(handle, seq)`.
   */
  timer(delayUs: number, name: string, run: () => void | Promise<void>, priority?: number): TimerHandle;
  /** Cancels the timer `timer` returned with `seq`; one that has run already is left alone. */
  cancelTimer(handle: TimerHandle, seq: number): void;
}

/**
 * A timer `KernelContext.timer` armed. Its object may serve a later event once the timer has run,
 * with another `seq`: that is why `cancelTimer` takes the seq read when it was armed.
 */
export interface TimerHandle {
  readonly seq: number;
}

/**
 * `timer` and `cancelTimer` for a KernelContext made over a `schedule` function (a test's, a
 * service's, a crashed instance's tracked kernel): one cancel function per timer, kept in the handle.
 */
export function timersOver(schedule: KernelContext['schedule']): Pick<KernelContext, 'timer' | 'cancelTimer'> {
  return {
    timer: (delayUs, name, run, priority) => ({ seq: 0, cancel: schedule(delayUs, name, run, priority) }) satisfies ClosureTimer,
    cancelTimer: (handle) => (handle as ClosureTimer).cancel(),
  };
}

interface ClosureTimer extends TimerHandle {
  readonly cancel: () => void;
}

/** A stack's fetch options: the request, a virtual-time timeout, and who hears of a late response. */
export interface StackFetchInit extends FetchInit {
  timeoutUs?: number;
  onLate?: (late: LateResponse) => void;
}

/** A response (or transport error) that arrived after its request had timed out. */
export interface LateResponse {
  readonly url: string;
  readonly requestUs: number;
  readonly arrivedUs: number;
  readonly response: FetchResult | null;
  readonly error: unknown;
}

/** A fetch that had no response within its timeout, in virtual time. */
export class FetchTimeoutError extends Error {
  readonly url: string;
  readonly timeoutUs: number;
  constructor(url: string, timeoutUs: number) {
    super(`${url}: no response within ${timeoutUs} µs (virtual time)`);
    this.name = 'FetchTimeoutError';
    this.url = url;
    this.timeoutUs = timeoutUs;
  }
}

export interface KernelOptions {
  startUs: TimeUs;
  /** Bounds the queue of scheduled events. */
  queueCapacity?: number;
  /** How the stack's fetches are served (msw in chaos runs). Without it, fetch is an error. */
  fetch?: FetchFn;
  /** Real milliseconds a fetch's handler may take before the run fails naming its URL (default 30 s). */
  ioWatchdogMs?: number;
  /**
   * Called after every event, market or scheduled (invariants checked online, chaos hooks), with
   * the event's time. It must not schedule work of its own before the clock moves on; a throw
   * stops the run like a handler's.
   */
  afterEvent?: (timeUs: TimeUs) => void;
}

export interface RunBudget {
  /** Stop after this many events (market and scheduled). */
  maxEvents?: number;
  /** Stop before the first event later than this time. */
  untilUs?: TimeUs;
  /**
   * Called and awaited after every `pauseEveryEvents` events (default 65,536) when given: the
   * caller's chance to let its own event loop turn (a signal handler run, a progress bar draw) or
   * to stop the run by throwing. It must not touch the simulation: a pause changes nothing the
   * journal sees, so fingerprints do not depend on it.
   */
  pause?: () => Promise<void>;
  pauseEveryEvents?: number;
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

const NOTHING = (): void => {};

const noFetch: FetchFn = (url) => Promise.reject(new Error(`no fetch is configured for this run (fetching ${url})`));

export class Kernel {
  readonly clock: VirtualClock;
  readonly context: KernelContext;
  private readonly queue: EventQueue;
  private readonly afterEvent: ((timeUs: TimeUs) => void) | null;
  private readonly inflight: Inflight;
  private seq = 0;
  private fetchSeq = 0;
  /**
   * Event objects that have run (or were dropped cancelled), reused by the next schedules: every
   * order round trip schedules a few events, and in steady state they then allocate nothing.
   */
  private readonly spare: ScheduledEvent[] = [];
  private stream: ExternalStream | null = null;
  /** The stream's nextUs (read in the loops without a property load per event). */
  private streamNextUs: Float64Array = new Float64Array(1);
  private readonly fetchFn: FetchFn;
  /** Responses waiting for the market event that releases them, by key (see releaseData). */
  private readonly parked = new Map<string, { atUs: number; deliver: () => void }[]>();
  private readonly gate: KernelBurstGate;

  constructor(options: KernelOptions) {
    assertTimeUs(options.startUs, 'kernel start');
    this.clock = new VirtualClock(options.startUs);
    this.queue = new EventQueue(options.queueCapacity);
    this.inflight = new Inflight(options.ioWatchdogMs);
    this.fetchFn = options.fetch ?? noFetch;
    this.afterEvent = options.afterEvent ?? null;
    this.gate = new KernelBurstGate(this.clock, this.queue, this.inflight);
    this.context = {
      clock: this.clock,
      sleep: (delayUs) => this.sleep(delayUs),
      spawn: (name, fn) => this.inflight.trackTask(name, fn()),
      fetch: (url, init) => this.fetch(url, init),
      external: (what, run) => this.inflight.external(what, run),
      schedule: (delayUs, name, run, priority = PRIORITY.timer) => this.schedule(this.clock.nowUs() + delayUs, priority, name, run),
      post: (delayUs, name, run, priority = PRIORITY.timer) => { this.enqueue(this.clock.nowUs() + delayUs, priority, name, run); },
      scheduleAt: (timeUs, name, run, priority = PRIORITY.timer) => this.schedule(timeUs, priority, name, run),
      // The event object is the handle; once run, it serves later events with other seqs (see recycle).
      timer: (delayUs, name, run, priority = PRIORITY.timer) => this.enqueue(this.clock.nowUs() + delayUs, priority, name, run),
      cancelTimer: (handle, seq) => { const ev = handle as ScheduledEvent; if (ev.seq === seq) ev.cancelled = true; },
    };
  }

  /** Sets the market stream. One per kernel: the feed merges its own sources. */
  setStream(stream: ExternalStream): void {
    if (!(stream.nextUs instanceof Float64Array) || stream.nextUs.length < 1) throw new TypeError('setStream: the stream needs a one-slot Float64Array nextUs');
    this.stream = stream;
    this.streamNextUs = stream.nextUs;
  }

  /** Schedules `run` at an absolute time. Scheduling in the past is an error naming the event. */
  schedule(timeUs: TimeUs, priority: number, name: string, run: () => void | Promise<void>): () => void {
    const ev = this.enqueue(timeUs, priority, name, run);
    const seq = ev.seq;
    // Once the event has run its object may be reused: the seq tells whether it is still this one.
    return () => { if (ev.seq === seq) ev.cancelled = true; };
  }

  private enqueue(timeUs: TimeUs, priority: number, name: string, run: () => void | Promise<void>): ScheduledEvent {
    assertTimeUs(timeUs, name);
    const now = this.clock.nowUs();
    if (timeUs < now) throw new RangeError(`cannot schedule ${name} at ${formatTimeUs(timeUs)}: now is ${formatTimeUs(now)}`);
    if (!Number.isInteger(priority) || priority <= PRIORITY.market) throw new RangeError(`${name}: priority ${priority} must be an integer above PRIORITY.market`);
    let ev = this.spare.pop();
    if (ev === undefined) {
      ev = { timeUs, priority, seq: this.seq++, name, run, cancelled: false };
    } else {
      ev.timeUs = timeUs;
      ev.priority = priority;
      ev.seq = this.seq++;
      ev.name = name;
      ev.run = run;
      ev.cancelled = false;
    }
    this.queue.push(ev);
    return ev;
  }

  /** Drops cancelled events from the queue's top, keeping their objects for reuse. */
  private skipCancelled(): void {
    const queue = this.queue;
    for (let top = queue.peek(); top !== undefined && top.cancelled; top = queue.peek()) this.recycle(queue.pop()!);
  }

  /** Keeps an event object that is done with for the next schedule; what it ran is let go. */
  private recycle(ev: ScheduledEvent): void {
    ev.run = NOTHING;
    this.spare.push(ev);
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

  private fetch(url: string, init: StackFetchInit | undefined): Promise<FetchResult> {
    const requestUs = this.clock.nowUs();
    const timeoutUs = init?.timeoutUs;
    if (timeoutUs !== undefined && (!Number.isSafeInteger(timeoutUs) || timeoutUs <= 0)) {
      return Promise.reject(new RangeError(`fetch ${url}: timeoutUs ${timeoutUs} must be a positive integer of microseconds`));
    }
    const request: TransportRequest = { nowUs: requestUs, seq: this.fetchSeq++ };
    // The transport sees the request only: the timeout and the late-response hook are the kernel's.
    const { timeoutUs: _timeoutUs, onLate: _onLate, ...request0 } = init ?? {};
    const transportInit: FetchInit | undefined = init === undefined ? undefined : request0;
    const inflight = this.inflight;
    // Until delivered or timed out the caller waits on a scheduled event, like a sleep.
    inflight.sleeps++;
    inflight.dirty = true;
    return new Promise<FetchResult>((resolve, reject) => {
      let done = false;
      const finish = (): void => { done = true; inflight.sleeps--; inflight.dirty = true; };
      const cancelTimeout = timeoutUs === undefined ? null : this.schedule(requestUs + timeoutUs, PRIORITY.io, 'io.timeout', () => {
        if (done) return;
        finish();
        reject(new FetchTimeoutError(url, timeoutUs));
      });
      const deliver = (latency: unknown, response: FetchResult | null, error: unknown, release: TransportResponse['release']): void => {
        const latencyUs = latency === undefined ? 0 : latency;
        if (typeof latencyUs !== 'number' || !Number.isSafeInteger(latencyUs) || latencyUs < 0) {
          if (!done) { finish(); cancelTimeout?.(); reject(new RangeError(`fetch ${url}: the transport gave latencyUs ${String(latencyUs)}, not a non-negative integer`)); }
          return;
        }
        const arrivedUs = requestUs + latencyUs;
        let arrived = false;
        const arrive = (): void => {
          if (arrived) return;
          arrived = true;
          if (done) { init?.onLate?.({ url, requestUs, arrivedUs, response, error }); return; }
          finish();
          cancelTimeout?.();
          if (response !== null) resolve(response);
          else reject(error);
        };
        // A response due exactly when its data appears waits for that market event as well; the
        // timed event is the fallback (and the only way when the event has already passed).
        if (release !== undefined && release.atUs === arrivedUs) {
          const list = this.parked.get(release.key);
          if (list === undefined) this.parked.set(release.key, [{ atUs: arrivedUs, deliver: arrive }]);
          else list.push({ atUs: arrivedUs, deliver: arrive });
        }
        this.enqueue(arrivedUs, PRIORITY.io, 'io.response', arrive);
      };
      inflight.fetch(url, () => this.fetchFn(url, transportInit, request)).then(
        (r) => deliver(r.latencyUs, { status: r.status, headers: r.headers, body: r.body }, null, r.release),
        (e: unknown) => deliver((e as { latencyUs?: unknown } | null)?.latencyUs, null, e, undefined),
      );
    });
  }

  /**
   * A market event made the data of `key` (e.g. 'bars:SPX', see marketDataKey) at `timeUs` exist:
   * responses parked for it arrive now, before the instant's next market event (the caller is
   * that event's handler, after the venue and ledger have seen it). Responses for later times stay.
   */
  releaseData(key: string, timeUs: number): void {
    const list = this.parked.get(key);
    if (list === undefined) return;
    let kept = 0;
    for (const p of list) {
      if (p.atUs <= timeUs) p.deliver();
      else list[kept++] = p;
    }
    list.length = kept;
    if (kept === 0) this.parked.delete(key);
  }

  /** Runs until the stream and queue are exhausted or the budget is spent. */
  async run(budget: RunBudget = {}): Promise<RunOutcome> {
    const counts: RunCounts = { events: 0, marketEvents: 0 };
    const maxEvents = budget.maxEvents ?? Number.MAX_SAFE_INTEGER;
    const untilUs = budget.untilUs ?? Number.POSITIVE_INFINITY;
    const pauseEvery = budget.pauseEveryEvents ?? 65_536;
    if (!Number.isInteger(pauseEvery) || pauseEvery < 1) throw new RangeError(`pauseEveryEvents must be a positive integer, got ${pauseEvery}`);
    let nextPause = budget.pause === undefined ? Number.MAX_SAFE_INTEGER : pauseEvery;
    let stop: StopReason;
    for (;;) {
      // The pause rides on the event budget: runSync stops at the nearer of the two, so the
      // inner loop pays nothing for it.
      const pause = this.runSync(counts, Math.min(maxEvents, nextPause), untilUs);
      if (pause === 'max-events' && counts.events < maxEvents) {
        await budget.pause!();
        nextPause = counts.events + pauseEvery;
        continue;
      }
      if (pause === 'load') {
        const stream = this.stream!;
        await stream.load();
        stream.peek();
        if (Number.isNaN(this.streamNextUs[0])) throw new Error('market stream still unloaded after load()');
      } else if (pause === 'settle') {
        await this.inflight.settle(`at ${formatTimeUs(this.clock.nowUs())}`);
      } else {
        stop = pause;
        break;
      }
    }
    this.inflight.throwErrors('end of run');
    return { stop, events: counts.events, marketEvents: counts.marketEvents, endUs: this.clock.nowUs(), parkedTasks: this.inflight.pendingTasks };
  }

  /**
   * The event loop proper, synchronous: it runs events until the run must wait (the stream has
   * to load, or async work has to settle) or stops. Kept out of the async `run` because the
   * locals of an async function live in its heap frame, where every new time (a double) would be
   * boxed: here they stay in registers.
   */
  private runSync(counts: RunCounts, maxEvents: number, untilUs: number): StopReason | 'load' | 'settle' {
    const queue = this.queue;
    const clock = this.clock;
    const inflight = this.inflight;
    const stream = this.stream;
    const nextUs = this.streamNextUs;
    const afterEvent = this.afterEvent;
    for (;;) {
      if (counts.events >= maxEvents) return 'max-events';
      let streamUs = Number.POSITIVE_INFINITY;
      if (stream !== null) {
        stream.peek();
        streamUs = nextUs[0]!;
        if (streamUs !== streamUs) return 'load'; // NaN: load the next batch
      }
      this.skipCancelled();
      const top = queue.peek();
      // The stream wins ties: market data has the lowest priority value within an instant.
      if (top === undefined || streamUs <= top.timeUs) {
        if (streamUs === Number.POSITIVE_INFINITY) return 'exhausted';
        if (streamUs > untilUs) return 'until';
        this.burst(stream!, top === undefined || top.timeUs > untilUs ? untilUs : top.timeUs, counts, maxEvents);
      } else {
        if (top.timeUs > untilUs) return 'until';
        queue.pop();
        const name = top.name;
        clock.advanceTo(top.timeUs, name);
        const r = top.run();
        counts.events++;
        this.recycle(top); // it has run: nothing refers to it but stale cancel functions (see schedule)
        if (afterEvent !== null) afterEvent(clock.nowUs());
        if (r !== undefined) inflight.trackTask(name, r);
      }
      if (!inflight.idle) return 'settle';
    }
  }

  /**
   * A burst of market events, from the stream's next one on: no queue work until the stream passes `limitUs`
   * (the queue's top, or the run's end), the handlers schedule something (it may come first),
   * start async work, or the budget ends. Its own function, not a loop inside runSync: V8 compiles
   * a hot inner loop on its own (on-stack replacement), and every exit from such a loop to the
   * outer one threw that code away (a deoptimization per order round trip); a return does not.
   */
  private burst(stream: ExternalStream, limitUs: number, counts: RunCounts, maxEvents: number): void {
    const gate = this.gate;
    gate.open(limitUs, counts, maxEvents, this.queue.pushes, this.streamNextUs);
    const afterEvent = this.afterEvent;
    if (afterEvent === null && stream.runBurst !== undefined) {
      // No hook to call between events: the stream runs them itself, under the same gate.
      stream.runBurst(gate);
      if (gate.stopped) return;
    }
    for (;;) {
      // Each event's time is read afresh into the stream's slot (the first one again: runSync has
      // seen it pass these tests), never carried round the loop nor passed to a call: V8 keeps such
      // a time as a tagged value and boxed it on every event (16 bytes of garbage each).
      stream.peek();
      if (!gate.enter()) return; // NaN (load), the end, past the limit
      const r = stream.dispatch();
      if (afterEvent !== null) this.afterMarketEvent();
      if (!gate.leave(r)) return;
    }
  }

  /** The afterEvent hook of a market event, at its time (the clock's). */
  private afterMarketEvent(): void {
    this.afterEvent!(this.clock.nowUs());
  }
}

/**
 * The rules of every market event of a burst, whether the kernel's own loop runs it or a stream's
 * runBurst does: the clock moves to its time, the budget counts it, and a handler that schedules
 * work or starts async work ends the burst. One per kernel, reopened for each burst. Once it has
 * said stop it says stop until reopened, and `stopped` tells the kernel not to run the event that
 * is due (a handler scheduled work, say, which may come first).
 */
class KernelBurstGate implements BurstGate {
  private readonly clock: VirtualClock;
  private readonly queue: EventQueue;
  private readonly inflight: Inflight;
  private limitUs = 0.5;
  private counts: RunCounts = { events: 0, marketEvents: 0 };
  private maxEvents = 0;
  private pushes = 0;
  /** The stream's time slot (ExternalStream.nextUs). */
  private nextUs: Float64Array = new Float64Array(1);
  stopped = false;

  constructor(clock: VirtualClock, queue: EventQueue, inflight: Inflight) {
    this.clock = clock;
    this.queue = queue;
    this.inflight = inflight;
  }

  open(limitUs: number, counts: RunCounts, maxEvents: number, pushes: number, nextUs: Float64Array): void {
    this.nextUs = nextUs;
    this.limitUs = limitUs;
    this.counts = counts;
    this.maxEvents = maxEvents;
    this.pushes = pushes;
    this.stopped = false;
  }

  enter(): boolean {
    const timeUs = this.nextUs[0]!;
    if (this.stopped || !(timeUs <= this.limitUs) || timeUs === Number.POSITIVE_INFINITY) return false;
    // clock.advanceTo's checks, inline: passing it the time boxed it whenever V8 did not inline the call.
    const clock = this.clock;
    if (Number.isSafeInteger(timeUs) && timeUs >= clock.timeUs) clock.timeUs = timeUs;
    else clock.advanceTo(timeUs, 'market data');
    return true;
  }

  leave(r: void | Promise<void>): boolean {
    const counts = this.counts;
    counts.marketEvents++;
    counts.events++;
    if (r !== undefined) { this.inflight.trackTask('market handler', r); this.stopped = true; return false; }
    if (this.queue.pushes !== this.pushes || !this.inflight.idle || counts.events >= this.maxEvents) { this.stopped = true; return false; }
    return true;
  }
}

/** Events run so far by one `run` call. */
interface RunCounts {
  events: number;
  marketEvents: number;
}

export type { FetchFn, FetchInit, FetchResult, TransportRequest, TransportResponse };
