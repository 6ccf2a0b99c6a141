// GitHub Actions annotations: one ::error per failing gate at its file, line and column, with
// the threshold and the actual figure; messages and properties escaped as the runner expects
// (%, CR, LF; and ':' and ',' in properties), so a name cannot end the command early.
import { describe, expect, it } from 'vitest';
import { notRunScenario } from './report.ts';
import type { Report, ScenarioReport } from './schema.ts';
import { githubAnnotations } from './github-annotations.ts';

function report(s: ScenarioReport): Report {
  return { scenarios: [s] } as unknown as Report;
}

describe('githubAnnotations', () => {
  it('annotates a failing gate at its line, escaping what the runner would read as syntax', () => {
    const base = notRunScenario({ name: 'x', description: null, file: 'scen,a:rios/x.yaml', fileSha256: null, seed: 1, seedSource: 'scenario', overrides: [] });
    const s: ScenarioReport = {
      ...base, status: 'failed', exitCode: 1,
      gates: [
        { name: 'trades, max', metric: 'trades', threshold: { max: 100 }, actual: 177, pass: false, message: 'm', line: 17, column: 5 },
        { name: 'fills', metric: 'fills', threshold: { min: 1 }, actual: 3, pass: true, message: 'm', line: 18, column: 5 },
      ],
      problems: [{ file: 'y.yaml', line: 2, column: 3, path: 'seed', message: 'bad\n100% wrong' }],
    };
    expect(githubAnnotations(report(s))).toEqual([
      '::error file=scen%2Ca%3Arios/x.yaml,line=17,col=5,title=gate trades%2C max failed (x)::trades must be <= 100, actual 177. Reproduce: gauntlet run scen,a:rios/x.yaml --seed 1',
      '::error file=y.yaml,line=2,col=3,title=bad input (x)::seed: bad%0A100%25 wrong',
    ]);
  });
});
