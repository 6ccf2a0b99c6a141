/**
 * The stateless pre-trade checks, one function per limit: each returns null when the order passes
 * or the reason it does not, starting with the limit's name (so that reports and tests can group
 * rejections by limit). Position-type limits never block a risk-reducing order; order-size limits
 * apply to every order.
 */
import { notionalMoney } from '../../instruments/instrument.ts';
import type { OrderRequest } from '../../venue/orders.ts';
import { exposureRaw, isRiskReducing, type RiskBookView } from './view.ts';

/** Limits in raw units, converted once at start (per instrument for quantities). */
export interface RawLimits {
  maxPositionRaw: number[] | undefined;
  maxOrderQuantityRaw: number[] | undefined;
  maxPositionNotional: number | undefined;
  maxOrderNotional: number | undefined;
  maxLeverage: number | undefined;
}

function units(view: RiskBookView, index: number, raw: number): number {
  return raw / 10 ** view.instruments[index]!.quantityDecimals;
}

function money(view: RiskBookView, m: number): string {
  return (m / 10 ** view.moneyDecimals).toFixed(view.moneyDecimals);
}

export function checkMaxPosition(order: OrderRequest, view: RiskBookView, l: RawLimits): string | null {
  if (l.maxPositionRaw === undefined) return null;
  const max = l.maxPositionRaw[order.instrumentIndex]!;
  const { after } = exposureRaw(order, view);
  if (Math.abs(after) <= max || isRiskReducing(order, view)) return null;
  return `maxPosition: position with working orders would be ${units(view, order.instrumentIndex, after)}, limit ${units(view, order.instrumentIndex, max)}`;
}

export function checkMaxOrderQuantity(order: OrderRequest, view: RiskBookView, l: RawLimits): string | null {
  if (l.maxOrderQuantityRaw === undefined) return null;
  const max = l.maxOrderQuantityRaw[order.instrumentIndex]!;
  if (order.quantityRaw <= max) return null;
  return `maxOrderQuantity: order of ${units(view, order.instrumentIndex, order.quantityRaw)}, limit ${units(view, order.instrumentIndex, max)}`;
}

/** The price an order is valued at: its limit price, else the last price; 0 when neither. */
function orderPriceRaw(order: OrderRequest, view: RiskBookView): number {
  return order.limitPriceRaw ?? view.lastPriceRaw(order.instrumentIndex);
}

export function checkMaxOrderNotional(order: OrderRequest, view: RiskBookView, l: RawLimits): string | null {
  if (l.maxOrderNotional === undefined) return null;
  const px = orderPriceRaw(order, view);
  if (!(px > 0)) return 'maxOrderNotional: no price to value the order yet';
  const n = notionalMoney(view.instruments[order.instrumentIndex]!, order.quantityRaw, px, view.moneyDecimals);
  if (n <= l.maxOrderNotional) return null;
  return `maxOrderNotional: order notional ${money(view, n)}, limit ${money(view, l.maxOrderNotional)}`;
}

export function checkMaxPositionNotional(order: OrderRequest, view: RiskBookView, l: RawLimits): string | null {
  if (l.maxPositionNotional === undefined || isRiskReducing(order, view)) return null;
  const px = view.lastPriceRaw(order.instrumentIndex);
  if (!(px > 0)) return 'maxPositionNotional: no price to value the position yet';
  const { after } = exposureRaw(order, view);
  const n = Math.abs(notionalMoney(view.instruments[order.instrumentIndex]!, after, px, view.moneyDecimals));
  if (n <= l.maxPositionNotional) return null;
  return `maxPositionNotional: position notional with working orders would be ${money(view, n)}, limit ${money(view, l.maxPositionNotional)}`;
}

/** Gross notional of all exposures (positions with working orders) at last prices, with the order's instrument at `exposureRaw`. */
function grossNotional(view: RiskBookView, index: number, exposureRaw: number): number {
  let gross = 0;
  for (let i = 0; i < view.instruments.length; i++) {
    const q = i === index ? exposureRaw : view.positionRaw(i) + view.pendingRaw(i);
    const px = view.lastPriceRaw(i);
    if (q !== 0 && px > 0) gross += Math.abs(notionalMoney(view.instruments[i]!, q, px, view.moneyDecimals));
  }
  return gross;
}

export function checkMaxLeverage(order: OrderRequest, view: RiskBookView, l: RawLimits): string | null {
  if (l.maxLeverage === undefined || isRiskReducing(order, view)) return null;
  if (!(view.lastPriceRaw(order.instrumentIndex) > 0)) return 'maxLeverage: no price to value the position yet';
  const equity = view.equity();
  const { after } = exposureRaw(order, view);
  const gross = grossNotional(view, order.instrumentIndex, after);
  if (!(equity > 0)) return `maxLeverage: equity ${Number.isNaN(equity) ? 'unknown' : money(view, equity)} leaves no room for new exposure`;
  // gross / equity <= max, compared without dividing: both sides are exact money amounts.
  if (gross <= l.maxLeverage * equity) return null;
  return `maxLeverage: gross notional would be ${money(view, gross)} = ${(gross / equity).toFixed(4)} x equity ${money(view, equity)}, limit ${l.maxLeverage}`;
}

export type StatelessCheck = (order: OrderRequest, view: RiskBookView, l: RawLimits) => string | null;

/** The stateless checks in the order they run (the first failure is the reason), each with the limit it enforces. */
const CHECKS: readonly (readonly [StatelessCheck, keyof RawLimits])[] = [
  [checkMaxOrderQuantity, 'maxOrderQuantityRaw'],
  [checkMaxOrderNotional, 'maxOrderNotional'],
  [checkMaxPosition, 'maxPositionRaw'],
  [checkMaxPositionNotional, 'maxPositionNotional'],
  [checkMaxLeverage, 'maxLeverage'],
];

export const STATELESS_CHECKS: readonly StatelessCheck[] = CHECKS.map(([check]) => check);

/**
 * The checks whose limit is set, in STATELESS_CHECKS order: each other one passes every order
 * (its limit undefined), and the checks run once per order.
 */
export function activeChecks(l: RawLimits): readonly StatelessCheck[] {
  return CHECKS.filter(([, limit]) => l[limit] !== undefined).map(([check]) => check);
}
