// Proves drawdownStats on hand-made curves: a drawdown that recovers, one that never does (counted
// to the last mark), a loss from the very start, equality as recovery, and the longest drawdown
// measured separately in time and in bars when uneven spacing makes them differ.
import { describe, expect, it } from 'vitest';
import { drawdownStats } from './drawdown.ts';

const DAY_US = 86_400_000_000;
const T0 = 946_684_800_000_000; // 2000-01-01

/** A curve from (day offset, equity) points; the first point is the start. */
function curve(points: [number, number][]) {
  const [start, ...marks] = points;
  return {
    startTimeUs: T0 + (start?.[0] ?? 0) * DAY_US,
    startEquity: start?.[1] ?? 1,
    timeUs: marks.map(([d]) => T0 + d * DAY_US),
    equity: marks.map(([, e]) => e),
  };
}

describe('drawdownStats', () => {
  it('measures a drawdown that recovers, from its peak to its recovery', () => {
    const s = drawdownStats(curve([[0, 100], [1, 120], [2, 90], [4, 60], [7, 120], [8, 130]]));
    expect(s.maxDrawdown).toBeCloseTo(0.5, 15); // 120 -> 60
    expect(s.peakTimeUs).toBe(T0 + 1 * DAY_US);
    expect(s.troughTimeUs).toBe(T0 + 4 * DAY_US);
    expect(s.recoveryTimeUs).toBe(T0 + 7 * DAY_US);
    expect(s.longestDurationUs).toBe(6 * DAY_US);
    expect(s.longestDurationBars).toBe(3);
  });

  it('counts a drawdown that never recovers to the last mark, from the start point', () => {
    const s = drawdownStats(curve([[0, 100], [1, 90], [2, 95], [5, 80]]));
    expect(s.maxDrawdown).toBeCloseTo(0.2, 15);
    expect(s.peakTimeUs).toBe(T0);
    expect(s.troughTimeUs).toBe(T0 + 5 * DAY_US);
    expect(s.recoveryTimeUs).toBeNull();
    expect(s.longestDurationUs).toBe(5 * DAY_US);
    expect(s.longestDurationBars).toBe(3);
  });

  it('counts a return to exactly the peak as recovered, and measures from the last mark at the peak', () => {
    // 100 held for two marks, then down and back to exactly 100.
    const s = drawdownStats(curve([[0, 100], [1, 100], [2, 100], [3, 75], [4, 100]]));
    expect(s.maxDrawdown).toBeCloseTo(0.25, 15);
    expect(s.peakTimeUs).toBe(T0 + 2 * DAY_US);
    expect(s.recoveryTimeUs).toBe(T0 + 4 * DAY_US);
    expect(s.longestDurationUs).toBe(2 * DAY_US);
    expect(s.longestDurationBars).toBe(2);
  });

  it('reports the deepest drawdown and the longest one separately, in time and in bars', () => {
    // A: 100 -> 50 -> 100, 2 bars over 10 days (deepest, longest in time).
    // B: 110 -> 105 -> 104 -> 106 -> 110, 4 bars over 4 days (longest in bars).
    const s = drawdownStats(curve([[0, 100], [5, 50], [10, 100], [11, 110], [12, 105], [13, 104], [14, 106], [15, 110]]));
    expect(s.maxDrawdown).toBeCloseTo(0.5, 15);
    expect(s.peakTimeUs).toBe(T0);
    expect(s.recoveryTimeUs).toBe(T0 + 10 * DAY_US);
    expect(s.longestDurationUs).toBe(10 * DAY_US);
    expect(s.longestDurationBars).toBe(4);
  });

  it('keeps the recovery time of the deepest drawdown when a later, shallower one stays open', () => {
    const s = drawdownStats(curve([[0, 100], [1, 50], [2, 100], [3, 90]]));
    expect(s.maxDrawdown).toBeCloseTo(0.5, 15);
    expect(s.recoveryTimeUs).toBe(T0 + 2 * DAY_US);
    expect(s.longestDurationBars).toBe(2);
  });

  it('reports no drawdown for a flat or rising curve, and for no marks', () => {
    for (const c of [curve([[0, 100], [1, 100], [2, 100]]), curve([[0, 100], [1, 101], [2, 102]]), curve([[0, 100]])]) {
      expect(drawdownStats(c)).toEqual({
        maxDrawdown: 0,
        peakTimeUs: null,
        troughTimeUs: null,
        recoveryTimeUs: null,
        longestDurationUs: 0,
        longestDurationDays: 0,
        longestDurationBars: 0,
      });
    }
  });

  it('measures a fall through zero as more than 100 % of the peak', () => {
    expect(drawdownStats(curve([[0, 100], [1, -20]])).maxDrawdown).toBeCloseTo(1.2, 15);
  });
});
