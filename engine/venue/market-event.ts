/**
 * The market event an order is matched against, as one mutable object that the venue reuses for
 * every event: matching runs on every market event, so it must not allocate. Read it only during
 * the call that receives it; never keep it.
 *
 * Kinds:
 * - 'open': a bar's open price at its open time (only `open` and the bar's times are meaningful);
 * - 'bar': a whole bar at its close time (OHLC and volume);
 * - 'close': a market order arriving at the instant a bar closed, priced against that bar's
 *   close (only with the fill model's 'same-bar-close' option);
 * - 'trade': one print (`price`, `size`);
 * - 'quote': the top of the book (`bid`, `ask`, `bidSize`, `askSize`).
 * Volumes and sizes are in instrument units (shares, contracts); 0 means unknown.
 */

export type MarketEventKind = 'open' | 'bar' | 'close' | 'trade' | 'quote';

export interface MarketEvent {
  kind: MarketEventKind;
  /** When the event happens (the kernel's now). */
  timeUs: number;
  openTimeUs: number;
  closeTimeUs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  price: number;
  size: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
}

export function newMarketEvent(): MarketEvent {
  return {
    kind: 'trade', timeUs: 0, openTimeUs: 0, closeTimeUs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0,
    price: 0, size: 0, bid: 0, ask: 0, bidSize: 0, askSize: 0,
  };
}
