// Proves each built-in agent signals at the bars its documented rule says, against hand-worked
// values on a short series and against a direct re-calculation of the rule (indicators computed
// from scratch here) on a long random walk; and that an agent snapshotted mid-series, JSON
// round-tripped and restored into a fresh instance signals exactly as one that never stopped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driveAgent } from '../testing/test-kit.ts';
import type { Agent } from '../types.ts';
import { createAgent, type AgentConfig } from './registry.ts';

const hand = [10, 11, 12, 11, 10, 9, 10, 12, 13, 12, 10, 9];

function signalsOf(config: AgentConfig, closes: readonly number[]): [number, number][] {
  const d = driveAgent(createAgent(config));
  d.feed(closes);
  return d.signals.map((s) => [s.bar, s.target]);
}

// ---- direct calculations, written independently of engine/stack/indicators ----

function smaAt(xs: readonly number[], n: number, i: number): number {
  let s = 0;
  for (let k = i - n + 1; k <= i; k++) s += xs[k]!;
  return s / n;
}

function emaSeries(xs: readonly number[], n: number): number[] {
  const a = 2 / (n + 1);
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (i < n - 1) out.push(Number.NaN);
    else if (i === n - 1) out.push(smaAt(xs, n, i));
    else out.push(out[i - 1]! + a * (xs[i]! - out[i - 1]!));
  }
  return out;
}

function rsiSeries(xs: readonly number[], n: number): number[] {
  const out: number[] = [Number.NaN];
  let g = 0;
  let l = 0;
  for (let i = 1; i < xs.length; i++) {
    const ch = xs[i]! - xs[i - 1]!;
    const gain = Math.max(ch, 0);
    const loss = Math.max(-ch, 0);
    if (i < n) { g += gain; l += loss; } else if (i === n) { g = (g + gain) / n; l = (l + loss) / n; } else { g = (g * (n - 1) + gain) / n; l = (l * (n - 1) + loss) / n; }
    out.push(i < n ? Number.NaN : l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l));
  }
  return out;
}

/**
 * Cross rule: relation series (NaN before defined) -> signals on crosses. A tie (0) carries the
 * last side through: only a change of side between two non-tie relations is a cross.
 */
function crossSignals(rel: number[], allowShort: boolean): [number, number][] {
  const out: [number, number][] = [];
  let target = 0;
  let side = 0;
  const short = allowShort ? -1 : 0;
  for (let i = 0; i < rel.length; i++) {
    const r = rel[i]!;
    if (Number.isNaN(r) || r === 0) continue;
    if (side < 0 && r > 0 && target !== 1) { target = 1; out.push([i, 1]); } else if (side > 0 && r < 0 && target !== short) { target = short; out.push([i, short]); }
    side = r;
  }
  return out;
}

function randomWalk(seedSteps: number[]): number[] {
  const xs: number[] = [];
  let p = 1000;
  for (const s of seedSteps) { p = Math.max(1, p + s); xs.push(p); }
  return xs;
}

const walk = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 400 }).map(randomWalk);

describe('sma-crossover (price vs SMA)', () => {
  it('hand-worked: SMA(3) crosses at bars 6 (up) and 9 (down)', () => {
    expect(signalsOf({ kind: 'sma-crossover', instrument: 'X', period: 3 }, hand)).toEqual([[6, 1], [9, 0]]);
    expect(signalsOf({ kind: 'sma-crossover', instrument: 'X', period: 3, allowShort: true }, hand)).toEqual([[3, -1], [6, 1], [9, -1]]);
  });

  it('matches the direct rule on random walks', () => {
    fc.assert(fc.property(walk, fc.integer({ min: 1, max: 30 }), fc.boolean(), (xs, n, allowShort) => {
      const rel = xs.map((x, i) => (i < n - 1 ? Number.NaN : Math.sign(x - smaAt(xs, n, i))));
      expect(signalsOf({ kind: 'sma-crossover', instrument: 'X', period: n, allowShort }, xs)).toEqual(crossSignals(rel, allowShort));
    }));
  });
});

describe('crossing agents at an exact tie (close equal to its SMA)', () => {
  // SMA(2) ties its close exactly when two closes are equal. [10, 12, 12, 13]: bar 1 above
  // (12 > 11), bar 2 a tie (12 = 12), bar 3 above again (13 > 12.5).
  it('touching the average from above and rising again is not a new upward cross', () => {
    // Flat at the start (the first comparison sets the side without a cross), so a cross up would
    // be a long signal; a tie then a rise on the same side must not give one.
    expect(signalsOf({ kind: 'sma-crossover', instrument: 'X', period: 2 }, [10, 12, 12, 13])).toEqual([]);
  });

  it('touching it from above and falling below is a cross down', () => {
    // Bar 3: 11 < 11.5.
    expect(signalsOf({ kind: 'sma-crossover', instrument: 'X', period: 2, allowShort: true }, [10, 12, 12, 11])).toEqual([[3, -1]]);
  });

  it('touching it from below and rising above is a cross up', () => {
    // Bar 1 below (10 < 11), bar 2 a tie, bar 3 above (11 > 10.5).
    expect(signalsOf({ kind: 'sma-crossover', instrument: 'X', period: 2 }, [12, 10, 10, 11])).toEqual([[3, 1]]);
  });
});

describe('sma-fast-slow', () => {
  it('hand-worked: SMA(2) crosses SMA(4) at bars 7 (up) and 10 (down)', () => {
    expect(signalsOf({ kind: 'sma-fast-slow', instrument: 'X', fast: 2, slow: 4 }, hand)).toEqual([[7, 1], [10, 0]]);
  });

  it('matches the direct rule on random walks', () => {
    fc.assert(fc.property(walk, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (xs, f, extra, allowShort) => {
      const s = f + extra;
      const rel = xs.map((_, i) => (i < s - 1 ? Number.NaN : Math.sign(smaAt(xs, f, i) - smaAt(xs, s, i))));
      expect(signalsOf({ kind: 'sma-fast-slow', instrument: 'X', fast: f, slow: s, allowShort }, xs)).toEqual(crossSignals(rel, allowShort));
    }));
  });

  it('refuses fast >= slow', () => {
    expect(() => createAgent({ kind: 'sma-fast-slow', instrument: 'X', fast: 5, slow: 5 })).toThrow(/fast must be shorter/);
  });
});

describe('ema-momentum', () => {
  it('hand-worked: EMA(2) vs EMA(4) regimes change at bars 3, 4, 7, 10', () => {
    // EMA(2) 11.17, 10.39, ..., 11.27, ..., 10.71 against EMA(4) 11, 10.6, ..., 10.79, ..., 11.08.
    expect(signalsOf({ kind: 'ema-momentum', instrument: 'X', fast: 2, slow: 4 }, hand)).toEqual([[3, 1], [4, 0], [7, 1], [10, 0]]);
  });

  it('matches the direct rule on random walks', () => {
    fc.assert(fc.property(walk, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (xs, f, extra, allowShort) => {
      const s = f + extra;
      const ef = emaSeries(xs, f);
      const es = emaSeries(xs, s);
      const want: [number, number][] = [];
      let target = 0;
      for (let i = s - 1; i < xs.length; i++) {
        const next = ef[i]! > es[i]! ? 1 : ef[i]! < es[i]! ? (allowShort ? -1 : 0) : target;
        if (next !== target) { target = next; want.push([i, next]); }
      }
      expect(signalsOf({ kind: 'ema-momentum', instrument: 'X', fast: f, slow: s, allowShort }, xs)).toEqual(want);
    }));
  });
});

describe('rsi-reversion', () => {
  it('hand-worked: RSI(3) 29.6 at bar 5 (long), 53.1 at bar 6 (exit), 23.3 at bar 11 (long)', () => {
    expect(signalsOf({ kind: 'rsi-reversion', instrument: 'X', period: 3 }, hand)).toEqual([[5, 1], [6, 0], [11, 1]]);
    // With shorts: 76.5 at bar 7 (> 70: short), 31.5 at bar 10 (< 50: cover).
    expect(signalsOf({ kind: 'rsi-reversion', instrument: 'X', period: 3, allowShort: true }, hand)).toEqual([[5, 1], [6, 0], [7, -1], [10, 0], [11, 1]]);
  });

  it('matches the direct rule on random walks', () => {
    fc.assert(fc.property(walk, fc.integer({ min: 1, max: 20 }), fc.boolean(), (xs, n, allowShort) => {
      const r = rsiSeries(xs, n);
      const want: [number, number][] = [];
      let t = 0;
      for (let i = n; i < xs.length; i++) {
        const v = r[i]!;
        const next = t === 0 ? (v < 30 ? 1 : allowShort && v > 70 ? -1 : 0) : t === 1 ? (v > 50 ? 0 : 1) : (v < 50 ? 0 : -1);
        if (next !== t) { t = next; want.push([i, next]); }
      }
      expect(signalsOf({ kind: 'rsi-reversion', instrument: 'X', period: n, allowShort }, xs)).toEqual(want);
    }));
  });

  it('refuses inconsistent levels', () => {
    expect(() => createAgent({ kind: 'rsi-reversion', instrument: 'X', oversold: 60, exitLong: 50 })).toThrow(/oversold/);
  });
});

describe('buy-and-hold', () => {
  it('signals long once, at the first bar', () => {
    expect(signalsOf({ kind: 'buy-and-hold', instrument: 'X' }, hand)).toEqual([[0, 1]]);
  });
});

describe('agent registry and snapshots', () => {
  const configs: AgentConfig[] = [
    { kind: 'sma-crossover', instrument: 'X', period: 3, allowShort: true },
    { kind: 'sma-fast-slow', instrument: 'X', fast: 2, slow: 4, allowShort: true },
    { kind: 'ema-momentum', instrument: 'X', fast: 2, slow: 5, allowShort: true },
    { kind: 'rsi-reversion', instrument: 'X', period: 3, allowShort: true },
    { kind: 'buy-and-hold', instrument: 'X' },
  ];

  it('ids default to the kind and can be set', () => {
    expect(createAgent({ kind: 'buy-and-hold', instrument: 'X' }).id).toBe('buy-and-hold');
    expect(createAgent({ kind: 'buy-and-hold', instrument: 'X', id: 'bh' }).id).toBe('bh');
  });

  it('an unknown instrument is named at start', () => {
    expect(() => driveAgent(createAgent({ kind: 'sma-crossover', instrument: 'NOPE', period: 3 }))).toThrow(/unknown instrument NOPE/);
  });

  it.each(configs)('$kind: snapshot mid-series, restore into a fresh agent, same signals after', (config) => {
    const xs = randomWalk(Array.from({ length: 300 }, (_, i) => ((i * 7919) % 11) - 5));
    const straight = driveAgent(createAgent(config));
    straight.feed(xs);
    const first = createAgent(config);
    const d1 = driveAgent(first);
    d1.feed(xs.slice(0, 150));
    const fresh: Agent = createAgent(config);
    const d2 = driveAgent(fresh);
    fresh.restore(JSON.parse(JSON.stringify(first.snapshot())));
    d2.feed(xs.slice(150));
    const after = d2.signals.map((s) => ({ ...s, bar: s.bar + 150 }));
    expect([...d1.signals, ...after]).toEqual(straight.signals);
  });
});
