/**
 * The trade side of recompute-metrics.ts: fills paired into average-cost round trips (as
 * engine/metrics/round-trips.ts documents them, written here on its own) and their statistics.
 */
import type { RunEnd } from '../property.ts';

/** Quantities this close (relatively) are one quantity: 0.1 + 0.2 closes a position of 0.3. */
const SAME_QUANTITY = 1e-9;

/** A figure past the range of a double is null (the definitions: null with a warning). */
export const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

interface Holding {
  /** Signed quantity: positive long, negative short. */
  quantity: number;
  averagePrice: number;
  /** Entry fees on the quantity still open, charged pro rata to the round trips that close it. */
  fees: number;
  entryTimeUs: number;
}

/**
 * Average-cost round trips per instrument: a fill against the position closes a round trip for the
 * quantity it closes (a partial close is its own), priced at the average cost in and the fill price
 * out, times the contract multiplier, net of its pro-rata share of the entry fees and of the closing
 * fill's fee; what goes through zero opens the other side with the rest of the fill and its fee.
 */
export function roundTrips(fills: RunEnd['fills'], multipliers: RunEnd['multipliers']): { pnl: number[]; described: string[]; flat: boolean } {
  const holdings = new Map<string, Holding>();
  const pnl: number[] = [];
  const described: string[] = [];
  for (const f of fills) {
    const dir = f.side === 'buy' ? 1 : -1;
    const multiplier = multipliers[f.instrument] ?? 1;
    let left = f.quantity;
    let feeLeft = f.fee;
    const h = holdings.get(f.instrument);
    if (h !== undefined && Math.sign(h.quantity) === -dir) {
      const held = Math.abs(h.quantity);
      const closesAll = left >= held || sameQuantity(left, held);
      const closed = closesAll ? held : left;
      const wholeFill = sameQuantity(closed, left);
      const exitFee = wholeFill ? feeLeft : (f.fee * closed) / f.quantity;
      const entryFee = closesAll ? h.fees : (h.fees * closed) / held;
      const long = h.quantity > 0;
      const net = (f.price - h.averagePrice) * closed * (long ? 1 : -1) * multiplier - entryFee - exitFee;
      pnl.push(net);
      described.push(`round trip ${f.instrument} ${long ? 'long' : 'short'} ${closed} from ${h.entryTimeUs} us at ${h.averagePrice} to ${f.timeUs} us at ${f.price}, net ${net}`);
      if (closesAll) holdings.delete(f.instrument);
      else { h.quantity += dir * closed; h.fees -= entryFee; }
      left = wholeFill ? 0 : left - closed;
      feeLeft -= exitFee;
    }
    if (left <= 0) continue;
    const cur = holdings.get(f.instrument);
    if (cur === undefined) holdings.set(f.instrument, { quantity: dir * left, averagePrice: f.price, fees: feeLeft, entryTimeUs: f.timeUs });
    else {
      const held = Math.abs(cur.quantity);
      cur.averagePrice = (held * cur.averagePrice + left * f.price) / (held + left);
      cur.quantity += dir * left;
      cur.fees += feeLeft;
    }
  }
  return { pnl, described, flat: holdings.size === 0 };
}

function sameQuantity(a: number, b: number): boolean {
  return Math.abs(a - b) <= SAME_QUANTITY * Math.max(Math.abs(a), Math.abs(b));
}

/** Wins above 0, losses below, break-even neither (but counted in the trades). */
export function tradeStats(pnl: readonly number[]): {
  wins: number; losses: number; grossProfit: number; grossLoss: number; winRate: number | null; profitFactor: number | null;
  averageWin: number | null; averageLoss: number | null; averageTradePnl: number | null;
} {
  const count = pnl.length;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  for (const p of pnl) {
    if (p > 0) { wins++; grossProfit += p; }
    if (p < 0) { losses++; grossLoss += -p; }
  }
  let profitFactor: number | null = null;
  if (grossLoss > 0) profitFactor = finite(grossProfit / grossLoss);
  else if (grossProfit > 0) profitFactor = Number.POSITIVE_INFINITY;
  return {
    wins, losses, grossProfit, grossLoss,
    winRate: count === 0 ? null : wins / count,
    profitFactor,
    averageWin: wins === 0 ? null : grossProfit / wins,
    averageLoss: losses === 0 ? null : -grossLoss / losses,
    averageTradePnl: count === 0 ? null : (grossProfit - grossLoss) / count,
  };
}

export function describeFill(f: RunEnd['fills'][number]): string {
  return `fill ${f.clientOrderId} at ${f.timeUs} us: ${f.side} ${f.quantity} ${f.instrument} at ${f.price}, notional ${f.notional}, fee ${f.fee}`;
}
