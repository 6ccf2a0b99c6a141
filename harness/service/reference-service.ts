/**
 * The reference stack behind the stack protocol: what `gauntlet serve-stack` answers. Each session
 * is a ReferenceStack in an environment made of the messages: a data client fed by the step's
 * market events, a venue API and a journal that record into the answer (in the order the stack
 * calls them), a clock set to the step's clock, and timers that become timer actions (the
 * execution's order timeouts), fired by Gauntlet in virtual time. Transport-free: handle() takes a
 * parsed JSON body and returns status and answer, so tests and the HTTP server share it.
 */
import {
  Journal, referenceStackOf, StackConfigSchema, subscribeHandler, timersOver,
  type Clock, type DataClient, type Unsubscribe, type ExecutionReport, type Instrument, type KernelContext, type ReferenceStack, type VenueApi,
} from '../../engine/index.ts';

type BarHandler = Parameters<DataClient['onBar']>[0];
type TradeHandler = Parameters<DataClient['onTrade']>[0];
type QuoteHandler = Parameters<DataClient['onQuote']>[0];
import {
  PROTOCOL_VERSION, RequestSchema, type Action, type ReportJson, type StackRequest, type StackRecordKind, type StartRequest, type StepRequest,
} from './protocol.ts';
import { formatPath } from '../scenario/problems.ts';
import { orderJson, toOrderRequest } from './http-stack.ts';

export interface ServiceAnswer {
  readonly status: number;
  readonly body: object;
}

/** Sessions kept at once; the oldest is dropped beyond (a run that ended never says so). */
export const MAX_SESSIONS = 1000;

class SettableClock implements Clock {
  t = 0;
  nowUs(): number { return this.t; }
}

class MessageData implements DataClient {
  readonly bars: BarHandler[] = [];
  readonly trades: TradeHandler[] = [];
  readonly quotes: QuoteHandler[] = [];
  onBar(h: BarHandler): Unsubscribe { return subscribeHandler(this.bars, h); }
  onTrade(h: TradeHandler): Unsubscribe { return subscribeHandler(this.trades, h); }
  onQuote(h: QuoteHandler): Unsubscribe { return subscribeHandler(this.quotes, h); }
}

/** The stack's journal calls become record actions, in call order among its orders. */
class RecordingJournal extends Journal {
  private readonly out: () => Action[];
  constructor(out: () => Action[]) {
    super({ rootSeed: 0 });
    this.out = out;
  }
  override signal(timeUs: number, agent: string, instrument: string, target: number): void {
    this.out().push({ type: 'record', kind: 'signal', fields: [timeUs, agent, instrument, target] });
  }
  override order(timeUs: number, clientOrderId: string, instrument: string, side: number, quantity: number, type: string, limitPrice: number, stopPrice: number): void {
    this.out().push({ type: 'record', kind: 'order', fields: [timeUs, clientOrderId, instrument, side, quantity, type, limitPrice, stopPrice] });
  }
  override record(kind: Parameters<Journal['record']>[0], ...values: (number | string)[]): void {
    this.out().push({ type: 'record', kind: kind as StackRecordKind, fields: values.map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)) });
  }
}

interface Session {
  readonly stack: ReferenceStack;
  readonly clock: SettableClock;
  readonly data: MessageData;
  readonly instruments: readonly Instrument[];
  readonly byId: ReadonlyMap<string, number>;
  readonly timers: Map<string, () => void | Promise<void>>;
  actions: Action[];
  lastSeq: number;
  lastAnswer: object | null;
}

function fail(status: number, error: string): ServiceAnswer {
  return { status, body: { version: PROTOCOL_VERSION, type: 'error', error } };
}

export class ReferenceStackService {
  private readonly sessions = new Map<string, Session>();

  get sessionCount(): number {
    return this.sessions.size;
  }

  async handle(json: unknown): Promise<ServiceAnswer> {
    const version = (json as { version?: unknown } | null)?.version;
    if (version !== PROTOCOL_VERSION) return fail(400, `protocol version ${JSON.stringify(version)} is not supported (this stack speaks ${PROTOCOL_VERSION})`);
    const parsed = RequestSchema.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      return fail(400, `${formatPath(i.path)}: ${i.message}`);
    }
    const r: StackRequest = parsed.data;
    if (r.type === 'start') return this.start(r);
    const s = this.sessions.get(r.session);
    if (s === undefined) return fail(404, `no session ${r.session} (start one first)`);
    const answer = (body: object): ServiceAnswer => ({ status: 200, body: { version: PROTOCOL_VERSION, session: r.session, ...body } });
    switch (r.type) {
      case 'step': return this.step(s, r);
      case 'snapshot': return answer({ type: 'snapshot', state: s.stack.snapshot() });
      case 'restore':
        try {
          s.stack.restore(r.state);
        } catch (e) {
          return fail(400, `state: ${(e as Error).message}`);
        }
        return answer({ type: 'restored' });
      case 'stop':
        s.stack.stop();
        this.sessions.delete(r.session);
        return answer({ type: 'stopped' });
    }
  }

  private start(r: StartRequest): ServiceAnswer {
    const open = this.sessions.get(r.session);
    // A repeated start (a retry after a lost answer) is answered again while the session has not stepped.
    if (open !== undefined && open.lastSeq === 0) return { status: 200, body: { version: PROTOCOL_VERSION, type: 'started', session: r.session, journal: 'full' } };
    if (open !== undefined) return fail(409, `session ${r.session} is already open`);
    const config = StackConfigSchema.safeParse(r.config);
    if (!config.success) {
      const i = config.error.issues[0]!;
      return fail(400, `config.${formatPath(i.path)}: ${i.message}`);
    }
    const instruments: Instrument[] = r.instruments.map((i) => ({
      id: i.id, kind: i.kind, currency: i.currency, baseCurrency: i.baseCurrency, priceDecimals: i.priceDecimals, quantityDecimals: i.quantityDecimals,
      tickSizeRaw: i.tickSizeRaw, lotSizeRaw: i.lotSizeRaw, multiplier: i.multiplier, marginPerContractMoney: i.marginPerContract, isCash: i.kind !== 'future',
    }));
    let stack: ReferenceStack;
    try {
      stack = referenceStackOf(config.data, { account: { moneyDecimals: r.account.moneyDecimals, startCash: r.account.startCash }, calendar: r.calendar });
    } catch (e) {
      return fail(400, `config: ${(e as Error).message}`);
    }
    const clock = new SettableClock();
    clock.t = r.clockUs;
    const data = new MessageData();
    const timers = new Map<string, () => void | Promise<void>>();
    let timerIds = 0;
    const session: Session = {
      stack, clock, data, instruments, byId: new Map(instruments.map((inst, i) => [inst.id, i])), timers, actions: [], lastSeq: 0, lastAnswer: null,
    };
    const out = (): Action[] => session.actions;
    const venue: VenueApi = {
      submit: (order) => { out().push({ type: 'submit', order: orderJson(order, instruments) }); },
      cancel: (clientOrderId) => { out().push({ type: 'cancel', clientOrderId }); },
      replace: (clientOrderId, changes) => { out().push({ type: 'replace', clientOrderId, ...changes }); },
    };
    const unsupported = (what: string) => (): never => { throw new Error(`${what} is not available to a stack served over HTTP`); };
    const schedule = (delayUs: number, _name: string, run: () => void | Promise<void>): (() => void) => {
      const id = `t${++timerIds}`;
      timers.set(id, run);
      out().push({ type: 'timer', id, delayUs });
      return () => { if (timers.delete(id)) out().push({ type: 'cancelTimer', id }); };
    };
    const kernel: KernelContext = {
      clock, sleep: unsupported('sleep'), spawn: unsupported('spawn'), fetch: unsupported('fetch'), external: unsupported('external'),
      schedule, post: (delayUs, name, run) => { schedule(delayUs, name, run); }, scheduleAt: (timeUs, name, run) => schedule(timeUs - clock.nowUs(), name, run),
      ...timersOver(schedule),
    };
    stack.start({
      data, venue, clock, kernel, journal: new RecordingJournal(out), instruments,
      account: { currency: r.account.currency, moneyDecimals: r.account.moneyDecimals, startCash: r.account.startCash }, calendar: r.calendar,
    });
    session.actions = [];
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(r.session, session);
    return { status: 200, body: { version: PROTOCOL_VERSION, type: 'started', session: r.session, journal: 'full' } };
  }

  private async step(s: Session, r: StepRequest): Promise<ServiceAnswer> {
    // A repeat of the last step (a retry after a lost answer) gets the same answer and changes nothing.
    if (r.seq === s.lastSeq && s.lastAnswer !== null) return { status: 200, body: s.lastAnswer };
    if (r.seq <= s.lastSeq) return fail(409, `seq: step ${r.seq} is older than the last step ${s.lastSeq}`);
    if (r.seq !== s.lastSeq + 1) return fail(409, `seq: step ${r.seq} skips steps (the last was ${s.lastSeq})`);
    s.clock.t = r.clockUs;
    s.actions = [];
    for (const [i, e] of r.events.entries()) {
      if (e.type === 'timer') {
        const run = s.timers.get(e.id);
        if (run === undefined) continue; // cancelled meanwhile: the stack's own rule, as in-process
        s.timers.delete(e.id);
        await run();
        continue;
      }
      if (e.type === 'report') {
        const index = s.byId.get(e.report.instrument);
        if (index === undefined) return fail(400, `events[${i}].report.instrument: unknown instrument '${e.report.instrument}'`);
        await s.stack.onReport(toReport(e.report, index));
        continue;
      }
      const index = s.byId.get(e.instrument);
      if (index === undefined) return fail(400, `events[${i}].instrument: unknown instrument '${e.instrument}'`);
      const inst = s.instruments[index]!;
      if (e.type === 'bar') {
        const view = { ...e, instrumentId: e.instrument, instrumentIndex: index, priceDecimals: inst.priceDecimals };
        for (const h of s.data.bars) await h(view);
      } else if (e.type === 'trade') {
        const view = { ...e, instrumentId: e.instrument, instrumentIndex: index, priceDecimals: inst.priceDecimals };
        for (const h of s.data.trades) await h(view);
      } else {
        const view = { ...e, instrumentId: e.instrument, instrumentIndex: index, priceDecimals: inst.priceDecimals };
        for (const h of s.data.quotes) await h(view);
      }
    }
    const body = { version: PROTOCOL_VERSION, type: 'actions', session: r.session, seq: r.seq, actions: s.actions };
    s.actions = [];
    s.lastSeq = r.seq;
    s.lastAnswer = body;
    return { status: 200, body };
  }
}

function toReport(r: ReportJson, instrumentIndex: number): ExecutionReport {
  if (r.kind === 'fill') {
    return {
      kind: 'fill', clientOrderId: r.clientOrderId, instrumentIndex, timeUs: r.timeUs, side: r.side, quantityRaw: r.quantityRaw,
      priceRaw: r.priceRaw, fee: r.fee, leavesQuantityRaw: r.leavesQuantityRaw,
    };
  }
  return {
    kind: r.kind, clientOrderId: r.clientOrderId, instrumentIndex, timeUs: r.timeUs, ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.request === undefined ? {} : { request: toOrderRequest(r.request, instrumentIndex) }),
    ...(r.leavesQuantityRaw === undefined ? {} : { leavesQuantityRaw: r.leavesQuantityRaw }),
  };
}
