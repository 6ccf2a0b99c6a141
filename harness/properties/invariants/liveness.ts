/**
 * liveness (provider path): after a provider recovers (a fault window of the plan ends and no
 * other window covers that instant), the stack is fed again: for each instrument, the first
 * market data at or after the recovery reaches the stack (its data client's newest item) within
 * `within` of virtual time. A client whose circuit never closes again, or that stops polling after
 * an outage, fails it. Reached when the stack sent an order after a recovery (it traded again).
 */
import { formatTimeUs, type MarketEventView } from '../../../engine/index.ts';
import { FirstViolation, type InvariantFactory, type InvariantSetup, type OnlineInvariant } from '../property.ts';

interface Due {
  readonly instrument: number;
  readonly recoveryUs: number;
  readonly dataUs: number;
  readonly dueUs: number;
}

export const liveness: InvariantFactory = (setup: InvariantSetup): OnlineInvariant => {
  const first = new FirstViolation('liveness');
  const windows = setup.providerFaultWindows;
  const recoveries = [...new Set(windows.map((w) => w.toUs).filter((t) => t < Number.MAX_SAFE_INTEGER))]
    .filter((t) => !windows.some((w) => w.fromUs <= t && t < w.toUs))
    .sort((a, b) => a - b);
  const within = setup.livenessWithinUs;
  let armed: Int32Array = new Int32Array(0);
  const due: Due[] = [];
  let tradedAfterRecovery = false;

  function check(ctx: Parameters<NonNullable<OnlineInvariant['afterEvent']>>[0], nowUs: number, final: boolean): void {
    for (let k = 0; k < due.length; k++) {
      const d = due[k]!;
      if (!final && nowUs <= d.dueUs) continue;
      if (final && nowUs < d.dueUs) continue; // the run ended before the deadline: not decided
      const id = ctx.env.instruments[d.instrument]!.id;
      const newest = setup.client()?.newestDataTimeUs(id) ?? null;
      if (newest === null || newest < d.dataUs) {
        first.report(ctx, d.dueUs, `provider recovered at ${formatTimeUs(d.recoveryUs)}, but ${id} data of ${formatTimeUs(d.dataUs)} had not reached the stack ${within} us later (its newest: ${newest === null ? 'none' : formatTimeUs(newest)})`);
        return;
      }
      due.splice(k--, 1);
    }
  }

  return {
    name: 'liveness',
    onStart(ctx) {
      armed = new Int32Array(ctx.env.instruments.length);
    },
    onMarket(_ctx, e: Readonly<MarketEventView>) {
      if (e.kind === 'barOpen' || setup.client() === null) return;
      const i = e.instrumentIndex;
      while (armed[i]! < recoveries.length && recoveries[armed[i]!]! <= e.timeUs) {
        const r = recoveries[armed[i]!]!;
        armed[i] = armed[i]! + 1;
        // Only the latest recovery before this event needs it delivered.
        if (armed[i]! < recoveries.length && recoveries[armed[i]!]! <= e.timeUs) continue;
        due.push({ instrument: i, recoveryUs: r, dataUs: e.timeUs, dueUs: e.timeUs + within });
      }
    },
    onOrder(_ctx, _order, timeUs) {
      if (recoveries.length > 0 && timeUs >= recoveries[0]!) tradedAfterRecovery = true;
    },
    afterEvent(ctx, timeUs) {
      if (due.length === 0 || first.value !== null) return;
      check(ctx, timeUs, false);
    },
    finish(ctx) {
      if (due.length === 0 || first.value !== null) return;
      check(ctx, ctx.env.kernel.clock.nowUs(), true);
    },
    violation: () => first.value,
    reached: () => tradedAfterRecovery,
  };
};
