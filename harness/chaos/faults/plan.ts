/**
 * A scenario's fault plan resolved for one run: windows made absolute against the market's first
 * and last events, each fault turned into what applies it (the provider transport, the venue's
 * fault hook, the stack clock's schedule), and the checks that need the market (a window outside
 * the data) as problems located at their field.
 */
import type { CrashPlanEntry, VenueFault } from '../../../engine/index.ts';
import type { ProviderFault } from '../providers/transport.ts';
import type { HandlerFault } from '../providers/provider-faults.ts';
import { boundUs, signedDurationUs, type FaultConfig } from './schema.ts';
import { durationUs } from '../../../engine/index.ts';

export interface ClockFault {
  readonly kind: 'stack-clock-skew' | 'stack-clock-drift';
  readonly fromUs: number;
  readonly toUs: number;
  readonly offsetUs: number;
  readonly driftPpm: number;
}

export interface FaultPlan {
  readonly provider: ProviderFault[];
  readonly venue: VenueFault[];
  readonly clock: ClockFault[];
  /** Stack crashes in time order, each with where it is in the file (its index in `faults:`). */
  readonly crashes: (CrashPlanEntry & { readonly index: number })[];
}

export interface PlanProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** An hour: a response this late misses any client timeout a scenario would set. */
const TIMEOUT_LATENCY_US = 3_600_000_000;
const DEFAULT_RETRY_AFTER_US = 2_000_000;

function handlerOf(f: FaultConfig, fromUs: number): HandlerFault | null {
  switch (f.kind) {
    case 'provider-status': {
      const retry = f.status === 429 || f.status === 503;
      return { kind: 'status', status: f.status, retryAfterUs: retry ? (f.retryAfter === undefined ? DEFAULT_RETRY_AFTER_US : durationUs(f.retryAfter)!) : null, malformedRetryAfter: f.malformedRetryAfter };
    }
    case 'provider-flapping': return { kind: 'status', status: 503, retryAfterUs: null, malformedRetryAfter: false };
    case 'provider-malformed': return { kind: 'malformed' };
    case 'provider-truncated': return { kind: 'truncated' };
    case 'provider-wrong-schema': return { kind: 'wrong-schema' };
    case 'provider-duplicate': return { kind: 'duplicate' };
    case 'provider-out-of-order': return { kind: 'out-of-order' };
    case 'provider-bad-price': return { kind: 'bad-price', price: f.price };
    case 'provider-frozen': return { kind: 'frozen', atUs: fromUs };
    case 'provider-skew': return { kind: 'skew', offsetUs: signedDurationUs(f.offset) };
    default: return null;
  }
}

/**
 * Resolves the plan against the market's first and last event times; problems name the field.
 * `lastUs` bounds the data: a window starting after it, or ending before the first event, never
 * applies, which is a mistake in the file rather than a fault that did nothing.
 */
export function resolveFaultPlan(faults: readonly FaultConfig[], firstUs: number, lastUs: number): { plan: FaultPlan; problems: PlanProblem[] } {
  const plan: FaultPlan = { provider: [], venue: [], clock: [], crashes: [] };
  const problems: PlanProblem[] = [];
  faults.forEach((f, i) => {
    if (f.kind === 'stack-crash') {
      const atUs = boundUs(f.at, firstUs);
      if (atUs > lastUs) problems.push({ path: ['faults', i, 'at'], message: `the crash comes after the market's last event (${new Date(lastUs / 1000).toISOString()})` });
      else if (atUs < firstUs) problems.push({ path: ['faults', i, 'at'], message: `the crash comes before the market's first event (${new Date(firstUs / 1000).toISOString()})` });
      else plan.crashes.push({ atUs, downtimeUs: durationUs(f.downtime)!, index: i });
      return;
    }
    const fromUs = f.window.from === undefined ? firstUs : boundUs(f.window.from, firstUs);
    const toUs = f.window.to === undefined ? Number.MAX_SAFE_INTEGER : boundUs(f.window.to, firstUs);
    if (toUs <= fromUs) {
      problems.push({ path: ['faults', i, 'window', 'to'], message: 'the window ends before it starts' });
      return;
    }
    if (fromUs > lastUs) {
      problems.push({ path: ['faults', i, 'window', 'from'], message: `the window starts after the market's last event (${new Date(lastUs / 1000).toISOString()})` });
      return;
    }
    if (toUs <= firstUs) {
      problems.push({ path: ['faults', i, 'window', 'to'], message: `the window ends before the market's first event (${new Date(firstUs / 1000).toISOString()})` });
      return;
    }
    if (f.kind.startsWith('provider-')) {
      const p = f as Extract<FaultConfig, { provider: string }>;
      plan.provider.push({
        kind: f.kind, provider: p.provider, fromUs, toUs, probability: p.probability, handler: handlerOf(f, fromUs),
        extraLatencyUs: f.kind === 'provider-latency' ? durationUs(f.latency)! : f.kind === 'provider-timeout' ? TIMEOUT_LATENCY_US : 0,
        reset: f.kind === 'provider-reset' || f.kind === 'provider-down',
        flapPeriodUs: f.kind === 'provider-flapping' ? durationUs(f.period)! : null,
      });
    } else if (f.kind === 'stack-clock-skew' || f.kind === 'stack-clock-drift') {
      plan.clock.push({ kind: f.kind, fromUs, toUs, offsetUs: f.kind === 'stack-clock-skew' ? signedDurationUs(f.offset) : 0, driftPpm: f.kind === 'stack-clock-drift' ? f.ppm : 0 });
    } else {
      const base = { fromUs, toUs, probability: f.probability };
      switch (f.kind) {
        case 'venue-reject': plan.venue.push({ kind: 'reject', ...base, reason: f.reason, ...(f.instrument === undefined ? {} : { instrumentId: f.instrument }) }); break;
        case 'venue-partial-fill': plan.venue.push({ kind: 'partial-fill', ...base, fillFraction: f.fillFraction, ...(f.instrument === undefined ? {} : { instrumentId: f.instrument }) }); break;
        case 'venue-lost-ack': plan.venue.push({ kind: 'lost-ack', ...base, ...(f.instrument === undefined ? {} : { instrumentId: f.instrument }) }); break;
        case 'venue-delay': plan.venue.push({ kind: 'delay', ...base, delayUs: durationUs(f.delay)! }); break;
        case 'venue-disconnect': plan.venue.push({ kind: 'disconnect', ...base }); break;
        case 'venue-duplicate-report': plan.venue.push({ kind: 'duplicate-report', ...base }); break;
        default: break;
      }
    }
  });
  plan.crashes.sort((a, b) => a.atUs - b.atUs || a.index - b.index);
  for (let k = 1; k < plan.crashes.length; k++) {
    const prev = plan.crashes[k - 1]!;
    const c = plan.crashes[k]!;
    if (c.atUs < prev.atUs + prev.downtimeUs || (c.atUs === prev.atUs && prev.downtimeUs === 0)) {
      problems.push({ path: ['faults', c.index, 'at'], message: `the stack is still down from the crash of faults[${prev.index}] then (it restarts at ${new Date((prev.atUs + prev.downtimeUs) / 1000).toISOString()})` });
      plan.crashes.splice(k--, 1);
    }
  }
  return { plan, problems };
}
