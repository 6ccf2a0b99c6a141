/**
 * Metamorphic and structural properties: each compares the run of a variation with other runs of
 * it (the same seed again, the other data path, a perturbed or scaled market). Each says when it
 * applies; where it does not, the check reports it "not applicable" with the reason, never a pass.
 * A property may also not apply to one variation only (one with faults, one too short to cut):
 * it answers NotApplicableHere, and that run counts neither as reached nor as a pass.
 */
import { appendToList } from '../../scenario/yaml-edit.ts';
import { parseDocument } from 'yaml';
import { formatTimeUs, JournalDecoder, MARKET_KINDS, NumericRangeError, TRANSPORT_KINDS, type JournalRecord } from '../../../engine/index.ts';
import type { LoadedScenario } from '../../scenario/load.ts';
import { marketSources } from '../../scenario/market.ts';
import { resolveProviders } from '../../scenario/providers-schema.ts';
import type { RunOptions, ScenarioRunResult } from '../../scenario/run.ts';
import type { MetamorphicPropertyName, Violation } from '../property.ts';
import { priceScaling } from './price-scaling.ts';

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

/** A decision record with its line in the run's journal (`gauntlet run --journal`, 0-based). */
interface Decision {
  readonly position: number;
  readonly record: JournalRecord;
  readonly text: string;
}

/**
 * Runs and keeps the journal's decisions: every record but the header, market data and transport
 * (the records the decision fingerprint hashes: signals, orders, risk rejects, venue answers, fills,
 * cancels, retries, halts and kill switches). With `beforeMarketAfterUs`, only those written before
 * the first market record timed after it: the journal is in the kernel's order, so these are the
 * decisions taken before any data after that time was delivered. (Not their own time stamps: a
 * stack's records carry its own clock, which a clock fault may put hours from the market's.)
 */
async function decisions(ctx: MetamorphicContext, options: Partial<RunOptions> & { loaded?: LoadedScenario }, beforeMarketAfterUs = Number.POSITIVE_INFINITY): Promise<Decision[]> {
  // Decoded chunk by chunk as the run writes them: only the decisions are kept, never the journal.
  const decoder = new JournalDecoder();
  const out: Decision[] = [];
  let position = 0;
  let done = false;
  const write = (bytes: Uint8Array): void => {
    if (done) return;
    for (const record of decoder.chunk(bytes)) {
      if (MARKET_KINDS.has(record.kind)) {
        if ((record.timeUs as number) > beforeMarketAfterUs) {
          done = true;
          return;
        }
      } else if (record.kind !== 'header' && !TRANSPORT_KINDS.has(record.kind)) {
        out.push({ position, record, text: JSON.stringify(record) });
      }
      position++;
    }
  };
  await ctx.run({ ...options, journalSink: { write } });
  return out;
}

/** The first index where two decision lists differ (one ending early counts); -1 when equal. */
function firstDifference(a: readonly Decision[], b: readonly Decision[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i]!.text !== b[i]!.text) return i;
  return a.length === b.length ? -1 : n;
}

function timeOf(d: Decision | undefined): number | null {
  const t = d?.record.timeUs;
  return typeof t === 'number' ? t : null;
}

/** Where the cut goes: a mark in the middle half of the run, picked by the seed (so runs move it). */
export function cutTimeUs(marksUs: Float64Array, seed: number): number {
  const n = marksUs.length;
  const span = Math.max(1, Math.ceil(n / 2));
  const index = Math.min(n - 2, Math.floor(n / 4) + (seed % span));
  return marksUs[index]!;
}

/**
 * The scenario text with every market source perturbed strictly after `cutUs`: a gap of
 * `gapPercent` from cutUs + 1 us on, and returns doubled around a running anchor from then to the
 * end (a volatility spike). Nothing at or before cutUs changes: a bar that opens at or before the
 * cut keeps its open (its close, high and low, published at its close after the cut, may move).
 */
export function perturbedAfter(loaded: LoadedScenario, text: string, cutUs: number, endUs: number, gapPercent: number): string {
  const doc = parseDocument(text);
  const added = [
    { kind: 'gap-open', atUs: cutUs + 1, gapPercent },
    { kind: 'volatility-spike', fromUs: cutUs + 1, toUs: Math.max(endUs, cutUs + 1) + 1, factor: 2 },
  ];
  for (const d of marketSources(loaded.scenario)) {
    appendToList(doc, [...d.path, 'overlays'], added);
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * No look-ahead: a decision taken before the market passes time t cannot depend on market data
 * after t. The market is perturbed strictly after a cut t inside the run (a mark picked by the
 * seed), the variation is run both ways, and the decision records each journal holds before its
 * first market record after t must be identical. Fills and venue answers are among them: the venue
 * must not read ahead either. Applies to every scenario; a variation whose run has fewer than two
 * marks has no room for a cut.
 */
export const noLookAhead: MetamorphicProperty = {
  name: 'noLookAhead',
  notApplicable: () => null,
  async check(ctx) {
    const marks = ctx.base.equity.timeUs;
    if (marks.length < 2) return { notApplicable: `the run has ${marks.length} mark(s): no time inside it to cut at` };
    const cutUs = cutTimeUs(marks, ctx.seed);
    const gapPercent = ctx.seed % 2 === 0 ? -20 : 25;
    const perturbed = ctx.load(perturbedAfter(ctx.loaded, ctx.text, cutUs, marks[marks.length - 1]!, gapPercent));
    if (perturbed === null) throw new Error('noLookAhead: the scenario with overlays added after the cut does not load (a bug in the property)');
    const a = await decisions(ctx, {}, cutUs);
    let b: Decision[];
    try {
      b = await decisions(ctx, { loaded: perturbed }, cutUs);
    } catch (e) {
      // The gap and the doubled moves may carry a figure out of the exact range after the cut: nothing to compare then.
      if (e instanceof NumericRangeError) return { notApplicable: `the market perturbed after the cut left the exact range: ${e.message}` };
      throw e;
    }
    const i = firstDifference(a, b);
    if (i < 0) return null;
    const was = a[i];
    const now = b[i];
    return {
      property: 'noLookAhead', timeUs: timeOf(was) ?? timeOf(now), journalPosition: was?.position ?? now?.position ?? 0,
      message: `decision ${i + 1}, taken before the market passed ${formatTimeUs(cutUs)}, changed when only the market after that changed `
        + `(a ${gapPercent}% gap and doubled volatility from 1 us after it): ${was?.text ?? 'none'} became ${now?.text ?? 'none'}`,
      records: [`unperturbed: ${was?.text ?? '(no record)'}`, `perturbed after the cut: ${now?.text ?? '(no record)'}`],
    };
  },
};

/**
 * The direct path and the provider path, without faults, take the same decisions (the decision
 * fingerprint: no market data, no transport). Applies to scenarios that declare providers, whose
 * providers answer at once (no declared latency) from the market (no recording); per variation,
 * only to those without faults.
 */
export const directMatchesProvider: MetamorphicProperty = {
  name: 'directMatchesProvider',
  notApplicable(loaded) {
    const s = loaded.scenario;
    if (s.providers === undefined) {
      return 'the scenario reads data directly (no providers:); declare providers (providers: standard) to check the provider path against it: check does not add them itself, as a run over simulated HTTP is tens of times slower';
    }
    for (const p of resolveProviders(s.providers)) {
      if (p.recording !== undefined) return `provider ${p.name} replays a recording, which answers a variation's requests with another market`;
      if (p.latency.max > 0) return `provider ${p.name} answers with latency, so the stack decides later than on the direct path by design`;
    }
    return null;
  },
  async check(ctx) {
    const faults = ctx.loaded.scenario.faults ?? [];
    if (faults.length > 0) return { notApplicable: `the variation has faults (${faults.map((f) => f.kind).join(', ')}): the paths may differ by design` };
    const doc = parseDocument(ctx.text);
    doc.deleteIn(['providers']);
    const direct = ctx.load(doc.toString({ lineWidth: 0 }));
    if (direct === null) throw new Error('directMatchesProvider: the scenario without providers does not load (a bug in the property)');
    const d = await ctx.run({ loaded: direct });
    if (d.decisionFingerprint === ctx.base.decisionFingerprint) return null;
    // Both runs again with their journals, to show the first decision that differs.
    const a = await decisions(ctx, { loaded: direct });
    const b = await decisions(ctx, {});
    const i = firstDifference(a, b);
    const was = a[i];
    const now = b[i];
    return {
      property: 'directMatchesProvider', timeUs: timeOf(was) ?? timeOf(now), journalPosition: now?.position ?? was?.position ?? 0,
      message: `without faults the provider path decided otherwise than the direct path (decision fingerprints ${ctx.base.decisionFingerprint.slice(0, 12)} vs ${d.decisionFingerprint.slice(0, 12)}): `
        + `decision ${i + 1} is ${now?.text ?? 'missing'} on the provider path, ${was?.text ?? 'missing'} on the direct path`,
      records: [`direct: ${was?.text ?? '(no record)'}`, `providers: ${now?.text ?? '(no record)'}`],
    };
  },
};

/** The metamorphic properties by name. */
export const METAMORPHIC: Partial<Record<MetamorphicPropertyName, MetamorphicProperty>> = { noLookAhead, determinism, directMatchesProvider, priceScaling };
