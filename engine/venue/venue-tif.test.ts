// Proves the times in force through a real Kernel: IOC takes only the first price after arrival
// (a partial fill under a cap, then the rest cancelled; a limit not marketable at the open is
// cancelled even if the bar later touches it); DAY expires at the close of the session of the
// venue's calendar (XNYS: 16:00 New York, checked to the microsecond; after hours: the next
// session's close; the default UTC day: a bar opening at midnight is never matched against
// yesterday's DAY order), a bar closing exactly at the session close still fills a DAY order;
// GTC survives sessions.
import { describe, expect, it } from 'vitest';
import { US_PER_DAY, US_PER_HOUR, utcTimeUs } from '../kernel/time.ts';
import { CALENDARS } from '../market/calendar.ts';
import { OhlcPathFillModel } from './models/fill-models.ts';
import { IOC_CANCEL_REASON } from './matching.ts';
import { dayOrderExpiryUs } from './time-in-force.ts';
import { bar, barSource, fillsOf, order, statusesOf, venueKit } from './venue-test-kit.ts';

const H = US_PER_HOUR;
const D = US_PER_DAY;
const T0 = utcTimeUs(2024, 1, 2, 14, 30); // Tuesday 09:30 New York (EST, UTC-5)
const CLOSE_JAN_2 = utcTimeUs(2024, 1, 2, 21, 0); // 16:00 New York

describe('IOC', () => {
  it('fills what the cap allows at the first opportunity and cancels the rest', async () => {
    const k = venueKit({ startUs: T0 - H, fill: new OhlcPathFillModel({ participation: 0.1 }) });
    const o = order({ side: 1, quantityRaw: 80, timeInForce: 'IOC' });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_050, 9_950, 10_000, 500), bar(T0 + H, H, 10_000, 10_050, 9_950, 10_000, 5_000)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 50, 10_000]]); // 10% of 500 at the open
    expect(statusesOf(k.log, o.clientOrderId)).toEqual([['accepted', T0 - H, undefined], ['cancelled', T0 + H, IOC_CANCEL_REASON]]);
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'cancelled', filledRaw: 50 });
  });

  it('a limit not marketable at the next open is cancelled there, though the bar later touches it', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_900, timeInForce: 'IOC' });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_050, 9_800, 9_850)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([]);
    expect(statusesOf(k.log, o.clientOrderId).at(-1)).toEqual(['cancelled', T0, IOC_CANCEL_REASON]);
  });

  it('a marketable IOC limit fills in full at the open', async () => {
    const k = venueKit({ startUs: T0 - H });
    const o = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 10_100, timeInForce: 'IOC' });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_050, 9_800, 9_850)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0, 10, 10_000]]);
    expect(k.venue.order(o.clientOrderId)?.status).toBe('filled');
  });
});

describe('DAY', () => {
  it('expires at the session close of the calendar (XNYS 16:00 New York), with no market data after', async () => {
    const k = venueKit({ startUs: utcTimeUs(2024, 1, 2, 15, 0), calendar: CALENDARS.XNYS });
    const o = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_000, timeInForce: 'DAY' });
    k.venue.submit(o);
    await k.run();
    expect(statusesOf(k.log, o.clientOrderId)).toEqual([['accepted', utcTimeUs(2024, 1, 2, 15, 0), undefined], ['expired', CLOSE_JAN_2, 'end of session']]);
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'expired', expireUs: CLOSE_JAN_2 });
    expect(k.venue.workingCount).toBe(0);
  });

  it('still fills on the bar that closes exactly at the session close', async () => {
    const k = venueKit({ startUs: T0, calendar: CALENDARS.XNYS });
    const o = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_900, timeInForce: 'DAY' });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([bar(CLOSE_JAN_2 - H, H, 10_000, 10_050, 9_900, 9_950)]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[CLOSE_JAN_2, 10, 9_900]]);
    expect(statusesOf(k.log, o.clientOrderId).map((s) => s[0])).toEqual(['accepted']);
  });

  it('sent after hours, is for the next session and expires at its close', () => {
    expect(dayOrderExpiryUs(CALENDARS.XNYS, utcTimeUs(2024, 1, 2, 22, 0))).toBe(utcTimeUs(2024, 1, 3, 21, 0));
    expect(dayOrderExpiryUs(CALENDARS.XNYS, CLOSE_JAN_2)).toBe(utcTimeUs(2024, 1, 3, 21, 0)); // at the close: too late for today
    expect(dayOrderExpiryUs(CALENDARS.XNYS, utcTimeUs(2024, 1, 2, 12, 0))).toBe(CLOSE_JAN_2); // pre-open: today
    // Friday evening -> Monday's close; summer time: 16:00 EDT is 20:00 UTC.
    expect(dayOrderExpiryUs(CALENDARS.XNYS, utcTimeUs(2024, 1, 5, 23, 0))).toBe(utcTimeUs(2024, 1, 8, 21, 0));
    expect(dayOrderExpiryUs(CALENDARS.XNYS, utcTimeUs(2024, 7, 1, 14, 0))).toBe(utcTimeUs(2024, 7, 1, 20, 0));
  });

  it('default calendar (UTC day): a bar opening at midnight is not matched against the previous day order', async () => {
    const day = utcTimeUs(2024, 1, 2);
    const k = venueKit({ startUs: day });
    const o = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_900, timeInForce: 'DAY' });
    k.venue.submit(o);
    k.feed([{ instrumentIndex: 0, source: barSource([
      bar(day, D, 10_000, 10_050, 9_950, 10_000), // does not reach 9900
      bar(day + D, D, 9_800, 9_850, 9_700, 9_750), // gaps below 9900 at midnight: tomorrow's price
    ]) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([]);
    expect(statusesOf(k.log, o.clientOrderId).at(-1)).toEqual(['expired', day + D, 'end of session']);
  });
});

describe('GTC', () => {
  it('survives session closes and fills days later, while its DAY twin expired on day one', async () => {
    const k = venueKit({ startUs: T0 - H, calendar: CALENDARS.XNYS });
    const gtc = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_900 });
    const day = order({ side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_900, timeInForce: 'DAY' });
    k.venue.submit(gtc);
    k.venue.submit(day);
    const session = 390 * 60 * 1_000_000; // 09:30-16:00
    k.feed([{ instrumentIndex: 0, source: barSource([
      bar(T0, session, 10_000, 10_100, 9_950, 10_000),
      bar(T0 + D, session, 10_000, 10_100, 9_950, 10_000),
      bar(T0 + 2 * D, session, 10_000, 10_100, 9_850, 10_000),
    ]) }]);
    await k.run();
    expect(fillsOf(k.log, gtc.clientOrderId)).toEqual([[T0 + 2 * D + session, 10, 9_900]]);
    expect(statusesOf(k.log, day.clientOrderId).at(-1)).toEqual(['expired', CLOSE_JAN_2, 'end of session']);
  });
});
