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
   * The time, in a typed array: the kernel's loop moves it by writing here (after the checks
   * advanceTo makes) instead of calling advanceTo with the time, which V8 boxes (allocates) when
   * it does not inline the call. Only the kernel writes it.
   */
  readonly timeSlot = new Float64Array(1);

  constructor(startUs: TimeUs) {
    assertTimeUs(startUs, 'VirtualClock start');
    this.timeSlot[0] = startUs;
  }

  nowUs(): TimeUs {
    return this.timeSlot[0]!;
  }

  /** Moves the clock to `timeUs`. Time never goes backwards: that is a bug in the caller. */
  advanceTo(timeUs: TimeUs, what: string): void {
    if (!Number.isSafeInteger(timeUs)) assertTimeUs(timeUs, what);
    const nowUs = this.timeSlot[0]!;
    if (timeUs < nowUs) {
      throw new RangeError(`clock would move backwards for ${what}: ${formatTimeUs(timeUs)} < now ${formatTimeUs(nowUs)}`);
    }
    this.timeSlot[0] = timeUs;
  }
}
