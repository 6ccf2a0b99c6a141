// Proves the generated paths have the statistics their parameters promise, within generous bounds
// at fixed seeds: GBM log-returns have the drift and volatility asked for, jump diffusion has fat
// tails (excess kurtosis) where GBM has none, regimes show both volatilities, volume averages its
// mean, and the ziggurat draws have the normal and exponential laws. Expected values come from
// the formulas, not from the code under test.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import { US_PER_HOUR, US_PER_MINUTE, utcTimeUs } from '../../kernel/time.ts';
import { Draws, expNear0 } from './draws.ts';
import { createSyntheticSource, RegimeProcess, type SyntheticParamsInput } from './index.ts';
import { collectRows } from './memory.ts';

interface Moments {
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly excessKurtosis: number;
}

function moments(xs: readonly number[]): Moments {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m4 /= n;
  return { n, mean, std: Math.sqrt(m2), excessKurtosis: m4 / (m2 * m2) - 3 };
}

async function logReturns(params: SyntheticParamsInput, seed: number): Promise<{ returns: number[]; volume: number[] }> {
  const r = await collectRows(createSyntheticSource(params, Rng.derive(seed, 'market')));
  if (r.type !== 'bar') throw new Error('expected bars');
  const returns = r.close.map((c, i) => Math.log(c / (r.open[i] ?? c)));
  return { returns, volume: r.volume };
}

const hourly: SyntheticParamsInput = {
  process: 'gbm',
  instrumentId: 'SYN',
  priceDecimals: 4,
  startTimeUs: utcTimeUs(2000, 1, 3),
  startPrice: 100,
  count: 100_000,
  drift: 0.3,
  volatility: 0.2,
  output: { type: 'bar', intervalUs: US_PER_HOUR, periodsPerYear: 1764, volumeMean: 5_000 },
};

describe('GBM', () => {
  it('log-returns have mean (mu - sigma^2/2) dt and std sigma sqrt(dt) over 100k bars', async () => {
    const dt = 1 / 1764;
    const { returns, volume } = await logReturns(hourly, 11);
    const m = moments(returns);
    const expectedStd = 0.2 * Math.sqrt(dt);
    const expectedMean = (0.3 - 0.5 * 0.2 * 0.2) * dt;
    const meanSe = expectedStd / Math.sqrt(m.n);
    expect(Math.abs(m.mean - expectedMean)).toBeLessThan(5 * meanSe);
    expect(m.std / expectedStd).toBeGreaterThan(0.98);
    expect(m.std / expectedStd).toBeLessThan(1.02);
    expect(Math.abs(m.excessKurtosis)).toBeLessThan(0.15);
    const v = moments(volume);
    expect(v.mean / 5_000).toBeGreaterThan(0.95);
    expect(v.mean / 5_000).toBeLessThan(1.05);
  });

  it('uses secondsPerYear when periodsPerYear is absent', async () => {
    const { returns } = await logReturns({ ...hourly, priceDecimals: 6, count: 50_000, drift: 0, output: { type: 'bar', intervalUs: US_PER_MINUTE } }, 12);
    const expectedStd = 0.2 * Math.sqrt(60 / 31_557_600);
    const m = moments(returns);
    expect(m.std / expectedStd).toBeGreaterThan(0.97);
    expect(m.std / expectedStd).toBeLessThan(1.03);
  });
});

describe('jump diffusion', () => {
  it('shows excess kurtosis where GBM shows none, and keeps the compensated mean', async () => {
    const daily: SyntheticParamsInput = { ...hourly, count: 20_000, drift: 0, volatility: 0.15, output: { type: 'bar', intervalUs: 86_400_000_000, periodsPerYear: 252 } };
    const lambda = 25;
    const jm = -0.02;
    const js = 0.04;
    const jumps = await logReturns({ ...daily, process: 'jump-diffusion', jumpIntensity: lambda, jumpMean: jm, jumpStd: js }, 5);
    const plain = await logReturns(daily, 5);
    const mj = moments(jumps.returns);
    const mp = moments(plain.returns);
    expect(mj.excessKurtosis).toBeGreaterThan(3);
    expect(Math.abs(mp.excessKurtosis)).toBeLessThan(0.2);
    // Per-step log mean: (mu - sigma^2/2 - lambda kappa) dt + lambda m dt; variance adds lambda (m^2 + s^2) dt.
    const dt = 1 / 252;
    const kappa = Math.exp(jm + 0.5 * js * js) - 1;
    const mean = (0 - 0.5 * 0.15 * 0.15 - lambda * kappa + lambda * jm) * dt;
    const std = Math.sqrt((0.15 * 0.15 + lambda * (jm * jm + js * js)) * dt);
    expect(Math.abs(mj.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(mj.n));
    expect(mj.std / std).toBeGreaterThan(0.95);
    expect(mj.std / std).toBeLessThan(1.05);
  });
});

describe('volatility regimes', () => {
  it('bars alternate between the two volatilities', async () => {
    const { returns } = await logReturns(
      { ...withoutVolatility(hourly), process: 'regime', priceDecimals: 6, drift: 0, volatilities: [0.1, 0.5], transition: [[0.998, 0.002], [0.002, 0.998]], output: { type: 'bar', intervalUs: US_PER_MINUTE } },
      3,
    );
    const perBar = Math.sqrt(60 / 31_557_600);
    const windowVols: number[] = [];
    for (let w = 0; w + 200 <= returns.length; w += 200) windowVols.push(moments(returns.slice(w, w + 200)).std / perBar);
    const low = windowVols.filter((v) => v > 0.07 && v < 0.14).length / windowVols.length;
    const high = windowVols.filter((v) => v > 0.38 && v < 0.62).length / windowVols.length;
    expect(low).toBeGreaterThan(0.2);
    expect(high).toBeGreaterThan(0.2);
  });

  it('each regime step has its own volatility', () => {
    const draws = new Draws(Rng.derive(9, 'market'));
    const p = new RegimeProcess(draws, 0, [0.1, 0.5], [[0.99, 0.01], [0.01, 0.99]], 0);
    const dt = 1e-4;
    const byRegime: number[][] = [[], []];
    for (let i = 0; i < 200_000; i++) {
      const regime = p.regime;
      byRegime[regime]?.push(p.step(dt, Math.sqrt(dt), draws.normal()));
    }
    expect(moments(byRegime[0] ?? []).std / (0.1 * Math.sqrt(dt))).toBeCloseTo(1, 1);
    expect(moments(byRegime[1] ?? []).std / (0.5 * Math.sqrt(dt))).toBeCloseTo(1, 1);
    expect(Math.min(byRegime[0]?.length ?? 0, byRegime[1]?.length ?? 0)).toBeGreaterThan(50_000);
  });
});

describe('draws', () => {
  // Standard normal CDF at -3..3 (tables) and Exp(1) CDF 1 - e^-x.
  const phi: [number, number][] = [[-3, 0.00135], [-2, 0.02275], [-1, 0.158655], [0, 0.5], [1, 0.841345], [2, 0.97725], [3, 0.99865]];

  it('ziggurat normals match the normal law in bulk and one at a time', () => {
    const d = new Draws(Rng.derive(1, 'market'));
    const bulk = new Float64Array(400_000);
    d.fillNormals(bulk, bulk.length);
    const single = Array.from({ length: 200_000 }, () => d.normal());
    for (const xs of [Array.from(bulk), single]) {
      const m = moments(xs);
      expect(Math.abs(m.mean)).toBeLessThan(0.01);
      expect(m.std).toBeCloseTo(1, 2);
      expect(Math.abs(m.excessKurtosis)).toBeLessThan(0.05);
      for (const [x, p] of phi) expect(xs.filter((v) => v < x).length / xs.length).toBeCloseTo(p, 2);
    }
  });

  it('ziggurat exponentials match Exp(1), tail included', () => {
    const d = new Draws(Rng.derive(2, 'market'));
    const bulk = new Float64Array(400_000);
    d.fillExponentials(bulk, bulk.length);
    const xs = [...Array.from(bulk), ...Array.from({ length: 100_000 }, () => d.exponential())];
    expect(xs.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThan(0);
    // Beyond the ziggurat's base (R = 7.7) draws come from the memoryless tail: e^-8 of 500k = 168.
    const beyond8 = xs.filter((v) => v > 8).length;
    expect(beyond8).toBeGreaterThan(110);
    expect(beyond8).toBeLessThan(230);
    const m = moments(xs);
    expect(m.mean).toBeCloseTo(1, 2);
    expect(m.std).toBeCloseTo(1, 1);
    for (const x of [0.1, 0.5, 1, 2, 4, 8]) expect(xs.filter((v) => v < x).length / xs.length).toBeCloseTo(1 - Math.exp(-x), 2);
  });

  it('expNear0 agrees with Math.exp', () => {
    for (let z = -0.05; z <= 0.05; z += 0.0007) expect(Math.abs(expNear0(z) / Math.exp(z) - 1)).toBeLessThan(4e-16);
  });
});

/** A regime process takes volatilities, not one volatility: strict schemas refuse the extra key. */
function withoutVolatility<T extends { volatility?: number }>(p: T): Omit<T, 'volatility'> {
  const { volatility: _v, ...rest } = p;
  return rest;
}
