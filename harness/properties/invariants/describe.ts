/** One-line descriptions of orders, fills and reports, for the records a violation shows. */
import { formatTimeUs, type ExecutionReport, type FillReport, type Instrument, type OrderRequest } from '../../../engine/index.ts';

function qty(inst: Instrument | undefined, raw: number): string {
  return inst === undefined ? `${raw} raw` : String(raw / 10 ** inst.quantityDecimals);
}

function px(inst: Instrument | undefined, raw: number): string {
  return inst === undefined ? `${raw} raw` : (raw / 10 ** inst.priceDecimals).toFixed(inst.priceDecimals);
}

export function describeOrder(o: OrderRequest, instruments: readonly Instrument[], timeUs: number): string {
  const inst = instruments[o.instrumentIndex];
  const limit = o.limitPriceRaw === undefined ? '' : ` limit ${px(inst, o.limitPriceRaw)}`;
  const stop = o.stopPriceRaw === undefined ? '' : ` stop ${px(inst, o.stopPriceRaw)}`;
  return `${formatTimeUs(timeUs)} order ${o.clientOrderId}: ${o.side === 1 ? 'buy' : 'sell'} ${qty(inst, o.quantityRaw)} ${inst?.id ?? o.instrumentIndex} ${o.type}${limit}${stop} ${o.timeInForce}`;
}

export function describeFill(f: FillReport, instruments: readonly Instrument[]): string {
  const inst = instruments[f.instrumentIndex];
  return `${formatTimeUs(f.timeUs)} fill ${f.clientOrderId}: ${f.side === 1 ? 'bought' : 'sold'} ${qty(inst, f.quantityRaw)} ${inst?.id ?? f.instrumentIndex} at ${px(inst, f.priceRaw)}, fee ${f.fee} money units, leaves ${qty(inst, f.leavesQuantityRaw)}`;
}

export function describeReport(r: ExecutionReport, instruments: readonly Instrument[], atUs: number): string {
  if (r.kind === 'fill') return `${formatTimeUs(atUs)} report to the stack: ${describeFill(r, instruments)}`;
  return `${formatTimeUs(atUs)} report to the stack: ${r.clientOrderId} ${r.kind}${r.reason === undefined ? '' : ` (${r.reason})`}`;
}

/**
 * The last few records of a kind, for a violation to show (bounded: a long run keeps only these).
 * Lines are rendered only when a violation asks for them: most runs never need one.
 */
export class RecentRecords {
  /** A ring once full: `next` is the oldest line's slot (shifting the array cost a builtin call per record). */
  private readonly items: (() => string)[] = [];
  private readonly max: number;
  private next = 0;
  constructor(max = 5) {
    this.max = max;
  }
  push(line: () => string): void {
    if (this.items.length < this.max) {
      this.items.push(line);
      return;
    }
    this.items[this.next] = line;
    this.next = this.next + 1 === this.max ? 0 : this.next + 1;
  }
  /** The lines, oldest first. */
  list(): string[] {
    const n = this.items.length;
    const out: string[] = [];
    for (let k = 0; k < n; k++) out.push(this.items[(this.next + k) % n]!());
    return out;
  }
}
