/**
 * Pairs fills into closed round trips with average-cost accounting, per instrument.
 *
 * - Fills that open or add to a position move its average cost; the position keeps the time of
 *   the fill that opened it from flat.
 * - Every fill that reduces a position closes a round trip for the quantity it closes, priced at
 *   the average cost in and the fill price out: a partial close is a round trip of its own and
 *   the rest stays open at the same average cost.
 * - A fill that goes through zero (long 100, sell 150) splits into a close of the old position
 *   (100) and an open of the new one (short 50), its fee divided pro rata by quantity.
 * - Entry fees wait on the open position and go to its round trips pro rata by quantity closed,
 *   so a round trip's pnl is net of its share of both entry and exit fees, and the pnl of all
 *   round trips plus the fees still on open positions add up to the realised cash flows.
 */
import type { Fill, RoundTrip } from './types.ts';

export interface OpenPosition {
  readonly instrumentId: string;
  readonly side: 'long' | 'short';
  readonly quantity: number;
  readonly averagePrice: number;
  readonly entryTimeUs: number;
  /** Entry fees paid on the quantity still open, not yet charged to a round trip. */
  readonly unallocatedFees: number;
}

export interface RoundTripsResult {
  /** Closed round trips in the order their closing fills came. */
  readonly roundTrips: RoundTrip[];
  /** Positions still open after the last fill, by instrument id. */
  readonly open: OpenPosition[];
}

export interface RoundTripOptions {
  /** Contract multiplier per instrument (futures): pnl = quantity * price move * multiplier. 1 when omitted. */
  readonly multiplierOf?: (instrumentId: string) => number;
}

interface Position {
  signedQuantity: number;
  averagePrice: number;
  entryTimeUs: number;
  fees: number;
}

/**
 * Quantities within this relative distance are equal: fractional quantities (0.1 + 0.2) would
 * otherwise leave a 1e-17 position open after a full close.
 */
const QUANTITY_TOLERANCE = 1e-9;

function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= QUANTITY_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Fills must be in time order (ties keep their order); throws RangeError on a malformed fill (a venue bug). */
export function roundTripsFromFills(fills: readonly Fill[], options: RoundTripOptions = {}): RoundTripsResult {
  const multiplierOf = options.multiplierOf ?? (() => 1);
  const positions = new Map<string, Position>();
  const roundTrips: RoundTrip[] = [];
  let lastTime = -Infinity;
  // The instrument of the previous fill and its multiplier: runs of fills of one instrument ask once.
  let lastInstrument: string | null = null;
  let multiplier = 1;

  // Indexed, not entries(): this runs once per process, mostly before V8 optimises it.
  for (let i = 0; i < fills.length; i++) {
    const fill = fills[i]!;
    assertFill(fill, i, lastTime);
    lastTime = fill.timeUs;
    if (fill.instrumentId !== lastInstrument) {
      multiplier = multiplierOf(fill.instrumentId);
      if (!Number.isFinite(multiplier) || multiplier <= 0) throw new RangeError(`multiplier of ${fill.instrumentId} must be positive, got ${multiplier}`);
      lastInstrument = fill.instrumentId;
    }

    const sign = fill.side === 'buy' ? 1 : -1;
    let remaining = fill.quantity;
    let feeLeft = fill.fee;
    const pos = positions.get(fill.instrumentId);
    // The position the rest of the fill opens or adds to: none once this fill closed it all.
    let current = pos;

    if (pos !== undefined && Math.sign(pos.signedQuantity) === -sign) {
      const held = Math.abs(pos.signedQuantity);
      const closesAll = remaining > held || nearlyEqual(remaining, held);
      const closeQty = closesAll ? held : remaining;
      const fillShare = nearlyEqual(closeQty, remaining) ? 1 : closeQty / fill.quantity;
      const exitFee = fillShare === 1 ? feeLeft : fill.fee * fillShare;
      const entryFee = closesAll ? pos.fees : (pos.fees * closeQty) / held;
      const direction = pos.signedQuantity > 0 ? 1 : -1;
      const gross = (fill.price - pos.averagePrice) * closeQty * direction * multiplier;
      roundTrips.push({
        instrumentId: fill.instrumentId,
        side: direction > 0 ? 'long' : 'short',
        entryTimeUs: pos.entryTimeUs,
        exitTimeUs: fill.timeUs,
        quantity: closeQty,
        entryPrice: pos.averagePrice,
        exitPrice: fill.price,
        pnl: gross - entryFee - exitFee,
        fees: entryFee + exitFee,
      });
      if (closesAll) {
        positions.delete(fill.instrumentId);
        current = undefined;
      } else {
        pos.signedQuantity -= direction * closeQty;
        pos.fees -= entryFee;
      }
      remaining = fillShare === 1 ? 0 : remaining - closeQty;
      feeLeft -= exitFee;
    }

    if (remaining > 0) {
      if (current === undefined) {
        positions.set(fill.instrumentId, { signedQuantity: sign * remaining, averagePrice: fill.price, entryTimeUs: fill.timeUs, fees: feeLeft });
      } else {
        const held = Math.abs(current.signedQuantity);
        current.averagePrice = (held * current.averagePrice + remaining * fill.price) / (held + remaining);
        current.signedQuantity += sign * remaining;
        current.fees += feeLeft;
      }
    }
  }

  const open: OpenPosition[] = [...positions.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([instrumentId, p]) => ({
      instrumentId,
      side: p.signedQuantity > 0 ? 'long' : 'short',
      quantity: Math.abs(p.signedQuantity),
      averagePrice: p.averagePrice,
      entryTimeUs: p.entryTimeUs,
      unallocatedFees: p.fees,
    }));
  return { roundTrips, open };
}

function assertFill(fill: Fill, i: number, lastTime: number): void {
  if (!Number.isSafeInteger(fill.timeUs)) throw fillError(fill, i, `time ${fill.timeUs} is not a safe integer`);
  if (fill.timeUs < lastTime) throw fillError(fill, i, `time ${fill.timeUs} is before the previous fill's ${lastTime}; fills must be in time order`);
  if (fill.side !== 'buy' && fill.side !== 'sell') throw fillError(fill, i, `side ${String(fill.side)} is not buy or sell`);
  if (!Number.isFinite(fill.quantity) || fill.quantity <= 0) throw fillError(fill, i, `quantity ${fill.quantity} must be positive`);
  if (!Number.isFinite(fill.price)) throw fillError(fill, i, `price ${fill.price} is not finite`);
  if (!Number.isFinite(fill.fee)) throw fillError(fill, i, `fee ${fill.fee} is not finite`);
}

/** Built only for an error: once per fill, a message (or a closure making one) was most of assertFill's cost. */
function fillError(fill: Fill, i: number, what: string): RangeError {
  return new RangeError(`fill ${i} (${fill.instrumentId}): ${what}`);
}
