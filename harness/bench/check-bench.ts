/**
 * `npm run bench:check [-- --json] [-- --smoke] [-- --runs N]`
 *
 * How fast `gauntlet check` searches, on one core, in one process:
 * - runsPerSecond: check runs of harness/bench/scenarios/check-252.yaml (252 daily bars, the full
 *   reference stack, every online property it declares checked, no faults), each with a new seed
 *   drawn by fast-check: the scenario is loaded and validated once, runs do no file I/O (target
 *   >= 2000);
 * - runsPerSecondWithFaults: the same with swarm testing on (a random subset of fault kinds per run,
 *   the scenario text re-validated per run since the plan changes);
 * - bareRunsPerSecond: the same market and stack in a bare runBacktest loop (no harness, no
 *   properties, no report), seeds drawn the same way: checkOverheadRatio = runsPerSecond / bare.
 * Prints its seed first; the check must pass (a failing check is not a speed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createReferenceStack, createSyntheticSource, RngRegistry, runBacktest, toMoney, type InstrumentConfig,
} from '../../engine/index.ts';
import { checkScenario } from '../properties/check/check.ts';
import { loadScenarioFile, loadScenarioText, type LoadedScenario } from '../scenario/load.ts';
import { venueModels } from '../scenario/run.ts';
import { referenceConfig } from '../scenario/stack-schema.ts';
import { effectiveInstruments } from '../scenario/semantic.ts';
import { REPO } from '../cli/cli-helpers.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const log = (s: string): void => { if (!args.json) process.stderr.write(`${s}\n`); };
const RUNS = args.number('--runs', 4000, 20);
const FAULT_RUNS = args.number('--fault-runs', 400, 10);
const SEED = args.number('--seed', 20261128);
const FILE = join(REPO, 'harness/bench/scenarios/check-252.yaml');

log(`bench:check · seed ${SEED} · ${RUNS} runs (${FAULT_RUNS} with faults)`);

function load(text: string): LoadedScenario {
  const r = loadScenarioText(text, FILE, { cwd: REPO });
  if (!r.ok) throw new Error(`bench scenario: ${JSON.stringify(r.problems)}`);
  return r.loaded;
}

async function checkRate(loaded: LoadedScenario, text: string, runs: number): Promise<number> {
  const warm = await checkScenario(loaded, text, { runs: Math.max(1, Math.floor(runs / 10)), seed: SEED + 1, timeBudgetMs: null, cwd: REPO, regressionsDir: null });
  if (warm.status !== 'passed') throw new Error(`bench check failed while warming: ${warm.counterexample?.message ?? ''}`);
  const started = performance.now();
  const c = await checkScenario(loaded, text, { runs, seed: SEED, timeBudgetMs: null, cwd: REPO, regressionsDir: null });
  const ms = performance.now() - started;
  if (c.status !== 'passed') throw new Error(`bench check failed: ${c.counterexample?.message ?? ''} (${c.counterexample?.reproduce ?? ''})`);
  return (c.runs / ms) * 1000;
}

/** The same scenario without the harness: a bare runBacktest per seed. */
async function bareRate(loaded: LoadedScenario, runs: number): Promise<number> {
  const s = loaded.scenario;
  const instruments: InstrumentConfig[] = effectiveInstruments(s);
  const stack = referenceConfig(s.stack);
  const once = async (seed: number): Promise<void> => {
    await runBacktest({
      seed, instruments, account: { currency: s.account.currency, startCash: s.account.startCash },
      sources: [createSyntheticSource(s.market.synthetic!, new RngRegistry(seed).stream('market'))],
      stack: () => createReferenceStack(stack, { account: { moneyDecimals: s.account.moneyDecimals, startCash: toMoney(s.account.startCash, s.account.moneyDecimals) } }),
      venue: venueModels(s.venue),
    });
  };
  for (let i = 0; i < Math.max(1, runs / 10); i++) await once(SEED + 1 + i);
  const started = performance.now();
  for (let i = 0; i < runs; i++) await once(SEED + i);
  return (runs / (performance.now() - started)) * 1000;
}

const text = readFileSync(FILE, 'utf8');
const base = loadScenarioFile(FILE, REPO);
if (!base.ok) throw new Error('bench scenario does not load');
const runsPerSecond = await checkRate(base.loaded, text, RUNS);
log(`check, no faults: ${runsPerSecond.toFixed(0)} runs/s`);
const swarmText = text.replace('check: { market: false, faults: none }', 'check: { market: false, faults: swarm }');
const runsPerSecondWithFaults = await checkRate(load(swarmText), swarmText, FAULT_RUNS);
log(`check, swarm faults: ${runsPerSecondWithFaults.toFixed(0)} runs/s`);
const bareRunsPerSecond = await bareRate(base.loaded, RUNS);
log(`bare runBacktest: ${bareRunsPerSecond.toFixed(0)} runs/s`);
const result = {
  runsPerSecond: Math.round(runsPerSecond), runsPerSecondWithFaults: Math.round(runsPerSecondWithFaults), bareRunsPerSecond: Math.round(bareRunsPerSecond),
  checkOverheadRatio: Number((runsPerSecond / bareRunsPerSecond).toFixed(3)), bars: 252, runs: RUNS, faultRuns: FAULT_RUNS, seed: SEED, node: process.version,
};
if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else log(JSON.stringify(result, null, 2));
