/**
 * Venue faults (chaos, the "Venue" kinds of the fault catalogue): plain data from a scenario's
 * fault plan, applied by the simulated venue with draws from the run's 'faults.venue' stream only,
 * so that adding a fault never changes the market path or another stream's draws.
 *
 * Where each kind bites:
 * - reject, partial-fill, lost-ack: once per new order, at its arrival at the venue (venue time).
 *   A retry of a known client order id is not a new order and draws nothing.
 * - delay, duplicate-report: once per report (ack, fill, cancel...), at the venue instant it is sent.
 * - disconnect: the link is down for its window. Order messages (submit, cancel, replace)
 *   arriving in it are lost: the stack hears nothing, and its timeouts and retries act. Reports
 *   produced in it are held and delivered when the window ends (at the later of the window's end
 *   and their drawn latency), in order: a real session buffers what the venue sends while the
 *   line is down and replays it on reconnect (FIX resend), and losing fills would make the stack's
 *   books disagree with the venue's for ever, which no retry can repair.
 *
 * Draws: for each candidate (order or report), every fault of the matching kinds that is active
 * at that instant and covers its instrument draws one number, in declaration order, whether or
 * not it then applies; a reject stops the order's draws (nothing else can happen to it).
 */
import type { Rng } from '../kernel/rng.ts';
import type { Instrument } from '../instruments/instrument.ts';
import type { ExecutionReport, OrderRequest } from './orders.ts';

export type VenueFaultKind = 'reject' | 'partial-fill' | 'lost-ack' | 'delay' | 'disconnect' | 'duplicate-report';
export const VENUE_FAULT_KINDS: readonly VenueFaultKind[] = ['reject', 'partial-fill', 'lost-ack', 'delay', 'disconnect', 'duplicate-report'];

export interface VenueFault {
  readonly kind: VenueFaultKind;
  /** Active for orders/reports at venue time in [fromUs, toUs). */
  readonly fromUs: number;
  readonly toUs: number;
  /** Chance per order (reject, partial-fill, lost-ack) or per report (delay, duplicate-report) in the window; disconnect ignores it. */
  readonly probability: number;
  /** Only orders (and their reports) of this instrument (default: all). */
  readonly instrumentId?: string;
  /** reject: the venue's reject reason (default 'venue fault'). */
  readonly reason?: string;
  /** partial-fill: fraction in (0,1) of the order quantity that fills, the rest cancelled by the venue. */
  readonly fillFraction?: number;
  /** delay: extra latency added to acks and fills (reports) in the window. */
  readonly delayUs?: number;
}

/** Where applied faults go: the run's FaultRecorder (engine/chaos), seen structurally. */
export interface VenueFaultSink {
  applied(kind: string, target: string, timeUs: number, detail?: string): void;
}

export interface VenueFaultParams {
  readonly faults: readonly VenueFault[];
  /** The run's 'faults.venue' stream. */
  readonly rng: Rng;
  readonly recorder: VenueFaultSink;
}

export const DEFAULT_REJECT_REASON = 'venue fault';
export const PARTIAL_FILL_CANCEL_REASON = 'venue fault: partial fill';

/** Fields each kind reads besides the common ones; any other optional field is a mistake. */
const KIND_FIELDS: Readonly<Record<VenueFaultKind, readonly string[]>> = {
  reject: ['reason'], 'partial-fill': ['fillFraction'], 'lost-ack': [], delay: ['delayUs'], disconnect: [], 'duplicate-report': [],
};
const OPTIONAL_FIELDS = ['reason', 'fillFraction', 'delayUs'] as const;

/**
 * Checks every fault and fails fast with a RangeError naming the fault and field
 * (`venueFaults[2].fillFraction: ...`). Returns the instrument index of each (-1: all).
 */
export function validateVenueFaults(faults: readonly VenueFault[], instruments: readonly Instrument[]): Int32Array {
  const out = new Int32Array(faults.length);
  faults.forEach((f, k) => {
    const bad = (field: string, what: string): never => { throw new RangeError(`venueFaults[${k}].${field}: ${what}`); };
    if (!VENUE_FAULT_KINDS.includes(f.kind)) bad('kind', `expected one of ${VENUE_FAULT_KINDS.join(', ')}, got ${String(f.kind)}`);
    if (!Number.isSafeInteger(f.fromUs)) bad('fromUs', `expected an integer of epoch microseconds, got ${f.fromUs}`);
    if (!Number.isSafeInteger(f.toUs)) bad('toUs', `expected an integer of epoch microseconds, got ${f.toUs}`);
    if (f.toUs <= f.fromUs) bad('toUs', `the window [${f.fromUs}, ${f.toUs}) is empty: toUs must be after fromUs`);
    if (typeof f.probability !== 'number' || !(f.probability >= 0 && f.probability <= 1)) bad('probability', `expected a number in [0, 1], got ${f.probability}`);
    for (const field of OPTIONAL_FIELDS) {
      if (f[field] !== undefined && !KIND_FIELDS[f.kind].includes(field)) bad(field, `not used by a '${f.kind}' fault`);
    }
    if (f.reason !== undefined && (typeof f.reason !== 'string' || f.reason.length === 0)) bad('reason', 'expected a non-empty string');
    if (f.kind === 'partial-fill' && (typeof f.fillFraction !== 'number' || !(f.fillFraction > 0 && f.fillFraction < 1))) {
      bad('fillFraction', `expected a number in (0, 1), got ${f.fillFraction}`);
    }
    if (f.kind === 'delay' && (!Number.isSafeInteger(f.delayUs) || f.delayUs! <= 0)) bad('delayUs', `expected a positive integer of microseconds, got ${f.delayUs}`);
    let index = -1;
    if (f.instrumentId !== undefined) {
      index = instruments.findIndex((i) => i.id === f.instrumentId);
      if (index < 0) bad('instrumentId', `no instrument ${f.instrumentId} (declared: ${instruments.map((i) => i.id).join(', ')})`);
    }
    out[k] = index;
  });
  return out;
}

/** The venue's fault plan at work: decides, draws and records; the venue acts on its answers. */
export class VenueFaultPlan {
  private readonly faults: readonly VenueFault[];
  private readonly instrumentOf: Int32Array;
  private readonly rng: Rng;
  private readonly recorder: VenueFaultSink;
  private readonly instruments: readonly Instrument[];
  /** Set by planReport: the report just planned is to be delivered twice. */
  duplicate = false;

  constructor(params: VenueFaultParams, instruments: readonly Instrument[]) {
    this.instrumentOf = validateVenueFaults(params.faults, instruments);
    this.faults = params.faults.map((f) => ({ ...f }));
    this.rng = params.rng;
    this.recorder = params.recorder;
    this.instruments = instruments;
  }

  private active(k: number, timeUs: number, instrumentIndex: number): boolean {
    const f = this.faults[k]!;
    const i = this.instrumentOf[k]!;
    return timeUs >= f.fromUs && timeUs < f.toUs && (i < 0 || i === instrumentIndex);
  }

  /** End of the latest disconnect window covering `timeUs`, or -1 when the link is up. */
  linkDownUntil(timeUs: number): number {
    let until = -1;
    for (let k = 0; k < this.faults.length; k++) {
      const f = this.faults[k]!;
      if (f.kind === 'disconnect' && timeUs >= f.fromUs && timeUs < f.toUs && f.toUs > until) until = f.toUs;
    }
    return until;
  }

  /** An order message reaching the venue while the link is down: lost. */
  messageLost(what: string, clientOrderId: string, timeUs: number): boolean {
    const until = this.linkDownUntil(timeUs);
    if (until < 0) return false;
    this.recorder.applied('venue-disconnect', clientOrderId, timeUs, `${what} lost (link down until ${until})`);
    return true;
  }

  /**
   * A new order (valid, not halted) at its arrival: the reject reason when a reject fault hits it,
   * else null, with `out` telling whether its ack is lost and its fill cap (-1: none).
   */
  onNewOrder(o: OrderRequest, timeUs: number, out: { lostAck: boolean; capRaw: number }): string | null {
    out.lostAck = false;
    out.capRaw = -1;
    for (let k = 0; k < this.faults.length; k++) {
      const f = this.faults[k]!;
      if ((f.kind !== 'reject' && f.kind !== 'partial-fill' && f.kind !== 'lost-ack') || !this.active(k, timeUs, o.instrumentIndex)) continue;
      if (!(this.rng.nextFloat() < f.probability)) continue;
      if (f.kind === 'reject') {
        const reason = f.reason ?? DEFAULT_REJECT_REASON;
        this.recorder.applied('venue-reject', o.clientOrderId, timeUs, reason);
        return reason;
      }
      if (f.kind === 'lost-ack') out.lostAck = true;
      else {
        const lot = this.instruments[o.instrumentIndex]!.lotSizeRaw;
        const cap = Math.floor((f.fillFraction! * o.quantityRaw) / lot) * lot;
        out.capRaw = out.capRaw < 0 ? cap : Math.min(out.capRaw, cap);
      }
    }
    return null;
  }

  /** Records a lost acknowledgement (the venue accepted the order; the stack will not hear it). */
  ackLost(clientOrderId: string, timeUs: number): void {
    this.recorder.applied('venue-lost-ack', clientOrderId, timeUs, 'accepted report dropped');
  }

  /** Records the venue cancelling the rest of an order held to its partial-fill cap. */
  partialFill(clientOrderId: string, timeUs: number, filledRaw: number, quantityRaw: number): void {
    this.recorder.applied('venue-partial-fill', clientOrderId, timeUs, `filled ${filledRaw} of ${quantityRaw}, rest cancelled`);
  }

  /**
   * A report leaving the venue at `timeUs` with its drawn latency: the delay to send it with
   * (held to the end of a disconnect, plus delay faults), and `duplicate` set when it is to be
   * delivered twice.
   */
  planReport(r: ExecutionReport, timeUs: number, latencyUs: number): number {
    let delayUs = latencyUs;
    this.duplicate = false;
    const until = this.linkDownUntil(timeUs);
    if (until >= 0) {
      delayUs = Math.max(delayUs, until - timeUs);
      this.recorder.applied('venue-disconnect', r.clientOrderId, timeUs, `${r.kind} report held until ${until}`);
    }
    for (let k = 0; k < this.faults.length; k++) {
      const f = this.faults[k]!;
      if ((f.kind !== 'delay' && f.kind !== 'duplicate-report') || !this.active(k, timeUs, r.instrumentIndex)) continue;
      if (!(this.rng.nextFloat() < f.probability)) continue;
      if (f.kind === 'delay') {
        delayUs += f.delayUs!;
        this.recorder.applied('venue-delay', r.clientOrderId, timeUs, `${r.kind} report +${f.delayUs}us`);
      } else if (!this.duplicate) {
        this.duplicate = true;
        this.recorder.applied('venue-duplicate-report', r.clientOrderId, timeUs, `${r.kind} report delivered twice`);
      }
    }
    return delayUs;
  }
}
