// Proves that the table-built ids are exactly `${prefix}${seq}`: at every boundary of the digit
// tables, over long runs of consecutive numbers (as orders take them), after jumps back and forth
// (a restored sequence), and for numbers the tables do not cover.
import { describe, expect, it } from 'vitest';
import { OrderIds } from './order-ids.ts';

describe('OrderIds', () => {
  it('gives `${prefix}${seq}` for consecutive, jumping and out-of-table numbers', () => {
    for (const prefix of ['o-', 'stack-a-', '']) {
      const ids = new OrderIds(prefix);
      for (let seq = 0; seq <= 25_000; seq++) expect(ids.id(seq)).toBe(`${prefix}${seq}`);
      const jumps = [999, 1000, 1001, 10_999, 1_000_000, 999_999, 1_000_001, 0, 7, 123_456_789, 2 ** 53 - 1, 2 ** 40 + 5];
      for (const seq of jumps) expect(ids.id(seq)).toBe(`${prefix}${seq}`);
      for (const odd of [-1, 1.5, Number.NaN, 2 ** 53]) expect(ids.id(odd)).toBe(`${prefix}${odd}`);
    }
  });
});
