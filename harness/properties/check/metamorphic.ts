/**
 * Metamorphic and structural properties: each compares the run of a variation with other runs of
 * it (the same seed again, the other data path, a perturbed or scaled market). Each says when it
 * applies; where it does not, the check reports it "not applicable" with the reason, never a pass.
 * A property may also not apply to one variation only (one with faults, one too short to cut):
 * it answers NotApplicableHere, and that run counts neither as reached nor as a pass.
 */
import type { LoadedScenario } from '../../scenario/load.ts';
import type { RunOptions, ScenarioRunResult } from '../../scenario/run.ts';
import type { MetamorphicPropertyName, Violation } from '../property.ts';

export interface MetamorphicContext {
  /** The scenario as this variation runs it. */
  readonly loaded: LoadedScenario;
  readonly seed: number;
  /** The variation's own run. */
  readonly base: ScenarioRunResult;
  /** Runs the variation again (or another scenario, e.g. with the other data path) with these options. */
  readonly run: (options: Partial<RunOptions> & { loaded?: LoadedScenario }) => Promise<ScenarioRunResult>;
  /** The scenario's YAML text as this variation runs it, and a loader for edited copies of it. */
  readonly text: string;
  readonly load: (text: string) => LoadedScenario | null;
}

/** The property does not apply to this variation (the scenario's other variations may differ). */
export interface NotApplicableHere {
  readonly notApplicable: string;
}

/** What a property found in one variation: a violation, null (it held), or that it does not apply here. */
export type MetamorphicOutcome = Violation | NotApplicableHere | null;

export function isNotApplicableHere(outcome: MetamorphicOutcome): outcome is NotApplicableHere {
  return outcome !== null && 'notApplicable' in outcome;
}

export interface MetamorphicProperty {
  readonly name: MetamorphicPropertyName;
  /** Why the property does not apply to this scenario; null when it does. */
  notApplicable(loaded: LoadedScenario): string | null;
  /** The violation in this variation, null when it held, or why it does not apply to this variation. */
  check(ctx: MetamorphicContext): Promise<MetamorphicOutcome>;
}

/** Same scenario, same seed, twice: the same fingerprint. Applies to every scenario. */
export const determinism: MetamorphicProperty = {
  name: 'determinism',
  notApplicable: () => null,
  async check(ctx) {
    const again = await ctx.run({});
    if (again.fingerprint === ctx.base.fingerprint) return null;
    return {
      property: 'determinism', timeUs: null, journalPosition: 0,
      message: `the same scenario and seed ${ctx.seed} gave two fingerprints: ${ctx.base.fingerprint} then ${again.fingerprint} (journal records ${ctx.base.journalRecords} vs ${again.journalRecords})`,
      records: [],
    };
  },
};

/** The metamorphic properties by name (the others are added as they are built). */
export const METAMORPHIC: Partial<Record<MetamorphicPropertyName, MetamorphicProperty>> = { determinism };
