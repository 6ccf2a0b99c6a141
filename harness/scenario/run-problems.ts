/**
 * Errors met while running a scenario that are bad input, not bugs: a bad market data row, CSV
 * syntax, a missing file. Each becomes a problem with a place in the data file.
 */
import { resolve } from 'node:path';
import { CsvSyntaxError, formatTimeUs, MarketDataError, NumericRangeError } from './engine-parts.ts';
import { displayPath } from './load.ts';
import { RecordingError } from '../chaos/providers/recording-error.ts';
import { ScenarioInputError, type ScenarioProblem } from './problems.ts';

/** The problem an error stands for when it is bad input; null when it is a bug. */
export function badInputProblem(e: unknown, where: { readonly scenarioFile: string; readonly dataDir: string; readonly cwd: string }): ScenarioProblem | null {
  const { dataDir, cwd } = where;
  for (let c: unknown = e, i = 0; c instanceof Error && i < 8; c = c.cause, i++) {
    if (c instanceof NumericRangeError) {
      // The inputs carried the run out of the exact range: name the figure and the instant.
      const at = c.timeUs === null ? '' : ` at ${formatTimeUs(c.timeUs)}`;
      return { file: where.scenarioFile, line: 1, column: 1, path: '', message: `the run left the exact number range${at}: ${c.figure}: ${c.message}` };
    }
    if (c instanceof MarketDataError) {
      const { issue } = c;
      // A file-level issue (no header, no rows) stops the run under any policy: no column, no policy to name.
      const fileLevel = issue.column === '';
      const what = fileLevel ? `${issue.reason}: ${issue.detail}` : `column ${issue.column}: ${issue.reason}: ${issue.detail} (bad-row policy: ${issue.action === 'rejected' ? 'reject' : issue.action})`;
      return { file: displayPath(resolve(dataDir, issue.file), cwd), line: issue.line, column: 1, path: '', message: what };
    }
    if (c instanceof ScenarioInputError) return c.problem;
    if (c instanceof RecordingError) return { file: displayPath(resolve(dataDir, c.file), cwd), line: 1, column: 1, path: c.field, message: c.message };
    if (c instanceof CsvSyntaxError) return { file: displayPath(resolve(dataDir, c.file), cwd), line: c.line, column: 1, path: '', message: c.message };
    const code = (c as NodeJS.ErrnoException).code;
    const path = (c as NodeJS.ErrnoException).path;
    if (code === 'ENOENT') return { file: path ?? '?', line: 1, column: 1, path: '', message: 'file not found' };
    if (code === 'EISDIR') return { file: path ?? '?', line: 1, column: 1, path: '', message: 'is a folder, not a data file' };
    if (code === 'EACCES' || code === 'EPERM') return { file: path ?? '?', line: 1, column: 1, path: '', message: 'cannot be read (permission denied)' };
  }
  return null;
}
