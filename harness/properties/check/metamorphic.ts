/**
 * Metamorphic and structural properties: each compares the run of a variation with other runs of
 * it (the same seed again, the other data path, a perturbed or scaled market). Each says when it
 * applies; where it does not, the check reports it "not applicable" with the reason, never a pass.
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

export interface MetamorphicProperty {
  readonly name: MetamorphicPropertyName;
  /** Why the property does not apply to this scenario; null when it does. */
  notApplicable(loaded: LoadedScenario): string | null;
  /** The violation in this variation, or null. */
  check(ctx: MetamorphicContext): Promise<Violation | null>;
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
