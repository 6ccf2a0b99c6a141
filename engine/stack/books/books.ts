/**
 * The stack's own books: positions, fees and equity as the stack knows them, built only from the
 * fills its venue reports and the prices its data client shows it. A real stack cannot read the
 * engine's ledger, so the reference stack never does either; the engine's ledger stays the
 * independent check (an end-to-end test compares the two).
 *
 * Equity is computed as if every instrument exchanged its notional for cash:
 *   equity = start cash - sum over fills (side * notional + fee) + sum over positions of notional
 * For cash instruments that is literally cash + market value; for futures the notional terms of
 * the fills and of the position add up to realized + unrealized PnL, so the same formula gives
 * the ledger's equity exactly (both round each notional once, half to even, in money units).
 *
 * Without an account (null) the books still track positions and prices, but equity is NaN: a
 * stack that sizes by quantity needs no more.
 *
 * State is plain, JSON-safe data (a price of 0 means "not seen yet": prices are positive).
 */
import { MONEY_DECIMALS_DEFAULT } from '../../instruments/money.ts';
import { notionalMoney, type Instrument } from '../../instruments/instrument.ts';
import type { StackAccountInfo } from '../types.ts';

/** The account part the books need: money decimals and start cash in money units. */
export type BooksAccount = Pick<StackAccountInfo, 'moneyDecimals' | 'startCash'>;

export interface BooksState {
  startCash: number;
  /** startCash - sum(side * notional + fee) over fills, in money units. */
  flow: number;
  fees: number;
  fills: number;
  positionsRaw: number[];
  /** Last raw price seen per instrument; 0 before any. */
  lastPriceRaw: number[];
}

export class StackBooks {
  readonly instruments: readonly Instrument[];
  readonly moneyDecimals: number;
  /** False when the stack was not told its account: equity is then unknown (NaN). */
  readonly accountKnown: boolean;
  private s: BooksState;

  constructor(instruments: readonly Instrument[], account: BooksAccount | null) {
    const startCash = account?.startCash ?? 0;
    const moneyDecimals = account?.moneyDecimals ?? MONEY_DECIMALS_DEFAULT;
    if (!Number.isSafeInteger(startCash)) throw new RangeError(`stack books: start cash must be integer money units, got ${startCash}`);
    if (!Number.isInteger(moneyDecimals) || moneyDecimals < 0 || moneyDecimals > 8) throw new RangeError(`stack books: moneyDecimals must be 0..8, got ${moneyDecimals}`);
    this.instruments = instruments;
    this.moneyDecimals = moneyDecimals;
    this.accountKnown = account !== null;
    this.s = { startCash, flow: startCash, fees: 0, fills: 0, positionsRaw: instruments.map(() => 0), lastPriceRaw: instruments.map(() => 0) };
  }

  positionRaw(index: number): number { return this.s.positionsRaw[index]!; }
  /** Last raw price seen, 0 when none yet. */
  lastPriceRaw(index: number): number { return this.s.lastPriceRaw[index]!; }
  get fees(): number { return this.s.fees; }
  get fills(): number { return this.s.fills; }
  get startCash(): number { return this.s.startCash; }

  /** Marks an instrument at a raw price: O(1), no allocation (called on every market event). */
  mark(index: number, priceRaw: number): void {
    this.s.lastPriceRaw[index] = priceRaw;
  }

  /** Books one fill (the execution calls it once per distinct fill). */
  applyFill(index: number, side: 1 | -1, quantityRaw: number, priceRaw: number, fee: number): void {
    const inst = this.instruments[index];
    if (inst === undefined) throw new RangeError(`stack books: fill for unknown instrument ${index}`);
    const s = this.s;
    s.flow -= side * notionalMoney(inst, quantityRaw, priceRaw, this.moneyDecimals) + fee;
    s.fees += fee;
    s.fills++;
    s.positionsRaw[index]! += side * quantityRaw;
    if (s.lastPriceRaw[index] === 0) s.lastPriceRaw[index] = priceRaw;
  }

  /** Money value of `quantityRaw` of an instrument at its last price (0 when never priced). */
  notional(index: number, quantityRaw: number): number {
    const px = this.s.lastPriceRaw[index]!;
    if (quantityRaw === 0 || px === 0) return 0;
    return notionalMoney(this.instruments[index]!, quantityRaw, px, this.moneyDecimals);
  }

  /** Equity in money units at the last prices (NaN without an account). No allocation. */
  equity(): number {
    if (!this.accountKnown) return Number.NaN;
    const s = this.s;
    let equity = s.flow;
    for (let i = 0; i < s.positionsRaw.length; i++) {
      const q = s.positionsRaw[i]!;
      if (q !== 0) equity += this.notional(i, q);
    }
    return equity;
  }

  snapshot(): BooksState {
    const s = this.s;
    return { ...s, positionsRaw: s.positionsRaw.slice(), lastPriceRaw: s.lastPriceRaw.slice() };
  }

  restore(state: BooksState): void {
    if (state.positionsRaw.length !== this.instruments.length) throw new RangeError('stack books: snapshot is for another instrument list');
    this.s = { ...state, positionsRaw: state.positionsRaw.slice(), lastPriceRaw: state.lastPriceRaw.slice() };
  }
}
