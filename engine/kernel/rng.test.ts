// Proves that Rng streams are reproducible from the root seed, independent of each other (drawing
// from or adding a stream never changes another), and that snapshot/clone behave as documented.
import { describe, expect, it } from 'vitest';
import { Rng, RngRegistry, deriveSeed } from './rng.ts';

const draw = (r: Rng, n: number): number[] => Array.from({ length: n }, () => r.nextFloat());

describe('Rng streams', () => {
  it('same seed and name give the same sequence; another seed gives another', () => {
    expect(draw(Rng.derive(42, 'market'), 5)).toEqual(draw(Rng.derive(42, 'market'), 5));
    expect(draw(Rng.derive(43, 'market'), 5)).not.toEqual(draw(Rng.derive(42, 'market'), 5));
    expect(draw(Rng.derive(42, 'venue'), 5)).not.toEqual(draw(Rng.derive(42, 'market'), 5));
  });

  it('drawing more from one stream, or adding a stream, leaves another stream unchanged', () => {
    const alone = new RngRegistry(7);
    const reference = draw(alone.stream('market'), 100);

    const busy = new RngRegistry(7);
    draw(busy.stream('venue'), 1000); // drawn first and heavily
    busy.stream('faults'); // a stream added
    draw(busy.stream('a-new-stream'), 3);
    expect(draw(busy.stream('market'), 100)).toEqual(reference);
  });

  it('snapshot restores a stream exactly, including a cached normal deviate', () => {
    const r = Rng.derive(1, 'agent');
    r.nextNormal(); // leaves a spare deviate cached
    const snap = r.snapshot();
    const expected = [r.nextNormal(), r.nextNormal(), r.nextFloat()];
    const back = Rng.fromState(snap);
    expect([back.nextNormal(), back.nextNormal(), back.nextFloat()]).toEqual(expected);
  });

  it('clone continues from the same point and never moves the original', () => {
    const r = Rng.derive(9, 'latency');
    draw(r, 3);
    const c = r.clone();
    const fromClone = draw(c, 10);
    expect(draw(r, 10)).toEqual(fromClone);
  });

  it('nextInt stays in range; bad ranges and seeds are refused', () => {
    const r = Rng.derive(3, 'x');
    for (let i = 0; i < 1000; i++) {
      const v = r.nextInt(-2, 2);
      expect(v >= -2 && v <= 2 && Number.isInteger(v)).toBe(true);
    }
    expect(() => r.nextInt(3, 2)).toThrow(/bad range/);
    expect(() => new RngRegistry(-1)).toThrow(/seed/);
    expect(() => new RngRegistry(1.5)).toThrow(/seed/);
  });

  it('derived seeds are safe integers that depend on the name', () => {
    const a = deriveSeed(1, 'scenarios/a.yaml');
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(deriveSeed(1, 'scenarios/b.yaml')).not.toBe(a);
    expect(deriveSeed(1, 'scenarios/a.yaml')).toBe(a);
  });
});

describe('nextHigh26 and nextLow27', () => {
  it('are the two halves of nextFloat, drawn in its order', () => {
    const a = Rng.derive(7, 'halves');
    const b = Rng.derive(7, 'halves');
    for (let i = 0; i < 10_000; i++) {
      const hi = a.nextHigh26();
      const lo = a.nextLow27();
      expect(hi).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThan(2 ** 26);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(lo).toBeLessThan(2 ** 27);
      expect((hi * 2 ** 27 + lo) / 2 ** 53).toBe(b.nextFloat());
    }
  });
});
