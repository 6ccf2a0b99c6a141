/**
 * Seeded randomness in named, independent streams (TigerBeetle's VOPR style): one root seed per
 * run; each stream's state is derived from (root seed, stream name) by SHA-256, so drawing more
 * from one stream, or adding a stream, never changes another stream's sequence.
 *
 * The generator is pure-rand's xoroshiro128+ (fast, 128-bit state, well studied). Its state is
 * plain data (`RngState`), so a snapshot restores a stream exactly where it was.
 */
import { createHash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** The bits pure-rand's uniformFloat64 keeps of its two generator outputs (26, then 27). */
const HIGH_26 = 0x3ff_ffff;
const LOW_27 = 0x7ff_ffff;

/** The streams the engine and harness use. A new name is a new independent stream. */
export const RNG_STREAMS = ['market', 'venue', 'latency', 'faults', 'agent'] as const;
export type RngStreamName = (typeof RNG_STREAMS)[number] | (string & {});

/** Plain-data state of one stream: the generator words plus a cached normal deviate. */
export interface RngState {
  readonly name: string;
  readonly words: readonly number[];
  readonly spareNormal: number | null;
}

/** Largest root seed accepted: seeds are printed and typed by users, so keep them safe integers. */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
}

/** 128 bits of generator state for `name` under `rootSeed`, never all zero. */
function deriveWords(rootSeed: number, name: string): number[] {
  const digest = createHash('sha256').update(`gauntlet-rng-v1\0${rootSeed}\0${name}`).digest();
  const words = [digest.readInt32LE(0), digest.readInt32LE(4), digest.readInt32LE(8), digest.readInt32LE(12)];
  if (!words.some((w) => w !== 0)) words[0] = 1;
  return words;
}

/** Derives a child seed (a safe integer) for a named sub-run, e.g. a scenario within a suite. */
export function deriveSeed(rootSeed: number, name: string): number {
  assertSeed(rootSeed);
  const digest = createHash('sha256').update(`gauntlet-seed-v1\0${rootSeed}\0${name}`).digest();
  // 53 bits: the high 21 bits of one word and 32 of another.
  return (digest.readUInt32LE(0) & 0x1f_ffff) * 0x1_0000_0000 + digest.readUInt32LE(4);
}

/** One random stream. Not shared between components: each asks the registry for its own name. */
export class Rng {
  readonly name: string;
  private gen: RandomGenerator;
  private spare: number | null;

  private constructor(name: string, gen: RandomGenerator, spare: number | null) {
    this.name = name;
    this.gen = gen;
    this.spare = spare;
  }

  static derive(rootSeed: number, name: string): Rng {
    assertSeed(rootSeed);
    return new Rng(name, xoroshiro128plusFromState(deriveWords(rootSeed, name)), null);
  }

  static fromState(state: RngState): Rng {
    return new Rng(state.name, xoroshiro128plusFromState(state.words), state.spareNormal);
  }

  snapshot(): RngState {
    return { name: this.name, words: [...this.gen.getState()], spareNormal: this.spare };
  }

  /** An independent copy that continues from this point; drawing from it never moves this one. */
  clone(): Rng {
    return new Rng(this.name, this.gen.clone(), this.spare);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return uniformFloat64(this.gen);
  }

  /**
   * The two generator outputs one nextFloat() is made of, as integers, drawn in its order: first
   * `nextHigh26()`, then `nextLow27()`, and nextFloat() would have been (high * 2^27 + low) / 2^53
   * exactly. Hot loops that want the bits call these: a small integer is returned unboxed, where
   * the double nextFloat() returns is a heap allocation whenever V8 does not inline the call.
   */
  nextHigh26(): number {
    return this.gen.next() & HIGH_26;
  }

  /** The second half of a nextFloat(): see nextHigh26. */
  nextLow27(): number {
    return this.gen.next() & LOW_27;
  }

  /** Uniform integer in [min, max] (inclusive); both must be safe integers, span below 2^32. */
  nextInt(min: number, max: number): number {
    const span = max - min + 1;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || span <= 0 || span > 0x1_0000_0000) {
      throw new RangeError(`nextInt(${min}, ${max}): bad range`);
    }
    return min + Math.floor(this.nextFloat() * span);
  }

  /** Standard normal deviate (polar Box-Muller; the second deviate is kept for the next call). */
  nextNormal(): number {
    const spare = this.spare;
    if (spare !== null) {
      this.spare = null;
      return spare;
    }
    // Rejection loop: accepts with probability pi/4, so 64 rounds failing is a broken generator.
    for (let round = 0; round < 64; round++) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
    throw new Error(`rng stream ${this.name}: normal sampling failed 64 times`);
  }

  /** Exponential deviate with the given mean. */
  nextExponential(mean: number): number {
    return -Math.log(1 - this.nextFloat()) * mean;
  }
}

/** The run's streams: one root seed, one Rng per name, created on first use. */
export class RngRegistry {
  readonly rootSeed: number;
  private readonly streams = new Map<string, Rng>();

  constructor(rootSeed: number) {
    assertSeed(rootSeed);
    this.rootSeed = rootSeed;
  }

  stream(name: RngStreamName): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      rng = Rng.derive(this.rootSeed, name);
      this.streams.set(name, rng);
    }
    return rng;
  }

  snapshot(): RngState[] {
    return [...this.streams.values()].map((r) => r.snapshot()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  restore(states: readonly RngState[]): void {
    this.streams.clear();
    for (const s of states) this.streams.set(s.name, Rng.fromState(s));
  }
}
