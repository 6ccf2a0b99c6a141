/**
 * Execution: turns a target position into orders, tracks each order's lifecycle from the venue's
 * reports, and keeps the stack's own view of its positions (from fills, not from the engine's
 * ledger: a real stack only knows what its venue tells it).
 */
import type { Journal } from '../../kernel/journal.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Instrument } from '../../instruments/instrument.ts';
import { TERMINAL_STATUSES, type ExecutionReport, type OrderRequest, type OrderStatus } from '../../venue/orders.ts';
import type { VenueApi } from '../../venue/venue.ts';
import type { RiskEngine } from '../risk/risk-engine.ts';

export interface ExecOrderState {
  request: OrderRequest;
  status: OrderStatus;
  filledRaw: number;
}

export interface ExecutionState {
  seq: number;
  positionsRaw: number[];
  orders: Record<string, ExecOrderState>;
  /** Ids of orders not yet terminal, in submission order. */
  open: string[];
}

export interface ExecutionParams {
  prefix: string;
  instruments: readonly Instrument[];
  venue: VenueApi;
  risk: RiskEngine;
  journal: Journal;
  clock: Clock;
}

export class ExecutionEngine {
  private readonly p: ExecutionParams;
  private s: ExecutionState;

  constructor(params: ExecutionParams) {
    this.p = params;
    this.s = { seq: 0, positionsRaw: params.instruments.map(() => 0), orders: {}, open: [] };
  }

  positionRaw(index: number): number {
    return this.s.positionsRaw[index]!;
  }

  /** Signed quantity still working on an instrument. */
  pendingRaw(index: number): number {
    let pending = 0;
    for (const id of this.s.open) {
      const o = this.s.orders[id]!;
      if (o.request.instrumentIndex === index) pending += o.request.side * (o.request.quantityRaw - o.filledRaw);
    }
    return pending;
  }

  /** Sends a market order for the difference between `targetRaw` and position plus working orders. */
  rebalance(index: number, targetRaw: number): void {
    const delta = targetRaw - this.s.positionsRaw[index]! - this.pendingRaw(index);
    if (delta === 0) return;
    const request: OrderRequest = {
      clientOrderId: `${this.p.prefix}-${++this.s.seq}`,
      instrumentIndex: index,
      side: delta > 0 ? 1 : -1,
      quantityRaw: Math.abs(delta),
      type: 'market',
      timeInForce: 'GTC',
    };
    this.send(request);
  }

  /** Risk-checks and sends an order; a rejected order is journaled and never reaches the venue. */
  send(request: OrderRequest): boolean {
    const inst = this.p.instruments[request.instrumentIndex]!;
    const now = this.p.clock.nowUs();
    const why = this.p.risk.check(request, { instrument: inst, positionRaw: this.s.positionsRaw[request.instrumentIndex]!, pendingRaw: this.pendingRaw(request.instrumentIndex) });
    if (why !== null) {
      this.p.journal.record('riskReject', now, request.clientOrderId, why);
      return false;
    }
    this.p.journal.record('order', now, request.clientOrderId, inst.id, request.side, request.quantityRaw, request.type, request.limitPriceRaw ?? 0, request.stopPriceRaw ?? 0);
    this.s.orders[request.clientOrderId] = { request, status: 'pending', filledRaw: 0 };
    this.s.open.push(request.clientOrderId);
    this.p.venue.submit(request);
    return true;
  }

  onReport(r: ExecutionReport): void {
    const o = this.s.orders[r.clientOrderId];
    if (o === undefined) return; // not ours (or already forgotten): nothing to reconcile
    if (r.kind === 'fill') {
      o.filledRaw += r.quantityRaw;
      if (o.filledRaw > o.request.quantityRaw) throw new Error(`execution: ${r.clientOrderId} filled ${o.filledRaw} beyond its quantity ${o.request.quantityRaw}`);
      this.s.positionsRaw[r.instrumentIndex]! += r.side * r.quantityRaw;
      o.status = r.leavesQuantityRaw === 0 ? 'filled' : 'partially-filled';
    } else if (r.kind === 'accepted') {
      if (o.status === 'pending') o.status = 'accepted';
    } else if (r.kind !== 'replaced') {
      o.status = r.kind;
    }
    if (TERMINAL_STATUSES.has(o.status)) this.s.open = this.s.open.filter((id) => id !== r.clientOrderId);
  }

  snapshot(): ExecutionState {
    return structuredClone(this.s);
  }

  restore(state: unknown): void {
    this.s = structuredClone(state as ExecutionState);
  }
}
