/**
 * `gauntlet check [paths...]`: searches variations of each scenario for a run that breaks a
 * property (fast-check), shrinks it, writes it to scenarios/regressions/, and writes check.json,
 * junit.xml and summary.md. Prints the seed first; exit codes as `run`.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { deriveSeed, durationUs } from '../../engine/index.ts';
import { cacheConfigOf, CacheFlagsShape } from '../data-cache/config.ts';
import { DataCache } from '../data-cache/store.ts';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { codeVersion } from '../report/code-version.ts';
import { checkScenario, type ScenarioCheck } from '../properties/check/check.ts';
import { checkJson, checkJunit, checkMarkdown, checkReport, type CheckReport } from '../properties/check/check-report.ts';
import { discoverScenarioFiles } from '../scenario/discover.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { formatProblem } from '../scenario/problems.ts';
import { parseFlags } from './flags.ts';
import { Output } from './output.ts';

const CHECK_REPORTERS = ['json', 'junit', 'md'] as const;
const SEED_MAX = 2 ** 31 - 1;

/** A duration flag ('30s', '5m', '1h'), in milliseconds. */
const durationMs = () => z.string().refine((s) => durationUs(s) !== null, "expected a duration such as '30s', '5m' or '1h'").transform((s) => durationUs(s)! / 1000);

export const CheckFlagsSchema = z.strictObject({
  runs: z.string().regex(/^\d+$/, 'expected a positive integer').transform(Number).pipe(z.number().int().min(1).max(10_000_000)).default(100),
  seed: z.union([z.literal('random'), z.string().regex(/^\d+$/, "expected a non-negative integer or 'random'").transform(Number).pipe(z.number().int().min(0).max(SEED_MAX))]).optional(),
  timeBudget: durationMs().optional(),
  shrinkBudget: durationMs().default(120_000),
  out: z.string().min(1).default('reports/check'),
  regressions: z.string().min(1).default('scenarios/regressions'),
  reporter: z.array(z.enum(CHECK_REPORTERS)).optional(),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  ...CacheFlagsShape,
});

/** The default check seed: fixed per scenario (its seed and name), in fast-check's range. */
export function defaultCheckSeed(scenarioSeed: number, name: string): number {
  return deriveSeed(scenarioSeed, `check:${name}`) % (SEED_MAX + 1);
}

export async function checkCommand(paths: readonly string[], rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(CheckFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  const files = discoverScenarioFiles(paths.length > 0 ? paths : ['scenarios'], cwd);
  if (files.length === 0) {
    out.error(`gauntlet check: no scenario files (.yaml, .yml) in ${paths.length > 0 ? paths.join(', ') : 'scenarios/'}`);
    return 2;
  }
  const random = flags.seed === 'random' ? randomInt(0, SEED_MAX) : null;
  const seedText = random !== null ? `seed ${random} (drawn: --seed random)` : typeof flags.seed === 'number' ? `seed ${flags.seed} (--seed)` : "seeds: derived from each scenario (its seed and name)";
  out.info(`gauntlet ${codeVersion().version} check · ${files.length} scenario${files.length === 1 ? '' : 's'} · ${flags.runs} runs each · ${seedText}${flags.timeBudget === undefined ? '' : ` · time budget ${flags.timeBudget / 1000} s`}`);
  // Every run of a check reads the same data files: parsed once, then read from the data cache.
  const cacheConfig = cacheConfigOf(flags, cwd);
  const dataCache = cacheConfig === null ? null : new DataCache(cacheConfig);
  const results: CheckReport['scenarios'][number][] = [];
  let exit = 0;
  for (const file of files) {
    const r = loadScenarioFile(file, cwd);
    if (!r.ok) {
      const problems = r.problems.map(formatProblem);
      out.line(`✗ ${r.file}: bad input\n${problems.map((p) => `    ${p}`).join('\n')}`);
      results.push({ file: r.file, status: 'invalid', problems });
      exit = Math.max(exit, 2);
      continue;
    }
    const seed = random ?? (typeof flags.seed === 'number' ? flags.seed : defaultCheckSeed(r.loaded.scenario.seed, r.loaded.name));
    out.info(`${r.loaded.name}: seed ${seed}`);
    let lastShown = 0;
    let check: ScenarioCheck;
    try {
      check = await checkScenario(r.loaded, readFileSync(r.loaded.absPath, 'utf8'), {
        runs: flags.runs, seed, timeBudgetMs: flags.timeBudget ?? null, shrinkBudgetMs: flags.shrinkBudget, cwd, regressionsDir: flags.regressions, runOptions: { dataCache },
        onProgress: (p) => {
          // A line now and then on stderr (not a bar: runs are short, and CI logs keep lines).
          const t = performance.now();
          if (flags.quiet || t - lastShown < 2000) return;
          lastShown = t;
          process.stderr.write(`  ${r.loaded.name}: ${p.runs}/${p.total} runs${p.shrinking ? ' · shrinking a failure' : ''}\n`);
        },
      });
    } catch (e) {
      out.line(`✗ ${r.loaded.name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      results.push({ file: r.loaded.file, status: 'invalid', problems: [`internal error: ${e instanceof Error ? e.message : String(e)}`] });
      exit = 3;
      continue;
    }
    results.push(check);
    exit = Math.max(exit, check.exitCode);
    printCheck(out, check);
  }
  const report = checkReport(results, exit);
  const dir = resolve(cwd, flags.out);
  mkdirSync(dir, { recursive: true });
  const reporters = flags.reporter ?? CHECK_REPORTERS;
  if (reporters.includes('json')) writeFileAtomic(join(dir, 'check.json'), checkJson(report));
  if (reporters.includes('junit')) writeFileAtomic(join(dir, 'junit.xml'), checkJunit(report));
  if (reporters.includes('md')) writeFileAtomic(join(dir, 'summary.md'), checkMarkdown(report));
  out.info(`reports: ${flags.out}/ (${reporters.join(', ')})`);
  if (flags.json) process.stdout.write(checkJson(report));
  return exit;
}

function printCheck(out: Output, c: ScenarioCheck): void {
  const mark = c.status === 'passed' ? out.style('green', '✓') : out.style('red', '✗');
  const line = `${mark} ${c.name}: ${c.status} · ${c.runs} runs${c.skipped > 0 ? ` (${c.skipped} variations skipped as bad input)` : ''}${c.interrupted ? ' · stopped by the time budget' : ''} · ${(c.wallTimeMs / 1000).toFixed(1)} s`;
  if (c.status === 'passed') out.info(line); else out.line(line);
  for (const p of c.properties) {
    const text = `    ${p.status === 'failed' ? '✗' : p.status === 'passed' ? '✓' : '–'} ${p.name} (${p.expect}${p.optional ? ', optional' : ''}): ${p.status}${p.status === 'not-applicable' ? '' : `, reached in ${p.reached}/${p.runs} runs`}${p.note === null ? '' : ` · ${p.note}`}`;
    if (p.status === 'failed') out.line(text); else out.info(text);
  }
  const x = c.counterexample;
  if (x === null) return;
  out.line(`    counterexample (${x.shrinks} shrinks${x.shrinkCut ? ', stopped by the shrink budget: maybe not minimal' : ''}: ${x.faults} faults, ${x.events} events): ${x.message}`);
  for (const rec of x.violation?.records ?? []) out.line(`      ${rec}`);
  out.line(`    seed ${c.seed}, path ${x.path}: gauntlet check ${c.file} --runs ${c.runs} --seed ${c.seed}`);
  if (x.file !== null) out.line(`    wrote ${x.file}; reproduce: ${x.reproduce}`);
}
