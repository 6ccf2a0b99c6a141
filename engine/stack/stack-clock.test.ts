// Proves the stack clock reads venue time by default and applies offset and drift exactly, as
// integers, without moving the venue's clock; bad settings fail fast.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../kernel/clock.ts';
import { StackClock } from './stack-clock.ts';

describe('StackClock', () => {
  it('reads venue time by default; skew and drift shift only the stack view', () => {
    const venue = new VirtualClock(1_000_000);
    const stack = new StackClock(venue);
    expect(stack.nowUs()).toBe(1_000_000);
    stack.set({ offsetUs: -250, driftPpm: 100, driftFromUs: 1_000_000 });
    venue.advanceTo(11_000_000, 'test');
    // 10 s elapsed at 100 ppm = 1000 us of drift, minus 250 us of offset.
    expect(stack.nowUs()).toBe(11_000_000 - 250 + 1000);
    expect(venue.nowUs()).toBe(11_000_000);
    expect(Number.isSafeInteger(new StackClock(venue, { driftPpm: 0.3, driftFromUs: 0 }).nowUs())).toBe(true);
    expect(stack.snapshot()).toEqual({ offsetUs: -250, driftPpm: 100, driftFromUs: 1_000_000 });
  });

  it('refuses settings that are not integer microseconds or a sane drift', () => {
    const venue = new VirtualClock(0);
    expect(() => new StackClock(venue, { offsetUs: 0.5 })).toThrow(/offset/);
    expect(() => new StackClock(venue, { driftPpm: Number.NaN })).toThrow(/drift/);
  });
});
