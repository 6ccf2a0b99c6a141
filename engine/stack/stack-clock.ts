/**
 * The stack's own clock: venue (kernel) time seen through an offset and a drift, as a real
 * trading host's clock differs from the exchange's. Defaults are zero, so it reads venue time;
 * chaos runs skew (`offsetUs`) and drift (`driftPpm`) it. Plain-data settings, changeable mid-run
 * (a skew injected at an instant) without the stack noticing anything but the time it reads.
 */
import type { Clock } from '../kernel/clock.ts';

export interface StackClockSettings {
  /** Constant offset added to venue time, microseconds (positive: the stack's clock runs ahead). */
  offsetUs: number;
  /** Drift in parts per million of venue time elapsed since `driftFromUs`. */
  driftPpm: number;
  /** Venue time from which drift accumulates. */
  driftFromUs: number;
}

export class StackClock implements Clock {
  private readonly venue: Clock;
  private s: StackClockSettings;

  constructor(venue: Clock, settings: Partial<StackClockSettings> = {}) {
    this.venue = venue;
    this.s = { offsetUs: 0, driftPpm: 0, driftFromUs: 0, ...settings };
    StackClock.check(this.s);
  }

  private static check(s: StackClockSettings): void {
    if (!Number.isSafeInteger(s.offsetUs)) throw new RangeError(`stack clock offset ${s.offsetUs} must be integer microseconds`);
    if (!Number.isFinite(s.driftPpm) || Math.abs(s.driftPpm) > 1e6) throw new RangeError(`stack clock drift ${s.driftPpm} ppm must be finite and within +-1e6`);
    if (!Number.isSafeInteger(s.driftFromUs)) throw new RangeError(`stack clock driftFromUs ${s.driftFromUs} must be integer microseconds`);
  }

  nowUs(): number {
    const t = this.venue.nowUs();
    const s = this.s;
    if (s.offsetUs === 0 && s.driftPpm === 0) return t;
    // Rounded down so that the stack's time stays an integer of microseconds.
    return t + s.offsetUs + Math.floor(((t - s.driftFromUs) * s.driftPpm) / 1e6);
  }

  /** Changes skew or drift from now on (chaos injects these). */
  set(settings: Partial<StackClockSettings>): void {
    const next = { ...this.s, ...settings };
    StackClock.check(next);
    this.s = next;
  }

  snapshot(): StackClockSettings {
    return { ...this.s };
  }
}
