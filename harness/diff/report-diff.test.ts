// Fills of two runs: matched on time, instrument, side and client order id; a matched fill whose
// price, quantity or fee differs is changed, the rest added or removed (duplicates counted as
// many times as they occur).
import { describe, expect, it } from 'vitest';
import { diffFills, type DiffFill } from './report-diff.ts';

const fill = (timeUs: number, id: string, price: number, fee = 1): DiffFill => ({ timeUs, instrument: 'X', side: 'buy', quantity: 1, price, fee, clientOrderId: id });

describe('diffFills', () => {
  it('tells added, removed, changed and unchanged fills apart', () => {
    const a = [fill(1, 'o-1', 10), fill(2, 'o-2', 11), fill(3, 'o-3', 12), fill(3, 'o-3', 12)];
    const b = [fill(1, 'o-1', 10), fill(2, 'o-2', 11, 2), fill(3, 'o-3', 12), fill(4, 'o-4', 13)];
    const d = diffFills(a, b);
    expect(d.unchanged).toBe(2);
    expect(d.changed).toEqual([{ a: a[1], b: b[1], fields: ['fee'] }]);
    expect(d.added).toEqual([b[3]]);
    expect(d.removed).toEqual([a[3]]);
  });
});
