/**
 * The virtual clock. Engine and stack code read time only through a `Clock`; the kernel owns the
 * one `VirtualClock` of a run and moves it forward as events are dispatched.
 */
import { assertTimeUs, formatTimeUs, type TimeUs } from './time.ts';

export interface Clock {
  /** Current virtual time in epoch microseconds. */
  nowUs(): TimeUs;
}

export class VirtualClock implements Clock {
  /**
   * The time. Given a number where it is declared: a class field declared bare starts undefined,
   * and V8 then keeps it as a tagged value, so that every time stored (each market event) was a
   * new heap number. Only the kernel writes it: its loop stores each market time here itself
   * (after the checks advanceTo makes), since passing the time to advanceTo boxed it (allocated)
   * whenever V8 did not inline the call.
   */
  timeUs: TimeUs = Number.MIN_SAFE_INTEGER;

  constructor(startUs: TimeUs) {
    assertTimeUs(startUs, 'VirtualClock start');
    this.timeUs = startUs;
  }

  nowUs(): TimeUs {
    return this.timeUs;
  }

  /** Moves the clock to `timeUs`. Time never goes backwards: that is a bug in the caller. */
  advanceTo(timeUs: TimeUs, what: string): void {
    if (!Number.isSafeInteger(timeUs)) assertTimeUs(timeUs, what);
    if (timeUs < this.timeUs) {
      throw new RangeError(`clock would move backwards for ${what}: ${formatTimeUs(timeUs)} < now ${formatTimeUs(this.timeUs)}`);
    }
    this.timeUs = timeUs;
  }
}
