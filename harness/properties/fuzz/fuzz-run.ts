/**
 * The loop every boundary fuzzer shares: draw inputs from a seeded fast-check arbitrary, hand each
 * to the boundary's check, and count what came back instead of stopping at the first finding, so
 * that one run says how many inputs crashed, hung or were answered wrongly.
 *
 * - crash: the boundary threw something other than its documented result, or answered bad input
 *   with an error that does not say where (file, line or row, field);
 * - violation: the boundary accepted an input and handed on a value it promises never to (a zero
 *   price, a row dropped without a report): bad input that got through;
 * - hang: one input took longer than HANG_MS of real time (async checks are also cut off at
 *   CUT_OFF_MS, so that a boundary that never settles still ends the run).
 *
 * Reproducing: the property never fails, so fast-check never shrinks, and the i-th input of a run
 * is at fast-check path `i`: `{ seed, path: 'i' }` with one run draws exactly that input again
 * (fuzz.test.ts checks it). Every example carries its seed and path.
 */
import fc from 'fast-check';

/** One input slower than this (real time) is a hang. */
export const HANG_MS = 2_000;
/** An async check still pending after this is abandoned and counted as a hang. */
const CUT_OFF_MS = 10_000;
/** Findings kept with their input; the counts go on. */
const EXAMPLES_MAX = 8;
/** Characters of an input shown in an example (unless the caller asks for more). */
const PREVIEW_CHARS = 400;

/** What a boundary's check made of one input. */
export type Verdict =
  /** A documented answer: accepted, or refused with a location. `outcome` names which, for the counts. */
  | { readonly kind: 'ok'; readonly outcome: string }
  | { readonly kind: 'crash'; readonly message: string }
  | { readonly kind: 'violation'; readonly message: string };

export interface FuzzExample {
  readonly kind: 'crash' | 'violation' | 'hang';
  readonly message: string;
  /** fast-check's seed and path: `{ seed, path, numRuns: 1 }` draws this input again. */
  readonly seed: number;
  readonly path: string;
  readonly ms: number;
  /** The start of the input as text. */
  readonly input: string;
}

export interface FuzzResult {
  readonly inputs: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly violations: number;
  /** Slowest input, real milliseconds. */
  readonly maxMs: number;
  /** How many inputs ended in each documented outcome (accepted, rejected-at-line, ...). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly examples: readonly FuzzExample[];
}

export interface FuzzOptions {
  readonly runs: number;
  /** fast-check seed: an integer in [0, 2^31). */
  readonly seed: number;
  /** Replay from this fast-check path (a failure's), instead of from the first input. */
  readonly path?: string;
  /** Characters of an input kept in an example (default 400; a replay shows it whole). */
  readonly previewChars?: number;
  /** Called with each input's path and text before it is checked (a replay prints it). */
  readonly trace?: (path: string, input: string) => void;
}

export function assertFuzzOptions(o: FuzzOptions): void {
  if (!Number.isSafeInteger(o.runs) || o.runs < 0) throw new RangeError(`runs must be a non-negative integer, got ${o.runs}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed >= 2 ** 31) throw new RangeError(`seed must be an integer in [0, 2^31), got ${o.seed}`);
  if (o.path !== undefined && !/^\d+$/.test(o.path)) throw new RangeError(`path must be a fast-check path of one index (e.g. '42'), got ${o.path}`);
}

function preview(input: unknown, show: (x: never) => string, chars: number): string {
  let text: string;
  try {
    text = show(input as never);
  } catch {
    text = String(input);
  }
  return text.length > chars ? `${text.slice(0, chars)}... (${text.length} characters)` : text;
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return `threw ${String(e)}`;
  const at = e.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim() ?? '';
  return `threw ${e.name}: ${e.message.slice(0, 300)}${at === '' ? '' : ` (${at})`}`;
}

async function settle(v: Verdict | Promise<Verdict>, cutOffMs: number): Promise<Verdict | 'cut-off'> {
  if (!(v instanceof Promise)) return v;
  let timer: NodeJS.Timeout | undefined;
  const cutOff = new Promise<'cut-off'>((resolve) => { timer = setTimeout(() => resolve('cut-off'), cutOffMs); });
  try {
    return await Promise.race([v, cutOff]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `check` on `opts.runs` inputs of `arbitrary` and counts the findings. `show` turns an input
 * into text for examples. Only a bug in the loop itself throws.
 */
export async function runFuzz<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Verdict | Promise<Verdict>,
  opts: FuzzOptions & { readonly show: (input: T) => string; readonly hangMs?: number },
): Promise<FuzzResult> {
  assertFuzzOptions(opts);
  const hangMs = opts.hangMs ?? HANG_MS;
  const start = opts.path === undefined ? 0 : Number(opts.path);
  let index = 0;
  let crashes = 0, hangs = 0, violations = 0, maxMs = 0;
  const outcomes: Record<string, number> = {};
  const examples: FuzzExample[] = [];
  const note = (kind: FuzzExample['kind'], message: string, path: string, ms: number, input: T): void => {
    if (examples.length < EXAMPLES_MAX) examples.push({ kind, message, seed: opts.seed, path, ms: Math.round(ms), input: preview(input, opts.show, opts.previewChars ?? PREVIEW_CHARS) });
  };
  if (opts.runs > 0) {
    const property = fc.asyncProperty(arbitrary, async (input) => {
      const path = String(start + index++);
      opts.trace?.(path, preview(input, opts.show, Number.MAX_SAFE_INTEGER));
      const t0 = performance.now();
      let v: Verdict | 'cut-off';
      try {
        v = await settle(check(input), Math.max(CUT_OFF_MS, 2 * hangMs));
      } catch (e) {
        v = { kind: 'crash', message: errorText(e) };
      }
      const ms = performance.now() - t0;
      maxMs = Math.max(maxMs, ms);
      if (v === 'cut-off' || ms > hangMs) {
        hangs++;
        note('hang', v === 'cut-off' ? `still pending after ${Math.round(ms)} ms` : `took ${Math.round(ms)} ms`, path, ms, input);
      }
      if (v === 'cut-off') return true;
      if (v.kind === 'ok') outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
      else if (v.kind === 'crash') { crashes++; note('crash', v.message, path, ms, input); }
      else { violations++; note('violation', v.message, path, ms, input); }
      return true;
    });
    const r = await fc.check(property, { numRuns: opts.runs, seed: opts.seed, ...(opts.path === undefined ? {} : { path: opts.path }) });
    // The property never fails: a failed check here is fast-check itself giving up (e.g. too many skips).
    if (r.failed) throw new Error(`fast-check stopped the run: ${r.errorInstance === null || r.errorInstance === undefined ? 'no error' : String(r.errorInstance)}`);
  }
  return { inputs: index, crashes, hangs, violations, maxMs: Math.round(maxMs * 10) / 10, outcomes: sorted(outcomes), examples };
}

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** Picks one of `items` by a natural number (arbitraries draw indices; the lists stay plain data). */
export function pick<T>(items: readonly T[], n: number): T {
  if (items.length === 0) throw new RangeError('pick from an empty list');
  return items[n % items.length]!;
}

/** True for a positive integer (a line, a row, a column number). */
export function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}
