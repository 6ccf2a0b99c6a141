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
  readonly headers: Readonly<Record<string, string>>;
  /** The whole body, read inside the tracked operation so that parsing it needs no more I/O. */
  readonly body: string;
}

export type FetchFn = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<FetchResult>;

interface PendingFetch {
  readonly seq: number;
  outcome: { ok: true; value: FetchResult } | { ok: false; error: unknown } | null;
  readonly resolve: (r: FetchResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Bounds the rounds of one settle: a stack that starts new I/O forever at one instant is a bug. */
export const SETTLE_ROUNDS_MAX = 10_000;

function macrotaskTurn(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- quiescence check only: drains microtasks, never tells time (see file comment).
  return new Promise((resolve) => setImmediate(resolve));
}

export class Inflight {
  private readonly tasks = new Map<Promise<unknown>, string>();
  private readonly io = new Set<Promise<unknown>>();
  private readonly fetches: PendingFetch[] = [];
  private fetchSeq = 0;
  private readonly errors: { name: string; error: unknown }[] = [];
  /** Something was started or released since the last look. */
  dirty = false;
  /** Virtual sleeps scheduled and not yet fired. */
  sleeps = 0;

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

  /** Starts a tracked fetch; the caller's promise resolves in request order once its round settles. */
  fetch(run: () => Promise<FetchResult>): Promise<FetchResult> {
    this.dirty = true;
    return new Promise<FetchResult>((resolve, reject) => {
      const pending: PendingFetch = { seq: this.fetchSeq++, outcome: null, resolve, reject };
      this.fetches.push(pending);
      const p = run().then(
        (value) => { pending.outcome = { ok: true, value }; },
        (error: unknown) => { pending.outcome = { ok: false, error }; },
      );
      this.io.add(p);
      void p.finally(() => this.io.delete(p));
    });
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
        await Promise.allSettled([...this.io]);
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
