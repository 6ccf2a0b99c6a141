/**
 * `npm run bench:teeth [-- --json] [-- --smoke] [-- --runs N] [-- --seed S]`
 *
 * How fast `gauntlet check` catches each deliberately broken variant of the reference stack
 * (harness/properties/teeth/variants.ts), in one process, one variant after the other:
 * - caught: the check failed by the property the variant names;
 * - secondsToFailure: real time from the check's start to its first failing run;
 * - secondsToShrunk: to the end of shrinking (target <= 10 s each);
 * - counterexampleEvents: market events of the shrunk counterexample;
 * - property: the property that failed (null when none did).
 * Prints its seed first. The full size runs TEETH_RUNS runs under TEETH_SEED, as teeth.test.ts
 * does, and exits 1 if a variant was not caught; --smoke runs 20 and only prints.
 */
import { checkTeeth, loadTeethScenario } from '../properties/teeth/check-teeth.ts';
import { TEETH, TEETH_RUNS, TEETH_SEED } from '../properties/teeth/variants.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const log = (s: string): void => { if (!args.json) process.stderr.write(`${s}\n`); };
const RUNS = args.number('--runs', TEETH_RUNS, 20);
const SEED = args.number('--seed', TEETH_SEED);

log(`bench:teeth · seed ${SEED} · ${RUNS} runs · ${TEETH.length} variants`);

interface Caught {
  readonly caught: boolean;
  readonly secondsToFailure: number | null;
  readonly secondsToShrunk: number | null;
  readonly counterexampleEvents: number | null;
  readonly property: string | null;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Number((ms / 1000).toFixed(3)));

// Warm-up: modules loaded and the run path compiled before anything is timed.
await checkTeeth(loadTeethScenario(TEETH[0]!.scenario), null, { runs: 5, seed: SEED + 1 });

const variants: Record<string, Caught> = {};
for (const v of TEETH) {
  const c = await checkTeeth(loadTeethScenario(v.scenario), v, { runs: RUNS, seed: SEED });
  const x = c.counterexample;
  const caught = c.status === 'failed' && x?.property === v.expect;
  variants[v.name] = {
    caught, secondsToFailure: seconds(c.msToFailure), secondsToShrunk: seconds(c.msToShrunk),
    counterexampleEvents: x?.marketEvents ?? null, property: x?.property ?? null,
  };
  log(`${v.name}: ${caught ? 'caught' : `NOT caught (${x === null ? `passed ${c.runs} runs` : `failed ${x.property}`})`}`
    + `${x === null ? '' : ` by ${x.property} in ${seconds(c.msToFailure)} s, shrunk in ${seconds(c.msToShrunk)} s to ${x.marketEvents} market events`}`);
}

const result = { variants, seed: SEED, runs: RUNS };
if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else log(JSON.stringify(result, null, 2));
if (!args.smoke && Object.values(variants).some((v) => !v.caught)) process.exitCode = 1;
