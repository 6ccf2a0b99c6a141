/**
 * `npm run bench:fuzz [-- --json] [-- --smoke] [-- --runs N] [-- --seed N] [-- --job-runs N]
 *  [-- --only <boundary> --path P]`
 *
 * Seeded fuzzing of every input boundary (harness/properties/fuzz/): N inputs each (default
 * 10,000) of scenario YAML (loader, then the market-data check), CSV rows (the streaming loader
 * under each bad-row policy), provider payloads (JSON text through the dialects' zod parsing) and
 * fault plans (FaultsSchema, resolveFaultPlan, and the list in a scenario file); then a smaller
 * sample (--job-runs, default 200) of gently mutated built-in scenario files run through
 * executeJob, where no report may have status 'error'. Per boundary: inputs, crashes (a throw
 * other than the documented result, or an error that does not say where), violations (bad input
 * let through), hangs (one input over 2 s of real time), the slowest input, the outcome counts
 * and the first findings with their fast-check seed and path.
 *
 * The seed is printed first (stderr); every finding is printed with the command that draws that
 * one input again (`--only <boundary> --seed S --path P`, which also prints the input whole).
 * The exit code is 1 when anything was found. --smoke: 50 inputs each and 5 job runs; the JSON
 * keys are what a test checks.
 */
import {
  BOUNDARIES, BOUNDARY_NAMES, fuzzScenarioRuns, type BoundaryName, type FuzzOptions, type FuzzResult,
} from '../properties/fuzz/index.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const { json } = args;
const argv = process.argv.slice(2);
const stringFlag = (flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag}: expected a value`);
  return v;
};

const RUNS = args.number('--runs', 10_000, 50);
const JOB_RUNS = args.number('--job-runs', 200, 5);
const SEED = args.number('--seed', 20_261_128);
const only = stringFlag('--only');
const path = stringFlag('--path');
if (only !== undefined && !(BOUNDARY_NAMES as string[]).includes(only) && only !== 'jobs') {
  throw new Error(`--only: one of ${[...BOUNDARY_NAMES, 'jobs'].join(', ')}, got ${only}`);
}
if (path !== undefined && only === undefined) throw new Error('--path replays one input of one boundary: give --only too');

const log = (s: string): void => { process.stderr.write(`${s}\n`); };
log(`bench:fuzz: seed ${SEED} (rerun with --seed ${SEED}); ${path === undefined ? `${RUNS} inputs a boundary, ${JOB_RUNS} job runs` : `replaying ${only} at path ${path}`}`);

type Named = { readonly name: BoundaryName | 'jobs'; readonly fuzz: (o: FuzzOptions) => Promise<FuzzResult> };
const all: Named[] = [...BOUNDARY_NAMES.map((name) => ({ name, fuzz: BOUNDARIES[name] })), { name: 'jobs', fuzz: fuzzScenarioRuns }];
const selected = only === undefined ? all : all.filter((b) => b.name === only);

const started = performance.now();
const results: Record<string, FuzzResult & { seconds: number }> = {};
let findings = 0;
for (const { name, fuzz } of selected) {
  const t0 = performance.now();
  const runs = path !== undefined ? 1 : name === 'jobs' ? JOB_RUNS : RUNS;
  const replay = path === undefined ? {} : { path, previewChars: Number.MAX_SAFE_INTEGER, trace: (p: string, input: string) => log(`    input at path ${p}: ${input}`) };
  const r = await fuzz({ runs, seed: SEED, ...replay });
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  results[name] = { ...r, seconds };
  findings += r.crashes + r.hangs + r.violations;
  log(`  ${name}: ${r.inputs} inputs in ${seconds} s, ${r.crashes} crashes, ${r.hangs} hangs, ${r.violations} violations, slowest ${r.maxMs} ms`);
  if (!json) log(`    outcomes: ${JSON.stringify(r.outcomes)}`);
  for (const e of r.examples) {
    log(`    ${e.kind} at path ${e.path} (${e.ms} ms): ${e.message}`);
    if (path === undefined) log(`      input: ${e.input}`);
    log(`      reproduce: npm run bench:fuzz -- --only ${name} --seed ${e.seed} --path ${e.path}`);
  }
}
const seconds = Math.round((performance.now() - started) / 100) / 10;
log(`bench:fuzz: ${findings === 0 ? 'nothing found' : `${findings} findings`} in ${seconds} s (seed ${SEED})`);

if (json) {
  // The executeJob sample belongs to the scenario boundary: it is reported under scenarioYaml.
  const { jobs, ...boundaries } = results;
  if (jobs !== undefined && boundaries.scenarioYaml !== undefined) boundaries.scenarioYaml = { ...boundaries.scenarioYaml, jobs } as never;
  else if (jobs !== undefined) (boundaries as Record<string, unknown>).jobs = jobs;
  console.log(JSON.stringify({ ...boundaries, seed: SEED, seconds }));
}
// Provider-path runs leave msw's interceptors holding the event loop; the figures are out.
process.exit(findings === 0 ? 0 : 1);
