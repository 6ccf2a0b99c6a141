/**
 * The scenario a check variation runs, without writing its text out and reading it back where
 * that gives the same scenario. A variation sets the seed, adds faults and may set numbers (a
 * synthetic source's count and volatility, declared parameter ranges), so the scenario already
 * loaded is reused: the drawn faults are validated with the fault schema on its own, each section
 * an edit changes with its own schema (from the text's plain data with the edits applied), both
 * are merged in, and the whole scenario's cross-section checks run on the result. Anything else (a
 * value that is not a number, a number not written as a plain decimal or not in the text, an edit
 * of the plan or the check itself, a fault or section the schema refuses, a semantic problem) goes
 * the long way: the varied text is written and loaded, so a bad variation is refused with the same
 * problems, at the same places, as `gauntlet run` of that text would give.
 *
 * Positions in the varied text (gate results, property gates, errors a run raises) come from a
 * text parsed once per check where they cannot differ: a variation writes its seed, its faults
 * and numbers in place, so every section it does not edit, before the fault plan, stays where it
 * is in a copy of the text with nothing added. An edited section, a section at or after the fault
 * plan, and the seed, are found in the variation's own text, written and parsed on first use.
 */
import { isAlias, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { sha256Hex, type LoadedScenario } from '../../scenario/load.ts';
import { ScenarioSchema, type Scenario } from '../../scenario/schema.ts';
import { semanticProblems } from '../../scenario/semantic.ts';
import { parseYaml, type ParsedYaml } from '../../scenario/yaml-source.ts';
import { FaultSchema, MAX_FAULTS, type FaultConfig } from '../../chaos/faults/schema.ts';
import { variedText, type Variation } from './variation.ts';

/** The scenario's top-level keys in the schema's order: the order zod gives a parsed scenario's keys. */
const SCENARIO_KEYS = Object.keys(ScenarioSchema.shape) as (keyof Scenario)[];
/** Sections a variation writes itself (or that name the scenario): edits there take the long way. */
const WRITTEN_SECTIONS: ReadonlySet<string> = new Set(['$schema', 'version', 'name', 'seed', 'faults', 'check']);
const NO_SECTIONS: ReadonlyMap<string, unknown> = new Map();

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

  // The text's plain data and its document, read once on first need, for edits.
  let source: { data: Record<string, unknown>; doc: Document; aliases: boolean } | null = null;
  const sourceOf = (): { data: Record<string, unknown>; doc: Document; aliases: boolean } => {
    if (source === null) {
      const doc = parseDocument(text);
      let aliases = false;
      visit(doc, {
        Node: (_key, node) => {
          if (isAlias(node) || node.anchor !== undefined) {
            aliases = true;
            return visit.BREAK;
          }
          return undefined;
        },
      });
      source = { data: parseYaml(text).data as Record<string, unknown>, doc, aliases };
    }
    return source;
  };
  const inPlace = new Map<string, boolean>();
  /**
   * Whether a text edit at `path` replaces a number where it stands: a number written as a plain
   * decimal, in a section other than those a variation writes itself, in a text without anchors or
   * aliases (an edit of an anchored value would change its aliases too). The edited text then has
   * the same lines, and a number (finite, not -0) reads back as written.
   */
  const editableInPlace = (path: readonly (string | number)[], value: unknown): boolean => {
    if (typeof value !== 'number' || !Number.isFinite(value) || Object.is(value, -0)) return false;
    const key = JSON.stringify(path);
    let ok = inPlace.get(key);
    if (ok === undefined) {
      const src = sourceOf();
      const top = path[0];
      const node: unknown = typeof top === 'string' && !WRITTEN_SECTIONS.has(top) && !src.aliases ? src.doc.getIn(path, true) : undefined;
      ok = isScalar(node) && typeof node.value === 'number' && node.type === 'PLAIN' && node.format === undefined && !node.minFractionDigits && node.tag === undefined;
      inPlace.set(key, ok);
    }
    return ok;
  };
  /**
   * The sections the edits change, each from the text's plain data with the edits applied and
   * validated by its own schema (the scenario schema checks no field against another), or null:
   * take the long way.
   */
  const editedSections = (edits: Variation['edits']): Map<string, unknown> | null => {
    if (!edits.every((e) => editableInPlace(e.path, e.value))) return null;
    const raw = new Map<string, Record<string | number, unknown>>();
    for (const e of edits) {
      const top = e.path[0] as string;
      let section = raw.get(top);
      if (section === undefined) raw.set(top, section = structuredClone(sourceOf().data[top]) as Record<string | number, unknown>);
      let node = section;
      for (const seg of e.path.slice(1, -1)) node = node[seg] as Record<string | number, unknown>;
      node[e.path[e.path.length - 1]!] = e.value;
    }
    const out = new Map<string, unknown>();
    for (const [top, section] of raw) {
      const parsed = (ScenarioSchema.shape as Record<string, z.ZodType>)[top]!.safeParse(section);
      if (!parsed.success) return null;
      out.set(top, parsed.data);
    }
    return out;
  };

  return (v) => {
    const slow = (): LoadedScenario | null => load(variedText(base, text, v));
    const edited = v.edits.length === 0 ? NO_SECTIONS : editedSections(v.edits);
    if (edited === null) return slow();
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
      const value = key === 'seed' ? seed.data : key === 'faults' ? faults : edited.has(key) ? edited.get(key) : s[key];
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
        const unchanged = typeof top === 'string' && top !== 'seed' && top !== 'faults' && !edited.has(top) && (faultsAt < 0 || i < faultsAt);
        return unchanged ? ref.parsed.locate(path, at) : ownParsed().locate(path, at);
      },
    };
  };
}
