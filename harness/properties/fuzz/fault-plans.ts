/**
 * Boundary 4: fault plans. A generated `faults:` list (entries of every kind with their fields
 * mostly valid, now and then of another type, out of range, missing, misspelt or unknown; windows
 * with impossible times and offsets past a year; lists past 100 entries; entries that are not
 * mappings) crosses the boundary twice:
 * - directly: FaultsSchema, then for a list it accepts resolveFaultPlan against random market
 *   bounds. Every zod issue names the entry (faults[i]) and, for a mapping, its field; the plan's
 *   problems name faults[i].window.from or .to (faults[i].at of a crash) of an entry that exists; a plan's windows are
 *   exact and non-empty;
 * - in a scenario file: the list written as YAML (block or flow) under `faults:` of a provider
 *   scenario that is valid without it, then loaded. Every problem is located (scenario-yaml.ts's
 *   rule), is about `faults` (nothing else in the file is wrong) and sits on or below the
 *   `faults:` line; a file that loads has its plan resolved against its own market, and the plan's
 *   problems are located in the list the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { resolveFaultPlan, type FaultPlan, type PlanProblem } from '../../chaos/faults/plan.ts';
import { FaultSchema, FaultsSchema, type FaultConfig } from '../../chaos/faults/schema.ts';
import { loadScenarioText } from '../../scenario/load.ts';
import { marketBoundsUs, marketSources } from '../../scenario/market.ts';
import { formatPath } from '../../scenario/problems.ts';
import { runFuzz, type FuzzOptions, type FuzzResult, type Verdict } from './fuzz-run.ts';
import { REPO, SCENARIOS_DIR } from './yaml-text.ts';
import { unlocated } from './scenario-yaml.ts';

type Gen = fc.GeneratorValue;

export interface FaultPlanInput {
  /** The `faults:` value: usually a list of entries. */
  readonly faults: unknown;
  /** How it is written in the scenario file. */
  readonly style: 'block' | 'flow';
  /** Market bounds for the direct resolveFaultPlan call, epoch µs. */
  readonly firstUs: number;
  readonly lastUs: number;
}

/** Each fault kind and its fields, read from the schema (a new kind is fuzzed without a change here). */
const KINDS: readonly { readonly kind: string; readonly fields: readonly string[] }[] = FaultSchema.options.map((o) => ({
  kind: o.shape.kind.value, fields: Object.keys(o.shape).filter((k) => k !== 'kind'),
}));

const DURATIONS = ['250ms', '30s', '5m', '1h', '1d', '0s', '1us', '366d'];
const BAD_DURATIONS = ['367d', '1y', '1.5s', '5S', ' 5s', '-5s', '+5s', '', '5', 's', '9999999999999d', '1000000000000us', 5, null, true];
const BOUNDS = ['+0s', '+1m', '+30m', '+2h', '+1d', '+366d', '2024-01-02T09:00:00Z', '2024-01-02T10:30:00Z', '2023-12-31T00:00:00Z', '2030-01-01T00:00:00Z', '1685-01-01T00:00:00Z'];
const BAD_BOUNDS = ['+367d', '-30m', '+', '30m', '2024-02-30T00:00:00Z', '2024-01-02T24:00:00Z', '0050-01-01T00:00:00Z', '2024-01-02 09:00:00', '2024-01-02T09:00:00+01:00', 'now', '', 3, null];

/** A valid value for a field of a fault entry. */
function validValue(g: Gen, kind: string, field: string): unknown {
  switch (field) {
    case 'provider': return g(fc.constantFrom, 'alpha', 'beta');
    case 'window': return windowValue(g, false);
    case 'probability': return g(fc.constantFrom, 0, 1, 0.5, 0.001, 0.999);
    case 'status': return g(fc.constantFrom, 401, 403, 429, 500, 502, 503);
    case 'retryAfter': case 'latency': case 'period': case 'delay': case 'downtime': return g(fc.constantFrom, ...DURATIONS);
    case 'at': return g(fc.constantFrom, ...BOUNDS);
    case 'malformedRetryAfter': return g(fc.boolean);
    case 'price': return g(fc.constantFrom, 'nan', 'negative', 'zero');
    case 'offset': return `${g(fc.constantFrom, '', '+', '-')}${g(fc.constantFrom, ...DURATIONS)}`;
    case 'reason': return g(fc.constantFrom, 'venue fault', 'x', 'r'.repeat(200));
    case 'instrument': return g(fc.constantFrom, 'SYN', 'OTHER');
    case 'fillFraction': return g(fc.double, { min: 0.001, max: 0.999, noNaN: true });
    case 'ppm': return g(fc.integer, { min: -100_000, max: 100_000 });
    default: return `${kind}?`;
  }
}

/** A value a field should refuse (or a valid one of another field: the wrong type). */
function badValue(g: Gen, field: string): unknown {
  switch (field) {
    case 'window': return windowValue(g, true);
    case 'probability': return g(fc.constantFrom, -0.1, 1.1, Number.NaN, Infinity, '0.5', null, 1e-320, -0, 2);
    case 'status': return g(fc.constantFrom, 404, 200, 0, '429', 429.5, -401, null);
    case 'retryAfter': case 'latency': case 'period': case 'delay': case 'downtime': return g(fc.constantFrom, ...BAD_DURATIONS);
    case 'at': return g(fc.constantFrom, ...BAD_BOUNDS);
    case 'offset': return g(fc.constantFrom, '--5s', '+-5s', '-', '+', '', '-367d', '+1y', 5, null);
    case 'fillFraction': return g(fc.constantFrom, 0, 1, -0.5, 2, Number.NaN, '0.5', 5e-324);
    case 'ppm': return g(fc.constantFrom, 100_001, -100_001, Number.NaN, 1e300, '5', 0.5);
    case 'reason': return g(fc.constantFrom, '', 'r'.repeat(201), 3);
    default: return g(fc.constantFrom, null, '', 0, -1, true, [], {}, 'x'.repeat(300), 'alpha', Infinity);
  }
}

function windowValue(g: Gen, bad: boolean): unknown {
  if (bad && g(fc.nat, { max: 3 }) === 0) return g(fc.constantFrom, null, '+30m', [], 0, { from: '+1m', to: '+2m', x: 1 });
  const w: Record<string, unknown> = {};
  const bound = (): unknown => (bad && g(fc.boolean) ? g(fc.constantFrom, ...BAD_BOUNDS) : g(fc.constantFrom, ...BOUNDS));
  if (g(fc.boolean)) w.from = bound();
  if (g(fc.boolean)) w.to = bound();
  return w;
}

function faultEntry(g: Gen): unknown {
  if (g(fc.nat, { max: 29 }) === 0) return g(fc.constantFrom, null, 3, 'provider-down', [], [{ kind: 'venue-disconnect' }], true);
  const { kind, fields } = KINDS[g(fc.nat, { max: KINDS.length - 1 })]!;
  const strayPerField = g(fc.constantFrom, 0, 0.05, 0.2, 0.6);
  const entry: Record<string, unknown> = {};
  switch (g(fc.nat, { max: 19 })) {
    case 0: break; // no kind
    case 1: entry.kind = g(fc.constantFrom, `${kind}s`, kind.toUpperCase(), kind.replace('-', '_'), '', 'nope', 3, null); break;
    default: entry.kind = kind;
  }
  for (const field of fields) {
    const optional = field === 'window' || field === 'probability' || field === 'retryAfter' || field === 'malformedRetryAfter' || field === 'instrument' || field === 'reason' || field === 'downtime';
    if (optional && g(fc.boolean)) continue;
    if (g(fc.nat, { max: 29 }) === 0) continue; // a required field missing
    entry[field] = g(fc.double, { min: 0, max: 1, noNaN: true }) < strayPerField ? badValue(g, field) : validValue(g, kind, field);
  }
  if (g(fc.nat, { max: 14 }) === 0) entry[g(fc.constantFrom, 'x', 'windows', 'Provider', 'probabilty', '__proto__', 'kind ')] = 1;
  return entry;
}

function faultPlanInput(g: Gen): FaultPlanInput {
  let faults: unknown;
  switch (g(fc.nat, { max: 39 })) {
    case 0: faults = g(fc.constantFrom, null, 3, 'venue-reject', {}, { kind: 'venue-disconnect' }, true); break;
    case 1: faults = Array.from({ length: 101 + g(fc.nat, { max: 5 }) }, () => ({ kind: 'venue-disconnect' })); break;
    default: faults = Array.from({ length: g(fc.nat, { max: g(fc.boolean) ? 3 : 12 }) }, () => faultEntry(g));
  }
  // Market bounds anywhere a run can be (1685..2255 in µs), the last at or after the first.
  const span = 9_000_000_000_000_000;
  const firstUs = g(fc.integer, { min: -span / 1_000_000, max: span / 1_000_000 }) * 1_000_000;
  const lastUs = Math.min(span, firstUs + g(fc.constantFrom, 0, 60_000_000, 86_400_000_000, 400 * 86_400_000_000));
  return { faults, style: g(fc.constantFrom, 'block', 'flow'), firstUs, lastUs };
}

export function faultPlanInputArb(): fc.Arbitrary<FaultPlanInput> {
  return fc.gen().map(faultPlanInput);
}

export function showFaultPlanInput(x: FaultPlanInput): string {
  return `${x.firstUs}..${x.lastUs} ${x.style} ${JSON.stringify(x.faults, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`;
}

// ---- checks ----

const crash = (message: string): Verdict => ({ kind: 'crash', message });
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a zod issue of FaultsSchema does not name the entry and field; null when it does. */
function issueGap(issue: { path: readonly PropertyKey[]; code: string; keys?: readonly string[] }, faults: unknown): string | null {
  const listWide = !Array.isArray(faults) || faults.length > 100;
  if (issue.path.length === 0) return listWide ? null : `issue ${issue.code} names no entry`;
  const i = issue.path[0];
  if (!Array.isArray(faults) || typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= faults.length) return `issue path ${formatPath(issue.path)} names no entry of the list`;
  const named = issue.path.length >= 2 || (issue.code === 'unrecognized_keys' && (issue.keys?.length ?? 0) > 0);
  if (isPlainObject(faults[i]) && !named) return `issue ${issue.code} at ${formatPath(issue.path)} names no field of the entry`;
  return null;
}

/** Why a plan or its problems break what resolveFaultPlan promises; null when they keep it. */
function planGap(plan: FaultPlan, problems: readonly PlanProblem[], count: number): string | null {
  for (const p of problems) {
    const [top, i, w, bound] = p.path;
    const entry = typeof i === 'number' && i >= 0 && i < count;
    const windowBound = w === 'window' && (bound === 'from' || bound === 'to') && p.path.length === 4;
    const crashAt = w === 'at' && p.path.length === 3;
    if (top !== 'faults' || !entry || !(windowBound || crashAt)) {
      return `plan problem at ${formatPath(p.path)}: not faults[i].window.from/to or faults[i].at of an entry`;
    }
    if (p.message === '') return 'plan problem without a message';
  }
  for (const f of [...plan.provider, ...plan.venue, ...plan.clock]) {
    // An end past 2^53 (a '+366d' after a market in 2255) only says "after the run", as the default end does.
    if (!Number.isSafeInteger(f.fromUs) || !(f.fromUs < f.toUs)) return `plan window ${f.fromUs}..${f.toUs} is not an exact, non-empty window`;
    if ('probability' in f && !(f.probability >= 0 && f.probability <= 1)) return `plan probability ${f.probability}`;
  }
  for (let k = 0; k < plan.crashes.length; k++) {
    const c = plan.crashes[k]!;
    if (!Number.isSafeInteger(c.atUs) || !Number.isSafeInteger(c.downtimeUs) || c.downtimeUs < 0) return `plan crash at ${c.atUs} down ${c.downtimeUs} is not exact`;
    const prev = plan.crashes[k - 1];
    if (prev !== undefined && c.atUs < prev.atUs + prev.downtimeUs) return `plan crash at ${c.atUs} comes while the stack is down`;
  }
  return null;
}

/** The valid provider scenario the generated list is put into, and the line its `faults:` key is on. */
let base: { text: string; faultsLine: number } | null = null;
function baseScenario(): { text: string; faultsLine: number } {
  if (base !== null) return base;
  const text = readFileSync(join(SCENARIOS_DIR, 'chaos', 'provider-403.yaml'), 'utf8').replace(/^faults:\n(?: {2}- .*\n)+/m, '');
  if (text.includes('faults:')) throw new Error('provider-403.yaml: its faults: list is not where the fuzzer expects it');
  base = { text, faultsLine: text.split('\n').length };
  return base;
}

function faultsYaml(x: FaultPlanInput): string {
  const body = stringify(x.faults, { collectionStyle: x.style === 'flow' ? 'flow' : 'block', lineWidth: 0 }).trimEnd();
  const nested = x.style === 'block' && typeof x.faults === 'object' && x.faults !== null && !body.startsWith('[') && !body.startsWith('{');
  return nested ? `faults:\n${body.replace(/^/gm, '  ')}\n` : `faults: ${body}\n`;
}

const FILE = join(SCENARIOS_DIR, 'chaos', 'fuzzed-faults.yaml');
const FILE_SHOWN = 'scenarios/chaos/fuzzed-faults.yaml';

async function checkFaultPlan(x: FaultPlanInput): Promise<Verdict> {
  // Directly: the schema, then the plan against random bounds.
  const parsed = FaultsSchema.safeParse(x.faults);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const gap = issueGap(issue as never, x.faults);
      if (gap !== null) return crash(`FaultsSchema: ${gap}: ${issue.message}`);
    }
  } else {
    const list: readonly FaultConfig[] = parsed.data ?? [];
    const r = resolveFaultPlan(list, x.firstUs, x.lastUs);
    const gap = planGap(r.plan, r.problems, list.length);
    if (gap !== null) return { kind: 'violation', message: `resolveFaultPlan(${x.firstUs}, ${x.lastUs}): ${gap}` };
  }

  // In a scenario file.
  const { text, faultsLine } = baseScenario();
  const full = `${text}${faultsYaml(x)}`;
  const lines = full.split('\n').length;
  const loaded = loadScenarioText(full, FILE, { cwd: REPO });
  if (!loaded.ok) {
    for (const p of loaded.problems) {
      const gap = unlocated(p, FILE_SHOWN, lines) ?? faultsProblemGap(p.path, p.line, faultsLine, x.faults);
      if (gap !== null) return crash(`${gap}: ${JSON.stringify(p)}`);
    }
    return { kind: 'ok', outcome: parsed.success ? 'schema-ok/file-refused' : 'refused' };
  }
  if (!parsed.success) return crash('the file loaded a faults: list that FaultsSchema refuses');
  const s = loaded.loaded.scenario;
  const { firstUs, lastUs } = await marketBoundsUs(marketSources(s), loaded.loaded.dir, s.seed);
  const r = resolveFaultPlan(s.faults ?? [], firstUs, lastUs);
  const gap = planGap(r.plan, r.problems, (s.faults ?? []).length);
  if (gap !== null) return { kind: 'violation', message: `in the file: ${gap}` };
  for (const p of r.problems) {
    const at = loaded.loaded.locate(p.path);
    const where = faultsProblemGap(formatPath(p.path), at.line, faultsLine, x.faults);
    if (where !== null) return crash(`plan problem: ${where}`);
  }
  return { kind: 'ok', outcome: r.problems.length > 0 ? 'window-outside-market' : 'planned' };
}

/** Why a problem of the generated list is not placed in it; null when it is. */
function faultsProblemGap(path: string, line: number, faultsLine: number, faults: unknown): string | null {
  if (!path.startsWith('faults')) return `problem at '${path}', but only faults: is wrong in the file`;
  if (line < faultsLine) return `problem at line ${line}, above faults: (line ${faultsLine})`;
  const m = /^faults\[(\d+)\](.*)$/.exec(path);
  if (Array.isArray(faults) && faults.length <= 100) {
    if (m === null) return `problem at '${path}' names no entry`;
    const entry: unknown = faults[Number(m[1])];
    if (isPlainObject(entry) && !m[2]!.startsWith('.')) return `problem at '${path}' names no field of the entry`;
  }
  return null;
}

/** Fuzzes fault plans with `runs` generated `faults:` lists, directly and in a scenario file. */
export async function fuzzFaultPlans(opts: FuzzOptions): Promise<FuzzResult> {
  return runFuzz(faultPlanInputArb(), checkFaultPlan, { ...opts, show: showFaultPlanInput });
}
