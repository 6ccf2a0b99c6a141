/**
 * Stack snapshots as they are persisted: a versioned JSON envelope around the stack's own state.
 * What a stack persists must come back exactly, so encoding refuses what JSON would change
 * (NaN, Infinity, undefined in arrays, class instances) naming the path, and decoding validates
 * the envelope and, when a schema is given, the state: another version, or a corrupt snapshot,
 * is an error that says what is wrong and where.
 */
import { z } from 'zod';

export const STACK_SNAPSHOT_FORMAT = 'gauntlet.stack-snapshot';
/** 1: the first version. A reader accepts exactly its own version. */
export const STACK_SNAPSHOT_VERSION = 1;

const EnvelopeSchema = z.strictObject({
  format: z.literal(STACK_SNAPSHOT_FORMAT),
  version: z.number().int().positive(),
  /** The stack's kind ('reference', or a user stack's own name). */
  stack: z.string().min(1),
  /** Virtual time of the snapshot. */
  takenAtUs: z.number().int(),
  state: z.unknown(),
});

/**
 * The two fields read before the envelope is checked (so another format or version is named as
 * such). Built once: zod compiles an object schema's fast path at its first parse, and a schema
 * built per decode paid that compiling at every restart.
 */
const HeadSchema = z.looseObject({ format: z.unknown(), version: z.unknown() });

export interface StackSnapshot {
  readonly stack: string;
  readonly takenAtUs: number;
  readonly state: unknown;
}

/** A snapshot that cannot be written or read back; `path` names where (empty: the whole). */
export class SnapshotError extends Error {
  readonly path: string;
  constructor(message: string, path = '') {
    super(message);
    this.name = 'SnapshotError';
    this.path = path;
  }
}

export type DecodeResult = { readonly ok: true; readonly snapshot: StackSnapshot } | { readonly ok: false; readonly error: SnapshotError };

/** The snapshot as JSON text. Throws SnapshotError when the state is not plain JSON data. */
export function encodeSnapshot(snapshot: StackSnapshot): string {
  assertPlainJson(snapshot.state, 'state');
  return JSON.stringify({ format: STACK_SNAPSHOT_FORMAT, version: STACK_SNAPSHOT_VERSION, stack: snapshot.stack, takenAtUs: snapshot.takenAtUs, state: snapshot.state });
}

/**
 * Reads a snapshot back: JSON, the envelope, the version, the stack kind when `expectStack` is
 * given, and the state against `stateSchema` when given.
 */
export function decodeSnapshot(text: string, options: { expectStack?: string; stateSchema?: z.ZodType } = {}): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`stack snapshot is not JSON: ${(e as Error).message}`);
  }
  const head = HeadSchema.safeParse(raw);
  if (!head.success) return fail('stack snapshot is not a JSON object');
  if (head.data.format !== STACK_SNAPSHOT_FORMAT) return fail(`stack snapshot: format is ${JSON.stringify(head.data.format)}, expected "${STACK_SNAPSHOT_FORMAT}"`, 'format');
  if (head.data.version !== STACK_SNAPSHOT_VERSION) {
    return fail(`stack snapshot: version ${JSON.stringify(head.data.version)} is not the version this Gauntlet reads (${STACK_SNAPSHOT_VERSION})`, 'version');
  }
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return fail(`stack snapshot: ${issueText(env.error.issues[0]!)}`, pathText(env.error.issues[0]!.path));
  if (options.expectStack !== undefined && env.data.stack !== options.expectStack) {
    return fail(`stack snapshot is of a '${env.data.stack}' stack, not '${options.expectStack}'`, 'stack');
  }
  let state: unknown = env.data.state;
  if (options.stateSchema !== undefined) {
    const parsed = options.stateSchema.safeParse(state);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = pathText(['state', ...issue.path]);
      return fail(`stack snapshot: ${path}: ${issue.message}`, path);
    }
    state = parsed.data;
  }
  return { ok: true, snapshot: { stack: env.data.stack, takenAtUs: env.data.takenAtUs, state } };
}

function fail(message: string, path = ''): DecodeResult {
  return { ok: false, error: new SnapshotError(message, path) };
}

function issueText(issue: z.core.$ZodIssue): string {
  return issue.path.length === 0 ? issue.message : `${pathText(issue.path)}: ${issue.message}`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Throws SnapshotError at the first value JSON would not give back as it is. */
function assertPlainJson(v: unknown, path: string): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SnapshotError(`stack snapshot: ${path} is ${v}, which JSON cannot carry: a snapshot is plain JSON data`, path);
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === undefined) throw new SnapshotError(`stack snapshot: ${path}[${i}] is undefined, which JSON cannot carry`, `${path}[${i}]`);
      assertPlainJson(v[i], `${path}[${i}]`);
    }
    return;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new SnapshotError(`stack snapshot: ${path} is a ${(v as object).constructor.name}, not plain data`, path);
    for (const [k, x] of Object.entries(v)) if (x !== undefined) assertPlainJson(x, `${path}.${k}`);
    return;
  }
  throw new SnapshotError(`stack snapshot: ${path} is a ${typeof v}, not plain data`, path);
}
