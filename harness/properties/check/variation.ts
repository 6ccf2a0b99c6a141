/**
 * One variation of a scenario for `gauntlet check`: a run seed, edits to the scenario document
 * (market length and volatility, declared parameter ranges) and faults added to its plan (swarm
 * testing: a random subset of the fault kinds, random windows and rates). The variation is applied
 * to the scenario's YAML document itself, so the text a check ran is the text a regression file
 * holds: `gauntlet run` of that file is the same run.
 */
import { appendToList } from '../../scenario/yaml-edit.ts';
import { relative, resolve } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import type { LoadedScenario } from '../../scenario/load.ts';
import { parseFieldPath } from '../../scenario/load.ts';
import { boundUs, FAULT_KINDS, type FaultKind } from '../../chaos/faults/schema.ts';
import { formatTimeUs } from '../../../engine/index.ts';
import { resolveProviders } from '../../scenario/providers-schema.ts';
import type { CheckConfig } from './config.ts';

type Path = (string | number)[];

export interface Variation {
  readonly seed: number;
  readonly edits: readonly { readonly path: Path; readonly value: unknown }[];
  /** Faults added to the scenario's plan (scenario `faults:` syntax). */
  readonly faults: readonly Record<string, unknown>[];
}

/** What the arbitrary needs to know of the scenario, computed once per check. */
export interface VariationSpace {
  readonly config: CheckConfig;
  /** Synthetic sources: where each is in the document, its bar count and volatility. */
  readonly synthetic: readonly { readonly path: Path; readonly count: number; readonly minCount: number; readonly volatility: number | null }[];
  /** The market's first event and its span in whole seconds (to its last event). */
  readonly firstUs: number;
  readonly spanS: number;
  readonly providers: readonly string[];
  /** No edits and no faults: only the seed varies (runs reuse the loaded scenario). */
  readonly seedOnly: boolean;
  /** The scenario's own seed (`check.seed: fixed`). */
  readonly ownSeed: number;
}

const SEED_MAX = 2 ** 31 - 1;

export function variationSpace(loaded: LoadedScenario, bounds: { firstUs: number; lastUs: number }): VariationSpace {
  const s = loaded.scenario;
  const config = s.check;
  const synthetic: { path: Path; count: number; minCount: number; volatility: number | null }[] = [];
  const spanUs = Math.max(1, bounds.lastUs - bounds.firstUs);
  // A shorter market must still hold the declared fault windows' starts (else the plan is bad input);
  // under `faults: none` they are removed.
  let latestFromUs = 0;
  for (const f of config.faults === 'none' ? [] : s.faults ?? []) {
    const from = f.kind === 'stack-crash' ? f.at : f.window.from;
    if (from !== undefined) latestFromUs = Math.max(latestFromUs, boundUs(from, bounds.firstUs) - bounds.firstUs);
  }
  if (config.market) {
    const at = (path: Path, p: { count?: number; volatility?: number } | undefined): void => {
      if (p?.count === undefined) return;
      const keep = Math.min(p.count, Math.max(20, Math.ceil((p.count * latestFromUs) / spanUs) + 2));
      synthetic.push({ path, count: p.count, minCount: keep, volatility: typeof p.volatility === 'number' ? p.volatility : null });
    };
    at(['market', 'synthetic'], s.market.synthetic as { count?: number; volatility?: number } | undefined);
    (s.market.sources ?? []).forEach((src, i) => at(['market', 'sources', i, 'synthetic'], src.synthetic as { count?: number; volatility?: number } | undefined));
  }
  const providers = resolveProviders(s.providers).map((p) => p.name);
  // `faults: none` removes declared faults, an edit of the text: such runs are not seed-only.
  const seedOnly = synthetic.length === 0 && config.vary.length === 0 && config.faults !== 'swarm' && !(config.faults === 'none' && (s.faults ?? []).length > 0);
  return { config, ownSeed: s.seed, synthetic, firstUs: bounds.firstUs, spanS: Math.max(1, Math.floor(spanUs / 1e6)), providers, seedOnly };
}

/** The fault kinds swarm testing may enable here: provider kinds only on the provider path. */
export function swarmKinds(space: VariationSpace): FaultKind[] {
  return FAULT_KINDS.filter((k) => !k.startsWith('provider-') || space.providers.length > 0);
}

function faultArbitrary(kind: FaultKind, space: VariationSpace, spanS: number): fc.Arbitrary<Record<string, unknown>> {
  // Windows as UTC times inside the (possibly shortened) market: offsets past a year are not durations.
  const window = fc.tuple(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 1, max: 1000 })).map(([a, b]) => {
    const from = Math.floor((spanS * a) / 1000);
    const to = from + Math.max(1, Math.floor(((spanS - from) * b) / 1000));
    return { from: formatTimeUs(space.firstUs + from * 1e6), to: formatTimeUs(space.firstUs + to * 1e6) };
  });
  const probability = fc.constantFrom(1, 0.5, 0.2);
  const provider = fc.constantFrom(...(space.providers.length > 0 ? space.providers : ['none']));
  const base = (extra: Record<string, fc.Arbitrary<unknown>> = {}, withProvider = false, withProbability = true): fc.Arbitrary<Record<string, unknown>> =>
    fc.record({ kind: fc.constant(kind), window, ...(withProvider ? { provider } : {}), ...(withProbability ? { probability } : {}), ...extra });
  switch (kind) {
    case 'provider-status': return base({ status: fc.constantFrom(500, 503, 429, 502, 401, 403) }, true);
    case 'provider-latency': return base({ latency: fc.constantFrom('5s', '30s', '2m') }, true);
    case 'provider-bad-price': return base({ price: fc.constantFrom('nan', 'negative', 'zero') }, true);
    case 'provider-skew': return base({ offset: fc.constantFrom('+2m', '-2m', '+30s') }, true);
    case 'provider-flapping': return base({ period: fc.constantFrom('2m', '10m') }, true);
    case 'venue-partial-fill': return base({ fillFraction: fc.constantFrom(0.5, 0.25) });
    case 'venue-delay': return base({ delay: fc.constantFrom('1s', '30s', '5m') });
    case 'stack-clock-skew': return base({ offset: fc.constantFrom('+30s', '-30s', '+5m') }, false, false);
    case 'stack-clock-drift': return base({ ppm: fc.constantFrom(1000, -1000, 50_000) }, false, false);
    // A crash at any second of the market, down for nothing up to an hour: shrinks to no downtime and to the start.
    case 'stack-crash': return fc.record({
      kind: fc.constant(kind),
      at: fc.integer({ min: 0, max: Math.max(0, spanS - 1) }).map((s) => formatTimeUs(space.firstUs + s * 1e6)),
      downtime: fc.constantFrom('0s', '30s', '5m', '1h'),
    });
    default: return base({}, kind.startsWith('provider-'));
  }
}

/** Every variation of the scenario `gauntlet check` may try; shrinking goes to the seed 0, fewer faults, shorter markets. */
export function variationArbitrary(space: VariationSpace): fc.Arbitrary<Variation> {
  const seed = space.config.seed === 'fixed' ? fc.constant(space.ownSeed) : fc.integer({ min: 0, max: SEED_MAX });
  if (space.seedOnly) return seed.map((s) => ({ seed: s, edits: [], faults: [] }));
  const market = fc.tuple(...space.synthetic.map((src) => fc.record({
    count: fc.integer({ min: src.minCount, max: src.count }),
    volatility: src.volatility === null ? fc.constant(null) : fc.constantFrom(src.volatility, src.volatility * 2, src.volatility / 2),
  })));
  const vary = fc.tuple(...space.config.vary.map((v) => ('values' in v ? fc.constantFrom(...v.values)
    : v.integer ? fc.integer({ min: Math.ceil(v.min), max: Math.floor(v.max) })
    : fc.integer({ min: 0, max: 1000 }).map((k) => v.min + ((v.max - v.min) * k) / 1000))));
  const kinds = space.config.faults === 'swarm' ? swarmKinds(space) : [];
  return fc.tuple(seed, market, vary, fc.subarray(kinds, { maxLength: Math.min(kinds.length, space.config.maxFaults) })).chain(([s, m, values, chosen]) => {
    // The market is shortened in proportion to the bars kept: fault windows stay inside it.
    const ratio = space.synthetic.length === 0 ? 1 : Math.min(...m.map((x, i) => x.count / space.synthetic[i]!.count));
    const spanS = Math.max(1, Math.floor(space.spanS * ratio));
    const edits: { path: Path; value: unknown }[] = [];
    m.forEach((x, i) => {
      const src = space.synthetic[i]!;
      if (x.count !== src.count) edits.push({ path: [...src.path, 'count'], value: x.count });
      if (x.volatility !== null && x.volatility !== src.volatility) edits.push({ path: [...src.path, 'volatility'], value: x.volatility });
    });
    space.config.vary.forEach((v, i) => edits.push({ path: parseFieldPath(v.path) ?? [v.path], value: values[i] }));
    return fc.tuple(...chosen.map((k) => faultArbitrary(k, space, spanS))).map((faults) => ({ seed: s, edits, faults }));
  });
}

/** The last text parsed, kept: a check varies one scenario's text run after run (a clone costs less than a parse). */
let lastParsed: { text: string; doc: ReturnType<typeof parseDocument> } | null = null;
function parsedOnce(text: string): ReturnType<typeof parseDocument> {
  if (lastParsed?.text !== text) lastParsed = { text, doc: parseDocument(text) };
  return lastParsed.doc;
}

/**
 * The scenario's YAML with the variation applied (comments kept): its seed, its edits, the added
 * faults, and what a regression file needs besides (a name, properties that must hold, data paths
 * made relative to where the file will live).
 */
export function variedText(loaded: LoadedScenario, text: string, v: Variation, extra: {
  readonly name?: string; readonly description?: string; readonly properties?: Readonly<Record<string, string>>; readonly moveTo?: string;
  /** Make `gauntlet check` of the result rerun exactly this variation (regression files). */
  readonly fixed?: boolean;
} = {}): string {
  const doc = parsedOnce(text).clone();
  doc.setIn(['seed'], v.seed);
  for (const e of v.edits) doc.setIn(e.path, e.value);
  if (loaded.scenario.check.faults === 'none') doc.deleteIn(['faults']);
  if (v.faults.length > 0) appendToList(doc, ['faults'], v.faults);
  if (extra.name !== undefined) doc.setIn(['name'], extra.name);
  if (extra.description !== undefined) doc.setIn(['description'], extra.description);
  for (const [name, expect] of Object.entries(extra.properties ?? {})) doc.setIn(['properties', name], expect);
  // A regression fails by its property, not by the original's metric gates (its market is another).
  if (extra.fixed === true) doc.setIn(['gates'], doc.createNode([], { flow: true }));
  if (extra.fixed === true) doc.setIn(['check'], doc.createNode({ seed: 'fixed', market: false, faults: 'declared' }, { flow: true }));
  if (extra.moveTo !== undefined) {
    // Relative data paths are relative to the scenario file: rewrite them for the new folder.
    const rebase = (path: Path): void => {
      const f = doc.getIn(path);
      if (typeof f === 'string' && !f.startsWith('/')) doc.setIn(path, relative(extra.moveTo!, resolve(loaded.dir, f)).replaceAll('\\', '/'));
    };
    rebase(['market', 'csv', 'file']);
    (loaded.scenario.market.sources ?? []).forEach((_, i) => rebase(['market', 'sources', i, 'csv', 'file']));
    if (Array.isArray(loaded.scenario.providers)) loaded.scenario.providers.forEach((_, i) => rebase(['providers', i, 'recording']));
  }
  const out = doc.toString({ lineWidth: 0 });
  // The editor's schema comment points at the package's schemas/ from the new folder too.
  return extra.moveTo === undefined ? out
    : out.replace(/(\$schema=)(\S+)/, (_m, key: string, path: string) => `${key}${relative(extra.moveTo!, resolve(loaded.dir, path)).replaceAll('\\', '/')}`);
}
