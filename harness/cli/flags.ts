/**
 * CLI flags cross a zod schema like every other input: a bad flag is bad input (exit 2) with a
 * message naming the flag.
 */
import { z } from 'zod';

import { parse as parseYamlValue } from 'yaml';
import { REPORTERS, type ReporterName } from '../report/reporter-names.ts';
import { FlagError } from './flag-error.ts';
import { CacheFlagsShape } from '../data-cache/config.ts';
import { parseFieldPath } from '../scenario/load.ts';
import { PARSE_ONCE } from '../parse-once.ts';

export { REPORTERS, type ReporterName, FlagError };

export const SeedFlagSchema = z.string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .pipe(z.number().min(0).max(Number.MAX_SAFE_INTEGER, `at most ${Number.MAX_SAFE_INTEGER}`).int());

/** `--workers N`: worker threads for a suite. */
const WorkersFlagSchema = z.string().regex(/^\d+$/, 'expected a positive integer').transform(Number).pipe(z.number().int().min(1).max(256, 'at most 256'));

/** `--set path=value`: the value is YAML (so numbers, booleans and lists read as such). */
const SetFlagSchema = z.string().transform((text, ctx) => {
  const eq = text.indexOf('=');
  const path = eq < 0 ? '' : text.slice(0, eq);
  if (eq < 0 || parseFieldPath(path) === null) {
    ctx.addIssue({ code: 'custom', message: `expected path=value with a field path such as stack.agents[0].period` });
    return z.NEVER;
  }
  try {
    return { path, value: parseYamlValue(text.slice(eq + 1)) as unknown };
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `${path}: the value is not YAML: ${(e as Error).message.split('\n')[0]}` });
    return z.NEVER;
  }
});

export const RunFlagsSchema = z.strictObject({
  workers: WorkersFlagSchema.optional(),
  set: z.array(SetFlagSchema).default([]),
  seed: SeedFlagSchema.optional(),
  out: z.string().min(1).default('reports/latest'),
  reporter: z.array(z.enum(REPORTERS as [ReporterName, ...ReporterName[]])).optional(),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  journal: z.boolean().default(false),
  recordProviders: z.string().min(1).optional(),
  inlineFills: z.boolean().default(false),
  ...CacheFlagsShape,
  baseline: z.string().min(1).optional(),
  series: z.boolean().default(false),
  allowRemote: z.boolean().default(false),
  stackUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type RunFlags = z.output<typeof RunFlagsSchema>;

export const OutputFlagsSchema = z.strictObject({
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

/** Parses flags or throws FlagError listing every bad flag as `--name: problem`. */
export function parseFlags<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw, PARSE_ONCE);
  if (r.success) return r.data;
  // One problem per flag: a flag can fail several checks of one pipe (an integer, then its range).
  const seen = new Set<string>();
  const issues = r.error.issues.filter((i) => {
    const key = String(i.path[0] ?? '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const lines = issues.map((i) => {
    // Named as typed (--cache-max-size), not as commander keys them (cacheMaxSize).
    const flag = i.path[0] === undefined ? '' : `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: `;
    const got = i.path[0] === undefined ? undefined : (raw as Record<string, unknown>)[String(i.path[0])];
    return `${flag}${i.message.replace(/^Invalid input: /, '')}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
  });
  throw new FlagError(lines.join('\n'));
}

export const CacheCommandFlagsSchema = z.strictObject({
  cacheDir: z.string().min(1).optional(),
  json: z.boolean().default(false),
});
