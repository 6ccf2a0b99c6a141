/**
 * Fast random draws for the generators' hot loops, all taken from one `Rng` stream.
 *
 * Normal and exponential deviates come from Marsaglia-Tsang ziggurats (Doornik's ZIGNOR for the
 * normal): about 99% of draws take a table lookup and one comparison, no logarithm. Each
 * `Rng.nextFloat()` carries 53 random bits made of two independent generator outputs (26 and 27
 * bits), and each feeds one ziggurat draw (7 or 8 index bits, the rest for the position inside the
 * layer: 2^-18 resolution, far below a tick). Batches are drawn in bulk into typed arrays so the
 * hot loops stay tight; the rare rejections draw further uniforms from the same stream.
 */
import type { Rng } from '../../kernel/rng.ts';

const TWO_27 = 134_217_728;

// Normal ziggurat (128 layers): tail start R and common layer area V (Doornik 2005).
const N_LAYERS = 128;
const N_R = 3.442619855899;
const N_V = 9.91256303526217e-3;
const nX = new Float64Array(N_LAYERS + 1);
const nRatio = new Float64Array(N_LAYERS);
{
  const f = (x: number): number => Math.exp(-0.5 * x * x);
  nX[0] = N_V / f(N_R);
  nX[1] = N_R;
  for (let i = 2; i < N_LAYERS; i++) {
    const prev = nX[i - 1] ?? 0;
    nX[i] = Math.sqrt(-2 * Math.log(N_V / prev + f(prev)));
  }
  nX[N_LAYERS] = 0;
  for (let i = 0; i < N_LAYERS; i++) nRatio[i] = (nX[i + 1] ?? 0) / (nX[i] ?? 1);
}

// Exponential ziggurat (256 layers, Marsaglia and Tsang 2000).
const E_LAYERS = 256;
const E_R = 7.69711747013105;
const E_V = 3.949659822581572e-3;
const eX = new Float64Array(E_LAYERS + 1);
const eF = new Float64Array(E_LAYERS + 1);
{
  eX[0] = E_V / Math.exp(-E_R);
  eX[1] = E_R;
  for (let i = 2; i < E_LAYERS; i++) {
    const prev = eX[i - 1] ?? 0;
    eX[i] = -Math.log(E_V / prev + Math.exp(-prev));
  }
  eX[E_LAYERS] = 0;
  for (let i = 0; i <= E_LAYERS; i++) eF[i] = Math.exp(-(eX[i] ?? 0));
}

/** exp(z), exact to double rounding for |z| <= 1/32 by a degree-7 Taylor polynomial; Math.exp beyond. */
export function expNear0(z: number): number {
  if (z > 0.03125 || z < -0.03125) return Math.exp(z);
  // Truncation error z^8 / 8! < 2^-40 / 40320 < 1e-16: below double rounding.
  return 1 + z * (1 + z * (0.5 + z * (1 / 6 + z * (1 / 24 + z * (1 / 120 + z * (1 / 720 + z / 5040))))));
}

/**
 * Math.round for the non-negative values below 2^52 the generators round (raw prices, volumes,
 * sizes). V8 compiles Math.round to a branch on the fractional part that mispredicts about half
 * the time (measured: ~45 ns of a ~115 ns bar); floor(x + 0.5) is one instruction. The two differ
 * only at 0.49999999999999994, which rounds to 1 instead of 0, and callers floor at 1 anyway.
 */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

export class Draws {
  readonly rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
  }

  /** Uniform in [0, 1) at full 53-bit resolution. */
  uniform(): number {
    return this.rng.nextFloat();
  }

  /** Standard normal deviate. */
  normal(): number {
    return this.normalFrom((this.rng.nextFloat() * TWO_27) | 0);
  }

  /** Exp(1) deviate. */
  exponential(): number {
    return this.exponentialFrom((this.rng.nextFloat() * TWO_27) | 0);
  }

  /** Writes `n` standard normal deviates, two per generator uniform. */
  fillNormals(out: Float64Array, n: number): void {
    const rng = this.rng;
    for (let i = 0; i < n; i += 2) {
      // The 26 and 27 bits of one nextFloat() (its s = hi * 2^27 + lo), drawn as the integers they
      // are: a returned double is boxed whenever V8 does not inline the call. The fast path is
      // written out here, in int32 arithmetic, so it compiles inline; each branch stores its own
      // result, as a conditional expression joining the (boxed) slow-path return would make the
      // optimiser box every fast-path value too.
      const hi = rng.nextHigh26();
      const lo = rng.nextLow27();
      const layerA = hi >>> 19;
      const uA = (2 * (hi & 0x7_ffff) + 1) / 0x8_0000 - 1;
      if (Math.abs(uA) < (nRatio[layerA] ?? 0)) out[i] = uA * (nX[layerA] ?? 0);
      else out[i] = this.normalSlow(layerA, uA);
      if (i + 1 >= n) break;
      const layerB = lo >>> 20;
      const uB = (2 * (lo & 0xf_ffff) + 1) / 0x10_0000 - 1;
      if (Math.abs(uB) < (nRatio[layerB] ?? 0)) out[i + 1] = uB * (nX[layerB] ?? 0);
      else out[i + 1] = this.normalSlow(layerB, uB);
    }
  }

  /** Writes `n` Exp(1) deviates, two per generator uniform. */
  fillExponentials(out: Float64Array, n: number): void {
    const rng = this.rng;
    for (let i = 0; i < n; i += 2) {
      const hi = rng.nextHigh26(); // as in fillNormals
      const lo = rng.nextLow27();
      const layerA = hi >>> 18;
      const xA = (((hi & 0x3_ffff) + 0.5) / 0x4_0000) * (eX[layerA] ?? 0);
      if (xA < (eX[layerA + 1] ?? 0)) out[i] = xA;
      else out[i] = this.exponentialSlow(layerA, xA);
      if (i + 1 >= n) break;
      const layerB = lo >>> 19;
      const xB = (((lo & 0x7_ffff) + 0.5) / 0x8_0000) * (eX[layerB] ?? 0);
      if (xB < (eX[layerB + 1] ?? 0)) out[i + 1] = xB;
      else out[i + 1] = this.exponentialSlow(layerB, xB);
    }
  }

  /** One ziggurat normal from 27 random bits: the high 7 pick the layer, the low ones (xoroshiro128+'s weakest) the position. */
  private normalFrom(bits: number): number {
    const layer = bits >>> 20;
    // Cell mid-points: u is symmetric about 0 and never +-1.
    const u = (2 * (bits & 0xf_ffff) + 1) / 0x10_0000 - 1;
    if (Math.abs(u) < (nRatio[layer] ?? 0)) return u * (nX[layer] ?? 0);
    return this.normalSlow(layer, u);
  }

  /** The ~1% of normal draws outside a layer's core: the wedge test, or the tail beyond R. */
  private normalSlow(firstLayer: number, firstU: number): number {
    let layer = firstLayer;
    let u = firstU;
    // Each round accepts with probability above 0.98: 64 rejections in a row is a broken generator.
    for (let round = 0; round < 64; round++) {
      if (round > 0) {
        const bits = (this.rng.nextFloat() * TWO_27) | 0;
        layer = bits >>> 20;
        u = (2 * (bits & 0xf_ffff) + 1) / 0x10_0000 - 1;
        if (Math.abs(u) < (nRatio[layer] ?? 0)) return u * (nX[layer] ?? 0);
      }
      if (layer === 0) return this.normalTail(u < 0);
      const xi = nX[layer] ?? 0;
      const xn = nX[layer + 1] ?? 0;
      const x = u * xi;
      const f0 = Math.exp(-0.5 * (xi * xi - x * x));
      const f1 = Math.exp(-0.5 * (xn * xn - x * x));
      if (f1 + this.rng.nextFloat() * (f0 - f1) < 1) return x;
    }
    throw new Error(`rng stream ${this.rng.name}: normal sampling failed 64 times`);
  }

  /** Marsaglia's tail method beyond R; accepts with probability above 0.9. */
  private normalTail(negative: boolean): number {
    for (let round = 0; round < 64; round++) {
      const x = Math.log(1 - this.rng.nextFloat()) / N_R;
      const y = Math.log(1 - this.rng.nextFloat());
      if (-2 * y >= x * x) return negative ? x - N_R : N_R - x;
    }
    throw new Error(`rng stream ${this.rng.name}: normal tail sampling failed 64 times`);
  }

  /** One ziggurat Exp(1) from 27 random bits: the high 8 pick the layer. */
  private exponentialFrom(bits: number): number {
    const layer = bits >>> 19;
    const x = (((bits & 0x7_ffff) + 0.5) / 0x8_0000) * (eX[layer] ?? 0);
    if (x < (eX[layer + 1] ?? 0)) return x;
    return this.exponentialSlow(layer, x);
  }

  private exponentialSlow(firstLayer: number, firstX: number): number {
    let layer = firstLayer;
    let x = firstX;
    for (let round = 0; round < 64; round++) {
      if (round > 0) {
        const bits = (this.rng.nextFloat() * TWO_27) | 0;
        layer = bits >>> 19;
        x = (((bits & 0x7_ffff) + 0.5) / 0x8_0000) * (eX[layer] ?? 0);
        if (x < (eX[layer + 1] ?? 0)) return x;
      }
      // Beyond R the exponential is memoryless: R plus a fresh Exp(1) by inversion.
      if (layer === 0) return E_R - Math.log(1 - this.rng.nextFloat());
      const fi = eF[layer] ?? 0;
      if (fi + this.rng.nextFloat() * ((eF[layer + 1] ?? 0) - fi) < Math.exp(-x)) return x;
    }
    throw new Error(`rng stream ${this.rng.name}: exponential sampling failed 64 times`);
  }
}
