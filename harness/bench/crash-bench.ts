/**
 * `npm run bench:crash [-- --json] [-- --smoke] [-- --points N] [-- --seed S]`
 *
 * Crash and restart across the built-in scenarios (scenarios/), on one core:
 * - zero downtime: N random crash points (microsecond-exact instants inside each market, spread
 *   over the scenarios), each run compared with the run that never crashed: `identical` must be
 *   `points`; `withOrdersInFlight` counts the points with messages between stack and venue on
 *   their way at the crash;
 * - with downtime (30 s, 5 min, 1 h in turns): a quarter as many points; `safetyBroken` counts
 *   the runs where a safety property (riskLimits, ledgerBalances, ordersTerminal,
 *   noDuplicateOrders, recovery) that held without the crash broke with it: must be 0;
 *   `downtimeWithReportsLost` counts the runs where reports reached the stack while it was down
 *   (so that it had to reconcile).
 * Prints its seed first; each differing point is printed with the command that reproduces it.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { formatTimeUs } from '../../engine/index.ts';
import { crashPoints, prepareCrashes, runCrashPoint, type ScenarioCrashes } from '../chaos/crash/crash-points.ts';
import { REPO } from '../cli/cli-helpers.ts';
import { discoverScenarioFiles } from '../scenario/discover.ts';
import { benchArgs } from './bench-args.ts';

const args = benchArgs();
const log = (s: string): void => { if (!args.json) process.stderr.write(`${s}\n`); };
const POINTS = args.number('--points', 1000, 8);
const SEED = args.number('--seed', 20261128);
const DOWNTIMES = ['30s', '5m', '1h'];

const files = discoverScenarioFiles(['scenarios'], REPO);
const chosen = args.smoke ? files.filter((f) => /venue-lost-ack|synthetic-gbm-sma/.test(f)) : files;
log(`bench:crash · seed ${SEED} · ${POINTS} points with no downtime over ${chosen.length} scenarios, ${Math.ceil(POINTS / 4)} with downtime`);

const started = performance.now();
const prepared: ScenarioCrashes[] = [];
for (const f of chosen) prepared.push(await prepareCrashes(f, readFileSync(f, 'utf8'), REPO));

let points = 0;
let identical = 0;
let withOrdersInFlight = 0;
let downtimeRuns = 0;
let safetyBroken = 0;
let downtimeWithReportsLost = 0;
const problems: string[] = [];
const perScenario = (n: number, i: number): number => Math.floor((n * (i + 1)) / prepared.length) - Math.floor((n * i) / prepared.length);

for (const [i, sc] of prepared.entries()) {
  const name = relative(REPO, sc.loaded.absPath);
  for (const p of crashPoints(sc, perScenario(POINTS, i), SEED + i, ['0s'])) {
    const o = await runCrashPoint(sc, p, REPO);
    points++;
    if (o.identical) identical++;
    else problems.push(`${name}: a crash at ${formatTimeUs(p.atUs)} with no downtime changed the fingerprint (${sc.base.fingerprint.slice(0, 12)} -> ${o.fingerprint.slice(0, 12)})`);
    if (o.inFlight > 0) withOrdersInFlight++;
  }
  for (const p of crashPoints(sc, perScenario(Math.ceil(POINTS / 4), i), SEED + 7919 + i, DOWNTIMES)) {
    const o = await runCrashPoint(sc, p, REPO);
    downtimeRuns++;
    if (o.reportsLost > 0) downtimeWithReportsLost++;
    if (o.broken.length > 0) {
      safetyBroken++;
      problems.push(`${name}: a crash at ${formatTimeUs(p.atUs)} down ${p.downtime} broke ${o.broken.join('; ')}`);
    }
  }
  log(`  ${name}: ${points} points so far, ${identical} identical, ${downtimeRuns} with downtime, ${safetyBroken} broken`);
}
const seconds = (performance.now() - started) / 1000;
for (const p of problems) log(`  ✗ ${p}\n    reproduce: add { kind: stack-crash, at: <time>, downtime: <d> } to the scenario's faults and run gauntlet run`);
const out = { seed: SEED, scenarios: prepared.length, points, identical, withOrdersInFlight, downtimeRuns, downtimeWithReportsLost, safetyBroken, seconds: Number(seconds.toFixed(2)) };
if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else log(JSON.stringify(out));
if (identical !== points || safetyBroken > 0) process.exitCode = 1;
