// Proves each incremental indicator equals a direct, from-scratch calculation written here (the
// textbook formula over the whole prefix of a hand-made series), before and after warm-up, and
// that snapshot -> JSON -> restore into a fresh instance continues exactly where it left off.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ema } from './ema.ts';
import { RollingStd } from './rolling-std.ts';
import { Rsi } from './rsi.ts';
import { Sma } from './sma.ts';

const closes = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13];

/** SMA at index i: mean of xs[i-n+1..i], NaN before. */
function directSma(xs: number[], n: number, i: number): number {
  if (i < n - 1) return Number.NaN;
  let s = 0;
  for (let k = i - n + 1; k <= i; k++) s += xs[k]!;
  return s / n;
}

/** EMA by recursion from an SMA seed at index n-1. */
function directEma(xs: number[], n: number): number[] {
  const out: number[] = [];
  const a = 2 / (n + 1);
  let e = Number.NaN;
  xs.forEach((x, i) => {
    if (i === n - 1) e = xs.slice(0, n).reduce((p, q) => p + q, 0) / n;
    else if (i >= n) e = a * x + (1 - a) * e;
    out.push(i < n - 1 ? Number.NaN : e);
  });
  return out;
}

/** Wilder RSI by its definition, recomputed from scratch for each index. */
function directRsi(xs: number[], n: number, i: number): number {
  if (i < n) return Number.NaN;
  const gains = xs.slice(1, i + 1).map((x, k) => Math.max(x - xs[k]!, 0));
  const losses = xs.slice(1, i + 1).map((x, k) => Math.max(xs[k]! - x, 0));
  let g = gains.slice(0, n).reduce((p, q) => p + q, 0) / n;
  let l = losses.slice(0, n).reduce((p, q) => p + q, 0) / n;
  for (let k = n; k < gains.length; k++) {
    g = (g * (n - 1) + gains[k]!) / n;
    l = (l * (n - 1) + losses[k]!) / n;
  }
  if (l === 0) return g === 0 ? 50 : 100;
  return 100 - 100 / (1 + g / l);
}

/** Two-pass sample std of xs[i-n+1..i]. */
function directStd(xs: number[], n: number, i: number): number {
  if (i < n - 1) return Number.NaN;
  const w = xs.slice(i - n + 1, i + 1);
  const m = w.reduce((p, q) => p + q, 0) / n;
  return Math.sqrt(w.reduce((p, q) => p + (q - m) ** 2, 0) / (n - 1));
}

function expectClose(actual: number, expected: number, tol = 1e-9): void {
  if (Number.isNaN(expected)) expect(actual).toBeNaN();
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('indicators against direct calculations', () => {
  it('SMA', () => {
    for (const n of [1, 3, 10]) {
      const sma = new Sma(n);
      closes.forEach((c, i) => expectClose(sma.update(c), directSma(closes, n, i)));
    }
  });

  it('SMA on raw integers keeps an exact sum', () => {
    const sma = new Sma(3);
    for (const raw of [4434, 4409, 4415, 4361]) sma.update(raw);
    expect(sma.sum).toBe(4409 + 4415 + 4361);
  });

  it('SMA add is update without the mean: the same sum, readiness and mean after each value', () => {
    const a = new Sma(4);
    const b = new Sma(4);
    for (const raw of [4434, 4409, 4415, 4361, 4400, 4452, 4390]) {
      const mean = a.update(raw);
      b.add(raw);
      expect([b.sum, b.ready]).toEqual([a.sum, a.ready]);
      expect(Number.isNaN(mean) ? Number.isNaN(b.value) : b.value === mean).toBe(true);
    }
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it('EMA (SMA-seeded)', () => {
    for (const n of [1, 5, 10]) {
      const ema = new Ema(n);
      const want = directEma(closes, n);
      closes.forEach((c, i) => expectClose(ema.update(c), want[i]!));
    }
  });

  it('RSI (Wilder), including the textbook value', () => {
    const rsi = new Rsi(14);
    const got = closes.map((c) => rsi.update(c));
    closes.forEach((_, i) => expectClose(got[i]!, directRsi(closes, 14, i)));
    // The classic worked example (StockCharts' RSI table, the same closes): first RSI(14) at the
    // 15th close. Its table shows 70.53 from averages rounded to 0.24 / 0.10; unrounded, the
    // averages are 3.34/14 and 1.40/14, so RSI = 100 - 100 / (1 + 3.34 / 1.40) = 70.464.
    expect(got[14]!).toBeCloseTo(100 - 100 / (1 + 3.34 / 1.40), 1);
    expect(got[14]!).toBeCloseTo(70.464, 3);
  });

  it('RSI edge cases: a flat market is 50, only gains is 100', () => {
    const flat = new Rsi(3);
    for (const c of [5, 5, 5, 5]) flat.update(c);
    expect(flat.value).toBe(50);
    const up = new Rsi(3);
    for (const c of [1, 2, 3, 4, 5]) up.update(c);
    expect(up.value).toBe(100);
  });

  it('rolling std, also on random series with a large mean (drift stays bounded)', () => {
    const std = new RollingStd(5);
    closes.forEach((c, i) => expectClose(std.update(c), directStd(closes, 5, i)));
    fc.assert(fc.property(
      fc.array(fc.double({ min: -1e-2, max: 1e-2, noNaN: true }), { minLength: 30, maxLength: 300 }),
      fc.integer({ min: 2, max: 20 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      (xs, n, offset) => {
        const ys = xs.map((x) => x + offset);
        const s = new RollingStd(n);
        ys.forEach((y, i) => {
          const got = s.update(y);
          const want = directStd(ys, n, i);
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, want) + 1e-9 * Math.abs(offset));
        });
      },
    ));
  });
});

describe('indicator snapshots', () => {
  it('snapshot mid-series, JSON round trip, restore into a fresh instance: same outputs after', () => {
    const make = () => [new Sma(4), new Ema(4), new Rsi(4), new RollingStd(4)] as const;
    const straight = make();
    const first = make();
    const half = 13;
    const want = closes.map((c) => straight.map((ind) => ind.update(c)));
    closes.slice(0, half).forEach((c) => first.forEach((ind) => ind.update(c)));
    expect(Array.isArray(first[0].snapshot().window)).toBe(true); // plain data, whatever the ring is kept in
    const json = JSON.stringify(first.map((ind) => ind.snapshot()));
    const fresh = make();
    const states = JSON.parse(json) as unknown[];
    fresh[0].restore(states[0] as ReturnType<Sma['snapshot']>);
    fresh[1].restore(states[1] as ReturnType<Ema['snapshot']>);
    fresh[2].restore(states[2] as ReturnType<Rsi['snapshot']>);
    fresh[3].restore(states[3] as ReturnType<RollingStd['snapshot']>);
    closes.slice(half).forEach((c, k) => expect(fresh.map((ind) => ind.update(c))).toEqual(want[half + k]));
  });

  it('refuses a snapshot of another period', () => {
    expect(() => new Sma(3).restore(new Sma(4).snapshot())).toThrow(/period/);
  });
});
