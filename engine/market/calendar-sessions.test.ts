// Proves that the session answers the risk engine asks at every order (nextSessionOpenUs, the
// session date as a string and as a day number) agree, on random calendars (zones with and without
// DST, half-hour and 45-minute offsets, overnight sessions, '24:00' closes, any trading weekdays,
// holidays) and random instants, with an independent computation that caches nothing: offsets read
// from Intl at each call, local times converted by the two-candidate rule Temporal uses, trading
// days from the calendar's own lists. Queries alternate between two calendars so that the memo of
// the calendar compiled last and the per-day offset caches are crossed in every order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextSessionOpenUs, sessionDateOf, sessionDayNumberOf, SessionCalendarSchema, WEEKDAYS, type SessionCalendar } from './calendar.ts';

const DAY_S = 86_400;
const US = 1_000_000;
const ZONES = ['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu'] as const;

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local minus UTC in seconds at a UTC second, straight from Intl (UTC included). */
function refOffsetS(timeZone: string, utcS: number): number {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(utcS * 1000).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) / 1000 - utcS;
}

/** Local wall-clock seconds -> UTC seconds: the earlier valid reading, or in a gap the offset from before it. */
function refLocalToUtcS(timeZone: string, localS: number): number {
  const before = refOffsetS(timeZone, localS - DAY_S);
  const after = refOffsetS(timeZone, localS + DAY_S);
  const valid = [localS - before, localS - after].filter((u) => refOffsetS(timeZone, u) === localS - u);
  return valid.length > 0 ? Math.min(...valid) : localS - before;
}

const hhmmS = (s: string): number => Number(s.slice(0, 2)) * 3600 + Number(s.slice(3, 5)) * 60;
const overnight = (cal: SessionCalendar): boolean => hhmmS(cal.close) <= hhmmS(cal.open);
const dateOfDay = (day: number): string => new Date(day * DAY_S * 1000).toISOString().slice(0, 10);

function refSessionDay(cal: SessionCalendar, timeUs: number): number {
  const utcS = Math.floor(timeUs / US);
  const localS = utcS + refOffsetS(cal.timeZone, utcS);
  const day = Math.floor(localS / DAY_S);
  return overnight(cal) && localS - day * DAY_S >= hhmmS(cal.open) ? day + 1 : day;
}

function refNextOpenUs(cal: SessionCalendar, timeUs: number): number {
  const start = refSessionDay(cal, timeUs);
  for (let day = start; day < start + 3660; day++) {
    const weekday = WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
    if (!cal.weekdays.includes(weekday) || cal.holidays.includes(dateOfDay(day))) continue;
    const openUs = refLocalToUtcS(cal.timeZone, (day - (overnight(cal) ? 1 : 0)) * DAY_S + hhmmS(cal.open)) * US;
    if (openUs > timeUs) return openUs;
  }
  throw new Error('no session');
}

const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
// Days 7,300..25,550: 1990..2039.
const baseDay = fc.integer({ min: 7_300, max: 25_550 });

/** A calendar and instants near a base day: random ones, and ones at its open and close (to the second and a microsecond either side). */
const calendarWithTimes = baseDay.chain((base) => fc.record({
  cal: fc.record({
    timeZone: fc.constantFrom(...ZONES),
    open: hhmm,
    close: fc.oneof(hhmm, fc.constant('24:00')),
    weekdays: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    holidays: fc.uniqueArray(fc.integer({ min: base - 12, max: base + 12 }).map(dateOfDay), { maxLength: 8 }),
  }).map((c) => SessionCalendarSchema.parse(c)),
  times: fc.array(fc.oneof(
    fc.integer({ min: (base - 10) * DAY_S * US, max: (base + 10) * DAY_S * US }),
    fc.tuple(fc.integer({ min: base - 10, max: base + 10 }), fc.constantFrom(0, 1, 2), fc.constantFrom(-US, -1, 0, 1)).map(([d, which, jitter]) => ({ d, which, jitter })),
  ), { minLength: 1, maxLength: 8 }),
}));

/** An instant: as drawn, or the calendar's open/close/midnight on a local day, plus jitter (the local time read through the reference). */
function instantUs(cal: SessionCalendar, t: number | { d: number; which: number; jitter: number }): number {
  if (typeof t === 'number') return t;
  const localS = t.d * DAY_S + (t.which === 0 ? hhmmS(cal.open) : t.which === 1 ? Math.min(hhmmS(cal.close), DAY_S - 1) : 0);
  return refLocalToUtcS(cal.timeZone, localS) * US + t.jitter;
}

describe('session answers agree with an uncached computation', () => {
  it('next open, session date and session day number, over random calendars and instants, two calendars interleaved', () => {
    fc.assert(fc.property(calendarWithTimes, calendarWithTimes, (a, b) => {
      const n = Math.max(a.times.length, b.times.length);
      for (let i = 0; i < n; i++) {
        for (const { cal, times } of [a, b]) {
          const drawn = times[i % times.length]!;
          const t = instantUs(cal, drawn);
          const day = refSessionDay(cal, t);
          expect(nextSessionOpenUs(cal, t)).toBe(refNextOpenUs(cal, t));
          expect(sessionDayNumberOf(cal, t)).toBe(day);
          expect(sessionDateOf(cal, t)).toBe(dateOfDay(day));
        }
      }
    }), { seed: 20261129, numRuns: 400 });
  });
});
