/**
 * The scenario a check variation runs, without writing its text out and reading it back where
 * that gives the same scenario. A swarm variation changes only the seed and the fault plan, so
 * the scenario already loaded is reused: the drawn faults are validated with the fault schema on
 * its own and merged in, and the whole scenario's cross-section checks run on the result. Anything
 * else (edits of the market or declared ranges, a fault the schema refuses, a plan with a semantic
 * problem) goes the long way: the varied text is written and loaded, so a bad plan is refused with
 * the same problems, at the same places, as `gauntlet run` of that text would give.
 *
 * Positions in the varied text (gate results, property gates, errors a run raises) come from a
 * text parsed once per check where they cannot differ: a variation writes its seed and its
 * faults, so every top-level section before the fault plan stays where it is in a copy of the
 * text with no faults added. A section at or after the fault plan, and the seed, are found in the
 * variation's own text, written and parsed on first use.
 */
import { sha256Hex, type LoadedScenario } from '../../scenario/load.ts';
import { ScenarioSchema, type Scenario } from '../../scenario/schema.ts';
import { semanticProblems } from '../../scenario/semantic.ts';
import { parseYaml, type ParsedYaml } from '../../scenario/yaml-source.ts';
import { FaultSchema, MAX_FAULTS, type FaultConfig } from '../../chaos/faults/schema.ts';
import { variedText, type Variation } from './variation.ts';

/** The scenario's top-level keys in the schema's order: the order zod gives a parsed scenario's keys. */
const SCENARIO_KEYS = Object.keys(ScenarioSchema.shape) as (keyof Scenario)[];
/**
 * A function from a variation to the scenario it runs (null: bad input, the check skips it), for
 * one loaded scenario and its text. `load` loads a text as the check does.
 */
export function variedScenarios(base: LoadedScenario, text: string, load: (t: string) => LoadedScenario | null): (v: Variation) => LoadedScenario | null {
  const s = base.scenario;
  const dropDeclared = s.check.faults === 'none';
  // The text with no fault added, parsed once on first need: where sections before the plan are.
  let reference: { parsed: ParsedYaml; keys: string[] } | null = null;
  const referenceOf = (): { parsed: ParsedYaml; keys: string[] } => {
    if (reference === null) {
      const parsed = parseYaml(variedText(base, text, { seed: s.seed, edits: [], faults: [] }));
      reference = { parsed, keys: typeof parsed.data === 'object' && parsed.data !== null ? Object.keys(parsed.data) : [] };
    }
    return reference;
  };
  const seedSchema = ScenarioSchema.shape.seed;

  return (v) => {
    const slow = (): LoadedScenario | null => load(variedText(base, text, v));
    if (v.edits.length > 0) return slow();
    const seed = seedSchema.safeParse(v.seed);
    if (!seed.success) return slow();
    const added: FaultConfig[] = [];
    for (const f of v.faults) {
      const r = FaultSchema.safeParse(f);
      if (!r.success) return slow();
      added.push(r.data);
    }
    const kept = dropDeclared ? [] : s.faults ?? [];
    if (kept.length + added.length > MAX_FAULTS) return slow();
    // As the text is edited: no fault added leaves the declared plan (or its removal) as it is.
    const faults = added.length === 0 ? (dropDeclared ? undefined : s.faults) : [...kept, ...added];
    const scenario = {} as Record<string, unknown>;
    for (const key of SCENARIO_KEYS) {
      const value = key === 'seed' ? seed.data : key === 'faults' ? faults : s[key];
      if (key === 'faults' ? faults !== undefined : key === 'seed' || Object.hasOwn(s, key)) scenario[key] = value;
    }
    const merged = scenario as Scenario;
    if (semanticProblems(merged, base.dir).length > 0) return slow();

    let own: { text: string; parsed: ParsedYaml | null } | null = null;
    const ownText = (): string => (own ??= { text: variedText(base, text, v), parsed: null }).text;
    const ownParsed = (): ParsedYaml => {
      ownText();
      return (own!.parsed ??= parseYaml(own!.text));
    };
    let sha256: string | null = null;
    return {
      scenario: merged, name: base.name, file: base.file, absPath: base.absPath, dir: base.dir,
      get sha256(): string {
        return (sha256 ??= sha256Hex(ownText()));
      },
      locate: (path, at = 'value') => {
        const ref = referenceOf();
        const top = path[0];
        const faultsAt = ref.keys.indexOf('faults');
        const i = typeof top === 'string' ? ref.keys.indexOf(top) : -1;
        // Unchanged: a section the variation does not write, before the plan (or missing, as in the reference).
        const unchanged = typeof top === 'string' && top !== 'seed' && top !== 'faults' && (faultsAt < 0 || i < faultsAt);
        return unchanged ? ref.parsed.locate(path, at) : ownParsed().locate(path, at);
      },
    };
  };
}
