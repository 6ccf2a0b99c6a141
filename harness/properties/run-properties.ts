/**
 * The properties of one run: the declared online invariants built for it, and what became of
 * each (violated or not, reached or not) as report entries and as gates (a violated property
 * fails the run like a gate: exit 1).
 */
import type { GateResult } from '../gates/evaluate.ts';
import { formatTimeUs } from '../../engine/index.ts';
import { ONLINE_PROPERTIES, type InvariantSetup, type OnlineInvariant, type OnlinePropertyName, type PropertyName, type Violation } from './property.ts';
import { INVARIANTS } from './registry.ts';
import { DEFAULT_LIVENESS_WITHIN_US, declaredProperties, type PropertiesConfig } from './schema.ts';

export interface PropertyOutcome {
  readonly name: PropertyName;
  /** Declared by the scenario (else given by the caller, e.g. `gauntlet check`'s defaults). */
  readonly declared: boolean;
  readonly expect: 'always' | 'sometimes';
  readonly optional: boolean;
  readonly violation: Violation | null;
  readonly reached: boolean;
}

const ONLINE: ReadonlySet<string> = new Set(ONLINE_PROPERTIES);

export function isOnline(name: PropertyName): name is OnlinePropertyName {
  return ONLINE.has(name);
}

/** Builds one invariant; a name without an implementation is a bug of ours. */
export function createInvariant(name: OnlinePropertyName, setup: InvariantSetup): OnlineInvariant {
  const factory = INVARIANTS[name];
  if (factory === undefined) throw new Error(`property ${name} has no online implementation`);
  return factory(setup);
}

/** The scenario's declared online properties as invariants for this run, and the expectation of each. */
export function declaredInvariants(config: PropertiesConfig, setup: Omit<InvariantSetup, 'livenessWithinUs' | 'recoveryWithinUs'>, extra: readonly OnlinePropertyName[] = []): {
  invariants: OnlineInvariant[];
  expectation: (name: PropertyName) => { declared: boolean; expect: 'always' | 'sometimes'; optional: boolean };
} {
  const declared = declaredProperties(config);
  const liveness = declared.find((d) => d.name === 'liveness');
  const recovery = declared.find((d) => d.name === 'recovery');
  const full: InvariantSetup = { ...setup, livenessWithinUs: liveness?.withinUs ?? DEFAULT_LIVENESS_WITHIN_US, recoveryWithinUs: recovery === undefined || recovery.withinUs === 0 ? null : recovery.withinUs };
  const invariants: OnlineInvariant[] = [];
  for (const d of declared) if (isOnline(d.name)) invariants.push(createInvariant(d.name, full));
  for (const name of extra) if (!declared.some((d) => d.name === name)) invariants.push(createInvariant(name, full));
  return {
    invariants,
    expectation: (name) => {
      const d = declared.find((x) => x.name === name);
      return d === undefined ? { declared: false, expect: 'always', optional: false } : { declared: true, expect: d.expect, optional: d.optional };
    },
  };
}

/** A violation in one line: the property, what broke, when, and where in the journal. */
export function violationText(v: Violation): string {
  const at = v.timeUs === null ? 'after the run' : `at ${formatTimeUs(v.timeUs)}`;
  return `${v.property} violated ${at} (journal record ${v.journalPosition}): ${v.message}`;
}

/** Each property as a gate: violated -> failed (0 violations allowed). */
export function propertyGates(outcomes: readonly PropertyOutcome[], locate: (name: string) => { line: number; column: number }): GateResult[] {
  return outcomes.map((p) => {
    const at = locate(p.name);
    const pass = p.violation === null;
    return {
      name: `property ${p.name}`, metric: `property.${p.name}`, threshold: { max: 0 }, actual: pass ? 0 : 1, pass,
      message: pass ? `${p.name} held${p.reached ? '' : ' (not reached in this run)'}` : violationText(p.violation!),
      line: at.line, column: at.column,
    };
  });
}
