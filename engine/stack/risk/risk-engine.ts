/**
 * The risk engine: pre-trade checks on every order the stack sends. A rejected order never
 * reaches the venue; the execution journals the rejection with the reason returned here.
 *
 * Stateless limits (order size and notional, position and its notional, leverage) are in
 * checks.ts. The stateful ones live here:
 * - order rate: at most maxOrdersPerWindow orders (new orders and replaces, not cancels, not
 *   retries of an order already sent) in any window of orderWindowUs of the stack's clock;
 * - daily loss: a session starts at each session open of the calendar (nextSessionOpenUs); its
 *   start equity is the last equity seen before it (the previous session's close). Once equity is
 *   maxDailyLoss below it, the session is halted: only risk-reducing orders pass, until the next
 *   session opens. The loss is checked at every mark the stack reports (onEquity) and at every
 *   order, so a dip is caught even if no order was sent during it.
 * - kill switch: tripped by kill() or automatically when equity falls killSwitchDrawdown below
 *   its peak; from then on only risk-reducing orders pass, for the rest of the run (there is no
 *   re-arm: restarting a killed stack is an operator's decision, i.e. a new run). With
 *   flattenOnKill the stack also cancels its working orders and closes its positions.
 *
 * "Risk-reducing" (view.ts): the order shrinks position-with-working-orders toward zero without
 * crossing it. State is plain, JSON-safe data.
 */
import type { Journal } from '../../kernel/journal.ts';
import type { Instrument } from '../../instruments/instrument.ts';
import { civilDateString, nextSessionOpenUs, sessionDayNumberOf, type SessionCalendar } from '../../market/calendar.ts';
import type { OrderRequest } from '../../venue/orders.ts';
import { activeChecks, type RawLimits, type StatelessCheck } from './checks.ts';
import { RiskLimitsSchema, type RiskLimits, type RiskLimitsParsed } from './limits.ts';
import { isRiskReducing, type RiskBookView } from './view.ts';

export { RiskLimitsSchema, type RiskLimits } from './limits.ts';
export type { RiskBookView } from './view.ts';

/** What the risk engine is given when the stack starts. */
export interface RiskStartContext {
  readonly instruments: readonly Instrument[];
  readonly moneyDecimals: number;
  readonly journal: Journal;
  /** Sessions for the daily-loss limit. */
  readonly calendar: SessionCalendar;
  /** Equity at the start in money units; NaN when the stack does not know its account. */
  readonly startEquity: number;
  /** Called once, when the kill switch trips (the stack flattens if configured). */
  readonly onKill?: (reason: string) => void;
}

/** The pre-trade risk interface the reference stack talks to (the harness may wrap it). */
export interface PreTradeRisk {
  /** True when the engine needs onEquity() at every mark (daily loss, drawdown kill switch). */
  readonly wantsEquity: boolean;
  readonly killed: boolean;
  /** Whether the kill switch should flatten the stack's positions. */
  readonly flattenOnKill: boolean;
  start(ctx: RiskStartContext): void;
  /** null when the order passes; otherwise why not (starting with the limit's name). */
  check(order: OrderRequest, view: RiskBookView, nowUs: number): string | null;
  /** The order passed and was sent (counts toward the order rate). */
  onSent(order: OrderRequest, nowUs: number): void;
  /** The stack's equity after a mark, in money units. */
  onEquity(equity: number, nowUs: number): void;
  /** Trips the kill switch (idempotent). */
  kill(reason: string, nowUs: number): void;
  /** What it did so far; optional for other risk engines (reports then show null). */
  counters?(): RiskCounters;
  snapshot(): unknown;
  restore(state: unknown): void;
}

export interface RiskState {
  /** Send times of the last maxOrdersPerWindow orders, a ring. */
  rateTimesUs: number[];
  rateHead: number;
  rateCount: number;
  hasSession: boolean;
  /** When the current session ends (the next session open). */
  sessionEndUs: number;
  session: string;
  sessionStartEquity: number;
  lastEquity: number;
  dailyHalted: boolean;
  peakEquity: number;
  killed: boolean;
  killReason: string;
  /** Counters for reports: orders refused, sessions halted by the daily-loss limit, kill switch trips. */
  rejections: number;
  dailyLossHalts: number;
  killSwitchTrips: number;
}

/** What the risk engine did in a run, for reports and gates. */
export interface RiskCounters {
  /** Orders refused before reaching the venue (each refusal counts). */
  readonly rejections: number;
  /** Sessions in which the daily-loss limit halted new risk. */
  readonly dailyLossHalts: number;
  /** Times the kill switch tripped (0 or 1: it does not re-arm). */
  readonly killSwitchTrips: number;
}

function money(m: number, md: number): string {
  return (m / 10 ** md).toFixed(md);
}

export class RiskEngine implements PreTradeRisk {
  readonly limits: RiskLimitsParsed;
  private raw: RawLimits | null = null;
  /** The stateless checks whose limit is set (activeChecks), from start(). */
  private checks: readonly StatelessCheck[] = [];
  private ctx: RiskStartContext | null = null;
  private maxDailyLossMoney = 0;
  private s: RiskState;
  /**
   * The current session's day number, while s.session is not written yet (sessionPending): the
   * date string is made when something reads it (a halt, a refusal, a snapshot), not at every
   * session roll, which on daily bars is every order.
   */
  private sessionDay = 0;
  private sessionPending = false;

  /** `parsed`: the limits are RiskLimitsSchema's output already (a scenario's), so they are not parsed again. */
  constructor(limits: RiskLimits = {}, options: { parsed?: boolean } = {}) {
    this.limits = options.parsed === true ? limits as RiskLimitsParsed : RiskLimitsSchema.parse(limits);
    this.s = {
      rateTimesUs: new Array<number>(this.limits.maxOrdersPerWindow ?? 0).fill(0), rateHead: 0, rateCount: 0,
      hasSession: false, sessionEndUs: 0, session: '', sessionStartEquity: 0, lastEquity: 0, dailyHalted: false,
      peakEquity: 0, killed: false, killReason: '', rejections: 0, dailyLossHalts: 0, killSwitchTrips: 0,
    };
  }

  get wantsEquity(): boolean {
    return this.limits.maxDailyLoss !== undefined || this.limits.killSwitchDrawdown !== undefined;
  }

  get killed(): boolean { return this.s.killed; }
  get flattenOnKill(): boolean { return this.limits.flattenOnKill; }
  /** True while the daily-loss limit blocks new risk in the current session. */
  get dailyHalted(): boolean { return this.s.dailyHalted; }

  start(ctx: RiskStartContext): void {
    const l = this.limits;
    const md = ctx.moneyDecimals;
    const toMoneyUnits = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 10 ** md));
    const perInstrument = (x: number | undefined): number[] | undefined => (x === undefined ? undefined : ctx.instruments.map((i) => Math.floor(x * 10 ** i.quantityDecimals + 1e-9)));
    if ((this.wantsEquity || l.maxLeverage !== undefined) && Number.isNaN(ctx.startEquity)) {
      throw new RangeError('risk engine: maxLeverage, maxDailyLoss and killSwitchDrawdown need the account (StackEnv.account)');
    }
    this.raw = {
      maxPositionRaw: perInstrument(l.maxPosition),
      maxOrderQuantityRaw: perInstrument(l.maxOrderQuantity),
      maxPositionNotional: toMoneyUnits(l.maxPositionNotional),
      maxOrderNotional: toMoneyUnits(l.maxOrderNotional),
      maxLeverage: l.maxLeverage,
    };
    this.checks = activeChecks(this.raw);
    this.maxDailyLossMoney = toMoneyUnits(l.maxDailyLoss) ?? 0;
    this.ctx = ctx;
    // Without an account nothing here reads equity (start() refused the limits that would): keep 0, JSON-safe.
    const equity = Number.isNaN(ctx.startEquity) ? 0 : ctx.startEquity;
    this.s.lastEquity = equity;
    this.s.peakEquity = equity;
  }

  private started(): RiskStartContext {
    if (this.ctx === null) throw new Error('risk engine used before start()');
    return this.ctx;
  }

  /** Starts a new session when `nowUs` has reached the current one's end. */
  private roll(nowUs: number): void {
    const s = this.s;
    if (s.hasSession && nowUs < s.sessionEndUs) return;
    const cal = this.started().calendar;
    s.hasSession = true;
    s.sessionEndUs = nextSessionOpenUs(cal, nowUs);
    this.sessionDay = sessionDayNumberOf(cal, nowUs);
    this.sessionPending = true;
    s.sessionStartEquity = s.lastEquity;
    s.dailyHalted = false;
  }

  /** The current session's date (sessionDateOf at its roll), written into the state on first read. */
  private session(): string {
    if (this.sessionPending) {
      this.s.session = civilDateString(this.sessionDay);
      this.sessionPending = false;
    }
    return this.s.session;
  }

  private noteDailyLoss(equity: number, nowUs: number): void {
    const s = this.s;
    if (this.limits.maxDailyLoss === undefined || s.dailyHalted) return;
    if (s.sessionStartEquity - equity < this.maxDailyLossMoney) return;
    s.dailyHalted = true;
    s.dailyLossHalts++;
    this.started().journal.record('dailyLossHalt', nowUs, this.session(), equity, s.sessionStartEquity);
  }

  onEquity(equity: number, nowUs: number): void {
    this.roll(nowUs);
    const s = this.s;
    s.lastEquity = equity;
    if (equity > s.peakEquity) s.peakEquity = equity;
    this.noteDailyLoss(equity, nowUs);
    const dd = this.limits.killSwitchDrawdown;
    if (dd !== undefined && !s.killed && s.peakEquity > 0 && s.peakEquity - equity >= dd * s.peakEquity) {
      const md = this.started().moneyDecimals;
      this.kill(`drawdown ${((1 - equity / s.peakEquity) * 100).toFixed(2)}% from peak ${money(s.peakEquity, md)} reached the limit ${dd * 100}%`, nowUs);
    }
  }

  kill(reason: string, nowUs: number): void {
    if (this.s.killed) return;
    this.s.killed = true;
    this.s.killReason = reason;
    this.s.killSwitchTrips++;
    const ctx = this.started();
    ctx.journal.record('killSwitch', nowUs, reason);
    ctx.onKill?.(reason);
  }

  check(order: OrderRequest, view: RiskBookView, nowUs: number): string | null {
    const why = this.refusal(order, view, nowUs);
    if (why !== null) this.s.rejections++;
    return why;
  }

  counters(): RiskCounters {
    const { rejections, dailyLossHalts, killSwitchTrips } = this.s;
    return { rejections, dailyLossHalts, killSwitchTrips };
  }

  private refusal(order: OrderRequest, view: RiskBookView, nowUs: number): string | null {
    const raw = this.raw;
    if (raw === null) throw new Error('risk engine used before start()');
    const s = this.s;
    this.roll(nowUs);
    if (s.killed && !isRiskReducing(order, view)) return `killSwitch: tripped (${s.killReason}); only risk-reducing orders pass`;
    if (this.limits.maxDailyLoss !== undefined) {
      this.noteDailyLoss(view.equity(), nowUs);
      if (s.dailyHalted && !isRiskReducing(order, view)) {
        const md = view.moneyDecimals;
        return `maxDailyLoss: session ${this.session()} lost ${money(s.sessionStartEquity - view.equity(), md)} (limit ${money(this.maxDailyLossMoney, md)}); only risk-reducing orders pass until the next session`;
      }
    }
    const maxOrders = this.limits.maxOrdersPerWindow;
    if (maxOrders !== undefined && s.rateCount >= maxOrders) {
      const oldest = s.rateTimesUs[s.rateHead]!;
      if (oldest > nowUs - this.limits.orderWindowUs!) return `maxOrdersPerWindow: ${maxOrders} orders already sent in the last ${this.limits.orderWindowUs} us`;
    }
    // By index, not for-of: before V8 optimises this (and after a deoptimisation) for-of made an
    // iterator result per check, about 11 bytes an order in an allocation profile.
    const checks = this.checks;
    for (let k = 0; k < checks.length; k++) {
      const why = checks[k]!(order, view, raw);
      if (why !== null) return why;
    }
    return null;
  }

  onSent(_order: OrderRequest, nowUs: number): void {
    const max = this.limits.maxOrdersPerWindow;
    if (max === undefined) return;
    const s = this.s;
    s.rateTimesUs[s.rateHead] = nowUs;
    s.rateHead = s.rateHead + 1 === max ? 0 : s.rateHead + 1;
    if (s.rateCount < max) s.rateCount++;
  }

  snapshot(): RiskState {
    this.session();
    return { ...this.s, rateTimesUs: this.s.rateTimesUs.slice() };
  }

  restore(state: unknown): void {
    const s = state as Partial<Pick<RiskState, 'rejections' | 'dailyLossHalts' | 'killSwitchTrips'>> & Omit<RiskState, 'rejections' | 'dailyLossHalts' | 'killSwitchTrips'>;
    if (s.rateTimesUs.length !== (this.limits.maxOrdersPerWindow ?? 0)) throw new RangeError('risk engine: snapshot is for other limits');
    this.sessionPending = false;
    // Snapshots from before the counters existed restore with them at zero.
    this.s = { ...s, rejections: s.rejections ?? 0, dailyLossHalts: s.dailyLossHalts ?? 0, killSwitchTrips: s.killSwitchTrips ?? 0, rateTimesUs: s.rateTimesUs.slice() };
  }
}
