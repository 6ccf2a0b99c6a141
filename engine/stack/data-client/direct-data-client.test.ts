// Proves that the direct client hands a bar to its handlers in subscription order, the second
// waiting for an async first, and that a handler changing the subscriptions mid-bar sees the same
// outcome on the two-handler fast path as on the general loop (three handlers).
import { describe, expect, it } from 'vitest';
import type { BarView } from '../types.ts';
import { DirectDataClient } from './direct-data-client.ts';

const bar = { instrumentIndex: 0, closeRaw: 100 } as BarView;

describe('DirectDataClient.pushBar', () => {
  it('runs two synchronous handlers in order, synchronously', () => {
    const c = new DirectDataClient();
    const log: string[] = [];
    c.onBar((b) => { log.push(`a${b.closeRaw}`); });
    c.onBar((b) => { log.push(`b${b.closeRaw}`); });
    expect(c.pushBar(bar)).toBeUndefined();
    expect(log).toEqual(['a100', 'b100']);
  });

  it('makes the second handler wait for an async first one', async () => {
    const c = new DirectDataClient();
    const log: string[] = [];
    c.onBar(async () => { await Promise.resolve(); log.push('a done'); });
    c.onBar(() => { log.push('b'); });
    const r = c.pushBar(bar);
    expect(log).toEqual([]);
    await r;
    expect(log).toEqual(['a done', 'b']);
  });

  it('sees a subscription change made by a handler mid-bar, with two handlers as with three', () => {
    for (const extra of [false, true]) {
      const c = new DirectDataClient();
      const log: string[] = [];
      let offB = (): void => {};
      c.onBar(() => { log.push('a'); offB(); c.onBar(() => { log.push('late'); }); });
      offB = c.onBar(() => { log.push('b'); });
      if (extra) c.onBar(() => { log.push('c'); });
      c.pushBar(bar);
      // b was unsubscribed before its turn; the handler added mid-bar runs in this bar already.
      expect(log).toEqual(extra ? ['a', 'c', 'late'] : ['a', 'late']);
    }
  });

  it('runs nothing more when the first of two handlers unsubscribes the second', () => {
    const c = new DirectDataClient();
    const log: string[] = [];
    let offB = (): void => {};
    c.onBar(() => { log.push('a'); offB(); });
    offB = c.onBar(() => { log.push('b'); });
    expect(c.pushBar(bar)).toBeUndefined();
    c.pushBar(bar);
    expect(log).toEqual(['a', 'a']);
  });
});
