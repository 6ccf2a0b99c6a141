/** Helpers the built-in agents share. */
import type { AgentContext } from '../types.ts';

/** Index of the instrument an agent trades; an unknown id is a configuration error, named. */
export function instrumentIndexOf(ctx: AgentContext, instrumentId: string, agentId: string): number {
  const index = ctx.instruments.findIndex((i) => i.id === instrumentId);
  if (index < 0) throw new RangeError(`agent ${agentId}: unknown instrument ${instrumentId} (known: ${ctx.instruments.map((i) => i.id).join(', ')})`);
  return index;
}

/**
 * Sign of meanA - meanB for means sumA / nA and sumB / nB. Exact (integer cross-multiplication)
 * when the sums are integers and the products stay below 2^53, as they do for raw prices; else it
 * compares the divided means.
 */
export function compareMeans(sumA: number, nA: number, sumB: number, nB: number): number {
  const a = sumA * nB;
  const b = sumB * nA;
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a > b ? 1 : a < b ? -1 : 0;
  const ma = sumA / nA;
  const mb = sumB / nB;
  return ma > mb ? 1 : ma < mb ? -1 : 0;
}

/** `prevRelation` before the first comparison: no cross can be seen yet. */
export const NO_RELATION = 2;

/**
 * The crossover rule of the crossing agents: long (1) when the relation crosses from below to
 * above, `shortTarget` (0 or -1) when it crosses from above to below; null when the target does
 * not change. `prevRelation` is the last relation that was not a tie: an exact tie (a close equal
 * to its average, or two equal averages) carries the last side through, as peer engines do, so a
 * series that touches the average from above and rises again has not crossed up (and one that
 * touches it from above and falls below has crossed down). Callers skip ties.
 */
export function crossoverTarget(prevRelation: number, relation: number, target: number, shortTarget: number): number | null {
  if (prevRelation === NO_RELATION) return null;
  if (prevRelation <= 0 && relation > 0 && target !== 1) return 1;
  if (prevRelation >= 0 && relation < 0 && target !== shortTarget) return shortTarget;
  return null;
}
