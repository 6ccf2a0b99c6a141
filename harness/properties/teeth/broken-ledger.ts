/**
 * Deliberately broken ledgers, each a small accounting mistake, as Ledger subclasses the engine
 * builds through `RunOptions.models.ledger` (BacktestParams.ledger). ledgerBalances tallies
 * equity and fees from the venue's fills and the market independently, so each must be caught.
 */
import { Ledger, type FillEffect, type LedgerFillParams as FillParams, type LedgerParams } from '../../../engine/index.ts';

/** Fees charged on buys only: the fee of a sell (a closing fill, most often) is never booked. */
export class FeeOnBuysOnlyLedger extends Ledger {
  override applyFill(f: FillParams): FillEffect {
    return super.applyFill(f.side === -1 ? { ...f, fee: 0 } : f);
  }
}

/**
 * Fills booked at the last mark instead of the price the venue filled at (the price the stack
 * saw when it decided, not the one it got): slippage and the move to the next open never reach
 * the books.
 */
export class FillAtMarkLedger extends Ledger {
  override applyFill(f: FillParams): FillEffect {
    const mark = this.position(f.instrumentIndex).lastPriceRaw;
    return super.applyFill(Number.isNaN(mark) ? f : { ...f, priceRaw: mark });
  }
}

/**
 * Quotes marked at the bid (the price a long would sell at) instead of the mid: every position is
 * undervalued by half the spread, and a short is marked at a price it could not close at.
 */
export class BidMarkLedger extends Ledger {
  override markQuote(index: number, bidRaw: number, _askRaw: number): void {
    this.mark(index, bidRaw);
  }
}

export const feeOnBuysOnly = (p: LedgerParams): Ledger => new FeeOnBuysOnlyLedger(p);
export const fillAtMark = (p: LedgerParams): Ledger => new FillAtMarkLedger(p);
export const bidMark = (p: LedgerParams): Ledger => new BidMarkLedger(p);
