/**
 * Crash points: a scenario run again with a stack crash added at a chosen instant, compared with
 * the run that never crashed. With no downtime the two must be the same run (same fingerprint);
 * with downtime, the safety properties that held without the crash must still hold. The bench
 * (bench:crash), the restartIdentity property of `gauntlet check` and the tests use it.
 */
import { appendToList } from '../../scenario/yaml-edit.ts';
import { parseDocument } from 'yaml';
import { durationUs, formatTimeUs, Rng } from '../../../engine/index.ts';
import { boundUs } from '../faults/schema.ts';
import type { OnlinePropertyName } from '../../properties/property.ts';
import { loadScenarioText, type LoadedScenario } from '../../scenario/load.ts';
import { marketBoundsUs, marketSources } from '../../scenario/market.ts';
import { runScenario, type RunOptions, type ScenarioRunResult } from '../../scenario/run.ts';

/** The properties a crash must never break (they held without it). */
export const CRASH_SAFETY_PROPERTIES: readonly OnlinePropertyName[] = ['riskLimits', 'ledgerBalances', 'ordersTerminal', 'noDuplicateOrders', 'recovery'];

/** The scenario's YAML with one more fault: a stack crash at `atUs`, down for `downtime`. */
export function withCrash(text: string, atUs: number, downtime: string): string {
  const doc = parseDocument(text);
  appendToList(doc, ['faults'], [{ kind: 'stack-crash', at: formatTimeUs(atUs), downtime }]);
  return doc.toString({ lineWidth: 0 });
}

export interface CrashPoint {
  readonly atUs: number;
  readonly downtime: string;
}

export interface CrashPointOutcome {
  readonly atUs: number;
  readonly downtime: string;
  /** No downtime: whether the fingerprint is the uncrashed run's. */
  readonly identical: boolean;
  /** Messages between stack and venue on their way at the crash (orders in flight). */
  readonly inFlight: number;
  /** Reports that reached the stack while it was down (with downtime). */
  readonly reportsLost: number;
  /** Safety properties that held without the crash and broke with it, with their messages. */
  readonly broken: readonly string[];
  readonly fingerprint: string;
}

export interface ScenarioCrashes {
  readonly loaded: LoadedScenario;
  readonly text: string;
  readonly base: ScenarioRunResult;
  readonly firstUs: number;
  readonly lastUs: number;
}

/** Loads the scenario and runs it once without a crash (with the safety properties checked). */
export async function prepareCrashes(file: string, text: string, cwd: string, options: Partial<RunOptions> = {}): Promise<ScenarioCrashes> {
  const r = loadScenarioText(text, file, { cwd });
  if (!r.ok) throw new Error(`${file}: ${r.problems[0]?.message ?? 'does not load'}`);
  const loaded = r.loaded;
  const seed = loaded.scenario.seed;
  const base = await runScenario(loaded, { seed, cwd, checkProperties: CRASH_SAFETY_PROPERTIES, ...options });
  const { firstUs, lastUs } = await marketBoundsUs(marketSources(loaded.scenario), loaded.dir, seed);
  return { loaded, text, base, firstUs, lastUs };
}

/**
 * Random crash points inside the market, microsecond-exact, from a seed. Every other point is the
 * instant of a fill of the uncrashed run (when it has fills): the crash then comes after the venue
 * booked it and before its report reaches the stack, an order in flight.
 */
export function crashPoints(sc: ScenarioCrashes, count: number, seed: number, downtimes: readonly string[]): CrashPoint[] {
  const rng = Rng.derive(seed, 'crash-points');
  const span = sc.lastUs - sc.firstUs;
  // The scenario's own crashes, with their downtime: a new crash must not land on or in one.
  const own: [number, number][] = [];
  for (const f of sc.loaded.scenario.faults ?? []) if (f.kind === 'stack-crash') { const at = boundUs(f.at, sc.firstUs); own.push([at, at + durationUs(f.downtime)!]); }
  const out: CrashPoint[] = [];
  for (let k = 0, tries = 0; out.length < count && tries < count * 20; tries++) {
    const downtime = downtimes[k % downtimes.length]!;
    const fills = sc.base.fills;
    const atFill = k % 2 === 1 && fills.length > 0;
    const atUs = atFill ? fills[Math.floor(rng.nextFloat() * fills.length)]!.timeUs : sc.firstUs + Math.floor(rng.nextFloat() * (span + 1));
    const endUs = atUs + durationUs(downtime)!;
    if (own.some(([a, b]) => atUs <= b && a <= endUs)) continue;
    out.push({ atUs, downtime });
    k++;
  }
  return out;
}

/** Runs the scenario with a crash added and compares it with the run without. */
export async function runCrashPoint(sc: ScenarioCrashes, p: CrashPoint, cwd: string, options: Partial<RunOptions> = {}): Promise<CrashPointOutcome> {
  const text = withCrash(sc.text, p.atUs, p.downtime);
  const r = loadScenarioText(text, sc.loaded.absPath, { cwd });
  if (!r.ok) throw new Error(`${sc.loaded.file} with a crash at ${formatTimeUs(p.atUs)}: ${r.problems[0]?.message ?? 'does not load'}`);
  const run = await runScenario(r.loaded, { seed: sc.loaded.scenario.seed, cwd, checkProperties: CRASH_SAFETY_PROPERTIES, ...options });
  const crash = run.faults?.list.find((f) => f.kind === 'stack-crash' && f.timeUs === p.atUs);
  const inFlight = Number(/(\d+) messages in flight/.exec(crash?.detail ?? '')?.[1] ?? 0);
  const restart = run.faults?.list.find((f) => f.kind === 'stack-restart' && f.timeUs >= p.atUs);
  const reportsLost = Number(/(\d+) reports lost/.exec(restart?.detail ?? '')?.[1] ?? 0);
  const heldBefore = new Set(sc.base.properties.filter((x) => x.violation === null).map((x) => x.name));
  const broken = run.properties.filter((x) => x.violation !== null && heldBefore.has(x.name)).map((x) => `${x.name}: ${x.violation!.message}`);
  return { atUs: p.atUs, downtime: p.downtime, identical: run.fingerprint === sc.base.fingerprint, inFlight, reportsLost, broken, fingerprint: run.fingerprint };
}
