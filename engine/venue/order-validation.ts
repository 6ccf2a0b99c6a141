/**
 * What the venue refuses, and why: bad orders and bad replaces are expected input (a stack's bug
 * or a chaos fault), so they return a reason that goes out in a report; they never throw.
 */
import type { Instrument } from '../instruments/instrument.ts';
import { ORDER_TYPES, TIMES_IN_FORCE, type OrderRequest } from './orders.ts';

/** Changes a replace may make to a working order (cancel/replace keeps the client order id). */
export interface OrderChanges {
  readonly quantityRaw?: number;
  readonly limitPriceRaw?: number;
  readonly stopPriceRaw?: number;
}

function needsLimit(type: OrderRequest['type']): boolean {
  return type === 'limit' || type === 'stop-limit';
}

function needsStop(type: OrderRequest['type']): boolean {
  return type === 'stop' || type === 'stop-limit';
}

function quantityProblem(quantityRaw: number, inst: Instrument): string | null {
  if (!Number.isSafeInteger(quantityRaw) || quantityRaw <= 0) return `quantity ${quantityRaw} must be a positive integer`;
  if (quantityRaw % inst.lotSizeRaw !== 0) return `quantity ${quantityRaw} is not a multiple of the lot size ${inst.lotSizeRaw}`;
  return null;
}

function priceProblem(what: string, priceRaw: number | undefined, inst: Instrument): string | null {
  if (priceRaw === undefined) return `${what} price is missing`;
  if (!Number.isSafeInteger(priceRaw) || priceRaw <= 0) return `${what} price ${priceRaw} must be a positive integer (raw)`;
  if (priceRaw % inst.tickSizeRaw !== 0) return `${what} price ${priceRaw} is not on the tick size ${inst.tickSizeRaw}`;
  return null;
}

/** Why `order` cannot be accepted, or null when it can. */
export function orderProblem(order: OrderRequest, instruments: readonly Instrument[]): string | null {
  if (typeof order.clientOrderId !== 'string' || order.clientOrderId.length === 0) return 'client order id must be a non-empty string';
  const inst = Number.isInteger(order.instrumentIndex) ? instruments[order.instrumentIndex] : undefined;
  if (inst === undefined) return `unknown instrument index ${order.instrumentIndex}`;
  if (order.side !== 1 && order.side !== -1) return `side ${String(order.side)} must be 1 (buy) or -1 (sell)`;
  // The common market GTC order settles each test with one comparison, without a builtin's call (every order comes here).
  if (order.type !== 'market' && !ORDER_TYPES.includes(order.type)) return `unknown order type ${String(order.type)}`;
  if (order.timeInForce !== 'GTC' && !TIMES_IN_FORCE.includes(order.timeInForce)) return `unknown time in force ${String(order.timeInForce)}`;
  const q = quantityProblem(order.quantityRaw, inst);
  if (q !== null) return q;
  if (needsLimit(order.type)) {
    const p = priceProblem('limit', order.limitPriceRaw, inst);
    if (p !== null) return p;
  } else if (order.limitPriceRaw !== undefined) {
    return `a ${order.type} order takes no limit price`;
  }
  if (needsStop(order.type)) {
    const p = priceProblem('stop', order.stopPriceRaw, inst);
    if (p !== null) return p;
  } else if (order.stopPriceRaw !== undefined) {
    return `a ${order.type} order takes no stop price`;
  }
  // IOC means "at the first price after arrival"; a stop waits for its trigger, so the two clash.
  if (order.timeInForce === 'IOC' && needsStop(order.type)) return `time in force IOC does not apply to ${order.type} orders`;
  return null;
}

/**
 * Why `changes` cannot be applied to a working order that has filled `filledRaw` (or whose stop
 * has triggered), or null when they can. A replace may only reduce the quantity to at least what
 * has already filled: the fills stand, whatever the replace says.
 */
export function replaceProblem(order: OrderRequest, changes: OrderChanges, filledRaw: number, triggered: boolean, inst: Instrument): string | null {
  const { quantityRaw, limitPriceRaw, stopPriceRaw } = changes;
  if (quantityRaw === undefined && limitPriceRaw === undefined && stopPriceRaw === undefined) return 'replace: no changes given';
  if (quantityRaw !== undefined) {
    const q = quantityProblem(quantityRaw, inst);
    if (q !== null) return `replace: ${q}`;
    if (quantityRaw < filledRaw) return `replace: quantity ${quantityRaw} is below the quantity already filled (${filledRaw})`;
  }
  if (limitPriceRaw !== undefined) {
    if (!needsLimit(order.type)) return `replace: a ${order.type} order has no limit price`;
    const p = priceProblem('limit', limitPriceRaw, inst);
    if (p !== null) return `replace: ${p}`;
  }
  if (stopPriceRaw !== undefined) {
    if (!needsStop(order.type)) return `replace: a ${order.type} order has no stop price`;
    if (triggered) return 'replace: the stop has already triggered';
    const p = priceProblem('stop', stopPriceRaw, inst);
    if (p !== null) return `replace: ${p}`;
  }
  return null;
}
