/**
 * Where a synthetic bar market starts and ends, without generating it. Bar times never depend on
 * a draw: they follow from the start time, the count, the interval and the sessions alone, so a
 * caller that needs only the market's first and last time (a fault plan's windows are resolved
 * against them, once per run) need not draw the whole path to find them.
 *
 * The slot rule is the generator's own (SessionSchedule.seekSlot), followed session by session rather than bar by
 * bar: bars sit on the interval grid from the start, or inside sessions from the first slot at or
 * after the start aligned to its session's open, then from each later session's open; a slot that
 * would end after its session's close is not used (the next session takes the bar). bounds.test.ts
 * compares this with generated markets over drawn starts, counts, intervals and sessions.
 */
import type { BarOutputParams, SyntheticParams } from './schema.ts';
import { SessionSchedule } from './session.ts';

export interface MarketBoundsUs {
  /** The first bar's open time (epoch microseconds, UTC). */
  readonly firstUs: number;
  /** The last bar's close time. */
  readonly lastUs: number;
}

/**
 * The first bar's open and the last bar's close of `p.count` bars of `output`. Assumes parameters
 * the schema accepted and a generator that could be built from them (its constructor refuses a
 * market past the last exact time).
 */
export function syntheticBarBoundsUs(p: SyntheticParams, output: BarOutputParams): MarketBoundsUs {
  const intervalUs = output.intervalUs;
  if (p.session === undefined) return { firstUs: p.startTimeUs, lastUs: p.startTimeUs + p.count * intervalUs };
  const schedule = new SessionSchedule(p.session);
  // The generator's slot rule (SessionSchedule.seekSlot), session by session.
  let openUs = schedule.seekSlot(p.startTimeUs, intervalUs);
  const firstUs = openUs;
  let remaining = p.count;
  // Every session entered holds at least one bar (the schema keeps the interval within a
  // session), so the loop ends within `count` sessions.
  for (let sessions = 0; sessions < p.count; sessions++) {
    const closeUs = schedule.closeUs;
    const fit = Math.floor((closeUs - openUs) / intervalUs);
    if (fit < 1) throw new Error(`synthetic bounds: a session from ${openUs} to ${closeUs} holds no ${intervalUs} us bar`);
    if (remaining <= fit) return { firstUs, lastUs: openUs + remaining * intervalUs };
    remaining -= fit;
    openUs = schedule.seekSlot(closeUs, intervalUs);
  }
  throw new Error(`synthetic bounds: ${p.count} bars did not fit in ${p.count} sessions`);
}
