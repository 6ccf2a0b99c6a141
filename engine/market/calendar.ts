/**
 * Session calendars: when a market is open, in its own time zone, and how local wall-clock times
 * map to epoch microseconds. Pure functions of their arguments: no real time is read. Offsets come
 * from the platform's IANA database through Intl.DateTimeFormat and are cached per local date, so
 * converting millions of intraday timestamps costs a map lookup each, not an Intl call.
 *
 * Rules:
 * - A session for date D opens at `open` and closes at `close`, local time in `timeZone`.
 *   `close` may be '24:00' (midnight ending D). When `close` <= `open` the session is overnight:
 *   it opens at `open` on the day before D and closes at `close` on D (FX: Monday's session opens
 *   Sunday 17:00 New York). A session's date is the date on which it closes.
 * - Nonexistent and ambiguous local times follow the 'compatible' rule of Temporal and java.time:
 *   a time inside a spring-forward gap is read with the offset in force before the gap (so
 *   02:30 on a New York spring-forward day is 03:30 EDT); a time that occurs twice on a fall-back
 *   day is the earlier of the two instants (01:30 EDT, not 01:30 EST).
 */
import { z } from 'zod';
import type { TimeUs } from '../kernel/time.ts';
import { civilDateString, US_PER_SECOND } from '../kernel/time.ts';

export { civilDateString };

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const HHMM_OR_24 = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

const knownZones = new Map<string, boolean>([['UTC', true], ['Etc/UTC', true]]);

/**
 * True when the platform knows `timeZone` as an IANA zone (or 'UTC'). UTC is answered without
 * Intl, and answers are kept: the first Intl.DateTimeFormat of a process costs about 30 ms (ICU's
 * zone data), which a run on UTC data never needs.
 */
export function isValidTimeZone(timeZone: string): boolean {
  let ok = knownZones.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    if (knownZones.size < 1024) knownZones.set(timeZone, ok);
  }
  return ok;
}

export const SessionCalendarSchema = z.strictObject({
  timeZone: z.string().refine(isValidTimeZone, { message: 'unknown IANA time zone' }).default('UTC')
    .describe("IANA time zone in which open, close and holiday dates are read, e.g. 'America/New_York'. Default 'UTC'."),
  open: z.string().regex(HHMM, "expected 'HH:MM' (00:00..23:59)")
    .describe("Session open, local 'HH:MM'. When close <= open the session is overnight and opens the day before its date."),
  close: z.string().regex(HHMM_OR_24, "expected 'HH:MM' (00:00..24:00)")
    .describe("Session close, local 'HH:MM'; '24:00' is the midnight that ends the session date. A session's date is the date it closes."),
  weekdays: z.array(z.enum(WEEKDAYS)).min(1).default(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])
    .describe('Weekdays (of the session date) on which the market trades. Default Mon..Fri.'),
  holidays: z.array(z.iso.date()).default([])
    .describe("Session dates ('YYYY-MM-DD') on which the market is closed although the weekday trades."),
  sessionsPerYear: z.number().int().min(1).max(366).default(252)
    .describe('Sessions per year, used to annualise per-session statistics (252 for equities, 365 for markets open every day).'),
}).describe('A trading session calendar: local session hours in an IANA time zone, trading weekdays and holidays.');

export type SessionCalendar = z.infer<typeof SessionCalendarSchema>;
export type SessionCalendarInput = z.input<typeof SessionCalendarSchema>;

const MON_FRI: Weekday[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
const preset = (c: SessionCalendar): SessionCalendar => c;

/**
 * Named calendars. Holidays are not listed: supply them when exact session counts matter. Written
 * out with every default (not parsed at load, which would look up their zones through Intl on every
 * start-up); calendar.test.ts checks each equals SessionCalendarSchema's parse of its short form.
 */
export const CALENDARS = Object.freeze({
  /** New York Stock Exchange regular hours. */
  XNYS: preset({ timeZone: 'America/New_York', open: '09:30', close: '16:00', weekdays: [...MON_FRI], holidays: [], sessionsPerYear: 252 }),
  /** Xetra / Eurex-style European cash session, Frankfurt time. */
  XETR: preset({ timeZone: 'Europe/Berlin', open: '09:00', close: '17:30', weekdays: [...MON_FRI], holidays: [], sessionsPerYear: 252 }),
  /** Round the clock, every day (crypto, synthetic markets). */
  UTC_24H: preset({ timeZone: 'UTC', open: '00:00', close: '24:00', weekdays: [...WEEKDAYS], holidays: [], sessionsPerYear: 365 }),
  /** Spot FX: Sunday 17:00 to Friday 17:00 New York, one session a day rolling at 17:00 New York. */
  FX_24x5: preset({ timeZone: 'America/New_York', open: '17:00', close: '17:00', weekdays: [...MON_FRI], holidays: [], sessionsPerYear: 260 }),
});
export type CalendarName = keyof typeof CALENDARS;
const CALENDAR_NAMES = Object.keys(CALENDARS) as [CalendarName, ...CalendarName[]];

/** A calendar given by preset name or in full (what mappings and scenario files accept). */
export const CalendarRefSchema = z.union([
  z.enum(CALENDAR_NAMES).describe(`A preset calendar: ${CALENDAR_NAMES.join(', ')}.`),
  SessionCalendarSchema,
]);
export type CalendarRef = z.input<typeof CalendarRefSchema>;

export function resolveCalendar(ref: CalendarRef): SessionCalendar {
  return typeof ref === 'string' ? CALENDARS[ref] : SessionCalendarSchema.parse(ref);
}

// ---- civil-date arithmetic (proleptic Gregorian, no Date objects; Hinnant's algorithms) ----

/** Days since 1970-01-01 of a civil date; month is 1-based. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a 'YYYY-MM-DD' string; throws RangeError on anything else. */
export function parseDateDays(date: string): number {
  const m = DATE_RE.exec(date);
  const y = Number(m?.[1]), mo = Number(m?.[2]), d = Number(m?.[3]);
  if (m === null || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw new RangeError(`expected a date 'YYYY-MM-DD', got '${date}'`);
  }
  return daysFromCivil(y, mo, d);
}

// ---- zone offsets ----

/**
 * Offsets of one zone, cached per local day. A day whose offset does not change stores one offset;
 * a day near a transition stores the offsets before and after and the transition instant, found
 * once by bisection. Assumes a zone changes offset at most once within any 62 hours (true of tzdb
 * for the years a TimeUs covers, 1685..2255).
 */
interface DayOffsets {
  /** Offset (local minus UTC) in seconds before the transition, or all day. */
  readonly beforeS: number;
  readonly afterS: number;
  /** First UTC second at which `afterS` applies; Infinity when the day has no transition. */
  readonly transitionS: number;
}

const DAY_S = 86_400;
const MAX_CACHED_DAYS = 200_000;

class ZoneOffsets {
  private readonly fmt: Intl.DateTimeFormat | null;
  private readonly days = new Map<number, DayOffsets>();
  private lastDay = Number.NaN;
  private lastOffsets: DayOffsets | undefined;

  constructor(timeZone: string) {
    this.fmt = timeZone === 'UTC' || timeZone === 'Etc/UTC' ? null : new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Offset in seconds at a UTC second, from Intl (slow: used to fill the cache). */
  private offsetAtS(utcS: number): number {
    if (this.fmt === null) return 0;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of this.fmt.formatToParts(utcS * 1000)) {
      const v = Number(p.value);
      if (p.type === 'year') y = v; else if (p.type === 'month') mo = v; else if (p.type === 'day') d = v;
      else if (p.type === 'hour') h = v; else if (p.type === 'minute') mi = v; else if (p.type === 'second') s = v;
    }
    return daysFromCivil(y, mo, d) * DAY_S + h * 3600 + mi * 60 + s - utcS;
  }

  /** Offsets for local day `day` (days since epoch of the local date). */
  forDay(day: number): DayOffsets {
    if (day === this.lastDay && this.lastOffsets !== undefined) return this.lastOffsets;
    let entry = this.days.get(day);
    if (entry === undefined) {
      entry = this.compute(day);
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      this.days.set(day, entry);
    }
    this.lastDay = day;
    this.lastOffsets = entry;
    return entry;
  }

  private compute(day: number): DayOffsets {
    if (this.fmt === null) return { beforeS: 0, afterS: 0, transitionS: Infinity };
    // Every UTC instant whose local date is `day` lies in [lo, hi] for offsets in -12h..+14h.
    let lo = day * DAY_S - 14 * 3600;
    let hi = (day + 1) * DAY_S + 12 * 3600;
    const beforeS = this.offsetAtS(lo);
    const afterS = this.offsetAtS(hi);
    if (beforeS === afterS && this.offsetAtS(Math.floor((lo + hi) / 2)) === beforeS) {
      return { beforeS, afterS, transitionS: Infinity };
    }
    if (beforeS === afterS) throw new RangeError(`zone changes offset twice within 62 hours near day ${civilDateString(day)}`);
    // Bisection to the first second with the new offset: at most ~18 Intl calls, once per transition.
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAtS(mid) === beforeS) lo = mid; else hi = mid;
    }
    return { beforeS, afterS, transitionS: hi };
  }

  /** Local wall-clock seconds (as if UTC) -> UTC seconds, by the 'compatible' rule. */
  localToUtcS(localS: number): number {
    // UTC: what compute() would cache for every day (offset 0, no transition), without the lookup.
    if (this.fmt === null) return localS;
    const o = this.forDay(Math.floor(localS / DAY_S));
    if (o.transitionS === Infinity) return localS - o.beforeS;
    const early = localS - o.beforeS; // valid when it falls before the transition
    const late = localS - o.afterS; // valid when it falls at or after the transition
    if (early < o.transitionS) return early; // unique, or the earlier of an ambiguous pair
    if (late >= o.transitionS) return late;
    return early; // in the gap: read with the offset before it, which lands after the gap
  }

  /** UTC seconds -> offset in seconds at that instant. */
  offsetAtUtcS(utcS: number): number {
    if (this.fmt === null) return 0;
    // Guess the local day from the UTC day's offsets, then confirm with the local day's.
    let day = Math.floor(utcS / DAY_S);
    for (let i = 0; i < 3; i++) {
      const o = this.forDay(day);
      const off = utcS < o.transitionS ? o.beforeS : o.afterS;
      const localDay = Math.floor((utcS + off) / DAY_S);
      if (localDay === day) return off;
      day = localDay;
    }
    return this.offsetAtS(utcS);
  }
}

const zones = new Map<string, ZoneOffsets>();

function zoneOf(timeZone: string): ZoneOffsets {
  let z0 = zones.get(timeZone);
  if (z0 === undefined) {
    if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown IANA time zone '${timeZone}'`);
    z0 = new ZoneOffsets(timeZone);
    zones.set(timeZone, z0);
  }
  return z0;
}

function inRange(v: number, lo: number, hi: number): boolean {
  return Number.isInteger(v) && v >= lo && v <= hi;
}

/**
 * Epoch microseconds of a local wall-clock time in `timeZone` (month 1-based, `micro` 0..999999).
 * Gaps and overlaps follow the 'compatible' rule described at the top of this file.
 */
export function zonedToUtcUs(
  y: number, m: number, d: number, hh: number, mm: number, ss: number, micro: number, timeZone: string,
): TimeUs {
  if (!inRange(y, -9999, 9999) || !inRange(m, 1, 12) || !inRange(d, 1, daysInMonth(y, m)) || !inRange(hh, 0, 23)
    || !inRange(mm, 0, 59) || !inRange(ss, 0, 59) || !inRange(micro, 0, 999_999)) {
    throw new RangeError(`not a local time: ${y}-${m}-${d} ${hh}:${mm}:${ss}.${micro}`);
  }
  const localS = daysFromCivil(y, m, d) * DAY_S + hh * 3600 + mm * 60 + ss;
  return zoneOf(timeZone).localToUtcS(localS) * US_PER_SECOND + micro;
}

/** Offset (local minus UTC) in microseconds at an instant. */
export function zoneOffsetUs(timeUs: TimeUs, timeZone: string): number {
  return zoneOf(timeZone).offsetAtUtcS(Math.floor(timeUs / US_PER_SECOND)) * US_PER_SECOND;
}

// ---- sessions ----

interface Compiled {
  readonly zone: ZoneOffsets;
  readonly openS: number;
  readonly closeS: number;
  /** close <= open: the session opens on the previous day. */
  readonly overnight: boolean;
  /** Bit (ISO weekday - 1) set when the weekday trades. */
  readonly weekdayMask: number;
  readonly holidays: ReadonlySet<number>;
}

const compiledCache = new WeakMap<SessionCalendar, Compiled>();
// The calendar compiled last: a run asks about one calendar at every order, and a WeakMap lookup
// per call was a visible part of the risk engine's session roll.
let lastCalendar: SessionCalendar | null = null;
let lastCompiled: Compiled | null = null;

function hhmmToS(s: string): number {
  return Number(s.slice(0, 2)) * 3600 + Number(s.slice(3, 5)) * 60;
}

function compile(cal: SessionCalendar): Compiled {
  if (cal === lastCalendar) return lastCompiled!;
  let c = compiledCache.get(cal);
  if (c === undefined) {
    const openS = hhmmToS(cal.open);
    const closeS = hhmmToS(cal.close);
    let weekdayMask = 0;
    for (const w of cal.weekdays) weekdayMask |= 1 << WEEKDAYS.indexOf(w);
    c = {
      zone: zoneOf(cal.timeZone), openS, closeS, overnight: closeS <= openS, weekdayMask,
      holidays: new Set(cal.holidays.map(parseDateDays)),
    };
    compiledCache.set(cal, c);
  }
  lastCalendar = cal;
  lastCompiled = c;
  return c;
}

/** Session open of the session dated y-m-d (numeric form of sessionOpenUs, for hot loops). */
export function sessionOpenUsYmd(cal: SessionCalendar, y: number, m: number, d: number): TimeUs {
  const c = compile(cal);
  const day = daysFromCivil(y, m, d) - (c.overnight ? 1 : 0);
  return c.zone.localToUtcS(day * DAY_S + c.openS) * US_PER_SECOND;
}

/** Session close of the session dated y-m-d (numeric form of sessionCloseUs). */
export function sessionCloseUsYmd(cal: SessionCalendar, y: number, m: number, d: number): TimeUs {
  const c = compile(cal);
  return c.zone.localToUtcS(daysFromCivil(y, m, d) * DAY_S + c.closeS) * US_PER_SECOND;
}

function ymdOf(date: string): [number, number, number] {
  parseDateDays(date); // validates
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** When the session dated `date` ('YYYY-MM-DD') opens. Does not check that it is a trading day. */
export function sessionOpenUs(cal: SessionCalendar, date: string): TimeUs {
  const [y, m, d] = ymdOf(date);
  return sessionOpenUsYmd(cal, y, m, d);
}

/** When the session dated `date` closes. Does not check that it is a trading day. */
export function sessionCloseUs(cal: SessionCalendar, date: string): TimeUs {
  const [y, m, d] = ymdOf(date);
  return sessionCloseUsYmd(cal, y, m, d);
}

/**
 * Length of a session. With a date: that session's true length (23 or 25 hours for a 24-hour
 * session across a DST change). Without: the nominal length by the local clock, which is what a
 * daily bar's interval is declared as.
 */
export function sessionLengthUs(cal: SessionCalendar, date?: string): number {
  if (date !== undefined) return sessionCloseUs(cal, date) - sessionOpenUs(cal, date);
  const c = compile(cal);
  return (c.overnight ? c.closeS + DAY_S - c.openS : c.closeS - c.openS) * US_PER_SECOND;
}

/** True when the weekday of `date` trades and `date` is not a listed holiday. */
export function isTradingDay(cal: SessionCalendar, date: string): boolean {
  return isTradingDayNumber(compile(cal), parseDateDays(date));
}

function isTradingDayNumber(c: Compiled, day: number): boolean {
  const isoWeekday0 = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (index 3 from Monday)
  return (c.weekdayMask & (1 << isoWeekday0)) !== 0 && (c.holidays.size === 0 || !c.holidays.has(day));
}

/**
 * The session date ('YYYY-MM-DD') a time belongs to by the local clock: the local date, or for an
 * overnight calendar the next local date once the local time is at or past `open`. It does not
 * consult weekdays or holidays (the date may not be a trading day: see isTradingDay), so times
 * outside the session hours map to the date of the session window they fall in.
 */
export function sessionDateOf(cal: SessionCalendar, timeUs: TimeUs): string {
  return civilDateString(sessionDayOf(compile(cal), timeUs));
}

/** sessionDateOf as a day number (days since 1970-01-01), for callers that may never need the string. */
export function sessionDayNumberOf(cal: SessionCalendar, timeUs: TimeUs): number {
  return sessionDayOf(compile(cal), timeUs);
}

function sessionDayOf(c: Compiled, timeUs: TimeUs): number {
  const utcS = Math.floor(timeUs / US_PER_SECOND);
  const localS = utcS + c.zone.offsetAtUtcS(utcS);
  const day = Math.floor(localS / DAY_S);
  return c.overnight && localS - day * DAY_S >= c.openS ? day + 1 : day;
}

/** Upper bound on days searched for the next session: a calendar closed this long is an error. */
const NEXT_SESSION_MAX_DAYS = 3_660;

/** The first session open strictly after `timeUs`, skipping non-trading days and holidays. */
export function nextSessionOpenUs(cal: SessionCalendar, timeUs: TimeUs): TimeUs {
  const c = compile(cal);
  const start = sessionDayOf(c, timeUs);
  for (let day = start; day < start + NEXT_SESSION_MAX_DAYS; day++) {
    if (!isTradingDayNumber(c, day)) continue;
    const openUs = c.zone.localToUtcS((day - (c.overnight ? 1 : 0)) * DAY_S + c.openS) * US_PER_SECOND;
    if (openUs > timeUs) return openUs;
  }
  throw new RangeError(`no trading session within ${NEXT_SESSION_MAX_DAYS} days after ${timeUs}`);
}
