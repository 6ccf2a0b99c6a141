/**
 * Loading a scenario file: read, parse YAML (with positions), validate with zod, find unknown keys,
 * run the cross-section checks. Bad input is returned as problems with file:line:column, all of
 * them at once; only a bug throws.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { didYouMean, formatPath, type ScenarioProblem } from './problems.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';
import { scenarioSchemaNode } from './json-schema.ts';
import { semanticProblems } from './semantic.ts';
import { findUnknownKeys } from './unknown-keys.ts';
import { parseYaml, type ParsedYaml } from './yaml-source.ts';
import { allowedValues, expandUnion, issueText, valueAt } from './zod-problems.ts';
import { PARSE_ONCE } from '../parse-once.ts';

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** The scenario's name: its `name`, or the file name without extension. */
  readonly name: string;
  /** The file as shown in reports: relative to the working directory, with '/' separators. */
  readonly file: string;
  readonly absPath: string;
  /** Folder relative paths in the file are resolved against. */
  readonly dir: string;
  readonly sha256: string;
  /** Where a field path is in the file (1-based line and column). */
  readonly locate: ParsedYaml['locate'];
}

export type LoadResult =
  | { readonly ok: true; readonly loaded: LoadedScenario }
  | { readonly ok: false; readonly file: string; readonly absPath: string; readonly name: string; readonly sha256: string | null; readonly problems: readonly ScenarioProblem[] };

/**
 * A path as reports show it: relative to `cwd` (with '..' when outside it, so reports do not
 * depend on where a checkout lives), with forward slashes; absolute only across drives.
 */
export function displayPath(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  const shown = rel === '' || isAbsolute(rel) ? absPath : rel;
  return shown.split(sep).join('/');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Largest scenario file read: a scenario is a page of YAML (the largest built-in one is 1.5 KB),
 * not a data file. The bound is on time as much as on memory: the yaml package parses the worst
 * files (a flat list of one-character items, thousands of keys) at 100-400 KB a second, so 128 KiB
 * is read in about a second at worst, where 1 MiB took ten.
 */
export const MAX_SCENARIO_BYTES = 1 << 17;

/** A value put in place of what the file says at a field path (sweeps, `gauntlet run --set`). */
export interface ScenarioOverride {
  /** Field path as problems print it, e.g. `stack.agents[0].period`. */
  readonly path: string;
  readonly value: unknown;
}

export interface LoadOptions {
  readonly cwd?: string;
  readonly overrides?: readonly ScenarioOverride[];
}

export function loadScenarioFile(path: string, options: LoadOptions | string = {}): LoadResult {
  const { cwd = process.cwd(), overrides = [] } = typeof options === 'string' ? { cwd: options } : options;
  const absPath = resolve(cwd, path);
  const file = displayPath(absPath, cwd);
  const fallbackName = basename(absPath, extname(absPath));
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a scenario file' : `cannot read: ${(e as Error).message}`;
    return { ok: false, file, absPath, name: fallbackName, sha256: null, problems: [{ file, line: 1, column: 1, path: '', message }] };
  }
  const sha256 = sha256Hex(bytes);
  const fail = (problems: ScenarioProblem[]): LoadResult => ({ ok: false, file, absPath, name: fallbackName, sha256, problems });
  if (bytes.length > MAX_SCENARIO_BYTES) return fail([{ file, line: 1, column: 1, path: '', message: `file is larger than ${MAX_SCENARIO_BYTES} bytes: not a scenario` }]);
  const text = decodeScenarioText(bytes);
  if (typeof text !== 'string') return fail([{ file, line: 1, column: 1, path: '', message: text.problem }]);
  return parseScenarioText(text, { file, absPath, sha256, fallbackName, fail, overrides });
}

/**
 * Scenario files are text in UTF-8, or UTF-16 with a byte-order mark (what some Windows editors
 * save); anything else is named for what it is rather than parsed as garbage.
 */
function decodeScenarioText(bytes: Buffer): string | { problem: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    if (bytes.length % 2 !== 0) return { problem: 'not valid UTF-16 text (an odd number of bytes after the byte-order mark)' };
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (body.includes(0)) return { problem: 'not a text file in UTF-8 (it holds NUL bytes: UTF-16 without a byte-order mark, or binary): save it as UTF-8' };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  if (text.includes('\uFFFD')) return { problem: 'not valid UTF-8 text: save it as UTF-8' };
  return text;
}

/**
 * A scenario given as text rather than read from disk (a job sent to a worker or a queue, an
 * editor buffer): `path` names it in problems and anchors its relative data paths, as if the text
 * were that file's.
 */
export function loadScenarioText(text: string, path: string, options: LoadOptions = {}): LoadResult {
  const { cwd = process.cwd(), overrides = [] } = options;
  const absPath = resolve(cwd, path);
  const file = displayPath(absPath, cwd);
  const fallbackName = basename(absPath, extname(absPath));
  const sha256 = sha256Hex(text);
  const fail = (problems: ScenarioProblem[]): LoadResult => ({ ok: false, file, absPath, name: fallbackName, sha256, problems });
  if (Buffer.byteLength(text) > MAX_SCENARIO_BYTES) return fail([{ file, line: 1, column: 1, path: '', message: `text is larger than ${MAX_SCENARIO_BYTES} bytes: not a scenario` }]);
  return parseScenarioText(text, { file, absPath, sha256, fallbackName, fail, overrides });
}

function parseScenarioText(
  text: string,
  ctx: {
    file: string; absPath: string; sha256: string; fallbackName: string; fail: (p: ScenarioProblem[]) => LoadResult;
    overrides: readonly ScenarioOverride[];
  },
): LoadResult {
  const { file } = ctx;
  const yaml = parseYaml(text);
  if (yaml.syntaxProblems.length > 0) {
    return ctx.fail(yaml.syntaxProblems.map((s) => ({ file, line: s.line, column: s.column, path: '', message: s.message })));
  }
  if (yaml.data === undefined || yaml.data === null) {
    return ctx.fail([{ file, line: 1, column: 1, path: '', message: 'the file is empty: a scenario needs at least version, market, account and stack' }]);
  }
  const problems: ScenarioProblem[] = [];
  for (const o of ctx.overrides) {
    const bad = applyOverride(yaml.data, o);
    // Located at the nearest part of the path that the file has: where the value would go.
    if (bad !== null) problems.push({ file, ...yaml.locate(parseFieldPath(o.path) ?? []), path: '', message: `--set ${o.path}: ${bad}` });
  }
  if (problems.length > 0) return ctx.fail(problems);
  const at = (path: readonly PropertyKey[], where: 'key' | 'value' = 'value'): { line: number; column: number } => yaml.locate(path, where);

  const parsed = ScenarioSchema.safeParse(yaml.data, PARSE_ONCE);
  // Every object of the schema is strict (load.test.ts checks it), so a file zod accepts has no
  // unknown key: the walk that finds them with a "did you mean" runs only for a file it refused.
  const unknown = parsed.success ? [] : findUnknownKeys(scenarioSchemaNode(), yaml.data);
  const reported = new Set<string>();
  for (const u of unknown) {
    const path = [...u.path, u.key];
    const suggestion = didYouMean(u.key, u.known);
    reported.add(formatPath(path));
    problems.push({
      file, ...at(path, 'key'), path: formatPath(path), message: `unknown key '${u.key}'`,
      ...(suggestion === undefined ? {} : { hint: `did you mean '${suggestion}'?` }),
    });
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap(expandUnion)) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          if (!reported.has(formatPath(path))) problems.push({ file, ...at(path, 'key'), path: formatPath(path), message: `unknown key '${key}'` });
        }
        continue;
      }
      const t = issueText(issue, yaml.data);
      const value = valueAt(yaml.data, issue.path);
      const suggestion = typeof value === 'string' ? didYouMean(value, allowedValues(issue)) : undefined;
      problems.push({
        file, ...at(issue.path), path: formatPath(issue.path), message: t.message,
        ...(t.expected === undefined ? {} : { expected: t.expected }), ...(t.found === undefined ? {} : { found: t.found }),
        ...(suggestion === undefined ? {} : { hint: `did you mean '${suggestion}'?` }),
      });
    }
  }
  if (problems.length > 0 || !parsed.success) return ctx.fail(sortProblems(problems));

  const scenario = parsed.data;
  const dir = dirname(ctx.absPath);
  for (const s of semanticProblems(scenario, dir)) {
    problems.push({ file, ...at(s.path, s.at), path: formatPath(s.path), message: s.message });
  }
  if (problems.length > 0) return ctx.fail(sortProblems(problems));
  return {
    ok: true,
    loaded: { scenario, name: scenario.name ?? ctx.fallbackName, file, absPath: ctx.absPath, dir, sha256: ctx.sha256, locate: yaml.locate },
  };
}

/** In file order, so that a reader goes down the file once. */
function sortProblems(problems: ScenarioProblem[]): ScenarioProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Sets `o.value` at `o.path` in the parsed document; a reason when the path cannot be set. */
function applyOverride(data: unknown, o: ScenarioOverride): string | null {
  const path = parseFieldPath(o.path);
  if (path === null || path.length === 0) return `not a field path (expected e.g. stack.agents[0].period)`;
  let node: unknown = data;
  for (let i = 0; i < path.length - 1; i++) {
    const next = (node as Record<string | number, unknown>)[path[i]!];
    if (typeof next !== 'object' || next === null) return `${formatPath(path.slice(0, i + 1))} is not in the scenario`;
    node = next;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) ? typeof last !== 'number' || last > node.length : typeof last === 'number') return `${o.path} is not in the scenario`;
  (node as Record<string | number, unknown>)[last] = o.value;
  return null;
}

/** `a.b[0].c` -> ['a', 'b', 0, 'c']; null when malformed. */
export function parseFieldPath(text: string): (string | number)[] | null {
  if (!/^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/.test(text)) return null;
  const out: (string | number)[] = [];
  for (const m of text.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}
