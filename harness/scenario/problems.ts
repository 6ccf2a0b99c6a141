/**
 * Problems in a scenario file: bad input, reported with where it is (file:line:column), the field
 * path, what was expected and what was found. A file's problems are collected and reported
 * together, never only the first.
 */

export interface ScenarioProblem {
  /** The scenario file as the user named it (relative to the working directory when possible). */
  readonly file: string;
  /** 1-based line and column of the offending node (or of its nearest existing parent). */
  readonly line: number;
  readonly column: number;
  /** Field path, e.g. `stack.agents[0].period`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** A suggestion, e.g. "did you mean 'period'?". */
  readonly hint?: string;
}

/** `file:line:column: path: message (expected X, found Y) hint`, one line per problem. */
export function formatProblem(p: ScenarioProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  const parts = [p.path === '' ? p.message : `${p.path}: ${p.message}`];
  const ef: string[] = [];
  if (p.expected !== undefined) ef.push(`expected ${p.expected}`);
  if (p.found !== undefined) ef.push(`found ${p.found}`);
  if (ef.length > 0) parts.push(`(${ef.join(', ')})`);
  if (p.hint !== undefined) parts.push(`- ${p.hint}`);
  return `${where}: ${parts.join(' ')}`;
}

/** `a.b[0].c` from ['a', 'b', 0, 'c']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** A value as a user would recognise it in the file: short, quoted when a string. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `a mapping with keys ${Object.keys(value).map((k) => `'${k}'`).join(', ') || '(none)'}`;
  const text = JSON.stringify(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${shown} (${typeof value})`;
}

/** Edit distance (insert, delete, substitute), bounded work: both strings are short keys. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The closest known name to an unknown one, when it is close enough to be a likely typo: same
 * letters in another case, or an edit distance of at most a third of the name (at least 1, at
 * most 3). Ties go to the first candidate in the given order.
 */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const limit = Math.min(3, Math.max(1, Math.floor(unknown.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= limit && d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

/** Bad input found while running (a fault window outside the data): carries its located problem. */
export class ScenarioInputError extends Error {
  readonly problem: ScenarioProblem;
  constructor(problem: ScenarioProblem) {
    super(problem.message);
    this.name = 'ScenarioInputError';
    this.problem = problem;
  }
}
