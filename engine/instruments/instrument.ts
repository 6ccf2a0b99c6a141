/**
 * Instruments: what is traded, with the precision of its prices and quantities.
 *
 * A raw price is price * 10^priceDecimals; a raw quantity is quantity * 10^quantityDecimals.
 * Equities trade in shares, FX pairs in units of the base currency (valued in the quote
 * currency), futures in contracts with a multiplier and a margin per contract.
 */
import { z } from 'zod';
import { parseMemo } from '../config/parse-memo.ts';
import { scaledProduct, toMoney } from './money.ts';

export const InstrumentSchema = z.strictObject({
  id: z.string().min(1).describe('Instrument id, e.g. "ORCL", "ES", "EURUSD". Market data sources name it.'),
  kind: z.enum(['equity', 'fx', 'future']).describe('equity: shares; fx: units of the base currency; future: contracts with a multiplier and margin.'),
  currency: z.string().length(3).default('USD').describe('Currency its prices are quoted in (the quote currency for FX).'),
  baseCurrency: z.string().length(3).optional().describe('FX only: the base currency of the pair (EUR in EURUSD).'),
  priceDecimals: z.number().int().min(0).max(9).describe('Decimals of a price: raw price = price * 10^priceDecimals.'),
  tickSize: z.number().positive().optional().describe('Smallest price increment; default one unit of the last price decimal. Every price of a CSV source of the instrument must be a multiple of it (else a bad row, off-tick).'),
  quantityDecimals: z.number().int().min(0).max(8).default(0).describe('Decimals of a quantity (0 for whole shares or contracts).'),
  lotSize: z.number().positive().default(1).describe('Orders are whole multiples of this quantity.'),
  multiplier: z.number().int().positive().default(1).describe('Futures: money per point of price per contract (e.g. 10). 1 otherwise.'),
  marginPerContract: z.number().nonnegative().default(0).describe('Futures: margin held aside per open contract, in account currency.'),
});
export type InstrumentConfig = z.input<typeof InstrumentSchema>;

/** A validated instrument with raw (integer) tick and lot sizes. */
export interface Instrument {
  readonly id: string;
  readonly kind: 'equity' | 'fx' | 'future';
  readonly currency: string;
  readonly baseCurrency: string | undefined;
  readonly priceDecimals: number;
  readonly quantityDecimals: number;
  readonly tickSizeRaw: number;
  readonly lotSizeRaw: number;
  readonly multiplier: number;
  /** Money units (of the account) per open contract. */
  readonly marginPerContractMoney: number;
  /** Cash instruments exchange notional for cash; futures only settle PnL. */
  readonly isCash: boolean;
}

function toRaw(value: number, decimals: number, what: string): number {
  const raw = Math.round(value * 10 ** decimals);
  if (raw <= 0 || Math.abs(raw - value * 10 ** decimals) > 1e-6) throw new RangeError(`${what} ${value} is not a multiple of 10^-${decimals}`);
  return raw;
}

export function makeInstrument(config: InstrumentConfig, moneyDecimals: number): Instrument {
  const c = parseMemo(InstrumentSchema, config);
  if (c.kind === 'fx' && c.baseCurrency === undefined) throw new RangeError(`instrument ${c.id}: an fx pair needs baseCurrency`);
  if (c.kind !== 'future' && (c.multiplier !== 1 || c.marginPerContract !== 0)) {
    throw new RangeError(`instrument ${c.id}: multiplier and marginPerContract apply to futures only`);
  }
  return {
    id: c.id,
    kind: c.kind,
    currency: c.currency,
    baseCurrency: c.baseCurrency,
    priceDecimals: c.priceDecimals,
    quantityDecimals: c.quantityDecimals,
    tickSizeRaw: c.tickSize === undefined ? 1 : toRaw(c.tickSize, c.priceDecimals, `instrument ${c.id}: tickSize`),
    lotSizeRaw: toRaw(c.lotSize, c.quantityDecimals, `instrument ${c.id}: lotSize`),
    multiplier: c.multiplier,
    marginPerContractMoney: toMoney(c.marginPerContract, moneyDecimals),
    isCash: c.kind !== 'future',
  };
}

/**
 * Money value of `quantityRaw` at `priceRaw` (signed with the quantity), in money units of an
 * account with `moneyDecimals`, rounded half to even once.
 */
export function notionalMoney(inst: Instrument, quantityRaw: number, priceRaw: number, moneyDecimals: number): number {
  return scaledProduct(quantityRaw * inst.multiplier, priceRaw, moneyDecimals - inst.priceDecimals - inst.quantityDecimals);
}

export function quantityToRaw(inst: Instrument, quantity: number): number {
  return Math.round(quantity * 10 ** inst.quantityDecimals);
}

export function rawToQuantity(inst: Instrument, quantityRaw: number): number {
  return quantityRaw / 10 ** inst.quantityDecimals;
}

export function rawToPrice(inst: Instrument, priceRaw: number): number {
  return priceRaw / 10 ** inst.priceDecimals;
}
