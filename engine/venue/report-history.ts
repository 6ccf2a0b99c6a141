/**
 * The venue's history of the reports it delivered to the stack, per order: what a restarted
 * stack reconciles against (VenueQuery). Kept only in runs with crashes. A report delivered
 * twice (a duplicate-report fault) is recorded once.
 */
import { isWorkingStatus, TERMINAL_STATUSES, type ExecutionReport, type OrderRequest, type OrderStatus } from './orders.ts';
import { FILL_FIELDS, type VenueOrderView, type VenueQuery } from './venue-api.ts';

interface Entry {
  request: OrderRequest | null;
  status: OrderStatus;
  filledRaw: number;
  fills: number[];
}

export class ReportHistory implements VenueQuery {
  private readonly entries = new Map<string, Entry>();
  /** The venue's own record of an order's terms (a replace changes them). */
  private readonly requestOf: (clientOrderId: string) => OrderRequest | undefined;

  constructor(requestOf: (clientOrderId: string) => OrderRequest | undefined) {
    this.requestOf = requestOf;
  }

  record(r: ExecutionReport): void {
    let e = this.entries.get(r.clientOrderId);
    if (e === undefined) {
      e = { request: null, status: 'pending', filledRaw: 0, fills: [] };
      this.entries.set(r.clientOrderId, e);
    }
    if (r.kind === 'fill') {
      const f = e.fills;
      for (let k = 0; k < f.length; k += FILL_FIELDS) {
        if (f[k] === r.timeUs && f[k + 1] === r.quantityRaw && f[k + 2] === r.priceRaw && f[k + 4] === r.leavesQuantityRaw) return;
      }
      f.push(r.timeUs, r.quantityRaw, r.priceRaw, r.fee, r.leavesQuantityRaw);
      e.filledRaw += r.quantityRaw;
      if (!TERMINAL_STATUSES.has(e.status)) e.status = r.leavesQuantityRaw === 0 ? 'filled' : 'partially-filled';
      return;
    }
    switch (r.kind) {
      case 'accepted': if (e.status === 'pending') e.status = 'accepted'; break;
      case 'rejected': case 'cancelled': case 'expired': if (!TERMINAL_STATUSES.has(e.status)) e.status = r.kind; break;
      case 'replaced': e.request = r.request ?? this.requestOf(r.clientOrderId) ?? e.request; if (!isWorkingStatus(e.status)) e.status = 'accepted'; break;
      default: break;
    }
  }

  order(clientOrderId: string): VenueOrderView | undefined {
    const e = this.entries.get(clientOrderId);
    if (e === undefined) return undefined;
    const request = e.request ?? this.requestOf(clientOrderId);
    if (request === undefined) return undefined;
    return { request, status: e.status, filledRaw: e.filledRaw, fills: e.fills };
  }
}
