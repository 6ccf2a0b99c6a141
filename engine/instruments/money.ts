/**
 * Fixed-point money. Money is an integer count of the account currency's smallest unit
 * (10^-moneyDecimals, default 2: cents), held in a number and exact below 2^53 (about 90 trillion
 * dollars at cents). Prices and quantities are raw integers of their instrument (instrument.ts).
 *
 * Rounding happens once per computed amount, half to even: a fill's notional and its fee are each
 * rounded once; mark-to-market values are rounded once per valuation. Every sum after that is an
 * exact integer sum, which is why the ledger identity holds exactly.
 */
import { NumericRangeError } from '../kernel/errors.ts';

export const MONEY_DECIMALS_DEFAULT = 2;

const BIG_POW10: bigint[] = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i));
/** 10 ** i for i in [0, 15], exact doubles: scaledProduct prices every equity sample with a position open, and `**` is a libm call. */
const POW10 = Float64Array.from({ length: 16 }, (_, i) => 10 ** i);

/** n / d rounded half to even; n, d integers (d > 0), exact through BigInt when large. */
export function divRoundHalfEven(n: number, d: number): number {
  if (Number.isSafeInteger(n) && Math.abs(n) < 2 ** 52 && d > 0 && d < 2 ** 26) {
    const q = Math.trunc(n / d);
    const r = n - q * d; // exact: |q*d| <= |n|
    const twice = 2 * Math.abs(r);
    if (twice < d) return q;
    const away = n < 0 ? q - 1 : q + 1;
    if (twice > d) return away;
    return q % 2 === 0 ? q : away;
  }
  return Number(bigDivRoundHalfEven(BigInt(n), BigInt(d)));
}

export function bigDivRoundHalfEven(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const q = n / d; // truncates toward zero
  const r = n - q * d;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < d) return q;
  const away = n < 0n ? q - 1n : q + 1n;
  if (twice > d) return away;
  return q % 2n === 0n ? q : away;
}

/** Converts a decimal amount given by a user (e.g. start cash 10000.5) to money units, exactly. */
export function toMoney(amount: number, moneyDecimals: number): number {
  const raw = Math.round(amount * 10 ** moneyDecimals);
  if (!Number.isSafeInteger(raw)) throw new NumericRangeError('money amount', `amount ${amount} does not fit money at ${moneyDecimals} decimals`);
  if (Math.abs(raw / 10 ** moneyDecimals - amount) > 1e-9 * Math.max(1, Math.abs(amount))) {
    throw new RangeError(`amount ${amount} has more than ${moneyDecimals} decimals`);
  }
  return raw;
}

export function fromMoney(raw: number, moneyDecimals: number): number {
  return raw / 10 ** moneyDecimals;
}

/**
 * value = a * b * 10^exp10, rounded half to even to an integer. Uses doubles when the product is
 * exactly representable, BigInt otherwise: exact either way.
 */
export function scaledProduct(a: number, b: number, exp10: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p) && exp10 >= 0 && exp10 <= 15) {
    const v = p * POW10[exp10]!;
    if (Number.isSafeInteger(v)) return v;
  } else if (Number.isSafeInteger(p) && exp10 < 0 && exp10 >= -7) {
    return divRoundHalfEven(p, POW10[-exp10]!);
  }
  const big = BigInt(a) * BigInt(b);
  const v = exp10 >= 0 ? big * BIG_POW10[exp10]! : bigDivRoundHalfEven(big, BIG_POW10[-exp10]!);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new NumericRangeError('money amount', `money amount ${v} exceeds the safe integer range`);
  return n;
}
