// Proves that the risk engine's daily-loss sessions (which write the session's date only when
// something reads it) decide exactly as a model that rolls sessions with nextSessionOpenUs and
// sessionDateOf at every roll: the same refusals with the same session dates in their reasons, the
// same dailyLossHalt records, and the same snapshots, over random calendars (zones with DST, overnight
// sessions, holidays, 24h), random marks and orders at random stack times (the stack clock may
// step back under skew), and snapshot/restore into a fresh engine at random points.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Journal } from '../../kernel/journal.ts';
import { makeInstrument } from '../../instruments/instrument.ts';
import { CALENDARS, nextSessionOpenUs, sessionDateOf, SessionCalendarSchema, type SessionCalendar } from '../../market/calendar.ts';
import type { OrderRequest } from '../../venue/orders.ts';
import { RiskEngine, type RiskBookView, type RiskState } from './risk-engine.ts';

const US_PER_DAY = 86_400_000_000;
const START_US = 18_262 * US_PER_DAY; // 2020-01-01
const inst = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 0 }, 2);

const calendars: readonly SessionCalendar[] = [
  CALENDARS.UTC_24H, CALENDARS.XNYS, CALENDARS.FX_24x5, CALENDARS.XETR,
  SessionCalendarSchema.parse({ timeZone: 'Australia/Sydney', open: '10:00', close: '16:00', holidays: ['2020-01-27', '2020-04-10', '2020-04-13'] }),
  SessionCalendarSchema.parse({ timeZone: 'America/New_York', open: '18:00', close: '17:00', weekdays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu'], holidays: ['2020-03-09'] }),
];

type Step =
  | { kind: 'mark'; dtUs: number; equity: number }
  | { kind: 'order'; dtUs: number; side: 1 | -1; quantityRaw: number; positionRaw: number; equity: number }
  | { kind: 'snapshot' }
  /** Back to the last snapshot, in the engine as it is (a crash restart restores into a fresh one: snapshot does that). */
  | { kind: 'restore' };

const dt = fc.oneof(fc.integer({ min: 0, max: 3 * US_PER_DAY }), fc.integer({ min: -US_PER_DAY, max: 0 }), fc.constant(0));
const equity = fc.integer({ min: 900_000, max: 1_100_000 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('mark' as const), dtUs: dt, equity }),
  fc.record({ kind: fc.constant('order' as const), dtUs: dt, side: fc.constantFrom(1 as const, -1 as const), quantityRaw: fc.integer({ min: 1, max: 300 }), positionRaw: fc.integer({ min: -200, max: 200 }), equity }),
  fc.constant({ kind: 'snapshot' as const }),
  fc.constant({ kind: 'restore' as const }),
);

/** Sessions as the engine rolled them before it deferred the date: both answers computed at every roll. */
class SessionModel {
  hasSession = false;
  sessionEndUs = 0;
  session = '';
  startEquity = 0;
  halted = false;
  private readonly cal: SessionCalendar;
  private readonly maxLoss: number;
  lastEquity: number;
  constructor(cal: SessionCalendar, lastEquity: number, maxLoss: number) {
    this.cal = cal;
    this.lastEquity = lastEquity;
    this.maxLoss = maxLoss;
  }
  copy(): SessionModel {
    return Object.assign(new SessionModel(this.cal, this.lastEquity, this.maxLoss), this);
  }
  roll(nowUs: number): void {
    if (this.hasSession && nowUs < this.sessionEndUs) return;
    this.hasSession = true;
    this.sessionEndUs = nextSessionOpenUs(this.cal, nowUs);
    this.session = sessionDateOf(this.cal, nowUs);
    this.startEquity = this.lastEquity;
    this.halted = false;
  }
  /** True when this equity halts the session now. */
  note(equity: number): boolean {
    if (this.halted || this.startEquity - equity < this.maxLoss) return false;
    this.halted = true;
    return true;
  }
}

describe('daily-loss sessions', () => {
  it('decide, journal and snapshot as sessions rolled with their date computed at every roll', () => {
    fc.assert(fc.property(fc.constantFrom(...calendars), fc.integer({ min: 1, max: 60_000 }), fc.array(step, { maxLength: 80 }), (cal, maxLossCents, steps) => {
      const records: (string | number)[][] = [];
      const journal = { record: (kind: string, ...values: (string | number)[]) => { records.push([kind, ...values]); } } as unknown as Journal;
      const limits = { maxDailyLoss: maxLossCents / 100 };
      const start = (e: RiskEngine): void => e.start({ instruments: [inst], moneyDecimals: 2, journal, calendar: cal, startEquity: 1_000_000 });
      let engine = new RiskEngine(limits);
      start(engine);
      let model = new SessionModel(cal, 1_000_000, maxLossCents);
      let saved: { state: RiskState; model: SessionModel } | null = null;
      const expected: (string | number)[][] = [];
      let nowUs = START_US;
      for (const s of steps) {
        if (s.kind === 'snapshot') {
          const state = JSON.parse(JSON.stringify(engine.snapshot())) as RiskState;
          expect(state).toMatchObject({ hasSession: model.hasSession, sessionEndUs: model.sessionEndUs, session: model.session, sessionStartEquity: model.startEquity, dailyHalted: model.halted, lastEquity: model.lastEquity });
          saved = { state, model: model.copy() };
          engine = new RiskEngine(limits);
          start(engine);
          engine.restore(state);
          continue;
        }
        if (s.kind === 'restore') {
          if (saved === null) continue;
          engine.restore(saved.state);
          model = saved.model.copy();
          continue;
        }
        nowUs += s.dtUs;
        if (s.kind === 'mark') {
          engine.onEquity(s.equity, nowUs);
          model.roll(nowUs);
          model.lastEquity = s.equity;
          if (model.note(s.equity)) expected.push(['dailyLossHalt', nowUs, model.session, s.equity, model.startEquity]);
        } else {
          const order: OrderRequest = { clientOrderId: 'c', instrumentIndex: 0, side: s.side, quantityRaw: s.quantityRaw, type: 'market', timeInForce: 'GTC' };
          const view: RiskBookView = { instruments: [inst], moneyDecimals: 2, positionRaw: () => s.positionRaw, pendingRaw: () => 0, lastPriceRaw: () => 100, equity: () => s.equity };
          const why = engine.check(order, view, nowUs);
          model.roll(nowUs);
          if (model.note(s.equity)) expected.push(['dailyLossHalt', nowUs, model.session, s.equity, model.startEquity]);
          const after = s.positionRaw + s.side * s.quantityRaw;
          const reducing = Math.abs(after) < Math.abs(s.positionRaw) && (after === 0 || Math.sign(after) === Math.sign(s.positionRaw));
          if (model.halted && !reducing) expect(why).toMatch(new RegExp(`^maxDailyLoss: session ${model.session} lost `));
          else expect(why).toBeNull();
        }
        expect(engine.dailyHalted).toBe(model.halted);
      }
      expect(records).toEqual(expected);
    }), { seed: 20261129, numRuns: 300 });
  });
});
