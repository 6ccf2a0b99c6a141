// Proves that the feed's fused bar path (MarketFeed.runBurst, taken by Kernel.burst when no
// afterEvent hook is set) runs exactly what the kernel's event-by-event path runs: the same
// events at the same clock times, interleaved the same way with scheduled work, async handlers
// and budgets. The general path is forced by a no-op afterEvent hook.
import { describe, expect, it } from 'vitest';
import { Kernel, type RunBudget } from '../kernel/kernel.ts';
import { PRIORITY } from '../kernel/event-queue.ts';
import { MarketFeed, type MarketSink } from './feed.ts';
import { newBarBatch, type BarBatch, type MarketSource } from './types.ts';

const MIN_US = 60_000_000;

/** `count` one-minute bars in batches of `batchRows` (the last one shorter). */
function barSource(count: number, batchRows: number): MarketSource {
  const batches: BarBatch[] = [];
  for (let start = 0; start < count; start += batchRows) {
    const n = Math.min(batchRows, count - start);
    const b = newBarBatch(n);
    for (let k = 0; k < n; k++) {
      const i = start + k;
      b.openTimeUs[k] = i * MIN_US;
      b.closeTimeUs[k] = (i + 1) * MIN_US - 1;
      b.open[k] = 1000 + i;
      b.high[k] = 1010 + i;
      b.low[k] = 990 + i;
      b.close[k] = 1001 + i;
      b.volume[k] = 1;
    }
    b.length = n;
    batches.push(b);
  }
  let at = 0;
  return { info: { instrumentId: 'X', dataType: 'bar', priceDecimals: 2, barIntervalUs: MIN_US, files: [] }, issues: [], next: () => batches[at++] ?? null };
}

interface Scenario {
  bars: number;
  batchRows: number;
  sources?: number;
  barOpenEvents?: boolean;
  budget?: RunBudget;
  /** At these bar rows the close handler schedules an event half a bar later. */
  scheduleAt?: Set<number>;
  /** At these bar rows the close handler returns a promise that sleeps 0. */
  asyncAt?: Set<number>;
}

/** Runs a scenario and logs every event with the clock's time when its handler ran. */
async function run(s: Scenario, generalPath: boolean): Promise<{ log: string[]; outcome: unknown }> {
  const log: string[] = [];
  const kernel = new Kernel({ startUs: -1, ...(generalPath ? { afterEvent: () => {} } : {}) });
  const now = (): number => kernel.clock.nowUs();
  const sink: MarketSink = {
    onBarOpen: (src, b, row) => { log.push(`open ${src} ${b.openTimeUs[row]} @${now()}`); },
    onBar: (src, b, row) => {
      log.push(`close ${src} ${b.closeTimeUs[row]} @${now()}`);
      const bar = b.openTimeUs[row]! / MIN_US;
      if (s.scheduleAt?.has(bar)) kernel.context.post(MIN_US / 2, 'mid', () => { log.push(`timer @${now()}`); }, PRIORITY.timer);
      if (s.asyncAt?.has(bar)) return (async () => { await kernel.context.sleep(0); log.push(`after-sleep @${now()}`); })();
      return undefined;
    },
    onTrade: () => {},
    onQuote: () => {},
  };
  const sources = Array.from({ length: s.sources ?? 1 }, () => barSource(s.bars, s.batchRows));
  kernel.setStream(new MarketFeed(sources, sink, { barOpenEvents: s.barOpenEvents ?? true }));
  const outcome = await kernel.run(s.budget);
  return { log, outcome };
}

async function expectSame(s: Scenario): Promise<string[]> {
  const fused = await run(s, false);
  const general = await run(s, true);
  expect(fused.log).toEqual(general.log);
  expect(fused.outcome).toEqual(general.outcome);
  return fused.log;
}

describe('MarketFeed.runBurst (the fused bar path)', () => {
  it('runs every bar open and close at its time, across batches', async () => {
    const log = await expectSame({ bars: 50, batchRows: 7 });
    expect(log).toHaveLength(100);
    expect(log[0]).toBe(`open 0 0 @0`);
    expect(log[99]).toBe(`close 0 ${50 * MIN_US - 1} @${50 * MIN_US - 1}`);
  });

  it('lets an event scheduled by a handler run inside the next bar, between its open and close', async () => {
    const log = await expectSame({ bars: 30, batchRows: 8, scheduleAt: new Set([3, 8, 9, 29]) });
    const i = log.indexOf(`close 0 ${4 * MIN_US - 1} @${4 * MIN_US - 1}`);
    expect(log[i + 1]).toBe(`open 0 ${4 * MIN_US} @${4 * MIN_US}`);
    expect(log[i + 2]).toBe(`timer @${4 * MIN_US - 1 + MIN_US / 2}`);
    expect(log[i + 3]).toBe(`close 0 ${5 * MIN_US - 1} @${5 * MIN_US - 1}`);
    expect(log.filter((l) => l.startsWith('timer'))).toHaveLength(4);
  });

  it('settles an async handler before the next event', async () => {
    const log = await expectSame({ bars: 20, batchRows: 6, asyncAt: new Set([2, 5]) });
    const i = log.indexOf(`close 0 ${3 * MIN_US - 1} @${3 * MIN_US - 1}`);
    expect(log[i + 1]).toBe(`after-sleep @${3 * MIN_US - 1}`);
  });

  it('stops exactly at the event budget, the time budget and between pauses', async () => {
    for (const maxEvents of [1, 2, 3, 13, 40]) {
      const log = await expectSame({ bars: 30, batchRows: 9, budget: { maxEvents } });
      expect(log).toHaveLength(maxEvents);
    }
    const until = await expectSame({ bars: 30, batchRows: 9, budget: { untilUs: 10 * MIN_US } });
    expect(until.at(-1)).toBe(`open 0 ${10 * MIN_US} @${10 * MIN_US}`);
    let pauses = 0;
    const paused = await expectSame({ bars: 30, batchRows: 9, budget: { pauseEveryEvents: 7, pause: async () => { pauses++; } } });
    expect(paused).toHaveLength(60);
    expect(pauses).toBeGreaterThan(0);
  });

  it('gives the same run without bar-open events and with two sources (which it leaves to the kernel)', async () => {
    expect(await expectSame({ bars: 25, batchRows: 4, barOpenEvents: false })).toHaveLength(25);
    expect(await expectSame({ bars: 25, batchRows: 4, sources: 2, scheduleAt: new Set([5]) })).toHaveLength(102);
  });
});
