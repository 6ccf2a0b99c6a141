/**
 * Pre-trade risk limits, as a scenario file states them. Quantities are in instrument units
 * (shares, contracts, base-currency units), amounts in the account currency; the risk engine
 * converts them to raw quantities and money units once, at start. A missing limit is not checked.
 */
import { z } from 'zod';

export const RiskLimitsSchema = z.strictObject({
  maxPosition: z.number().positive().optional()
    .describe('Largest absolute position per instrument, counting working orders, in shares/contracts/units.'),
  maxPositionNotional: z.number().positive().optional()
    .describe('Largest absolute notional of a position per instrument (with working orders) at the last price, in account currency.'),
  maxOrderQuantity: z.number().positive().optional()
    .describe('Largest quantity of a single order, in shares/contracts/units. Applies to every order, risk-reducing ones too.'),
  maxOrderNotional: z.number().positive().optional()
    .describe('Largest notional of a single order (at its limit price, else the last price), in account currency. Applies to every order.'),
  maxLeverage: z.number().positive().optional()
    .describe('Largest gross notional of all positions with working orders, at last prices, divided by equity (2 = twice equity).'),
  // The engine keeps a ring of this many send times: the bound keeps a typo from asking for gigabytes.
  maxOrdersPerWindow: z.number().int().positive().max(1_000_000).optional()
    .describe('Most new orders (and replaces) in any rolling window of orderWindowUs of the stack clock; cancels are not counted.'),
  orderWindowUs: z.number().int().positive().optional()
    .describe('Length of the order-rate window in microseconds (e.g. 1000000 for "per second"). Needed with maxOrdersPerWindow.'),
  maxDailyLoss: z.number().positive().optional()
    .describe('Loss from the equity at the start of the session (calendar sessions) after which only risk-reducing orders pass until the next session, in account currency.'),
  killSwitchDrawdown: z.number().positive().max(1).optional()
    .describe('Trip the kill switch when equity falls this fraction below its peak (0.2 = 20%). After it only risk-reducing orders pass, for the rest of the run.'),
  flattenOnKill: z.boolean().default(true)
    .describe('When the kill switch trips, cancel working orders and close every position (default true); false: only block new risk.'),
}).refine((l) => (l.maxOrdersPerWindow === undefined) === (l.orderWindowUs === undefined), {
  message: 'maxOrdersPerWindow and orderWindowUs go together', path: ['orderWindowUs'],
}).describe('Pre-trade risk limits; a missing limit is not checked. Every rejection is journaled with its reason.');
export type RiskLimits = z.input<typeof RiskLimitsSchema>;
export type RiskLimitsParsed = z.output<typeof RiskLimitsSchema>;
