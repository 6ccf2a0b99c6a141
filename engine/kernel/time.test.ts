// formatTimeUs builds the date (civil-from-days) and the time of day itself, without Date: it must
// agree with the Date-based formatting everywhere in the exact range, across day boundaries and before 1970.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimeUs, US_PER_DAY } from './time.ts';

function viaDate(t: number): string {
  const ms = Math.floor(t / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(t - ms * 1000).padStart(3, '0')}Z`;
}

describe('formatTimeUs', () => {
  it('agrees with Date formatting over the exact range (1685..2255), in any call order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 20 }), (ts) => {
      for (const t of ts) expect(formatTimeUs(t)).toBe(viaDate(t));
    }), { seed: 20261128, numRuns: 2000 });
  });

  it('formats day edges and negative times', () => {
    for (const t of [0, -1, 1, US_PER_DAY - 1, US_PER_DAY, -US_PER_DAY - 1]) expect(formatTimeUs(t)).toBe(viaDate(t));
    expect(formatTimeUs(1577836800123456)).toBe('2020-01-01T00:00:00.123456Z');
  });
});
