/**
 * metricsRecomputed: the report's metrics equal an independent recomputation from the run's equity
 * series and fills (recompute-metrics.ts, which names the metrics it cannot recompute and why).
 * Counts and times must agree exactly, money to half a money unit, ratios to a relative 1e-9 (the
 * two computations sum in different orders). A metric the report gives as null must be null in
 * the recomputation, and the other way round. The first disagreement is the violation, found after
 * the run.
 */
import { FirstViolation, type InvariantFactory, type OnlineInvariant } from '../property.ts';
import { RELATIVE_TOLERANCE, recomputeMetrics, type Recomputed, type Tolerance } from './recompute-metrics.ts';

export const metricsRecomputed: InvariantFactory = (): OnlineInvariant => {
  const first = new FirstViolation('metricsRecomputed');
  let compared = 0;
  return {
    name: 'metricsRecomputed',
    finish(ctx, end) {
      for (const r of recomputeMetrics(end)) {
        compared++;
        const reported = end.metrics[r.metric];
        const why = disagreement(reported, r, end.moneyDecimals);
        if (why === null) continue;
        first.report(ctx, null, `${r.metric} reported ${show(reported)}, recomputed ${show(r.value)} ${r.basis} (${why})`, r.evidence);
        return;
      }
    },
    violation: () => first.value,
    reached: () => compared > 0,
  };
};

/** Why a reported figure disagrees with its recomputation; null when it agrees. */
export function disagreement(reported: number | null | undefined, r: Recomputed, moneyDecimals: number): string | null {
  if (reported === undefined) return 'the report has no such metric';
  if (reported === null || r.value === null) return reported === r.value ? null : 'null on one side only';
  if (reported === r.value) return null; // Infinity included
  const diff = Math.abs(reported - r.value);
  const t: Tolerance = r.tolerance;
  switch (t.kind) {
    case 'exact':
      return 'exact figures differ';
    case 'money': {
      const half = 0.5 / 10 ** moneyDecimals;
      return diff < half ? null : `differs by ${diff}, tolerance half a money unit ${half}`;
    }
    case 'relative': {
      const bound = RELATIVE_TOLERANCE * Math.max(Math.abs(reported), Math.abs(r.value), t.magnitude);
      return diff <= bound ? null : `differs by ${diff}, tolerance ${RELATIVE_TOLERANCE} relative: ${bound}`;
    }
  }
}

function show(x: number | null | undefined): string {
  return x === undefined ? 'nothing' : String(x);
}
