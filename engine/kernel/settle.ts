/**
 * Knowing, not guessing, that all work due at the current instant has settled.
 *
 * The kernel tracks what the stack starts: handler promises and spawned tasks (`tasks`), fetches
 * (`io`), virtual sleeps (`sleeps`). Settling an instant means: wait for every tracked fetch, let
 * the continuations they release run, repeat until nothing new was started; whatever task is still
 * pending then is parked on a virtual sleep and resumes when the clock reaches it.
 *
 * The one real-scheduler call in the engine is below: a macrotask turn (setImmediate) proves that
 * the microtask queue has drained, so the continuations of settled promises have run. It never
 * tells time and never decides what happens, only when to look again.
 */

export interface FetchResult {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole body, read inside the tracked operation so that parsing it needs no more I/O. */
  readonly body: string;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A response as the transport gives it: the response, and when it arrives on the kernel's
 * timeline, as microseconds after the request (default 0: at the request's instant). The transport
 * decides that delay when it is called, from seeded streams (a provider's latency model, a fault
 * plan), never from how long the real I/O took.
 */
export interface TransportResponse extends FetchResult {
  readonly latencyUs?: number;
  /**
   * The response carries market data of the instant it arrives at (`atUs`): it is released by the
   * market event that makes that data exist (Kernel.releaseData with `key`), right after the venue
   * and ledger saw it and before the instant's next market event, as the direct path hands data to
   * the stack. Without that event (its data was dispatched earlier) it arrives at PRIORITY.io.
   */
  readonly release?: { readonly key: string; readonly atUs: number };
}

/** The virtual instant of a request and its sequence number in the run (both deterministic). */
export interface TransportRequest {
  readonly nowUs: number;
  readonly seq: number;
}

/**
 * Serves the stack's fetches (msw in chaos runs). Called synchronously when the stack fetches, so
 * what it draws from seeded streams is drawn in request order. A rejection may carry `latencyUs`
 * (a connection reset 2 s into the request) like a response does.
 */
export type FetchFn = (url: string, init: FetchInit | undefined, request: TransportRequest) => Promise<TransportResponse>;

interface PendingFetch {
  readonly seq: number;
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | null;
  readonly resolve: (r: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/** Real milliseconds a handler may take to answer before the run fails naming its URL. */
export const IO_WATCHDOG_MS_DEFAULT = 30_000;

/** Bounds the rounds of one settle: a stack that starts new I/O forever at one instant is a bug. */
export const SETTLE_ROUNDS_MAX = 10_000;

function macrotaskTurn(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- quiescence check only: drains microtasks, never tells time (see file comment).
  return new Promise((resolve) => setImmediate(resolve));
}

export class Inflight {
  private readonly tasks = new Map<Promise<unknown>, string>();
  /** Real I/O in flight, with what it is (its URL) for the watchdog's error. */
  private readonly io = new Map<Promise<unknown>, string>();
  private readonly fetches: PendingFetch[] = [];
  private fetchSeq = 0;
  private readonly errors: { name: string; error: unknown }[] = [];
  /** Something was started or released since the last look. */
  dirty = false;
  /** Virtual sleeps (and fetch deliveries) scheduled and not yet fired. */
  sleeps = 0;

  private readonly watchdogMs: number;

  constructor(watchdogMs: number = IO_WATCHDOG_MS_DEFAULT) {
    this.watchdogMs = watchdogMs;
    if (!Number.isFinite(watchdogMs) || watchdogMs <= 0) throw new RangeError(`I/O watchdog must be a positive number of milliseconds, got ${watchdogMs}`);
  }

  get idle(): boolean {
    return !this.dirty && this.io.size === 0;
  }

  get pendingTasks(): readonly string[] {
    return [...this.tasks.values()];
  }

  trackTask(name: string, p: Promise<unknown>): void {
    this.dirty = true;
    this.tasks.set(p, name);
    p.then(
      () => { this.tasks.delete(p); this.dirty = true; },
      (error: unknown) => { this.tasks.delete(p); this.errors.push({ name, error }); this.dirty = true; },
    );
  }

  /**
   * Starts a tracked fetch; the caller's promise resolves in request order once its round settles.
   * `what` names it (its URL) if it never answers.
   */
  fetch(what: string, run: () => Promise<TransportResponse>): Promise<TransportResponse> {
    return this.external(what, run);
  }

  /** Any real I/O the kernel must wait for (a fetch's transport, a stack served over HTTP in lockstep), resolved in request order. */
  external<T>(what: string, run: () => Promise<T>): Promise<T> {
    this.dirty = true;
    return new Promise<T>((resolve, reject) => {
      const pending: PendingFetch = { seq: this.fetchSeq++, outcome: null, resolve: resolve as (r: unknown) => void, reject };
      this.fetches.push(pending);
      let started: Promise<T>;
      try {
        started = run();
      } catch (error) {
        started = Promise.reject(error);
      }
      const p = started.then(
        (value) => { pending.outcome = { ok: true, value }; },
        (error: unknown) => { pending.outcome = { ok: false, error }; },
      );
      this.io.set(p, what);
      void p.finally(() => this.io.delete(p));
    });
  }

  /** Waits for the I/O in flight, or fails naming it when it takes longer than the watchdog allows. */
  private async awaitIo(where: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<'late'>((resolve) => {
      // eslint-disable-next-line no-restricted-syntax -- a real-time watchdog on real I/O: it never decides what happens, only fails a hung run.
      timer = setTimeout(() => resolve('late'), this.watchdogMs);
    });
    try {
      const r = await Promise.race([Promise.allSettled([...this.io.keys()]), watchdog]);
      if (r === 'late') {
        const hung = [...this.io.values()];
        throw new Error(`${where}: no answer within ${this.watchdogMs} ms of real time from ${hung.join(', ')} (a handler that never answers?)`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves finished fetches in request order (never in I/O completion order). */
  private deliverFetches(): void {
    let i = 0;
    while (i < this.fetches.length && this.fetches[i]!.outcome !== null) i++;
    const done = this.fetches.splice(0, i);
    for (const f of done) {
      const o = f.outcome!;
      if (o.ok) f.resolve(o.value);
      else f.reject(o.error);
    }
  }

  /** Waits until all tracked work at this instant is done or parked on a virtual sleep. */
  async settle(where: string): Promise<void> {
    for (let round = 0; round < SETTLE_ROUNDS_MAX; round++) {
      if (this.io.size > 0) {
        await this.awaitIo(where);
        this.deliverFetches();
        this.dirty = true;
        continue;
      }
      this.deliverFetches();
      this.dirty = false;
      await macrotaskTurn();
      this.throwErrors(where);
      if (this.io.size === 0 && !this.dirty) {
        if (this.tasks.size > 0 && this.sleeps === 0) {
          throw new Error(`${where}: task(s) ${this.pendingTasks.join(', ')} wait on something the kernel does not track (a real timer or an untracked promise); use the kernel context's sleep, fetch and spawn`);
        }
        return;
      }
    }
    throw new Error(`${where}: work did not settle within ${SETTLE_ROUNDS_MAX} rounds`);
  }

  throwErrors(where: string): void {
    const first = this.errors.shift();
    if (first !== undefined) {
      const e = first.error instanceof Error ? first.error : new Error(String(first.error));
      throw new Error(`${where}: task ${first.name} failed: ${e.message}`, { cause: e });
    }
  }
}
