/**
 * ledgerBalances: after every event the ledger's identity holds exactly, its equity equals an
 * independent tally (start cash - sum of side x notional - fees + market value of the positions at
 * the last marks, all in money units), and its fees equal the sum of the fees of the fills the
 * venue booked. The tally is built from the venue's fills and the market events only.
 */
import { notionalMoney, type FillReport, type MarketEventView, type RunContext } from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type OnlineInvariant } from '../property.ts';
import { describeFill, RecentRecords } from './describe.ts';

export const ledgerBalances: InvariantFactory = (): OnlineInvariant => {
  const first = new FirstViolation('ledgerBalances');
  const recent = new RecentRecords(4);
  let positions: Float64Array = new Float64Array(0);
  let marks: Float64Array = new Float64Array(0);
  let flow = 0;
  let fees = 0;
  let fills = 0;
  let changed = false;
  let md = 2;

  function tallyEquity(ctx: RunContext): number {
    let equity = flow;
    const instruments = ctx.env.instruments;
    for (let i = 0; i < positions.length; i++) {
      const q = positions[i]!;
      if (q !== 0) equity += notionalMoney(instruments[i]!, q, marks[i]!, md);
    }
    return equity;
  }

  return {
    name: 'ledgerBalances',
    onStart(ctx) {
      const n = ctx.env.instruments.length;
      positions = new Float64Array(n);
      marks = new Float64Array(n);
      md = ctx.ledger.moneyDecimals;
      flow = ctx.env.account?.startCash ?? ctx.ledger.summary().cash;
    },
    onMarket(_ctx, e: Readonly<MarketEventView>) {
      // As the ledger marks: a bar's open, then its close; a trade's price; a quote's mid (half up).
      const i = e.instrumentIndex;
      if (e.kind === 'barOpen') marks[i] = e.openRaw;
      else if (e.kind === 'bar') marks[i] = e.closeRaw;
      else if (e.kind === 'trade') marks[i] = e.priceRaw;
      else marks[i] = Math.round((e.bidRaw + e.askRaw) / 2);
    },
    onFill(ctx, f: FillReport) {
      const inst = ctx.env.instruments[f.instrumentIndex]!;
      flow -= f.side * notionalMoney(inst, f.quantityRaw, f.priceRaw, md) + f.fee;
      fees += f.fee;
      fills++;
      positions[f.instrumentIndex] = positions[f.instrumentIndex]! + f.side * f.quantityRaw;
      if (marks[f.instrumentIndex] === 0) marks[f.instrumentIndex] = f.priceRaw;
      const instruments = ctx.env.instruments;
      recent.push(() => describeFill(f, instruments));
      changed = true;
    },
    afterEvent(ctx, timeUs) {
      if (first.value !== null) return;
      if (fills === 0) return; // no fill yet: nothing the ledger computed can differ from the start
      const equity = ctx.ledger.equity();
      const tally = tallyEquity(ctx);
      if (equity !== tally) {
        first.report(ctx, timeUs, `ledger equity ${equity} money units, but start cash - fills' notional and fees + positions at the last marks is ${tally}`, recent.list());
        return;
      }
      if (!changed) return;
      changed = false;
      const identity = ctx.ledger.checkIdentity();
      if (identity !== null) { first.report(ctx, timeUs, `ledger identity broken: ${identity}`, recent.list()); return; }
      const ledgerFees = ctx.ledger.summary().fees;
      if (ledgerFees !== fees) first.report(ctx, timeUs, `ledger fees ${ledgerFees} money units, but the ${fills} fills the venue booked carry ${fees}`, recent.list());
    },
    violation: () => first.value,
    reached: () => fills > 0,
  };
};
