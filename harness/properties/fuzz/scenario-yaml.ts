/**
 * Boundary 1: scenario YAML. Every input (yaml-text.ts) goes through the loader (loadScenarioText,
 * or loadScenarioFile for raw bytes); a file it accepts then has its market data checked the way
 * a run starts (checkMarketData: each CSV's header and first rows). What must hold:
 * - nothing throws (a throw out of the loader is an internal error, exit 3, for bad input);
 * - a refusal carries at least one problem, and every problem is located: the file as named, a
 *   line and column inside the text, and a field path, unless it is about the whole file (YAML
 *   syntax, an empty or oversized file, a document that is not a mapping);
 * - a data problem also names the data file and its line.
 *
 * fuzzScenarioRuns takes a smaller sample of lightly mutated built-in files all the way through
 * executeJob: no report may have status 'error'.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeJob } from '../../job/job.ts';
import { checkMarketData } from '../../scenario/check-data.ts';
import { loadScenarioFile, loadScenarioText, type LoadResult } from '../../scenario/load.ts';
import type { ScenarioProblem } from '../../scenario/problems.ts';
import { isPositiveInt, runFuzz, type FuzzOptions, type FuzzResult, type Verdict } from './fuzz-run.ts';
import { mutatedBuiltinArb, REPO, SCENARIOS_DIR, scenarioInputArb, showScenarioInput, type ScenarioInput } from './yaml-text.ts';

export { scenarioInputArb, mutatedBuiltinArb, type ScenarioInput } from './yaml-text.ts';

/** Where fuzzed text stands: in scenarios/, so that its relative data paths resolve as a built-in file's do. */
const TEXT_FILE = join(SCENARIOS_DIR, 'fuzzed.yaml');
const TEXT_FILE_SHOWN = 'scenarios/fuzzed.yaml';

/** Problems about the whole file rather than a field: these may have an empty path. */
const WHOLE_FILE = /^(YAML: |the file is empty|text is larger|file is larger|not a text file|not valid UTF-(8|16))/;

/**
 * Why `p` does not say where it is; null when it does. `lines` bounds the line (the text's line
 * count, or more for bytes whose decoding is the loader's business).
 */
export function unlocated(p: ScenarioProblem, file: string, lines: number): string | null {
  if (typeof p.file !== 'string' || p.file !== file) return `problem names file ${JSON.stringify(p.file)}, not ${JSON.stringify(file)}`;
  if (!isPositiveInt(p.line) || p.line > lines) return `problem line ${String(p.line)} is not a line of the file (1..${lines})`;
  if (!isPositiveInt(p.column)) return `problem column ${String(p.column)} is not a positive integer`;
  if (typeof p.message !== 'string' || p.message.trim() === '') return 'problem without a message';
  if (typeof p.path !== 'string') return 'problem without a field path';
  // A key at the top that is itself empty ('': or a lone '?') has the empty path: its message names it.
  const whole = WHOLE_FILE.test(p.message) || (p.expected === 'an object' && p.found !== undefined) || p.message === "unknown key ''";
  if (p.path === '' && !whole) return `problem '${p.message}' names no field`;
  return null;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const crash = (message: string): Verdict => ({ kind: 'crash', message });

function firstGap(problems: readonly ScenarioProblem[], file: string, lines: number): string | null {
  for (const p of problems) {
    const gap = unlocated(p, file, lines);
    if (gap !== null) return `${gap}: ${JSON.stringify(p)}`;
  }
  return null;
}

async function checkScenario(input: ScenarioInput, tmp: string): Promise<Verdict> {
  let r: LoadResult;
  let file: string;
  let lines: number;
  if (input.kind === 'text') {
    r = loadScenarioText(input.text, TEXT_FILE, { cwd: REPO });
    file = TEXT_FILE_SHOWN;
    lines = lineCount(input.text);
  } else {
    const path = join(tmp, 'fuzzed.yaml');
    writeFileSync(path, input.bytes);
    r = loadScenarioFile(path, { cwd: tmp });
    file = 'fuzzed.yaml';
    // UTF-16 text has a line per newline code unit, at most one per two bytes: any bound will do.
    lines = input.bytes.length + 1;
  }
  if (!r.ok) {
    if (r.problems.length === 0) return crash('refused without a problem');
    const gap = firstGap(r.problems, file, lines);
    if (gap !== null) return crash(gap);
    return { kind: 'ok', outcome: `${input.how}/${r.problems.every((p) => p.message.startsWith('YAML: ')) ? 'yaml-syntax' : 'invalid'}` };
  }
  const problems = await checkMarketData(r.loaded, input.kind === 'text' ? REPO : tmp);
  const gap = firstGap(problems, file, lines);
  if (gap !== null) return crash(gap);
  const unnamed = problems.find((p) => !/:\d+: /.test(p.message));
  if (unnamed !== undefined) return crash(`data problem without the data file's line: ${JSON.stringify(unnamed)}`);
  return { kind: 'ok', outcome: `${input.how}/${problems.length > 0 ? 'bad-data' : 'loaded'}` };
}

/** Fuzzes the scenario loader: `runs` inputs of scenarioInputArb(). */
export async function fuzzScenarioYaml(opts: FuzzOptions): Promise<FuzzResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'gauntlet-fuzz-yaml-'));
  try {
    return await runFuzz(scenarioInputArb(), (x) => checkScenario(x, tmp), { ...opts, show: showScenarioInput });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A run longer than this is stopped (a mutation that makes the market long is no finding). */
const RUN_BUDGET_MS = 3_000;
/** executeJob checks its signal between event batches: this much later than the budget is noted. */
const ABORT_LATE_MS = 2_000;
/** A run neither finished nor stopped by then is a hang. */
const RUN_HANG_MS = 120_000;

async function checkRun(input: ScenarioInput): Promise<Verdict> {
  if (input.kind !== 'text') throw new Error('runs take text');
  const signal = AbortSignal.timeout(RUN_BUDGET_MS);
  let abortedAt = 0;
  signal.addEventListener('abort', () => { abortedAt = performance.now(); });
  let outcome;
  try {
    outcome = await executeJob({ file: TEXT_FILE, text: input.text, cwd: REPO, seed: { kind: 'scenario' } }, { signal });
  } catch (e) {
    // Cut short by the budget: executeJob rejects with the signal's reason, as documented. How
    // long the run took to notice is a finding of its own (see fuzz-bench.ts), not bad input handled badly.
    if (signal.aborted) return { kind: 'ok', outcome: performance.now() - abortedAt > ABORT_LATE_MS ? 'cut-short-late' : 'cut-short' };
    throw e;
  }
  const { report } = outcome;
  if (report.status === 'error') return crash(`internal error: ${report.error?.message ?? '?'}; ${(outcome.internalError ?? '').split('\n').slice(0, 3).join(' | ')}`);
  if (report.status === 'invalid') {
    if (report.problems.length === 0) return crash('invalid without a problem');
    // A problem may be in the scenario or in a data file: any file, but a real place in it.
    const bad = report.problems.find((p) => p.file === '' || !isPositiveInt(p.line) || !isPositiveInt(p.column) || p.message === '');
    if (bad !== undefined) return crash(`problem without a location: ${JSON.stringify(bad)}`);
  }
  // A run that finished long after its abort never looked at the signal in between.
  const late = signal.aborted && performance.now() - abortedAt > ABORT_LATE_MS;
  return { kind: 'ok', outcome: late ? `${report.status}-after-abort` : report.status };
}

/**
 * Runs `runs` gently mutated built-in files (still YAML; values replaced or scaled, blocks
 * deleted) through executeJob, each stopped after RUN_BUDGET_MS. Outcomes: passed, failed,
 * invalid, cut-short, and the late ones: cut-short-late (the run noticed its abort more than
 * ABORT_LATE_MS late) and <status>-after-abort (it finished that late without noticing).
 */
export async function fuzzScenarioRuns(opts: FuzzOptions): Promise<FuzzResult> {
  return runFuzz(mutatedBuiltinArb(1, 2, true), checkRun, { ...opts, show: showScenarioInput, hangMs: RUN_HANG_MS });
}
