// Proves that RecentRecords, a ring, lists the last `max` lines pushed, oldest first, rendering
// each only when asked: what the array it replaced (shift when full, then push) listed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentRecords } from './describe.ts';

describe('RecentRecords', () => {
  it('lists the last max lines, oldest first, after any number of pushes and lists', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.oneof(fc.constant('list' as const), fc.nat(1000)), { maxLength: 40 }), (max, steps) => {
      const ring = new RecentRecords(max);
      const model: string[] = [];
      let rendered = 0;
      for (const s of steps) {
        if (s === 'list') {
          expect(ring.list()).toEqual(model);
          continue;
        }
        if (model.length === max) model.shift();
        model.push(`line ${s}`);
        ring.push(() => { rendered++; return `line ${s}`; });
      }
      const before = rendered;
      expect(ring.list()).toEqual(model);
      expect(rendered - before).toBe(model.length);
    }), { seed: 20261129, numRuns: 500 });
  });
});
