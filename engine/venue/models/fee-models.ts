/**
 * Fee models: what a fill costs, in money units of the account, rounded half to even once per fill.
 * One interface, a default (no fee), and the common schedules: per unit (per share, per
 * contract), basis points of notional, with an optional minimum per fill.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { bigDivRoundHalfEven, toMoney } from '../../instruments/money.ts';
import type { Instrument } from '../../instruments/instrument.ts';

/**
 * What a fee model is asked: grows without breaking implementations (LEAN's OrderFeeParameters).
 * The venue reuses one object for every fill, as it does the fill and slippage models'
 * parameters: read it during the call, never keep it.
 */
export interface FeeParams {
  readonly instrument: Instrument;
  readonly quantityRaw: number;
  readonly priceRaw: number;
  /** The fill's notional in money units (already rounded). */
  readonly notional: number;
  readonly moneyDecimals: number;
}

export interface FeeModel {
  /** Fee in money units, a non-negative integer. */
  fee(params: FeeParams): number;
}

export const NO_FEES: FeeModel = { fee: () => 0 };

export const FeeModelSchema = z.strictObject({
  perUnit: z.number().nonnegative().default(0).describe('Fee per share or per contract, per side, in account currency (e.g. 2.00 per contract).'),
  bps: z.number().nonnegative().max(10_000).default(0).describe('Fee in basis points of the fill notional (1 bps = 0.01%).'),
  minimum: z.number().nonnegative().default(0).describe('Minimum fee per fill, in account currency (applies when the computed fee is lower).'),
}).describe('Fees per fill: perUnit * quantity + bps of notional, at least minimum; rounded half to even once per fill.');
export type FeeModelConfig = z.input<typeof FeeModelSchema>;

/** perUnit x quantity + bps x notional, at least `minimum`, rounded once. */
export class ScheduleFeeModel implements FeeModel {
  private readonly perUnitMoney: number;
  /** bps scaled by 10^4 so that fractional bps stay integers. */
  private readonly bpsE4: bigint;
  /** bpsE4 is 0n, as a boolean: compared per fill, where a BigInt comparison costs a builtin call. */
  private readonly noBps: boolean;
  private readonly minimumMoney: number;

  constructor(config: FeeModelConfig, moneyDecimals: number) {
    const c = parseMemo(FeeModelSchema, config);
    this.perUnitMoney = toMoney(c.perUnit, moneyDecimals);
    const bpsE4 = Math.round(c.bps * 10_000);
    if (Math.abs(bpsE4 - c.bps * 10_000) > 1e-6) throw new RangeError(`fee bps ${c.bps} has more than 4 decimals`);
    this.bpsE4 = BigInt(bpsE4);
    this.noBps = bpsE4 === 0;
    this.minimumMoney = toMoney(c.minimum, moneyDecimals);
  }

  fee(p: FeeParams): number {
    let fee = 0;
    if (this.perUnitMoney !== 0 && this.noBps && p.instrument.quantityDecimals === 0) {
      fee = this.perUnitMoney * p.quantityRaw; // whole units: exact, no rounding
    } else if (this.perUnitMoney !== 0 || !this.noBps) {
      // perUnit x units + bps x notional, as one exact fraction rounded half to even once:
      // (perUnit x quantityRaw x 1e8 + notional x bpsE4 x 10^qd) / (10^qd x 1e8).
      const scale = 10n ** BigInt(p.instrument.quantityDecimals);
      const numerator = BigInt(this.perUnitMoney) * BigInt(p.quantityRaw) * 100_000_000n + BigInt(Math.abs(p.notional)) * this.bpsE4 * scale;
      fee = Number(bigDivRoundHalfEven(numerator, scale * 100_000_000n));
    }
    return fee < this.minimumMoney ? this.minimumMoney : fee;
  }
}
