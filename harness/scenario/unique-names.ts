/**
 * Scenario names must be unique in a suite (reports, JUnit classnames and journals are keyed by
 * them). The rule `run` and `validate` both apply: a later file, in file order, that reuses the
 * name of a scenario that loaded is bad input at its `name`. Files that did not load (no place for
 * a name) neither claim a name nor clash.
 */
import type { ScenarioProblem } from './problems.ts';

export interface NamedFile {
  readonly name: string;
  readonly file: string;
  /** Where `name` is in the file; null when the file did not load. */
  readonly nameAt: { readonly line: number; readonly column: number } | null;
}

/** The problem of each file that reuses an earlier file's name, by its index. */
export function duplicateNameProblems(files: readonly NamedFile[]): Map<number, ScenarioProblem> {
  const first = new Map<string, string>();
  const problems = new Map<number, ScenarioProblem>();
  files.forEach((f, i) => {
    if (f.nameAt === null) return;
    const other = first.get(f.name);
    if (other === undefined) { first.set(f.name, f.file); return; }
    problems.set(i, { file: f.file, ...f.nameAt, path: 'name', message: `scenario name '${f.name}' is also the name of ${other}: names must be unique in a suite` });
  });
  return problems;
}
