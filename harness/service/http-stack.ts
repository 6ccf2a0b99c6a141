/**
 * HttpStack: a TradingStack whose decisions are made by a stack service over HTTP (the Gauntlet
 * stack protocol, protocol.ts), driven in lockstep on virtual time.
 *
 * Every input the in-process stack would handle in one call (a bar, a trade, a quote, a venue
 * report, a timer) becomes a step, and the kernel runs nothing else until the answer's actions are
 * applied: the handler returns the step's promise and the HTTP exchange goes through the kernel's
 * `external` I/O, which takes no virtual time. Inputs that arrive while a step is in flight (a
 * report the venue delivers at once while the answer's orders are applied) go in the next step
 * together. So the venue sees the orders at the instant and in the order the in-process stack
 * would send them, and a served reference stack gives the in-process run's decision fingerprint.
 *
 * snapshot() and restore() are synchronous in TradingStack; the protocol's are HTTP. Messages go
 * out in one FIFO per run (StackLink), shared by the instances a run makes (a crash makes a fresh
 * one), so a snapshot asked for is taken before any later step, and a restore sent after it finds
 * the state its answer gave. snapshot() returns a token naming that state.
 */
import {
  FILL_FIELDS, formatTimeUs, INLINE_STRING_FIELDS, JOURNAL_KINDS, STRING_FIELDS,
  type ExecutionReport, type Instrument, type OrderChanges, type OrderRequest, type SessionCalendar, type StackEnv, type TradingStack,
} from '../../engine/index.ts';
import type { z } from 'zod';
import {
  ANSWER_SCHEMAS, PROTOCOL_NAME, PROTOCOL_VERSION, type Action, type EventJson, type OrderJson, type ReportJson, type StackRecordKind,
} from './protocol.ts';
import { formatPath } from '../scenario/problems.ts';
import { postJson, StackServiceError, type PostResult } from './transport.ts';

export interface HttpStackOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Sent in the start message. */
  readonly config: unknown;
  readonly seed: number;
  readonly calendar: SessionCalendar;
  /**
   * 'measured': each step's measured response time becomes the virtual delay before its actions
   * reach the venue (the stack is busy meanwhile: inputs wait for the next step), journaled as an
   * input. With `replayLatencyUs`, those delays in step order instead of measured ones (replay).
   */
  readonly latency?: 'none' | 'measured';
  readonly replayLatencyUs?: readonly number[] | null;
  /** Called with each exchange's real time and failed tries (the report's wallTime figures; never the journal). */
  readonly onWallTime?: (kind: string, wallTimeMs: number, retries: number) => void;
}

/**
 * What snapshot() returns: a name for the state the stack's snapshot answer gives, and what the
 * adapter had forwarded of each open order (for reconcile after a restart). Plain data.
 */
export interface HttpStackSnapshot {
  readonly protocol: typeof PROTOCOL_NAME;
  readonly snapshot: number;
  /**
   * Orders sent and not yet ended, with the reports forwarded of each: 'heard' (any), fill keys,
   * and the terms of a replace sent and not yet answered (absent: none).
   */
  readonly open?: Readonly<Record<string, { readonly heard: boolean; readonly fills: readonly string[]; readonly replace?: OrderChanges }>>;
}

interface OpenOrder {
  heard: boolean;
  fills: Set<string>;
  /** A replace sent and not yet answered (replaced or replace-rejected). */
  replace: OrderChanges | null;
}

/** Whether the venue's terms for an order are what a replace asked for. */
function hasTerms(request: OrderRequest, t: OrderChanges): boolean {
  return (t.quantityRaw === undefined || request.quantityRaw === t.quantityRaw)
    && (t.limitPriceRaw === undefined || request.limitPriceRaw === t.limitPriceRaw)
    && (t.stopPriceRaw === undefined || request.stopPriceRaw === t.stopPriceRaw);
}

/** A fill as the adapter recognises it: time, quantity, leaves and price. */
function fillKey(timeUs: number, quantityRaw: number, leavesRaw: number, priceRaw: number): string {
  return `${timeUs}|${quantityRaw}|${leavesRaw}|${priceRaw}`;
}

type Outgoing =
  | { readonly type: 'start' }
  | { readonly type: 'snapshot'; readonly id: number }
  | { readonly type: 'restore'; readonly id: number }
  | { readonly type: 'stop' };

/** One run's connection to its stack service: the snapshots taken, the sessions named. */
export class StackLink {
  readonly options: HttpStackOptions;
  readonly snapshots = new Map<number, unknown>();
  /** Measured-latency mode: each step's virtual delay in microseconds, in step order over the run (the report keeps them for replay). */
  readonly latenciesUs: number[] = [];
  /** Decision records the stack reported, by kind (risk metrics of a stack that reports them). */
  readonly recordCounts = new Map<string, number>();
  /** Some session answered start with journal 'full': the stack reports its own decision records. */
  reportsRecords = false;
  private sessions = 0;
  private snapshotIds = 0;
  private readonly runId: string;

  constructor(options: HttpStackOptions, runId: string) {
    this.options = options;
    this.runId = runId;
  }

  nextSession(): string {
    return `${this.runId}-${++this.sessions}`;
  }

  nextSnapshot(): number {
    return ++this.snapshotIds;
  }
}

export class HttpStack implements TradingStack {
  private readonly link: StackLink;
  private readonly session: string;
  private env: StackEnv | null = null;
  private byId = new Map<string, number>();
  private readonly outgoing: Outgoing[] = [];
  private events: EventJson[] = [];
  private active: Promise<void> | null = null;
  private seq = 0;
  private journalMode: 'actions' | 'full' = 'actions';
  private readonly sentIds = new Set<string>();
  private readonly timers = new Map<string, () => void>();
  private stopped = false;
  private lastWallTimeMs = 0;
  /** Orders sent and not yet ended: whether any report of it was forwarded, its fills forwarded, a replace unanswered. */
  private open = new Map<string, OpenOrder>();

  constructor(link: StackLink) {
    this.link = link;
    this.session = link.nextSession();
  }

  private started(): StackEnv {
    if (this.env === null) throw new Error('http stack not started');
    return this.env;
  }

  start(env: StackEnv): void {
    if (this.env !== null) throw new Error('http stack started twice');
    this.env = env;
    this.byId = new Map(env.instruments.map((inst, i) => [inst.id, i]));
    // The start message goes with the first step: before the kernel runs, nothing can wait on it.
    this.outgoing.push({ type: 'start' });
    env.data.onBar((b) => this.input({
      type: 'bar', instrument: b.instrumentId, openTimeUs: b.openTimeUs, closeTimeUs: b.closeTimeUs,
      openRaw: b.openRaw, highRaw: b.highRaw, lowRaw: b.lowRaw, closeRaw: b.closeRaw, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume,
    }));
    env.data.onTrade((t) => this.input({ type: 'trade', instrument: t.instrumentId, timeUs: t.timeUs, priceRaw: t.priceRaw, price: t.price, size: t.size }));
    env.data.onQuote((q) => this.input({
      type: 'quote', instrument: q.instrumentId, timeUs: q.timeUs, bidRaw: q.bidRaw, askRaw: q.askRaw, bid: q.bid, ask: q.ask, bidSize: q.bidSize, askSize: q.askSize,
    }));
  }

  onReport(report: ExecutionReport): void | Promise<void> {
    const env = this.started();
    const o = this.open.get(report.clientOrderId);
    if (o !== undefined) {
      o.heard = true;
      if (report.kind === 'fill') {
        o.fills.add(fillKey(report.timeUs, report.quantityRaw, report.leavesQuantityRaw, report.priceRaw));
        if (report.leavesQuantityRaw === 0) this.open.delete(report.clientOrderId);
      } else if (report.kind === 'cancelled' || report.kind === 'rejected' || report.kind === 'expired') this.open.delete(report.clientOrderId);
      else if (report.kind === 'replaced' || report.kind === 'replace-rejected') o.replace = null;
    }
    return this.input({ type: 'report', report: reportJson(report, env.instruments) });
  }

  /**
   * After a restart: the stack service cannot ask the venue itself, so the adapter does it for it,
   * as a FIX session resend would. For each order the snapshot held open it asks the venue
   * (env.venueQuery) and forwards, as ordinary reports, the fills, a replace the venue made and the
   * end that were delivered while the stack was down; each is journaled as `reconcile`. A replace
   * counts as made when the venue has the terms it asked for (as the execution engine reconciles).
   */
  reconcile(): void {
    const env = this.started();
    const q = env.venueQuery;
    if (q === undefined) return;
    const now = env.clock.nowUs();
    for (const [id, o] of [...this.open]) {
      const v = q.order(id);
      if (v === undefined) continue;
      const base = { clientOrderId: id, instrumentIndex: v.request.instrumentIndex };
      // An ack only for an order the venue took: a rejected, cancelled or expired one gets just its end below.
      if (!o.heard && (v.status === 'accepted' || v.status === 'partially-filled' || v.status === 'filled')) {
        env.journal.record('reconcile', now, id, 'accepted', `the venue has it ${v.status}`);
        void this.onReport({ ...base, kind: 'accepted', timeUs: now });
      }
      for (let k = 0; k + FILL_FIELDS <= v.fills.length; k += FILL_FIELDS) {
        const f = v.fills;
        if (o.fills.has(fillKey(f[k]!, f[k + 1]!, f[k + 4]!, f[k + 2]!))) continue;
        env.journal.record('reconcile', now, id, 'fill', 'a fill the stack had not booked');
        void this.onReport({ ...base, kind: 'fill', timeUs: f[k]!, side: v.request.side, quantityRaw: f[k + 1]!, priceRaw: f[k + 2]!, fee: f[k + 3]!, leavesQuantityRaw: f[k + 4]! });
      }
      if (this.open.has(id) && o.replace !== null && (v.status === 'accepted' || v.status === 'partially-filled') && hasTerms(v.request, o.replace)) {
        env.journal.record('reconcile', now, id, 'replaced', 'the venue has the new terms');
        void this.onReport({ ...base, kind: 'replaced', timeUs: now, request: v.request, leavesQuantityRaw: v.request.quantityRaw - v.filledRaw });
      }
      if (this.open.has(id) && (v.status === 'cancelled' || v.status === 'rejected' || v.status === 'expired')) {
        env.journal.record('reconcile', now, id, v.status, `the venue has it ${v.status}`);
        void this.onReport({ ...base, kind: v.status, timeUs: now, reason: `the venue says the order is ${v.status}` });
      }
    }
  }

  private input(e: EventJson): void | Promise<void> {
    if (this.stopped) return undefined;
    this.events.push(e);
    return this.pump();
  }

  snapshot(): HttpStackSnapshot {
    const id = this.link.nextSnapshot();
    this.outgoing.push({ type: 'snapshot', id });
    this.background('stack-service snapshot');
    const open = Object.fromEntries([...this.open].map(([oid, o]) => [oid, { heard: o.heard, fills: [...o.fills], ...(o.replace === null ? {} : { replace: { ...o.replace } }) }]));
    return { protocol: PROTOCOL_NAME, snapshot: id, open };
  }

  restore(state: unknown): void {
    const s = state as Partial<HttpStackSnapshot> | null;
    if (s === null || typeof s !== 'object' || s.protocol !== PROTOCOL_NAME || typeof s.snapshot !== 'number') {
      throw new RangeError('http stack: restore takes what its snapshot() returned');
    }
    this.outgoing.push({ type: 'restore', id: s.snapshot });
    this.background('stack-service restore');
    this.open = new Map(Object.entries(s.open ?? {}).map(([oid, o]) => [oid, { heard: o.heard, fills: new Set(o.fills), replace: o.replace === undefined ? null : { ...o.replace } }]));
  }

  stop(): void {
    if (this.stopped) return;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.outgoing.push({ type: 'stop' });
    this.background('stack-service stop');
    this.stopped = true;
  }

  /** Sends what is queued as work the kernel waits for, when no input will carry it. */
  private background(name: string): void {
    const p = this.pump();
    if (p !== undefined) this.started().kernel.spawn(name, () => p);
  }

  /** Starts draining the queues, or returns the drain under way (it takes what is added meanwhile). */
  private pump(): Promise<void> | undefined {
    if (this.active !== null) return this.active;
    if (this.outgoing.length === 0 && this.events.length === 0) return undefined;
    this.active = this.drain();
    return this.active;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const message = this.outgoing.shift();
        if (message !== undefined) {
          await this.send(message);
          continue;
        }
        if (this.events.length === 0 || this.stopped) break;
        const events = this.events;
        this.events = [];
        await this.step(events);
      }
    } finally {
      this.active = null;
    }
  }

  private async send(m: Outgoing): Promise<void> {
    const env = this.started();
    const o = this.link.options;
    const v = PROTOCOL_VERSION;
    switch (m.type) {
      case 'start': {
        const a = await this.exchange('start', {
          protocol: PROTOCOL_NAME, version: v, type: 'start', session: this.session, seed: o.seed, clockUs: env.clock.nowUs(),
          instruments: env.instruments.map(instrumentInfo), account: env.account ?? { currency: 'USD', moneyDecimals: 2, startCash: 0 },
          calendar: o.calendar, config: o.config,
        });
        this.journalMode = a.journal;
        if (a.journal === 'full') this.link.reportsRecords = true;
        return;
      }
      case 'snapshot': {
        const a = await this.exchange('snapshot', { version: v, type: 'snapshot', session: this.session });
        this.link.snapshots.set(m.id, a.state);
        return;
      }
      case 'restore': {
        if (!this.link.snapshots.has(m.id)) throw new RangeError(`http stack: no snapshot ${m.id} was taken in this run`);
        await this.exchange('restore', { version: v, type: 'restore', session: this.session, state: this.link.snapshots.get(m.id) });
        return;
      }
      case 'stop':
        await this.exchange('stop', { version: v, type: 'stop', session: this.session });
        return;
    }
  }

  private async step(events: EventJson[]): Promise<void> {
    const env = this.started();
    const seq = ++this.seq;
    const answer = await this.exchange('step', { version: PROTOCOL_VERSION, type: 'step', session: this.session, seq, clockUs: env.clock.nowUs(), events });
    if (answer.seq !== seq) throw this.error(`answered step ${answer.seq} to step ${seq}`, 'seq', seq);
    const o = this.link.options;
    if (o.latency === 'measured') {
      // The stack took this long to decide: its actions reach the venue that much later in virtual time.
      const n = this.link.latenciesUs.length;
      const replayed = o.replayLatencyUs?.[n];
      if (o.replayLatencyUs !== undefined && o.replayLatencyUs !== null && replayed === undefined) {
        throw this.error(`the recorded latencies ran out at step ${n + 1} of the run (the report holds ${o.replayLatencyUs.length})`, 'latency', seq);
      }
      const delayUs = replayed ?? Math.max(0, Math.round(this.lastWallTimeMs * 1000));
      this.link.latenciesUs.push(delayUs);
      env.journal.record('stackLatency', env.kernel.clock.nowUs(), n + 1, delayUs);
      if (delayUs > 0) await env.kernel.sleep(delayUs);
    }
    answer.actions.forEach((a, i) => this.apply(a, `actions[${i}]`, seq));
  }

  /** One request and its validated answer, as kernel-tracked I/O that takes no virtual time. */
  private async exchange<T extends keyof typeof ANSWER_SCHEMAS>(type: T, body: object): Promise<z.output<(typeof ANSWER_SCHEMAS)[T]>> {
    const env = this.started();
    const o = this.link.options;
    const seq = type === 'step' ? this.seq : null;
    const text = JSON.stringify(body);
    const res: PostResult = await env.kernel.external(`stack service ${o.url} (${type})`, () => postJson(o.url, text, { timeoutMs: o.timeoutMs, retries: o.retries }).catch((e: unknown) => {
      if (e instanceof StackServiceError) throw this.error(`${type}: ${e.message}`, e.field, seq);
      throw e;
    }));
    o.onWallTime?.(type, res.wallTimeMs, res.retries);
    this.lastWallTimeMs = res.wallTimeMs;
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw this.error(`${type}: the answer is not JSON (HTTP ${res.status}: ${res.text.slice(0, 80)})`, '', seq);
    }
    if (res.status !== 200) {
      const why = typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string' ? (json as { error: string }).error : res.text.slice(0, 200);
      throw this.error(`${type}: the stack answered HTTP ${res.status}: ${why}`, '', seq);
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (version !== PROTOCOL_VERSION) throw this.error(`${type}: protocol version ${JSON.stringify(version)}, expected ${PROTOCOL_VERSION}`, 'version', seq);
    const parsed = ANSWER_SCHEMAS[type].safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw this.error(`${type}: ${issue.message}`, formatPath(issue.path), seq);
    }
    if (parsed.data.session !== this.session) throw this.error(`${type}: answered for session ${parsed.data.session}`, 'session', seq);
    return parsed.data as z.output<(typeof ANSWER_SCHEMAS)[T]>;
  }

  private error(message: string, field: string, seq: number | null): StackServiceError {
    const env = this.started();
    const at = `at ${formatTimeUs(env.kernel.clock.nowUs())}${seq === null ? '' : ` (step ${seq})`}`;
    return new StackServiceError(this.link.options.url, `stack service ${this.link.options.url} ${at}: ${field === '' ? '' : `${field}: `}${message}`, field);
  }

  private instrumentIndex(id: string, field: string, seq: number): number {
    const i = this.byId.get(id);
    if (i === undefined) throw this.error(`unknown instrument '${id}' (instruments: ${[...this.byId.keys()].join(', ')})`, field, seq);
    return i;
  }

  /** Applies one action of a step's answer, in the order the stack took them. */
  private apply(a: Action, field: string, seq: number): void {
    const env = this.started();
    const now = env.clock.nowUs();
    const full = this.journalMode === 'full';
    switch (a.type) {
      case 'submit': {
        const order = toOrderRequest(a.order, this.instrumentIndex(a.order.instrument, `${field}.order.instrument`, seq));
        if (!full && !this.sentIds.has(order.clientOrderId)) {
          env.journal.order(now, order.clientOrderId, a.order.instrument, order.side, order.quantityRaw, order.type, order.limitPriceRaw ?? 0, order.stopPriceRaw ?? 0);
        }
        this.sentIds.add(order.clientOrderId);
        if (!this.open.has(order.clientOrderId)) this.open.set(order.clientOrderId, { heard: false, fills: new Set(), replace: null });
        env.venue.submit(order);
        return;
      }
      case 'cancel':
        if (!full) env.journal.record('cancelRequest', now, a.clientOrderId);
        env.venue.cancel(a.clientOrderId);
        return;
      case 'replace': {
        if (!full) env.journal.record('replaceRequest', now, a.clientOrderId, a.quantityRaw ?? Number.NaN, a.limitPriceRaw ?? Number.NaN, a.stopPriceRaw ?? Number.NaN);
        const terms: OrderChanges = {
          ...(a.quantityRaw === undefined ? {} : { quantityRaw: a.quantityRaw }), ...(a.limitPriceRaw === undefined ? {} : { limitPriceRaw: a.limitPriceRaw }),
          ...(a.stopPriceRaw === undefined ? {} : { stopPriceRaw: a.stopPriceRaw }),
        };
        const open = this.open.get(a.clientOrderId);
        if (open !== undefined) open.replace = terms;
        env.venue.replace(a.clientOrderId, { ...terms });
        return;
      }
      case 'timer': {
        this.timers.get(a.id)?.();
        const id = a.id;
        const cancel = env.kernel.schedule(a.delayUs, 'stack-service.timer', () => {
          this.timers.delete(id);
          return this.input({ type: 'timer', id });
        });
        this.timers.set(id, cancel);
        return;
      }
      case 'cancelTimer':
        this.timers.get(a.id)?.();
        this.timers.delete(a.id);
        return;
      case 'record':
        this.record(a.kind, a.fields, field, seq);
        return;
    }
  }

  /** A decision record the stack reported, checked against the journal's field list. */
  private record(kind: StackRecordKind, fields: readonly (number | string | null)[], field: string, seq: number): void {
    const env = this.started();
    const spec = JOURNAL_KINDS[kind].fields as readonly string[];
    if (fields.length !== spec.length) throw this.error(`a ${kind} record has the fields ${spec.join(', ')}: ${spec.length}, not ${fields.length}`, `${field}.fields`, seq);
    const values = fields.map((v, i) => {
      const name = spec[i]!;
      const text = STRING_FIELDS.has(name) || INLINE_STRING_FIELDS.has(name);
      if (text ? typeof v !== 'string' : v !== null && typeof v !== 'number') {
        throw this.error(`${name} must be a ${text ? 'string' : 'number'}`, `${field}.fields[${i}]`, seq);
      }
      return v === null ? Number.NaN : v;
    });
    this.link.recordCounts.set(kind, (this.link.recordCounts.get(kind) ?? 0) + 1);
    if (kind === 'signal') env.journal.signal(values[0] as number, values[1] as string, values[2] as string, values[3] as number);
    else if (kind === 'order') {
      this.sentIds.add(values[1] as string);
      env.journal.order(values[0] as number, values[1] as string, values[2] as string, values[3] as number, values[4] as number, values[5] as string, values[6] as number, values[7] as number);
    } else env.journal.record(kind, ...values);
  }
}

function instrumentInfo(i: Instrument) {
  return {
    id: i.id, kind: i.kind, currency: i.currency, priceDecimals: i.priceDecimals, quantityDecimals: i.quantityDecimals,
    tickSizeRaw: i.tickSizeRaw, lotSizeRaw: i.lotSizeRaw, multiplier: i.multiplier, marginPerContract: i.marginPerContractMoney,
    ...(i.baseCurrency === undefined ? {} : { baseCurrency: i.baseCurrency }),
  };
}

export function orderJson(o: OrderRequest, instruments: readonly Instrument[]): OrderJson {
  return {
    clientOrderId: o.clientOrderId, instrument: instruments[o.instrumentIndex]!.id, side: o.side, quantityRaw: o.quantityRaw, type: o.type,
    timeInForce: o.timeInForce, ...(o.limitPriceRaw === undefined ? {} : { limitPriceRaw: o.limitPriceRaw }),
    ...(o.stopPriceRaw === undefined ? {} : { stopPriceRaw: o.stopPriceRaw }),
  };
}

export function toOrderRequest(o: OrderJson, instrumentIndex: number): OrderRequest {
  return {
    clientOrderId: o.clientOrderId, instrumentIndex, side: o.side, quantityRaw: o.quantityRaw, type: o.type, timeInForce: o.timeInForce,
    ...(o.limitPriceRaw === undefined ? {} : { limitPriceRaw: o.limitPriceRaw }), ...(o.stopPriceRaw === undefined ? {} : { stopPriceRaw: o.stopPriceRaw }),
  };
}

export function reportJson(r: ExecutionReport, instruments: readonly Instrument[]): ReportJson {
  const instrument = instruments[r.instrumentIndex]!.id;
  if (r.kind === 'fill') {
    return {
      kind: 'fill', clientOrderId: r.clientOrderId, instrument, timeUs: r.timeUs, side: r.side, quantityRaw: r.quantityRaw, priceRaw: r.priceRaw,
      fee: r.fee, leavesQuantityRaw: r.leavesQuantityRaw,
    };
  }
  return {
    kind: r.kind, clientOrderId: r.clientOrderId, instrument, timeUs: r.timeUs, ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.request === undefined ? {} : { request: orderJson(r.request, instruments) }),
    ...(r.leavesQuantityRaw === undefined ? {} : { leavesQuantityRaw: r.leavesQuantityRaw }),
  };
}

/** The stack of a scenario's `service:`: one link per run, shared by the instances the run makes. */
export function httpStackFactory(options: HttpStackOptions, runId: string): { readonly link: StackLink; create(): HttpStack } {
  const link = new StackLink(options, runId);
  return { link, create: () => new HttpStack(link) };
}
