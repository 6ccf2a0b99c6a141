// Proves that session calendars map local session hours to the right UTC instants across DST
// changes (New York, Sydney, an overnight FX session), that gaps and overlaps follow the documented
// 'compatible' rule, and that trading days, session dates and next opens follow the calendar.
// Expected instants are written out by hand from the published UTC offsets, not computed by the code.
import { describe, expect, it } from 'vitest';
import {
  CALENDARS, SessionCalendarSchema, WEEKDAYS, isValidTimeZone, civilDateString, daysFromCivil, isTradingDay, nextSessionOpenUs,
  resolveCalendar, sessionCloseUs, sessionDateOf, sessionLengthUs, sessionOpenUs, zoneOffsetUs, zonedToUtcUs,
} from './calendar.ts';
import { US_PER_HOUR } from '../kernel/time.ts';

const iso = (s: string): number => Date.parse(s) * 1000;

describe('zonedToUtcUs', () => {
  it('uses EST in winter and EDT in summer', () => {
    expect(zonedToUtcUs(2006, 1, 3, 9, 30, 0, 0, 'America/New_York')).toBe(iso('2006-01-03T14:30:00Z'));
    expect(zonedToUtcUs(2006, 7, 3, 9, 30, 0, 0, 'America/New_York')).toBe(iso('2006-07-03T13:30:00Z'));
    expect(zonedToUtcUs(2015, 9, 23, 20, 57, 42, 146_000, 'UTC')).toBe(iso('2015-09-23T20:57:42.146Z'));
  });

  it('reads a time in the spring-forward gap with the offset before it (02:30 -> 03:30 EDT)', () => {
    // 2021-03-14: New York clocks jump from 02:00 EST to 03:00 EDT (07:00Z).
    expect(zonedToUtcUs(2021, 3, 14, 2, 30, 0, 0, 'America/New_York')).toBe(iso('2021-03-14T07:30:00Z'));
    expect(zonedToUtcUs(2021, 3, 14, 1, 59, 59, 999_999, 'America/New_York')).toBe(iso('2021-03-14T06:59:59.999Z') + 999);
    expect(zonedToUtcUs(2021, 3, 14, 3, 0, 0, 0, 'America/New_York')).toBe(iso('2021-03-14T07:00:00Z'));
  });

  it('reads an ambiguous fall-back time as the earlier instant', () => {
    // 2021-11-07: 02:00 EDT becomes 01:00 EST at 06:00Z, so 01:30 happens at 05:30Z and 06:30Z.
    expect(zonedToUtcUs(2021, 11, 7, 1, 30, 0, 0, 'America/New_York')).toBe(iso('2021-11-07T05:30:00Z'));
    expect(zonedToUtcUs(2021, 11, 7, 2, 0, 0, 0, 'America/New_York')).toBe(iso('2021-11-07T07:00:00Z'));
  });

  it('handles the southern hemisphere and half-hour zones', () => {
    // Sydney: 2021-10-03 02:00 AEST -> 03:00 AEDT; 02:30 is in the gap.
    expect(zonedToUtcUs(2021, 10, 3, 2, 30, 0, 0, 'Australia/Sydney')).toBe(iso('2021-10-02T16:30:00Z'));
    expect(zonedToUtcUs(2021, 7, 1, 12, 0, 0, 0, 'Australia/Sydney')).toBe(iso('2021-07-01T02:00:00Z'));
    expect(zonedToUtcUs(2021, 7, 1, 12, 0, 0, 0, 'Asia/Kolkata')).toBe(iso('2021-07-01T06:30:00Z'));
  });

  it('refuses what is not a local time or a zone', () => {
    expect(() => zonedToUtcUs(2021, 2, 29, 0, 0, 0, 0, 'UTC')).toThrow(RangeError);
    expect(() => zonedToUtcUs(2021, 1, 1, 24, 0, 0, 0, 'UTC')).toThrow(RangeError);
    expect(() => zonedToUtcUs(2021, 1, 1, 0, 0, 0, 0, 'Mars/Olympus')).toThrow(/time zone/);
  });

  it('gives offsets at instants on both sides of a transition', () => {
    expect(zoneOffsetUs(iso('2021-03-14T06:59:59Z'), 'America/New_York')).toBe(-5 * US_PER_HOUR);
    expect(zoneOffsetUs(iso('2021-03-14T07:00:00Z'), 'America/New_York')).toBe(-4 * US_PER_HOUR);
  });
});

describe('sessions', () => {
  const xnys = CALENDARS.XNYS;

  it('opens XNYS at 14:30Z in winter and 13:30Z in summer, 6.5 hours long', () => {
    expect(sessionOpenUs(xnys, '2006-01-03')).toBe(iso('2006-01-03T14:30:00Z'));
    expect(sessionCloseUs(xnys, '2006-01-03')).toBe(iso('2006-01-03T21:00:00Z'));
    expect(sessionOpenUs(xnys, '2006-07-03')).toBe(iso('2006-07-03T13:30:00Z'));
    expect(sessionCloseUs(xnys, '2006-07-03')).toBe(iso('2006-07-03T20:00:00Z'));
    // The Monday after the 2021 spring-forward weekend, and the Friday before it.
    expect(sessionOpenUs(xnys, '2021-03-12')).toBe(iso('2021-03-12T14:30:00Z'));
    expect(sessionOpenUs(xnys, '2021-03-15')).toBe(iso('2021-03-15T13:30:00Z'));
    expect(sessionLengthUs(xnys)).toBe(6.5 * US_PER_HOUR);
    expect(sessionLengthUs(xnys, '2021-03-15')).toBe(6.5 * US_PER_HOUR);
  });

  it('opens an overnight FX session the evening before its date', () => {
    const fx = CALENDARS.FX_24x5;
    // Monday 2021-03-15's session opens Sunday 17:00 EDT (DST began that morning) = 21:00Z.
    expect(sessionOpenUs(fx, '2021-03-15')).toBe(iso('2021-03-14T21:00:00Z'));
    expect(sessionCloseUs(fx, '2021-03-15')).toBe(iso('2021-03-15T21:00:00Z'));
    // Friday 2021-03-12's session opened Thursday 17:00 EST = 22:00Z and closes 22:00Z.
    expect(sessionOpenUs(fx, '2021-03-12')).toBe(iso('2021-03-11T22:00:00Z'));
    // The session spanning the spring-forward night lasts 23 hours; nominally 24.
    expect(sessionLengthUs(fx, '2021-03-14')).toBe(23 * US_PER_HOUR);
    expect(sessionLengthUs(fx)).toBe(24 * US_PER_HOUR);
    expect(sessionDateOf(fx, iso('2021-03-15T20:59:59Z'))).toBe('2021-03-15');
    expect(sessionDateOf(fx, iso('2021-03-15T21:00:00Z'))).toBe('2021-03-16');
    expect(isTradingDay(fx, '2021-03-14')).toBe(false);
    // Friday's close to Monday's open: the next open after Friday 17:00 is Sunday 17:00.
    expect(nextSessionOpenUs(fx, iso('2021-03-12T22:00:00Z'))).toBe(iso('2021-03-14T21:00:00Z'));
  });

  it('runs UTC_24H from midnight to midnight every day', () => {
    const u = CALENDARS.UTC_24H;
    expect(sessionOpenUs(u, '2021-03-13')).toBe(iso('2021-03-13T00:00:00Z'));
    expect(sessionCloseUs(u, '2021-03-13')).toBe(iso('2021-03-14T00:00:00Z'));
    expect(isTradingDay(u, '2021-03-13')).toBe(true);
    expect(u.sessionsPerYear).toBe(365);
    expect(sessionDateOf(u, iso('2021-03-13T23:59:59Z'))).toBe('2021-03-13');
  });

  it('knows trading days, holidays and local session dates', () => {
    const cal = SessionCalendarSchema.parse({ timeZone: 'America/New_York', open: '09:30', close: '16:00', holidays: ['2021-03-16'] });
    expect(isTradingDay(cal, '2021-03-15')).toBe(true);
    expect(isTradingDay(cal, '2021-03-16')).toBe(false);
    expect(isTradingDay(cal, '2021-03-13')).toBe(false);
    // 03:30Z on the 15th is 23:30 on the 14th in New York.
    expect(sessionDateOf(cal, iso('2021-03-15T03:30:00Z'))).toBe('2021-03-14');
    // From Monday's close the next open skips the Tuesday holiday.
    expect(nextSessionOpenUs(cal, iso('2021-03-15T20:00:00Z'))).toBe(iso('2021-03-17T13:30:00Z'));
    // Strictly after: at an open, the next open is the following session's.
    expect(nextSessionOpenUs(cal, iso('2021-03-17T13:30:00Z'))).toBe(iso('2021-03-18T13:30:00Z'));
    expect(nextSessionOpenUs(cal, iso('2021-03-17T13:29:59Z'))).toBe(iso('2021-03-17T13:30:00Z'));
  });

  it('validates calendars and resolves presets by name', () => {
    expect(SessionCalendarSchema.safeParse({ open: '9:30', close: '16:00' }).success).toBe(false);
    expect(SessionCalendarSchema.safeParse({ open: '09:30', close: '24:01' }).success).toBe(false);
    expect(SessionCalendarSchema.safeParse({ timeZone: 'Nowhere/Land', open: '09:30', close: '16:00' }).success).toBe(false);
    expect(SessionCalendarSchema.safeParse({ open: '09:30', close: '16:00', extra: 1 }).success).toBe(false);
    expect(SessionCalendarSchema.parse({ open: '09:30', close: '16:00' })).toEqual({
      timeZone: 'UTC', open: '09:30', close: '16:00', weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], holidays: [], sessionsPerYear: 252,
    });
    expect(resolveCalendar('XNYS')).toBe(CALENDARS.XNYS);
    expect(() => sessionOpenUs(CALENDARS.XNYS, '2021-02-30')).toThrow(RangeError);
  });

  it('converts civil dates both ways', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
    expect(civilDateString(daysFromCivil(1685, 12, 31))).toBe('1685-12-31');
    expect(civilDateString(daysFromCivil(2255, 2, 28))).toBe('2255-02-28');
  });
});

describe('preset calendars', () => {
  it('equal what the schema makes of their short forms (they are written out to keep Intl out of start-up)', () => {
    expect(CALENDARS.XNYS).toEqual(SessionCalendarSchema.parse({ timeZone: 'America/New_York', open: '09:30', close: '16:00' }));
    expect(CALENDARS.XETR).toEqual(SessionCalendarSchema.parse({ timeZone: 'Europe/Berlin', open: '09:00', close: '17:30' }));
    expect(CALENDARS.UTC_24H).toEqual(SessionCalendarSchema.parse({ timeZone: 'UTC', open: '00:00', close: '24:00', weekdays: [...WEEKDAYS], sessionsPerYear: 365 }));
    expect(CALENDARS.FX_24x5).toEqual(SessionCalendarSchema.parse({ timeZone: 'America/New_York', open: '17:00', close: '17:00', sessionsPerYear: 260 }));
  });

  it('tells known zones from unknown ones, UTC without Intl', () => {
    expect([isValidTimeZone('UTC'), isValidTimeZone('Europe/Berlin'), isValidTimeZone('Europe/Berlin'), isValidTimeZone('Mars/Olympus')]).toEqual([true, true, true, false]);
  });
});
