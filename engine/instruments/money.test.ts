// Proves scaledProduct is exact on both sides of its inline/fallback split: every result equals an
// independent BigInt calculation of a * b * 10^exp10 rounded half to even, including products just
// past 2^53 (which the inline path must decline) and negative exponents (which it never takes).
import { describe, expect, it } from 'vitest';
import { scaledProduct } from './money.ts';

/** Independent reference: exact rational a*b*10^e, rounded half to even in BigInt. */
function reference(a: number, b: number, e: number): number {
  const p = BigInt(a) * BigInt(b);
  if (e >= 0) return Number(p * 10n ** BigInt(e));
  const d = 10n ** BigInt(-e);
  const q = p / d;
  const r = p - q * d;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < d) return Number(q);
  const away = p < 0n ? q - 1n : q + 1n;
  if (twice > d) return Number(away);
  return Number(q % 2n === 0n ? q : away);
}

describe('scaledProduct', () => {
  it('matches the BigInt reference on the inline path', () => {
    for (const [a, b, e] of [[1, 400_000, 0], [-3, 123_456, 0], [10, 4000_25, 2], [0, 999, 15], [7, -11, 3]] as const) {
      expect(scaledProduct(a, b, e)).toBe(reference(a, b, e));
    }
  });

  it('falls back exactly when the product or its scaling passes 2^53', () => {
    // 2^27 * (2^26 + 1) = 2^53 + 2^27: not a safe integer, so the double product cannot be trusted.
    const a = 2 ** 27;
    const b = 2 ** 26 + 1;
    expect(Number.isSafeInteger(a * b)).toBe(false);
    expect(() => scaledProduct(a, b, 0)).toThrow(/safe integer/);
    // A safe product whose scaling overflows must throw too, not return a rounded double.
    expect(() => scaledProduct(2 ** 40, 1, 5)).toThrow(/safe integer/);
    expect(scaledProduct(2 ** 30, 3, 4)).toBe(reference(2 ** 30, 3, 4));
  });

  it('rounds half to even when scaling down', () => {
    expect(scaledProduct(1, 25, -1)).toBe(2); // 2.5 -> 2
    expect(scaledProduct(1, 35, -1)).toBe(4); // 3.5 -> 4
    expect(scaledProduct(-1, 25, -1)).toBe(-2);
    for (const [a, b, e] of [[3, 1_234_567, -3], [-7, 99_995, -2], [2 ** 26, 2 ** 26, -4]] as const) {
      expect(scaledProduct(a, b, e)).toBe(reference(a, b, e));
    }
  });
});
