// Proves that IdMap behaves as a Map of its subset: the same answers and the same insertion
// order as a reference Map over long seeded sequences of set, get, delete, forgetOldest and
// clear (crossing many rebuilds and hash collisions), and that deleting while iterating is safe.
import { describe, expect, it } from 'vitest';
import { IdMap } from './id-map.ts';
import { Rng } from './rng.ts';

/** The reference: forgetOldest as the venue did it on a Map before IdMap existed. */
function forgetOldestOnMap<V>(m: Map<string, V>, count: number, keep: (v: V) => boolean): void {
  let left = count;
  for (const [k, v] of m) {
    if (left <= 0) break;
    if (keep(v)) continue;
    m.delete(k);
    left--;
  }
}

describe('IdMap', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches a Map over 20000 seeded operations (seed ${seed})`, () => {
      const rng = Rng.derive(seed, 'id-map-test');
      const ref = new Map<string, number>();
      const ids = new IdMap<number>();
      // A small id space makes hits, re-inserts and deletes of known ids frequent.
      const idOf = (): string => (rng.nextFloat() < 0.5 ? `o-${rng.nextInt(0, 300)}` : `client-${rng.nextInt(0, 3000)}-é`);
      for (let step = 0; step < 20_000; step++) {
        const op = rng.nextFloat();
        const id = idOf();
        if (op < 0.45) {
          ref.set(id, step);
          ids.set(id, step);
        } else if (op < 0.7) {
          expect(ids.get(id), `step ${step} get ${id}`).toBe(ref.get(id));
          expect(ids.has(id)).toBe(ref.has(id));
        } else if (op < 0.95) {
          expect(ids.delete(id), `step ${step} delete ${id}`).toBe(ref.delete(id));
        } else if (op < 0.999) {
          const count = rng.nextInt(0, 50);
          const keep = (v: number): boolean => v % 3 === 0;
          forgetOldestOnMap(ref, count, keep);
          ids.forgetOldest(count, keep);
        } else {
          ref.clear();
          ids.clear();
        }
        expect(ids.size).toBe(ref.size);
      }
      expect([...ids.entries()]).toEqual([...ref.entries()]);
      expect([...ids.values()]).toEqual([...ref.values()]);
      expect([...ids]).toEqual([...ref]);
    });
  }

  it('takes keys that are not strings (a malformed order id) as Map does, without crashing', () => {
    const ids = new IdMap<number>();
    const odd = [undefined, null, Number.NaN, 0, -0, 7, '7', '', {}] as unknown as string[];
    odd.forEach((k, i) => ids.set(k, i));
    const ref = new Map<unknown, number>(odd.map((k, i) => [k, i]));
    expect(ids.size).toBe(ref.size);
    for (const k of odd) expect(ids.get(k)).toBe(ref.get(k));
    expect(ids.get({} as unknown as string)).toBeUndefined();
    expect(ids.delete(Number.NaN as unknown as string)).toBe(true);
    expect(ids.has(Number.NaN as unknown as string)).toBe(false);
    expect([...ids.values()]).toEqual([...ref.values()].filter((v) => v !== 2));
  });

  it('finds every key among thousands (long probe runs, many rebuilds), and deleting while iterating is safe', () => {
    const ids = new IdMap<string>();
    for (let i = 0; i < 5_000; i++) ids.set(`o-${i}`, `v${i}`);
    for (let i = 0; i < 5_000; i++) expect(ids.get(`o-${i}`)).toBe(`v${i}`);
    expect(ids.get('o-5000')).toBeUndefined();
    const seen: string[] = [];
    for (const v of ids.values()) {
      seen.push(v);
      ids.delete(`o-${Number(v.slice(1)) + 1}`); // deletes the next entry: it must not be visited
    }
    expect(seen).toHaveLength(2_500);
    expect(ids.size).toBe(2_500);
    expect(ids.get('o-4998')).toBe('v4998');
    expect(ids.has('o-4999')).toBe(false);
  });
});
