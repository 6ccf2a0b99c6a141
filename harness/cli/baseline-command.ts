/**
 * `gauntlet baseline save [report.json]`: stores a finished run's report under reports/baselines/
 * (`--name`, default `baseline`), for `gauntlet run --baseline <file>` to compare later runs with.
 * The report must be one readers take and complete (exit 2 otherwise); its sidecars stay behind:
 * budgets and fingerprints need only the report.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { readBaselineFile } from '../baseline/baseline-file.ts';
import { parseFlags } from './flags.ts';
import { Output } from './output.ts';

export const BASELINES_DIR = 'reports/baselines';

const BaselineSaveFlagsSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-', starting with a letter or digit").max(100).default('baseline'),
  dir: z.string().min(1).default(BASELINES_DIR),
  quiet: z.boolean().default(false),
});

export function baselineSaveCommand(reportPath: string | undefined, rawFlags: Record<string, unknown>, cwd: string): number {
  const flags = parseFlags(BaselineSaveFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: false });
  const source = reportPath ?? 'reports/latest/report.json';
  const read = readBaselineFile(resolve(cwd, source), source);
  if (!read.ok) {
    out.error(`gauntlet baseline save: ${read.problem.replace(/^baseline /, 'report ')}`);
    return 2;
  }
  const dir = resolve(cwd, flags.dir);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${flags.name}.json`);
  copyFileSync(resolve(cwd, source), target);
  const b = read.baseline;
  out.info(`saved ${relative(cwd, target)}: ${b.entries.size} scenario${b.entries.size === 1 ? '' : 's'} (sha256 ${b.info.sha256.slice(0, 16)}); compare with gauntlet run --baseline ${relative(cwd, target)}`);
  return 0;
}
