/**
 * Trading sessions as plain parameters (local HH:MM open/close, a fixed UTC offset, weekdays).
 * Deliberately independent of engine/market/calendar.ts: no holidays, no daylight saving; a
 * scenario that needs those uses a recorded source or a calendar-driven generator later.
 */
import { US_PER_DAY, US_PER_MINUTE } from '../../kernel/time.ts';
import { minutesOfDay, sessionLengthMinutes, type SessionParams } from './schema.ts';

/** 1970-01-01 was a Thursday (weekday 4 with 0 = Sunday). */
const EPOCH_WEEKDAY = 4;

export class SessionSchedule {
  /** Open of the session found by the last `seek` (epoch microseconds, UTC). */
  openUs = 0;
  /** Close (exclusive) of the session found by the last `seek`. */
  closeUs = 0;
  readonly lengthUs: number = 0;
  private readonly openOffsetUs: number = 0;
  private readonly utcOffsetUs: number = 0;
  private readonly weekdays: readonly boolean[];

  constructor(p: SessionParams) {
    this.lengthUs = sessionLengthMinutes(p.open, p.close) * US_PER_MINUTE;
    this.openOffsetUs = minutesOfDay(p.open) * US_PER_MINUTE;
    this.utcOffsetUs = p.utcOffsetMinutes * US_PER_MINUTE;
    const days = [false, false, false, false, false, false, false];
    for (const d of p.weekdays) days[d] = true;
    this.weekdays = days;
  }

  /**
   * Finds the first session whose close is after `t` (it may already be open at `t`) and stores
   * it in openUs/closeUs. Sessions never overlap (each is shorter than a day), so scanning days
   * in order from the day before `t` (a session crossing midnight) finds it within eight days.
   */
  seek(t: number): void {
    const localDay = Math.floor((t + this.utcOffsetUs) / US_PER_DAY);
    for (let day = localDay - 1; day <= localDay + 8; day++) {
      if (!this.weekdays[(((day + EPOCH_WEEKDAY) % 7) + 7) % 7]) continue;
      const open = day * US_PER_DAY + this.openOffsetUs - this.utcOffsetUs;
      const close = open + this.lengthUs;
      if (close > t) {
        this.openUs = open;
        this.closeUs = close;
        return;
      }
    }
    // Unreachable with at least one weekday (the schema requires one): a bug, not bad input.
    throw new Error(`session schedule: no session within 8 days of ${t}`);
  }

  /**
   * The first bar slot of `intervalUs` starting at or after `t`: on its session's grid (aligned to
   * the open), or the next session's open when no whole bar fits before that session closes. The
   * slot's session is left in openUs/closeUs. The bar generator places its bars by this rule, and
   * the market's bounds are computed by it without generating (bounds.ts).
   */
  seekSlot(t: number, intervalUs: number): number {
    this.seek(t);
    let open = this.openUs;
    if (t > open) open += Math.ceil((t - open) / intervalUs) * intervalUs;
    if (open + intervalUs > this.closeUs) {
      this.seek(this.closeUs);
      open = this.openUs;
    }
    return open;
  }

  /** True when `t` lies inside some session. */
  contains(t: number): boolean {
    this.seek(t);
    return t >= this.openUs && t < this.closeUs;
  }
}
