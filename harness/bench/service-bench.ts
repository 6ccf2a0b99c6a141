/**
 * `npm run bench:service [-- --json] [-- --smoke] [-- --duration S] [-- --repeats N] [-- --connections N]`
 *
 * The reference stack served over the stack protocol, under load, against this machine's HTTP
 * ceiling measured in the same run:
 * - the service at 10 connections (autocannon in its own process, every request a new decision:
 *   a step of one bar in a session of its own per connection): decisionsPerSecond, p50Ms, p95Ms,
 *   p99Ms (from every response time), errors (connection errors, timeouts, non-2xx);
 * - a bare node:http server answering a fixed JSON body, same load: ceilingRequestsPerSecond,
 *   ceilingP99Ms. Targets: decisionsPerSecond >= 0.6 x ceiling, p99 <= 3 x ceiling's, 0 errors;
 * - each figure is the median of --repeats runs (ceiling and service interleaved), its spread
 *   ((max - min) / median) beside it in `spread`;
 * - underLoad: the service offered twice its measured rate (fixed-rate mode, so a slow answer
 *   shows) while chaos scenarios with provider payload faults (duplicated, out-of-order data) run
 *   against it over HTTP: their decision fingerprints must equal the in-process runs' (no order
 *   lost, none doubled) and the venue booked no duplicate.
 *
 * --smoke: one repeat of one second each; the JSON keys are what a test checks.
 */
import { runJob } from '../job/job.ts';
import { REPO } from '../cli/cli-helpers.ts';
import { ReferenceStackService } from '../service/reference-service.ts';
import { serveMessages } from '../service/server.ts';
import { benchArgs } from './bench-args.ts';
import { runLoad, startCeilingServer, type LoadResult } from './load/load.ts';
import { median } from '../gates/quantile.ts';

const args = benchArgs();
const { json } = args;
const log = (s: string): void => { if (!json) console.log(s); };
const DURATION_SEC = args.number('--duration', 5, 1);
const REPEATS = args.number('--repeats', 3, 1);
const CONNECTIONS = args.number('--connections', 10, 10);
const UNDER_LOAD_SCENARIOS = ['scenarios/chaos/provider-duplicates.yaml', 'scenarios/chaos/provider-out-of-order.yaml'];

function spread(xs: readonly number[]): number {
  const m = median(xs);
  return m === 0 ? 0 : (Math.max(...xs) - Math.min(...xs)) / m;
}
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

const service = new ReferenceStackService();
const served = await serveMessages((body) => service.handle(body));
const ceiling = await startCeilingServer();
const runs: { service: LoadResult; ceiling: LoadResult }[] = [];
try {
  for (let r = 0; r < REPEATS; r++) {
    const c = await runLoad({ url: ceiling.url, kind: 'plain', connections: CONNECTIONS, durationSec: DURATION_SEC });
    const s = await runLoad({ url: served.url, kind: 'stack', connections: CONNECTIONS, durationSec: DURATION_SEC });
    runs.push({ service: s, ceiling: c });
    log(`repeat ${r + 1}: service ${s.requestsPerSecond.toFixed(0)} decisions/s p99 ${s.p99Ms.toFixed(2)} ms (${s.errors} errors); ceiling ${c.requestsPerSecond.toFixed(0)} req/s p99 ${c.p99Ms.toFixed(2)} ms`);
  }
  const pick = (f: (x: { service: LoadResult; ceiling: LoadResult }) => number): number[] => runs.map(f);
  const decisions = pick((x) => x.service.requestsPerSecond);
  const figures = {
    decisionsPerSecond: median(decisions),
    p50Ms: median(pick((x) => x.service.p50Ms)),
    p95Ms: median(pick((x) => x.service.p95Ms)),
    p99Ms: median(pick((x) => x.service.p99Ms)),
    errors: runs.reduce((n, x) => n + x.service.errors, 0),
    ceilingRequestsPerSecond: median(pick((x) => x.ceiling.requestsPerSecond)),
    ceilingP99Ms: median(pick((x) => x.ceiling.p99Ms)),
  };
  const spreads = {
    decisionsPerSecond: round(spread(decisions)), p50Ms: round(spread(pick((x) => x.service.p50Ms))), p95Ms: round(spread(pick((x) => x.service.p95Ms))),
    p99Ms: round(spread(pick((x) => x.service.p99Ms))), ceilingRequestsPerSecond: round(spread(pick((x) => x.ceiling.requestsPerSecond))),
    ceilingP99Ms: round(spread(pick((x) => x.ceiling.p99Ms))),
  };

  // Twice the rated load, offered at a fixed rate, while payload-fault scenarios run against the same service.
  const offeredRate = Math.max(1, Math.round(2 * figures.decisionsPerSecond));
  const inProcess = await Promise.all(UNDER_LOAD_SCENARIOS.map((file) => runJob({ file, cwd: REPO, seed: { kind: 'scenario' } })));
  const loadDone = runLoad({ url: served.url, kind: 'stack', connections: CONNECTIONS, durationSec: DURATION_SEC, overallRate: offeredRate });
  const overHttp = [];
  for (const file of UNDER_LOAD_SCENARIOS) {
    overHttp.push(await runJob({ file, cwd: REPO, seed: { kind: 'scenario' }, overrides: [{ path: 'stack.service', value: { url: served.url, timeout: '30s' } }] }));
  }
  const load = await loadDone;
  const underLoad = {
    offeredRate, achievedRate: round(load.requestsPerSecond, 1), missed: load.missed, p99Ms: round(load.p99Ms), errors: load.errors,
    scenarios: UNDER_LOAD_SCENARIOS.length,
    decisionFingerprintsEqual: overHttp.every((r, i) => r.decisionFingerprint !== null && r.decisionFingerprint === inProcess[i]!.decisionFingerprint),
    duplicateOrders: overHttp.reduce((n, r) => n + Number(r.metrics?.duplicateOrders ?? 0), 0),
    scenariosPassed: overHttp.filter((r) => r.status === 'passed').length,
  };
  const out = {
    connections: CONNECTIONS, durationSec: DURATION_SEC, repeats: REPEATS,
    decisionsPerSecond: round(figures.decisionsPerSecond, 1), p50Ms: round(figures.p50Ms), p95Ms: round(figures.p95Ms), p99Ms: round(figures.p99Ms),
    errors: figures.errors,
    ceilingRequestsPerSecond: round(figures.ceilingRequestsPerSecond, 1), ceilingP99Ms: round(figures.ceilingP99Ms),
    decisionsCeilingRatio: round(figures.decisionsPerSecond / figures.ceilingRequestsPerSecond),
    p99CeilingRatio: round(figures.p99Ms / figures.ceilingP99Ms),
    targetsMet: figures.decisionsPerSecond >= 0.6 * figures.ceilingRequestsPerSecond && figures.p99Ms <= 3 * figures.ceilingP99Ms && figures.errors === 0,
    spread: spreads,
    underLoad,
  };
  if (json) console.log(JSON.stringify(out));
  else {
    log(`service: ${out.decisionsPerSecond} decisions/s (spread ${spreads.decisionsPerSecond}), p50 ${out.p50Ms} ms, p95 ${out.p95Ms} ms, p99 ${out.p99Ms} ms (spread ${spreads.p99Ms}), ${out.errors} errors`);
    log(`ceiling: ${out.ceilingRequestsPerSecond} req/s (spread ${spreads.ceilingRequestsPerSecond}), p99 ${out.ceilingP99Ms} ms (spread ${spreads.ceilingP99Ms})`);
    log(`ratios: decisions/ceiling ${out.decisionsCeilingRatio} (target >= 0.6), p99/ceiling ${out.p99CeilingRatio} (target <= 3); targets met: ${out.targetsMet}`);
    log(`under 2x load (${offeredRate}/s offered, ${underLoad.achievedRate}/s taken, ${underLoad.missed} missed): decision fingerprints equal ${underLoad.decisionFingerprintsEqual}, duplicate orders ${underLoad.duplicateOrders}`);
  }
} finally {
  await served.close();
  await ceiling.close();
}
