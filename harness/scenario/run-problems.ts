/**
 * Errors met while running a scenario that are bad input, not bugs: a bad market data row, CSV
 * syntax, a missing file. Each becomes a problem with a place in the data file.
 */
import { resolve } from 'node:path';
import { CsvSyntaxError, MarketDataError } from './engine-parts.ts';
import { displayPath } from './load.ts';
import type { ScenarioProblem } from './problems.ts';

/** The problem an error stands for when it is bad input; null when it is a bug. */
export function badInputProblem(e: unknown, dataDir: string, cwd: string): ScenarioProblem | null {
  for (let c: unknown = e, i = 0; c instanceof Error && i < 8; c = c.cause, i++) {
    if (c instanceof MarketDataError) {
      const { issue } = c;
      return { file: displayPath(resolve(dataDir, issue.file), cwd), line: issue.line, column: 1, path: '', message: `column ${issue.column}: ${issue.reason}: ${issue.detail} (bad-row policy: ${issue.action === 'rejected' ? 'reject' : issue.action})` };
    }
    if (c instanceof CsvSyntaxError) return { file: displayPath(resolve(dataDir, c.file), cwd), line: c.line, column: 1, path: '', message: c.message };
    if ((c as NodeJS.ErrnoException).code === 'ENOENT') return { file: (c as NodeJS.ErrnoException).path ?? '?', line: 1, column: 1, path: '', message: 'file not found' };
  }
  return null;
}
