// Proves that decimal text becomes fixed-point integers exactly (where float multiplication does
// not), that excess decimals round half-even, that anything but a plain decimal is refused with
// the right status, and that the Adj Close ratio scaling is exact, checked against BigInt.
import { describe, expect, it } from 'vitest';
import {
  DEC_EMPTY, DEC_NAN, DEC_NOT_A_NUMBER, DEC_OK, DEC_OUT_OF_RANGE, DEC_TOO_MANY_DECIMALS,
  formatFixed, parseFixed, parseSize, scaleRatioHalfEven,
} from './decimal.ts';

const out = { raw: 0 };
function fixed(s: string, d: number): [number, number] {
  const st = parseFixed(s, d, out);
  return [st, out.raw];
}

describe('parseFixed', () => {
  it('is exact where float multiplication is not', () => {
    expect(4.35 * 100).not.toBe(435); // the trap this parser avoids: 434.99999999999994
    expect(fixed('4.35', 2)).toEqual([DEC_OK, 435]);
    expect(fixed('8.2', 2)).toEqual([DEC_OK, 820]);
    expect(fixed('2.179012', 6)).toEqual([DEC_OK, 2_179_012]);
    expect(fixed('1.07219', 5)).toEqual([DEC_OK, 107_219]);
    expect(fixed('3578.73', 2)).toEqual([DEC_OK, 357_873]);
    expect(fixed('1.0716', 5)).toEqual([DEC_OK, 107_160]); // fewer decimals than declared: padded
    expect(fixed('3067', 2)).toEqual([DEC_OK, 306_700]);
    expect(fixed('.5', 1)).toEqual([DEC_OK, 5]);
    expect(fixed('+12.5', 1)).toEqual([DEC_OK, 125]);
    expect(fixed('-2.5', 1)).toEqual([DEC_OK, -25]);
    expect(fixed('1.50', 1)).toEqual([DEC_OK, 15]); // excess zeros are exact
  });

  it('rounds excess decimals half-even and says so', () => {
    expect(fixed('1.2345', 3)).toEqual([DEC_TOO_MANY_DECIMALS, 1234]); // tie, 4 is even
    expect(fixed('1.2355', 3)).toEqual([DEC_TOO_MANY_DECIMALS, 1236]); // tie, 5 is odd
    expect(fixed('1.23450001', 3)).toEqual([DEC_TOO_MANY_DECIMALS, 1235]); // above the tie
    expect(fixed('1.2344999', 3)).toEqual([DEC_TOO_MANY_DECIMALS, 1234]);
    expect(fixed('1.2301', 3)).toEqual([DEC_TOO_MANY_DECIMALS, 1230]);
    expect(fixed('9.9995', 3)).toEqual([DEC_TOO_MANY_DECIMALS, 10_000]); // carries into the integer part
  });

  it('refuses what is not a plain decimal', () => {
    expect(fixed('', 2)[0]).toBe(DEC_EMPTY);
    for (const s of ['abc', '1.2.3', '1e5', ' 1.5', '1.5 ', '1,000.00', '-', '.', 'Infinity', '0x10']) {
      expect([s, fixed(s, 2)[0]]).toEqual([s, DEC_NOT_A_NUMBER]);
    }
    expect(fixed('NaN', 2)[0]).toBe(DEC_NAN);
    expect(fixed('nan', 2)[0]).toBe(DEC_NAN);
    expect(fixed('99999999999', 6)[0]).toBe(DEC_OUT_OF_RANGE); // 1e17 raw > 2^53
    expect(fixed('9007199254.740991', 6)).toEqual([DEC_OK, Number.MAX_SAFE_INTEGER]);
  });

  it('parses sizes as non-negative decimals', () => {
    expect(parseSize('36301200', out)).toBe(DEC_OK);
    expect(out.raw).toBe(36_301_200);
    expect(parseSize('0.25', out)).toBe(DEC_OK);
    expect(out.raw).toBe(0.25);
    expect(parseSize('', out)).toBe(DEC_EMPTY);
    expect(parseSize('-5', out)).toBe(DEC_NOT_A_NUMBER);
    expect(parseSize('NaN', out)).toBe(DEC_NAN);
  });
});

describe('scaleRatioHalfEven', () => {
  const reference = (x: number, num: number, den: number): number => {
    const p = BigInt(x) * BigInt(num);
    const q = p / BigInt(den);
    const twice = 2n * (p - q * BigInt(den));
    return Number(twice > BigInt(den) || (twice === BigInt(den) && q % 2n === 1n) ? q + 1n : q);
  };

  it('matches exact rational rounding, small and beyond 2^53', () => {
    const cases: [number, number, number][] = [
      [2_179_012, 1_883_304, 2_117_284], // ORCL 1995-01-03 Open * AdjClose / Close
      [5, 1, 2], [7, 1, 2], [3, 1, 2], // ties: 2.5 -> 2, 3.5 -> 4, 1.5 -> 2
      [118_000_000, 117_000_001, 118_000_003], // product beyond 2^53
      [1_469_250_000, 1_455_219_971, 1_455_219_971], // ratio 1
    ];
    let seed = 12_345;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const x = 1 + (seed % 200_000_000);
      const num = 1 + ((seed * 7) % 150_000_000);
      const den = 1 + ((seed * 13) % 150_000_000);
      cases.push([x, num, den]);
    }
    for (const [x, num, den] of cases) expect([x, num, den, scaleRatioHalfEven(x, num, den)]).toEqual([x, num, den, reference(x, num, den)]);
    expect(scaleRatioHalfEven(5, 1, 2)).toBe(2);
    expect(scaleRatioHalfEven(7, 1, 2)).toBe(4);
  });

  it('formats raw values for people', () => {
    expect(formatFixed(2_179_012, 6)).toBe('2.179012');
    expect(formatFixed(5, 4)).toBe('0.0005');
    expect(formatFixed(-25, 1)).toBe('-2.5');
    expect(formatFixed(42, 0)).toBe('42');
  });
});
