/**
 * Running the teeth check: a variant's scenario checked with the variant in place of the
 * reference (or with the reference itself), as teeth.test.ts and bench:teeth both do it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioText, type LoadedScenario } from '../../scenario/load.ts';
import { checkScenario, type ScenarioCheck } from '../check/check.ts';
import type { RunOptions } from '../../scenario/run.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { TEETH_RUNS, TEETH_SEED } from './variants.ts';

/** The repository root: variants name their scenarios relative to it. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface TeethScenario {
  readonly loaded: LoadedScenario;
  readonly text: string;
}

/** Loads a variant's scenario; bad input here is a bug of the teeth, so it throws. */
export function loadTeethScenario(file: string): TeethScenario {
  const path = join(REPO_ROOT, file);
  const text = readFileSync(path, 'utf8');
  const r = loadScenarioText(text, path, { cwd: REPO_ROOT });
  if (!r.ok) throw new Error(`${file}: ${r.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join('; ')}`);
  return { loaded: r.loaded, text };
}

export interface TeethCheckOptions {
  readonly runs?: number;
  readonly seed?: number;
}

/**
 * `gauntlet check` of the scenario with a broken variant in place of the reference stack (null:
 * the reference itself), TEETH_RUNS runs under TEETH_SEED unless told otherwise. Nothing is written.
 */
export function checkTeeth(s: TeethScenario, variant: { readonly runOptions: (scenario: Scenario) => Partial<RunOptions> } | null, options: TeethCheckOptions = {}): Promise<ScenarioCheck> {
  return checkScenario(s.loaded, s.text, {
    runs: options.runs ?? TEETH_RUNS, seed: options.seed ?? TEETH_SEED, timeBudgetMs: null, cwd: REPO_ROOT, regressionsDir: null,
    ...(variant === null ? {} : { runOptions: variant.runOptions(s.loaded.scenario) }),
  });
}
