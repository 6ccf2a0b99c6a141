/**
 * Time in force: when a DAY order expires.
 *
 * A DAY order lives until the close of the session it arrives in, by the venue's calendar (the
 * UTC day by default). An order arriving outside a session (after the close, before a weekend,
 * on a holiday) is for the next session and expires at that session's close, as a broker queues
 * a DAY order sent after hours for the next trading day.
 *
 * How expiry happens (the venue does both; the first one wins):
 * - a kernel event at the expiry instant (PRIORITY.venue), so the 'expired' report carries the
 *   session close time exactly even when no market data follows;
 * - a check at each market event of the instrument, before matching: market data runs before
 *   venue events within an instant, so without it a bar opening at the very instant of the close
 *   (the next UTC day's first bar) would be matched against an order that should be dead.
 * A bar whose prices lie inside the session (it opens before the close) is matched before the
 * order expires, even when it closes exactly at the session close.
 */
import { CALENDARS, isTradingDay, nextSessionOpenUs, sessionCloseUs, sessionDateOf, type SessionCalendar } from '../market/calendar.ts';

/** The calendar DAY orders use when the venue is given none: the UTC day, every day. */
export const DEFAULT_DAY_CALENDAR: SessionCalendar = CALENDARS.UTC_24H;

/** Epoch microseconds at which a DAY order arriving at `arrivalUs` expires. */
export function dayOrderExpiryUs(calendar: SessionCalendar, arrivalUs: number): number {
  const date = sessionDateOf(calendar, arrivalUs);
  if (isTradingDay(calendar, date)) {
    const closeUs = sessionCloseUs(calendar, date);
    if (closeUs > arrivalUs) return closeUs;
  }
  // Outside a session: the next session that opens after the arrival.
  const openUs = nextSessionOpenUs(calendar, arrivalUs);
  return sessionCloseUs(calendar, sessionDateOf(calendar, openUs));
}
