/**
 * `gauntlet bench [paths...]`: where the decision path spends its time, and what a stack service
 * sustains.
 * - Per scenario (reference stacks): tinybench timings of agent, allocator, risk, execution and
 *   the whole decision, replaying what each was given in a real run of the scenario; per call,
 *   p50/p95/p99 in microseconds (harness/bench/components.ts).
 * - With --load (the reference stack served in this process) or --url (serve-stack, or any stack
 *   speaking the protocol): autocannon in its own process, bounded in time (and requests with
 *   --amount), at a fixed overall rate with --rate; and a bare node:http server under the same load
 *   as the calibration beside it. Figures are wall time: they vary run to run and are never part
 *   of a fingerprint.
 */
import { z } from 'zod';
import { durationUs } from '../../engine/index.ts';
import { benchComponents, COMPONENTS, type ComponentName, type ComponentTiming } from '../bench/components.ts';
import { runLoad, startCeilingServer, type LoadResult } from '../bench/load/load.ts';
import { discoverScenarioFiles } from '../scenario/discover.ts';
import { formatProblem } from '../scenario/problems.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { stackKind } from '../scenario/stack-schema.ts';
import { ReferenceStackService } from '../service/reference-service.ts';
import { serveMessages } from '../service/server.ts';
import { stackUrlProblem } from '../service/transport.ts';
import { FlagError, parseFlags } from './flags.ts';
import { Output } from './output.ts';

const Duration = (what: string) => z.string().transform((s, ctx) => {
  const us = durationUs(s);
  if (us === null || us <= 0) { ctx.addIssue({ code: 'custom', message: `${what}: expected a duration such as 500ms or 5s` }); return z.NEVER; }
  return us;
});
const Count = z.string().regex(/^\d+$/, 'expected a positive integer').transform(Number).pipe(z.number().int().min(1));

const BenchFlagsSchema = z.strictObject({
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  time: Duration('--time').default(500_000),
  load: z.boolean().default(false),
  url: z.string().optional(),
  allowRemote: z.boolean().default(false),
  connections: Count.default(10),
  duration: Duration('--duration').default(5_000_000),
  rate: Count.optional(),
  amount: Count.optional(),
});

export interface BenchReport {
  readonly scenarios: { file: string; name: string; components: Record<ComponentName, ComponentTiming | null> | null; skipped: string | null }[];
  readonly load: (LoadResult & { target: string; connections: number; overallRate: number | null; ceiling: LoadResult }) | null;
}

export async function benchCommand(paths: readonly string[], rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(BenchFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  if (flags.url !== undefined) {
    const why = stackUrlProblem(flags.url, flags.allowRemote);
    if (why !== null) throw new FlagError(`--url: ${why}`);
  }
  const files = paths.length === 0 && (flags.load || flags.url !== undefined) ? [] : discoverScenarioFiles(paths.length > 0 ? paths : ['scenarios'], cwd);
  const report: { scenarios: BenchReport['scenarios']; load: BenchReport['load'] } = { scenarios: [], load: null };
  let code = 0;
  for (const file of files) {
    const r = loadScenarioFile(file, cwd);
    if (!r.ok) {
      for (const p of r.problems) out.error(formatProblem(p));
      code = 2;
      continue;
    }
    const { loaded } = r;
    if (stackKind(loaded.scenario.stack) !== 'reference' || loaded.scenario.stack.agents === undefined) {
      report.scenarios.push({ file: loaded.file, name: loaded.name, components: null, skipped: 'not the reference stack: its components are not ours to time (use --url to load a service)' });
      out.info(`${loaded.name}: skipped (not the reference stack)`);
      continue;
    }
    const components = await benchComponents(loaded, { seed: loaded.scenario.seed, timeMs: flags.time / 1000 });
    report.scenarios.push({ file: loaded.file, name: loaded.name, components, skipped: null });
    out.info(`${loaded.name} (${loaded.file}): per call, µs`);
    for (const name of COMPONENTS) {
      const t = components[name];
      out.info(t === null ? `  ${name.padEnd(10)} not called` : `  ${name.padEnd(10)} p50 ${t.p50Us.toFixed(3).padStart(9)}  p95 ${t.p95Us.toFixed(3).padStart(9)}  p99 ${t.p99Us.toFixed(3).padStart(9)}  (${t.calls} calls replayed, batches of ${t.batch}, ${t.samples} samples)`);
    }
  }
  if (flags.load || flags.url !== undefined) {
    const reference = new ReferenceStackService();
    const service = flags.url === undefined ? await serveMessages((json) => reference.handle(json)) : null;
    const ceilingServer = await startCeilingServer();
    try {
      const target = flags.url ?? service!.url;
      const spec = { connections: flags.connections, durationSec: flags.duration / 1e6, ...(flags.amount === undefined ? {} : { amount: flags.amount }), ...(flags.rate === undefined ? {} : { overallRate: flags.rate }) };
      const ceiling = await runLoad({ url: ceilingServer.url, kind: 'plain', ...spec });
      const load = await runLoad({ url: target, kind: 'stack', ...spec });
      report.load = { ...load, target: flags.url ?? 'in-process reference stack', connections: flags.connections, overallRate: flags.rate ?? null, ceiling };
      const f = (x: number): string => x.toFixed(2);
      out.info(`load on ${report.load.target}: ${load.requestsPerSecond.toFixed(0)} decisions/s, p50 ${f(load.p50Ms)} ms, p95 ${f(load.p95Ms)} ms, p99 ${f(load.p99Ms)} ms, ${load.errors} errors${load.missed === null ? '' : `, ${load.missed} offered but not sent (behind)`}`);
      out.info(`calibration (bare node:http): ${ceiling.requestsPerSecond.toFixed(0)} req/s, p99 ${f(ceiling.p99Ms)} ms; ratio ${(load.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2)} of the rate, ${(load.p99Ms / ceiling.p99Ms).toFixed(2)}x the p99 (wall time: varies run to run)`);
    } finally {
      await ceilingServer.close();
      await service?.close();
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  return code;
}
