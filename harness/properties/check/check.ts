/**
 * `gauntlet check` for one scenario: fast-check draws variations (seeds, markets, swarm fault
 * plans, declared parameter ranges), runs each through the full stack with the properties that
 * apply, and on a failure shrinks it to a minimal counterexample (fewest faults, shortest market,
 * seed 0), prints the seed and path that replay the search, and writes the counterexample as a
 * scenario file that `gauntlet run` fails the same way.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { NumericRangeError } from '../../../engine/index.ts';
import { writeFileAtomic } from '../../report/atomic-write.ts';
import { displayPath, loadScenarioText, type LoadedScenario } from '../../scenario/load.ts';
import { marketBoundsUs, marketSources } from '../../scenario/market.ts';
import { ScenarioInputError } from '../../scenario/problems.ts';
import { runScenario, type RunOptions, type ScenarioRunResult } from '../../scenario/run.ts';
import { ONLINE_PROPERTIES, type OnlinePropertyName, type PropertyName, type Violation } from '../property.ts';
import { INVARIANTS } from '../registry.ts';
import { isOnline, violationText } from '../run-properties.ts';
import { declaredProperties, type DeclaredProperty } from '../schema.ts';
import { isNotApplicableHere, METAMORPHIC, type MetamorphicOutcome } from './metamorphic.ts';
import { variationArbitrary, variationSpace, variedText, type Variation, type VariationSpace } from './variation.ts';
import { variedScenarios } from './varied-scenario.ts';

export interface CheckOptions {
  readonly runs: number;
  /** fast-check's seed: the same seed and runs replay the same check. */
  readonly seed: number;
  /** Stop drawing new runs after this much real time (the runs done are reported); null: none. */
  readonly timeBudgetMs: number | null;
  /**
   * Stop shrinking a failure after this much real time from when it was found, keeping the smallest
   * failing run so far (it may not be minimal); null or absent: shrink to the end. A failure deep in
   * a long run can take many minutes to shrink.
   */
  readonly shrinkBudgetMs?: number | null;
  readonly cwd: string;
  /** Where counterexamples are written (relative to cwd); null: not written. */
  readonly regressionsDir: string | null;
  readonly onProgress?: (p: { runs: number; total: number; shrinking: boolean; failed: boolean }) => void;
  /** Replaces parts of the run (a user's own stack, deliberately broken variants in tests). */
  readonly runOptions?: Partial<RunOptions>;
  /** Wall clock (tests pin it). */
  readonly nowMs?: () => number;
}

export type PropertyCheckStatus = 'passed' | 'failed' | 'not-reached' | 'not-applicable';

export interface PropertyCheck {
  readonly name: PropertyName;
  readonly expect: 'always' | 'sometimes';
  readonly optional: boolean;
  /** Declared by the scenario; else one of the defaults a scenario without `properties:` is checked for. */
  readonly declared: boolean;
  readonly status: PropertyCheckStatus;
  /** Runs that checked it. */
  readonly runs: number;
  /** Runs that reached its interesting state. */
  readonly reached: number;
  readonly violations: number;
  /** Why it is not applicable, or what a passing `sometimes` that was never reached means. */
  readonly note: string | null;
}

export interface Counterexample {
  readonly property: PropertyName | 'run';
  readonly message: string;
  readonly violation: Violation | null;
  readonly variation: Variation;
  /** fast-check's path to the shrunk counterexample (with the seed, replays it at once). */
  readonly path: string;
  readonly shrinks: number;
  /** Shrinking stopped at the shrink budget: a smaller failing run may exist. */
  readonly shrinkCut: boolean;
  /** The regression scenario written, relative to cwd; null when not written. */
  readonly file: string | null;
  /** Kernel events of the shrunk run, market and scheduled (how small it got). */
  readonly events: number;
  /** Market events of the shrunk run (bars, bar opens, trades, quotes). */
  readonly marketEvents: number;
  readonly faults: number;
  readonly reproduce: string;
}

export interface ScenarioCheck {
  readonly name: string;
  readonly file: string;
  readonly seed: number;
  readonly runsRequested: number;
  /** Runs drawn before the end, a failure or the time budget (shrinking runs not counted). */
  readonly runs: number;
  /** Variations the scenario refused (a drawn combination that is bad input): not counted as runs. */
  readonly skipped: number;
  readonly interrupted: boolean;
  readonly status: 'passed' | 'failed';
  readonly exitCode: 0 | 1 | 3;
  readonly properties: PropertyCheck[];
  readonly counterexample: Counterexample | null;
  /** Real time to the first failing run, and to the end of shrinking; null without a failure. */
  readonly msToFailure: number | null;
  readonly msToShrunk: number | null;
  readonly wallTimeMs: number;
  readonly reproduce: string;
}

/** Properties a scenario without `properties:` is checked for: every one we have, always. */
function defaultProperties(): DeclaredProperty[] {
  const names: PropertyName[] = [...ONLINE_PROPERTIES.filter((n) => INVARIANTS[n] !== undefined), ...Object.keys(METAMORPHIC) as PropertyName[]];
  return names.map((name) => ({ name, expect: 'always', optional: false, withinUs: 0 }));
}

/** Online properties that only mean something on the provider path. */
const PROVIDER_ONLY: ReadonlySet<PropertyName> = new Set(['noStaleOrders', 'liveness']);

interface RunVerdict {
  readonly kind: 'ran' | 'invalid' | 'crash';
  readonly failure: { property: PropertyName | 'run'; message: string; violation: Violation | null } | null;
  readonly reached: ReadonlySet<PropertyName>;
  /** Metamorphic properties that did not apply to this variation (e.g. it has faults), with why: neither reached nor passed. */
  readonly notApplicable: ReadonlyMap<PropertyName, string>;
  readonly result: ScenarioRunResult | null;
}

export async function checkScenario(loaded: LoadedScenario, text: string, options: CheckOptions): Promise<ScenarioCheck> {
  const now = options.nowMs ?? (() => performance.now());
  const started = now();
  const s = loaded.scenario;
  const declared = declaredProperties(s.properties);
  const properties = declared.length > 0 ? declared : defaultProperties();
  const providerPath = s.providers !== undefined;
  const notApplicable = new Map<PropertyName, string>();
  for (const p of properties) {
    if (!isOnline(p.name)) {
      const m = METAMORPHIC[p.name];
      const why = m === undefined ? 'not implemented in this version' : m.notApplicable(loaded);
      if (why !== null) notApplicable.set(p.name, why);
    } else if (PROVIDER_ONLY.has(p.name) && !providerPath) notApplicable.set(p.name, 'the scenario reads data directly (no providers:), so there is no data client to go stale or recover');
    else if (p.name === 'recovery' && s.check.faults !== 'swarm' && !(s.faults ?? []).some((f) => f.kind === 'stack-crash')) {
      notApplicable.set(p.name, 'the scenario has no stack-crash fault and the check adds none (check.faults is not swarm), so the stack never restarts');
    }
  }
  const online = properties.filter((p) => isOnline(p.name) && !notApplicable.has(p.name)).map((p) => p.name as OnlinePropertyName);
  const metamorphic = properties.filter((p) => !isOnline(p.name) && !notApplicable.has(p.name)).map((p) => METAMORPHIC[p.name as keyof typeof METAMORPHIC]!);
  const bounds = await marketBoundsUs(marketSources(s), loaded.dir, s.seed, options.runOptions?.dataCache ?? null);
  const space: VariationSpace = variationSpace(loaded, bounds);
  const runOptions = options.runOptions ?? {};

  const load = (t: string): LoadedScenario | null => {
    const r = loadScenarioText(t, loaded.absPath, { cwd: options.cwd });
    return r.ok ? r.loaded : null;
  };

  const varied = variedScenarios(loaded, text, load);

  async function runOnce(v: Variation): Promise<RunVerdict> {
    let lv = loaded;
    if (!space.seedOnly) {
      const l = varied(v);
      if (l === null) return { kind: 'invalid', failure: null, reached: new Set(), notApplicable: new Map(), result: null };
      lv = l;
    }
    const run = (o: Partial<RunOptions> & { loaded?: LoadedScenario }): Promise<ScenarioRunResult> => {
      const { loaded: other, ...rest } = o;
      return runScenario(other ?? lv, { seed: v.seed, cwd: options.cwd, checkProperties: online, ...runOptions, ...rest });
    };
    let result: ScenarioRunResult;
    try {
      result = await run({});
    } catch (e) {
      if (e instanceof ScenarioInputError || e instanceof NumericRangeError) return { kind: 'invalid', failure: null, reached: new Set(), notApplicable: new Map(), result: null };
      return { kind: 'crash', failure: { property: 'run', message: `the run failed: ${e instanceof Error ? e.message : String(e)}`, violation: null }, reached: new Set(), notApplicable: new Map(), result: null };
    }
    const reached = new Set<PropertyName>();
    let failure: RunVerdict['failure'] = null;
    for (const p of result.properties) {
      if (p.reached) reached.add(p.name);
      if (failure === null && p.violation !== null && online.includes(p.name as OnlinePropertyName)) failure = { property: p.name, message: violationText(p.violation), violation: p.violation };
    }
    const notApplicableHere = new Map<PropertyName, string>();
    if (failure === null) {
      // The variation's text, for the metamorphic properties' edited copies (written once, when one runs).
      const t = metamorphic.length === 0 || space.seedOnly ? text : variedText(loaded, text, v);
      for (const m of metamorphic) {
        let outcome: MetamorphicOutcome;
        try {
          outcome = await m.check({ loaded: lv, seed: v.seed, base: result, run, text: t, load });
        } catch (e) {
          // A run the property made (a perturbed or scaled market, the other data path) failed: a finding, shrunk like a violation.
          failure = { property: m.name, message: `a run of the ${m.name} check failed: ${e instanceof Error ? e.message : String(e)}`, violation: null };
          break;
        }
        if (isNotApplicableHere(outcome)) { notApplicableHere.set(m.name, outcome.notApplicable); continue; }
        reached.add(m.name);
        if (outcome !== null) { failure = { property: m.name, message: violationText(outcome), violation: outcome }; break; }
      }
    }
    return { kind: 'ran', failure, reached, notApplicable: notApplicableHere, result };
  }

  // notApplicable: runs whose variation the property does not apply to (counted apart, with the first reason).
  const counts = new Map<PropertyName, { runs: number; reached: number; violations: number; notApplicable: number; why: string | null }>(
    properties.map((p) => [p.name, { runs: 0, reached: 0, violations: 0, notApplicable: 0, why: null }]));
  let runs = 0;
  let skipped = 0;
  let failedAt: number | null = null;
  let shrinkCut = false;
  const shrinkBudgetMs = options.shrinkBudgetMs ?? null;
  const arbitrary = variationArbitrary(space);
  const details = await fc.check(fc.asyncProperty(arbitrary, async (v) => {
    // Past the shrink budget every further candidate "passes" without running, so fast-check ends
    // its shrinking at once with the smallest failure found so far.
    if (failedAt !== null && shrinkBudgetMs !== null && now() - failedAt > shrinkBudgetMs) {
      shrinkCut = true;
      return true;
    }
    const verdict = await runOnce(v);
    const shrinking = failedAt !== null;
    if (verdict.kind === 'invalid') {
      if (!shrinking) skipped++;
      fc.pre(false);
    }
    if (!shrinking) {
      runs++;
      for (const [name, c] of counts) {
        if (notApplicable.has(name)) continue;
        const why = verdict.notApplicable.get(name);
        if (why !== undefined) { c.notApplicable++; c.why ??= why; continue; }
        c.runs++;
        if (verdict.reached.has(name)) c.reached++;
        if (verdict.failure?.property === name) c.violations++;
      }
      if (verdict.failure !== null) failedAt = now();
    }
    options.onProgress?.({ runs, total: options.runs, shrinking, failed: failedAt !== null });
    return verdict.failure === null;
  }), {
    numRuns: options.runs, seed: options.seed, ...(options.timeBudgetMs === null ? {} : { interruptAfterTimeLimit: options.timeBudgetMs }),
    markInterruptAsFailure: false, maxSkipsPerRun: 10,
  });
  const shrunkAt = now();

  let counterexample: Counterexample | null = null;
  if (details.failed && details.counterexample !== null) {
    const v = details.counterexample[0];
    const verdict = await runOnce(v);
    const failure = verdict.failure ?? { property: 'run' as const, message: `fast-check reported a failure: ${String(details.errorInstance ?? 'unknown')}`, violation: null };
    const file = options.regressionsDir === null ? null : writeRegression(loaded, text, v, failure.property, options);
    counterexample = {
      property: failure.property, message: failure.message, violation: failure.violation, variation: v, path: details.counterexamplePath ?? '', shrinks: details.numShrinks, shrinkCut,
      file, events: verdict.result?.events ?? 0, marketEvents: verdict.result?.marketEvents ?? 0, faults: v.faults.length + (loaded.scenario.faults?.length ?? 0),
      reproduce: file === null ? `gauntlet check ${loaded.file} --runs ${options.runs} --seed ${options.seed}`
        : isOnline(failure.property as PropertyName) || failure.property === 'run' ? `gauntlet run ${file}` : `gauntlet check ${file} --runs 1`,
    };
  }
  const failing = counterexample?.property ?? null;
  const checks: PropertyCheck[] = properties.map((p) => {
    const c = counts.get(p.name)!;
    const na = notApplicable.get(p.name);
    if (na !== undefined) return { ...p, declared: declared.length > 0, status: 'not-applicable', runs: 0, reached: 0, violations: 0, note: na };
    const violations = c.violations + (failing === p.name && c.violations === 0 ? 1 : 0);
    if (violations > 0) return { ...p, declared: declared.length > 0, status: 'failed', runs: c.runs, reached: c.reached, violations, note: null };
    if (c.runs === 0 && c.notApplicable > 0) {
      return { ...p, declared: declared.length > 0, status: 'not-applicable', runs: 0, reached: 0, violations: 0, note: `not applicable to any of the ${c.notApplicable} runs: ${c.why}` };
    }
    if (p.expect === 'sometimes' && c.reached === 0) {
      return {
        ...p, declared: declared.length > 0, status: p.optional ? 'not-reached' : 'failed', runs: c.runs, reached: 0, violations: 0,
        note: `never reached in ${c.runs} runs: the check did not exercise it${p.optional ? ' (optional: not a failure)' : ''}`,
      };
    }
    const partly = c.notApplicable === 0 ? null : `not applicable to ${c.notApplicable} of ${c.runs + c.notApplicable} runs: ${c.why}`;
    return { ...p, declared: declared.length > 0, status: 'passed', runs: c.runs, reached: c.reached, violations: 0, note: partly };
  });
  const crashed = failing === 'run';
  const failed = crashed || checks.some((c) => c.status === 'failed');
  const end = now();
  return {
    name: loaded.name, file: loaded.file, seed: options.seed, runsRequested: options.runs, runs, skipped, interrupted: details.interrupted,
    status: failed ? 'failed' : 'passed', exitCode: crashed ? 3 : failed ? 1 : 0, properties: checks, counterexample,
    msToFailure: failedAt === null ? null : failedAt - started, msToShrunk: failedAt === null ? null : shrunkAt - started, wallTimeMs: end - started,
    reproduce: `gauntlet check ${loaded.file} --runs ${runs} --seed ${options.seed}`,
  };
}

/** Writes the counterexample as a scenario file; returns its path relative to cwd. */
function writeRegression(loaded: LoadedScenario, text: string, v: Variation, property: PropertyName | 'run', options: CheckOptions): string {
  const dir = resolve(options.cwd, options.regressionsDir!);
  const name = `${loaded.name}-${property}-${v.seed}`.slice(0, 100);
  const path = join(dir, `${name}.yaml`);
  const online = property !== 'run' && isOnline(property);
  const body = variedText(loaded, text, v, {
    name,
    description: `Counterexample found by gauntlet check (seed ${options.seed}): ${property === 'run' ? 'the run failed' : `${property} violated`}. Shrunk from ${loaded.file}.`,
    ...(online ? { properties: { [property]: 'always' } } : {}),
    moveTo: dir,
    fixed: true,
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, body);
  return displayPath(path, options.cwd);
}
