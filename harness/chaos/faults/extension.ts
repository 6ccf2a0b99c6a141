/**
 * The chaos run extension: applies the stack-clock faults of the plan at their window edges,
 * hands the run's fault recorder to the provider transport, and counts what the gates read:
 * orders sent on stale data (an order whose instrument's newest data the stack had is older than
 * its staleness tolerance, by venue time).
 */
import { PRIORITY, StackClock, type FaultRecorder, type ProviderDataClient, type RunContext, type RunExtension } from '../../../engine/index.ts';
import type { ClockFault } from './plan.ts';

export interface ChaosCounters {
  ordersOnStaleData: number;
}

export interface ChaosExtension extends RunExtension {
  readonly counters: ChaosCounters;
  /** The run's recorder, once the run has started. */
  recorder(): FaultRecorder | null;
}

export function chaosExtension(p: { clock: readonly ClockFault[]; client: () => ProviderDataClient | null; maxStalenessUs: number }): ChaosExtension {
  const counters: ChaosCounters = { ordersOnStaleData: 0 };
  let recorder: FaultRecorder | null = null;
  return {
    counters,
    recorder: () => recorder,
    onStart(ctx: RunContext): void {
      recorder = ctx.faults;
      const clock = ctx.env.clock;
      if (p.clock.length > 0 && !(clock instanceof StackClock)) throw new Error('stack clock faults need the engine\'s StackClock');
      for (const f of p.clock) {
        const stackClock = clock as StackClock;
        let before = stackClock.snapshot();
        ctx.env.kernel.scheduleAt(f.fromUs, `fault.${f.kind}`, () => {
          before = stackClock.snapshot();
          if (f.kind === 'stack-clock-skew') stackClock.set({ offsetUs: before.offsetUs + f.offsetUs });
          else stackClock.set({ driftPpm: f.driftPpm, driftFromUs: f.fromUs });
          ctx.faults.applied(f.kind, 'stack', f.fromUs, f.kind === 'stack-clock-skew' ? `offset ${f.offsetUs} us` : `drift ${f.driftPpm} ppm`);
        }, PRIORITY.timer);
        if (f.toUs < Number.MAX_SAFE_INTEGER) ctx.env.kernel.scheduleAt(f.toUs, `fault.${f.kind}.end`, () => { stackClock.set(before); }, PRIORITY.timer);
      }
    },
    onOrder(ctx: RunContext, order, timeUs): void {
      const client = p.client();
      if (client === null) return;
      const id = ctx.env.instruments[order.instrumentIndex]?.id ?? '';
      const newest = client.newestDataTimeUs(id);
      if (newest === null || timeUs - newest > p.maxStalenessUs) counters.ordersOnStaleData++;
    },
  };
}
