/**
 * Crash and restart of the stack under test, for any TradingStack.
 *
 * The recovery model. The stack commits its state after every input it handles (a market event,
 * a report, a timer): a stack built as an event-sourced service with a write-ahead snapshot does
 * exactly this, and it is what the reference stack's plain-data state allows. A crash at virtual
 * time T (after the market data of T, before anything else at T) loses the instance and
 * everything in its memory; what survives is its last committed snapshot, persisted as versioned
 * JSON (stack/recovery/snapshot.ts). The stack is down for `downtimeUs`: market data and venue reports that
 * reach it meanwhile are lost (reports are journaled as `reportLost`), its timers are gone and it
 * sends nothing. At T + downtime a new instance is built, started (it subscribes afresh), given the
 * decoded and validated snapshot, and asked to reconcile with the venue (TradingStack.reconcile):
 * the reference stack asks the venue where each order it holds open stands and applies the fills,
 * acks and ends it missed; orders the venue never saw are re-sent with the same client order id,
 * so the venue books none twice; reports of the same events that arrive later are recognised as
 * duplicates. With no downtime nothing is lost, so the run must be the run that never crashed,
 * byte for byte (a restart with no downtime writes nothing to the journal).
 *
 * Because the stack is deterministic, the state committed after its last input is the state the
 * instance holds at T: the snapshot is taken then rather than after every input (the same bytes,
 * without the cost). Each instance gets its own view of the data client, the kernel's timers and
 * the venue, so that whatever a dead instance left behind (a subscription its stop() forgot, a
 * timer) is removed at the crash, and an order it still tries to send is an error naming it.
 */
import { PRIORITY } from '../kernel/event-queue.ts';
import { timersOver, type KernelContext } from '../kernel/kernel.ts';
import type { ExecutionReport } from '../venue/orders.ts';
import type { VenueApi } from '../venue/venue.ts';
import type { DataClient, StackEnv, TradingStack, Unsubscribe } from '../stack/types.ts';
import { decodeSnapshot, encodeSnapshot } from '../stack/recovery/snapshot.ts';
import type { z } from 'zod';

/** One planned crash: at `atUs` (virtual time), down for `downtimeUs` (0: back at once). */
export interface CrashPlanEntry {
  readonly atUs: number;
  readonly downtimeUs: number;
}

/** What happened at a crash or a restart, for the run's fault list. */
export interface CrashEvent {
  readonly kind: 'crash' | 'restart';
  readonly timeUs: number;
  readonly downtimeUs: number;
  /** The persisted snapshot's size in bytes. */
  readonly snapshotBytes: number;
  /** Reports lost while the stack was down (restart only). */
  readonly reportsLost: number;
  /** Crash only: messages on their way between stack and venue when it crashed (orders in flight). */
  readonly inFlight: number;
}

export interface RecoveringStackParams {
  /** Builds a fresh instance of the stack (called at the start and at every restart). */
  readonly create: () => TradingStack;
  /** Crashes in time order; each restart comes before the next crash. */
  readonly crashes: readonly CrashPlanEntry[];
  /**
   * The stack's kind, written into snapshots and checked when they are read ('reference'), and
   * the schema that validates a snapshot's state before it is restored (none: the stack's own
   * restore checks it). Asked of the first instance.
   */
  readonly identify: (stack: TradingStack) => { kind: string; stateSchema?: z.ZodType };
  /** Hears each crash and restart. */
  readonly onEvent?: (e: CrashEvent) => void;
  /** Messages on their way between stack and venue now (for CrashEvent.inFlight). */
  readonly inFlight?: () => number;
}

/** An instance's own handles on the world: all of them are cut at its crash. */
interface Instance {
  readonly stack: TradingStack;
  readonly subscriptions: Unsubscribe[];
  readonly timers: Set<() => void>;
  dead: boolean;
}

export class RecoveringStack implements TradingStack {
  private readonly p: RecoveringStackParams;
  private env: StackEnv | null = null;
  private live: Instance | null = null;
  /** The instance that ran last (the live one, or the one that crashed while the stack is down). */
  private last: Instance | null = null;
  private lostWhileDown = 0;
  private kind: { kind: string; stateSchema?: z.ZodType } | null = null;

  constructor(params: RecoveringStackParams) {
    params.crashes.forEach((c, i) => {
      if (!Number.isSafeInteger(c.atUs)) throw new RangeError(`crash ${i}: at ${c.atUs} is not an integer time in microseconds`);
      if (!Number.isSafeInteger(c.downtimeUs) || c.downtimeUs < 0) throw new RangeError(`crash ${i}: downtime ${c.downtimeUs} must be a non-negative integer of microseconds`);
      const prev = params.crashes[i - 1];
      if (prev !== undefined && c.atUs < prev.atUs + prev.downtimeUs) throw new RangeError(`crash ${i} at ${c.atUs} comes before the restart of crash ${i - 1} (${prev.atUs + prev.downtimeUs})`);
    });
    this.p = params;
  }

  /** The running instance, or the last one while the stack is down: what end-of-run checks read. */
  get latest(): TradingStack {
    const i = this.live ?? this.last;
    if (i === null) throw new Error('recovering stack not started');
    return i.stack;
  }

  start(env: StackEnv): void {
    if (this.env !== null) throw new Error('recovering stack started twice');
    this.env = env;
    this.live = this.launch();
    for (const c of this.p.crashes) env.kernel.scheduleAt(c.atUs, 'stack.crash', () => this.crash(c), PRIORITY.io);
  }

  private launch(): Instance {
    const env = this.env!;
    const inst: Instance = { stack: this.p.create(), subscriptions: [], timers: new Set(), dead: false };
    this.kind ??= this.p.identify(inst.stack);
    inst.stack.start({ ...env, data: scopedData(env.data, inst), kernel: scopedKernel(env.kernel, inst), venue: guardedVenue(env.venue, inst) });
    this.last = inst;
    return inst;
  }

  private crash(c: CrashPlanEntry): void {
    const env = this.env!;
    const inst = this.live;
    if (inst === null) throw new Error('recovering stack: a crash while the stack is down');
    const now = env.kernel.clock.nowUs();
    const text = encodeSnapshot({ stack: this.kind!.kind, takenAtUs: now, state: inst.stack.snapshot() });
    inst.stack.stop?.();
    kill(inst);
    this.live = null;
    this.lostWhileDown = 0;
    this.p.onEvent?.({ kind: 'crash', timeUs: now, downtimeUs: c.downtimeUs, snapshotBytes: text.length, reportsLost: 0, inFlight: this.p.inFlight?.() ?? 0 });
    if (c.downtimeUs === 0) this.restart(text, c);
    else env.kernel.scheduleAt(now + c.downtimeUs, 'stack.restart', () => this.restart(text, c), PRIORITY.io);
  }

  private restart(text: string, c: CrashPlanEntry): void {
    const env = this.env!;
    const { kind, stateSchema } = this.kind!;
    const decoded = decodeSnapshot(text, { expectStack: kind, ...(stateSchema === undefined ? {} : { stateSchema }) });
    if (!decoded.ok) throw decoded.error;
    const now = env.kernel.clock.nowUs();
    if (c.downtimeUs > 0) env.journal.record('stackRestart', now, c.downtimeUs);
    const inst = this.launch();
    inst.stack.restore(decoded.snapshot.state);
    this.live = inst;
    inst.stack.reconcile?.();
    this.p.onEvent?.({ kind: 'restart', timeUs: now, downtimeUs: c.downtimeUs, snapshotBytes: text.length, reportsLost: this.lostWhileDown, inFlight: 0 });
  }

  onReport(report: ExecutionReport): void | Promise<void> {
    const inst = this.live;
    if (inst === null) {
      this.lostWhileDown++;
      this.env!.journal.record('reportLost', this.env!.kernel.clock.nowUs(), report.clientOrderId, report.kind);
      return;
    }
    return inst.stack.onReport(report);
  }

  snapshot(): unknown {
    return this.latest.snapshot();
  }

  restore(state: unknown): void {
    const inst = this.live;
    if (inst === null) throw new Error('recovering stack: restore while the stack is down');
    inst.stack.restore(state);
  }

  stop(): void {
    const inst = this.live;
    if (inst === null) return;
    inst.stack.stop?.();
    kill(inst);
  }
}

function kill(inst: Instance): void {
  inst.dead = true;
  for (const u of inst.subscriptions) u();
  inst.subscriptions.length = 0;
  for (const cancel of inst.timers) cancel();
  inst.timers.clear();
}

function scopedData(data: DataClient, inst: Instance): DataClient {
  const keep = (u: Unsubscribe): Unsubscribe => { inst.subscriptions.push(u); return u; };
  return {
    onBar: (h) => keep(data.onBar(h)),
    onTrade: (h) => keep(data.onTrade(h)),
    onQuote: (h) => keep(data.onQuote(h)),
  };
}

/** The kernel as one instance sees it: its timers are cancelled at its crash. */
function scopedKernel(kernel: KernelContext, inst: Instance): KernelContext {
  const timers = inst.timers;
  const tracked = (schedule: (run: () => void | Promise<void>) => () => void, run: () => void | Promise<void>): () => void => {
    const raw = schedule(() => { timers.delete(raw); return run(); });
    timers.add(raw);
    return raw;
  };
  const scoped: Omit<KernelContext, 'timer' | 'cancelTimer'> = {
    clock: kernel.clock,
    sleep: (d) => kernel.sleep(d),
    spawn: (name, fn) => kernel.spawn(name, fn),
    fetch: (url, init) => kernel.fetch(url, init),
    external: (what, run) => kernel.external(what, run),
    schedule: (delayUs, name, run, priority) => {
      const raw = tracked((r) => kernel.schedule(delayUs, name, r, priority), run);
      return () => { timers.delete(raw); raw(); };
    },
    post: (delayUs, name, run, priority) => { tracked((r) => kernel.schedule(delayUs, name, r, priority), run); },
    scheduleAt: (timeUs, name, run, priority) => {
      const raw = tracked((r) => kernel.scheduleAt(timeUs, name, r, priority), run);
      return () => { timers.delete(raw); raw(); };
    },
  };
  // Timers too are tracked, so that a crash cancels them: made over the tracked schedule.
  return { ...scoped, ...timersOver(scoped.schedule) };
}

/** The venue as one instance sees it: a dead instance that still sends is a bug of its stop(). */
function guardedVenue(venue: VenueApi, inst: Instance): VenueApi {
  const check = (what: string, id: string): void => {
    if (inst.dead) throw new Error(`a crashed stack instance tried to ${what} ${id}: its stop() left work running`);
  };
  return {
    submit: (o) => { check('submit', o.clientOrderId); venue.submit(o); },
    cancel: (id) => { check('cancel', id); venue.cancel(id); },
    replace: (id, changes) => { check('replace', id); venue.replace(id, changes); },
  };
}
