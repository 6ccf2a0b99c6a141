// Proves that transitionBits and allowsMove answer as the table does, for every pair of a small
// table, refuse codes that are not statuses, and refuse a code function that disagrees with the list.
import { describe, expect, it } from 'vitest';
import { allowsMove, transitionBits } from './transition-bits.ts';

type S = 'a' | 'b' | 'c';
const STATUSES: readonly S[] = ['a', 'b', 'c'];
const TABLE: Record<S, readonly S[]> = { a: ['b', 'c'], b: ['a'], c: [] };
const code = (s: S): number => STATUSES.indexOf(s);

describe('transitionBits', () => {
  it('allows exactly the listed moves, and none from or to a code that is not a status', () => {
    const allowed = transitionBits(STATUSES, TABLE, code);
    for (const from of STATUSES) for (const to of STATUSES) expect(allowsMove(allowed, code(from), code(to)), `${from} -> ${to}`).toBe(TABLE[from].includes(to));
    expect(allowed[code('c')]).toBe(0);
    expect(allowsMove(allowed, -1, 0)).toBe(false);
    expect(allowsMove(allowed, 0, -1)).toBe(false);
  });

  it('refuses a code function that is not the index in the list', () => {
    expect(() => transitionBits(STATUSES, TABLE, (s) => (s === 'a' ? 1 : code(s)))).toThrow(/status a has code 1, not its index 0/);
  });
});
