/**
 * `gauntlet run [paths...]`: runs scenario files and folders (default scenarios/), prints the seed
 * plan first and one line per scenario, writes the reports, and exits with the most severe code.
 * SIGINT and SIGTERM write the report marked incomplete before exiting (130, 143).
 */
// First: before any zod schema is built (zod-jitless.ts says why).
import '../zod-jitless.ts';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultWorkers } from '../distributed/pool.ts';
import { codeVersion } from '../report/code-version.ts';
import { githubAnnotations } from '../report/github-annotations.ts';
import { serializeReport, setFlagValue } from '../report/report.ts';
import { DEFAULT_REPORTERS, REPORTER_BY_NAME } from '../report/reporters.ts';
import type { Report } from '../report/schema.ts';
import { discoverScenarioFiles } from '../scenario/discover.ts';
import type { Baseline } from '../baseline/baseline-file.ts';
import { createSuite, type SeedPlan } from '../suite/suite.ts';
import { parseFlags, RunFlagsSchema } from './flags.ts';
import { cacheConfigOf } from '../data-cache/config.ts';
import { Output } from './output.ts';
import { ownSignals } from './signals.ts';

export async function runCommand(paths: readonly string[], rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const parsed = parseFlags(RunFlagsSchema, rawFlags);
  // --stack-url is --set stack.service={url}: recorded in the report's overrides, so a replay speaks to the same stack.
  const flags = parsed.stackUrl === undefined ? parsed : { ...parsed, set: [...parsed.set, { path: 'stack.service', value: { url: parsed.stackUrl } }] };
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  const files = discoverScenarioFiles(paths.length > 0 ? paths : ['scenarios'], cwd);
  if (files.length === 0) {
    out.error(`gauntlet run: no scenario files (.yaml, .yml) in ${paths.length > 0 ? paths.join(', ') : 'scenarios/'}`);
    return 2;
  }
  const outProblem = checkOutDir(resolve(cwd, flags.out));
  if (outProblem !== null) {
    out.error(`gauntlet run: --out ${flags.out}: ${outProblem}`);
    return 2;
  }
  let baseline: Baseline | undefined;
  if (flags.baseline !== undefined) {
    // Loaded with --baseline only: the report schema it reads with is not needed otherwise.
    const { readBaselineFile } = await import('../baseline/baseline-file.ts');
    const read = readBaselineFile(resolve(cwd, flags.baseline), flags.baseline);
    if (!read.ok) {
      out.error(`gauntlet run: ${read.problem}`);
      return 2;
    }
    baseline = read.baseline;
  }
  const seeds: SeedPlan = flags.seed === undefined ? { kind: 'scenario' }
    : files.length === 1 ? { kind: 'cli', seed: flags.seed } : { kind: 'derived', rootSeed: flags.seed };
  const seedText = seeds.kind === 'scenario' ? "seeds: each scenario's own"
    : seeds.kind === 'cli' ? `seed ${flags.seed} (--seed)` : `root seed ${flags.seed} (each scenario's seed derives from it and the scenario's name)`;
  const v = codeVersion();
  const workers = Math.min(flags.workers ?? defaultWorkers(files.length), files.length);
  const sets = flags.set.length === 0 ? '' : ` · ${flags.set.map((o) => `--set ${setFlagValue(o)}`).join(' ')}`;
  out.info(`gauntlet ${v.version} · ${files.length} scenario${files.length === 1 ? '' : 's'} · ${seedText}${sets}${workers > 1 ? ` · ${workers} workers` : ''}`);
  const reporters = flags.reporter ?? DEFAULT_REPORTERS;
  const suite = createSuite({
    dataCache: cacheConfigOf(flags, cwd),
    files, cwd, seeds, command: 'run', outDir: flags.out, reporters, journals: flags.journal, inlineFills: flags.inlineFills, workers, overrides: flags.set,
    ...(flags.recordProviders === undefined ? {} : { recordProvidersDir: flags.recordProviders }),
    ...(baseline === undefined ? {} : { baseline }),
    series: flags.series,
    ...(flags.allowRemote ? { allowRemoteStack: true } : {}),
    hooks: {
      onScenarioStart: (i, name) => out.startProgress(i, files.length, name),
      onProgress: (events) => out.progressEvents(events),
      onScenarioDone: (_i, s, done) => { out.scenario(s); if (workers > 1) out.startProgress(done, files.length, `${workers} workers`); },
      onInternalError: (name, stack) => out.error(`gauntlet: internal error in ${name}: ${stack}`),
    },
  });
  const finish = (report: Report): number => {
    if (report.exitCode === null) throw new Error('run: finishing with a report that is still running');
    out.stopProgress();
    const s = report.summary;
    const where = reporters.map((r) => `${flags.out}/${REPORTER_BY_NAME[r].fileName}`).join(', ');
    const regressions = report.baseline === null ? '' : ` · ${s.regressionsFailed} regression${s.regressionsFailed === 1 ? '' : 's'} against ${report.baseline.file}`;
    const text = `${s.scenarios} scenarios: ${s.passed} passed, ${s.failed} failed, ${s.invalid} invalid, ${s.errors} errors${s.notRun > 0 ? `, ${s.notRun} not run` : ''} · ${s.gates} gates, ${s.gatesFailed} failed${regressions} · ${where} · exit ${report.exitCode}`;
    if (report.exitCode === 0) out.info(text);
    else out.line(text);
    // Under GitHub Actions, what failed as annotations on the scenario files' lines (stdout, where the runner reads commands; stderr under --json).
    if (process.env.GITHUB_ACTIONS === 'true') {
      const lines = githubAnnotations(report);
      if (lines.length > 0) (flags.json ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
    }
    if (flags.json) process.stdout.write(serializeReport(report));
    return report.exitCode;
  };
  const release = ownSignals((signal) => {
    const report = suite.interrupt(signal);
    out.line(`interrupted by ${signal}: report marked incomplete`);
    process.exit(finish(report));
  });
  try {
    return finish(await suite.run());
  } finally {
    release();
  }
}

/** Why the reports folder cannot be used (bad input, exit 2), or null: made when missing. */
function checkOutDir(dir: string): string | null {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st !== undefined && !st.isDirectory()) return 'is a file, not a folder';
    if (st === undefined) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'not writable' : (e as Error).message;
  }
}
