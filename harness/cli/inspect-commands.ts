/**
 * `gauntlet validate` (schema, cross-section checks and every row of the market data, nothing
 * run) and
 * `gauntlet list` (the scenarios with their descriptions). Both exit 2 when a file is bad.
 */
import { checkMarketData } from '../scenario/check-data.ts';
import { discoverScenarioFiles } from '../scenario/discover.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { duplicateNameProblems } from '../scenario/unique-names.ts';
import type { ScenarioProblem } from '../scenario/problems.ts';
import { OutputFlagsSchema, parseFlags } from './flags.ts';
import { Output } from './output.ts';
import { formatProblem } from '../scenario/problems.ts';

interface FileCheck {
  readonly file: string;
  readonly name: string;
  readonly ok: boolean;
  readonly description: string | null;
  readonly problems: readonly ScenarioProblem[];
}

/** `out` given: the market data of each file is read in full, with a byte-rate bar on a terminal. */
async function checkFiles(paths: readonly string[], cwd: string, out: Output | null): Promise<FileCheck[]> {
  const files = discoverScenarioFiles(paths.length > 0 ? paths : ['scenarios'], cwd);
  const checks: FileCheck[] = [];
  const nameAt: ({ line: number; column: number } | null)[] = [];
  for (const f of files) {
    const r = loadScenarioFile(f, cwd);
    if (!r.ok) {
      checks.push({ file: r.file, name: r.name, ok: false, description: null, problems: r.problems });
      nameAt.push(null);
      continue;
    }
    const problems = out === null ? [] : await checkMarketData(r.loaded, cwd, { wholeFile: true, onBytes: (read, total, file) => out.progressBytes(file, read, total) });
    out?.stopProgress();
    checks.push({ file: r.loaded.file, name: r.loaded.name, ok: problems.length === 0, description: r.loaded.scenario.description ?? null, problems });
    nameAt.push(r.loaded.locate(['name']));
  }
  for (const [i, problem] of duplicateNameProblems(checks.map((c, k) => ({ name: c.name, file: c.file, nameAt: nameAt[k] ?? null })))) {
    const c = checks[i]!;
    checks[i] = { ...c, ok: false, problems: [...c.problems, problem] };
  }
  return checks;
}

function noFiles(out: Output, command: string, paths: readonly string[]): number {
  out.error(`gauntlet ${command}: no scenario files (.yaml, .yml) in ${paths.length > 0 ? paths.join(', ') : 'scenarios/'}`);
  return 2;
}

export async function validateCommand(paths: readonly string[], rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(OutputFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  const checks = await checkFiles(paths, cwd, out);
  if (checks.length === 0) return noFiles(out, 'validate', paths);
  for (const c of checks) {
    if (c.ok) {
      out.info(`${out.style('green', 'OK ')}  ${c.file}`);
      continue;
    }
    out.line(`${out.style('red', 'BAD')}  ${c.file}: ${c.problems.length} problem${c.problems.length === 1 ? '' : 's'}`);
    for (const p of c.problems) out.line(`    ${formatProblem(p)}`);
  }
  const bad = checks.filter((c) => !c.ok).length;
  const text = `${checks.length} scenario file${checks.length === 1 ? '' : 's'}: ${checks.length - bad} valid, ${bad} invalid`;
  if (bad === 0) out.info(text);
  else out.line(text);
  if (flags.json) process.stdout.write(`${JSON.stringify(checks.map(({ file, name, ok, problems }) => ({ file, name, ok, problems })), null, 2)}\n`);
  return bad === 0 ? 0 : 2;
}

export async function listCommand(paths: readonly string[], rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(OutputFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  const checks = await checkFiles(paths, cwd, null);
  if (checks.length === 0) return noFiles(out, 'list', paths);
  const width = Math.min(40, Math.max(...checks.map((c) => c.name.length)));
  // With --json, stdout is the JSON alone and the human list is not printed at all.
  for (const c of flags.json ? [] : checks) {
    const description = c.ok ? (c.description ?? '') : out.style('red', `invalid: ${c.problems.length} problem(s), see gauntlet validate ${c.file}`);
    out.line(`${c.name.padEnd(width)}  ${description}  ${out.style('dim', c.file)}`);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(checks.map(({ file, name, ok, description }) => ({ name, description, file, ok })), null, 2)}\n`);
  return checks.every((c) => c.ok) ? 0 : 2;
}
