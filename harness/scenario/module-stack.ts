/**
 * A user's own stack named by a scenario (`stack: { module, export, config }`): the module is
 * imported, its factory found, and its configuration validated by the zod schema the module
 * exports (`configSchema`), each problem at its line in the scenario file. A missing module,
 * export or schema is bad input (exit 2), never an internal error.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Instrument, RngRegistry, TradingStack } from './engine-parts.ts';
import type { LoadedScenario } from './load.ts';
import { formatPath, type ScenarioProblem } from './problems.ts';
import { DEFAULT_STACK_EXPORT } from './stack-schema.ts';
import { issueText } from './zod-problems.ts';
import { importAtRuntime } from '../runtime-import.ts';

/** What a module stack's factory is given besides its configuration. */
export interface ModuleStackContext {
  readonly instruments: readonly Instrument[];
  /** The run's random streams: take a named one (`rng.stream('agent')`) so the seed replays the run. */
  readonly rng: RngRegistry;
  /** The scenario file's folder (for files the stack reads). */
  readonly scenarioDir: string;
}

/** A module stack's factory: its validated configuration in, a fresh stack out (one per run). */
export type StackFactory = (config: unknown, context: ModuleStackContext) => TradingStack;

/** What a zod schema of any version offers: safeParse with issues that have a path and a message. */
interface SchemaLike {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] } };
}

function isSchema(v: unknown): v is SchemaLike {
  return typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function';
}

export type ModuleStackResult =
  | { readonly ok: true; readonly factory: StackFactory; readonly config: unknown }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

/** The module's absolute path: relative paths are relative to the scenario file. */
export function moduleStackPath(loaded: LoadedScenario): string {
  const m = loaded.scenario.stack.module!;
  return isAbsolute(m) ? m : resolve(loaded.dir, m);
}

/** Imports the scenario's module stack and validates its configuration; problems are located in the scenario file. */
export async function loadModuleStack(loaded: LoadedScenario): Promise<ModuleStackResult> {
  const s = loaded.scenario.stack;
  if (s.module === undefined) throw new Error('loadModuleStack: the scenario names no module');
  const problem = (path: readonly (string | number)[], message: string, extra: Partial<ScenarioProblem> = {}): ScenarioProblem => {
    const at = loaded.locate(['stack', ...path]);
    return { file: loaded.file, line: at.line, column: at.column, path: formatPath(['stack', ...path]), message, ...extra };
  };
  const fail = (p: ScenarioProblem[]): ModuleStackResult => ({ ok: false, problems: p });
  const path = moduleStackPath(loaded);
  if (!existsSync(path)) return fail([problem(['module'], `module not found: ${path} (paths are relative to the scenario file)`)]);
  if (!statSync(path).isFile()) return fail([problem(['module'], `${path} is not a file`)]);
  let mod: Record<string, unknown>;
  try {
    mod = await importAtRuntime(pathToFileURL(path).href) as Record<string, unknown>;
  } catch (e) {
    return fail([problem(['module'], `cannot load ${path}: ${(e as Error).message}`)]);
  }
  const name = s.export ?? DEFAULT_STACK_EXPORT;
  const factory = mod[name];
  const exported = Object.keys(mod).join(', ') || '(nothing)';
  if (factory === undefined) return fail([problem([s.export === undefined ? 'module' : 'export'], `${s.module} has no export '${name}' (it exports ${exported})`)]);
  if (typeof factory !== 'function') return fail([problem([s.export === undefined ? 'module' : 'export'], `export '${name}' of ${s.module} is a ${typeof factory}, not a factory function (config, context) => TradingStack`)]);
  const schema = mod['configSchema'];
  if (schema === undefined) {
    if (s.config !== undefined) return fail([problem(['module'], `${s.module} exports no configSchema (a zod schema of its config), so its config cannot be checked`)]);
    return { ok: true, factory: factory as StackFactory, config: undefined };
  }
  if (!isSchema(schema)) return fail([problem(['module'], `configSchema of ${s.module} is not a zod schema (it has no safeParse)`)]);
  const parsed = schema.safeParse(s.config);
  if (parsed.success) return { ok: true, factory: factory as StackFactory, config: parsed.data };
  const data = { stack: { config: s.config } };
  return fail(parsed.error.issues.map((issue) => {
    const full = ['config', ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))];
    // The file's terms when the issue is one zod's own problem texts know; the module's message otherwise.
    let text: { message: string; expected?: string; found?: string };
    try {
      text = issueText({ ...issue, path: ['stack', ...full] } as Parameters<typeof issueText>[0], data);
    } catch {
      text = { message: issue.message };
    }
    return problem(full, text.message, {
      ...(text.expected === undefined ? {} : { expected: text.expected }), ...(text.found === undefined ? {} : { found: text.found }),
    });
  }));
}
