// Regression budgets against a baseline figure: a fall beyond maxDrop or a rise beyond maxRise
// breaks the budget (the bound itself holds), null on one side only breaks it, null on both or
// Infinity on both does not; a changed fingerprint fails only under `fail`; a scenario the
// baseline lacks is new and fails nothing; a broken budget turns a passed scenario failed.
import { describe, expect, it } from 'vitest';
import { notRunScenario } from '../report/report.ts';
import type { ScenarioReport } from '../report/schema.ts';
import { compareWithBaseline, withBaseline, type RegressionConfig } from './compare.ts';

const FP_A = 'a'.repeat(64);
const FP_B = 'b'.repeat(64);

function scenario(metrics: Record<string, number | 'Infinity' | null>, fingerprint = FP_A): ScenarioReport {
  const s = notRunScenario({ name: 'x', description: null, file: 'x.yaml', fileSha256: null, seed: 1, seedSource: 'scenario', overrides: [] });
  return { ...s, status: 'passed', exitCode: 0, fingerprint, metrics: metrics as ScenarioReport['metrics'] };
}

const at = { line: 3, column: 5 };

describe('compareWithBaseline', () => {
  it('holds a budget at its bound and breaks it just past, in the metric\'s units', () => {
    const config: RegressionConfig = { fingerprint: 'warn', budgets: [{ metric: 'sharpe', maxDrop: 0.5, ...at }, { metric: 'maxDrawdown', maxRise: 0.02, ...at }] };
    const base = { name: 'x', fingerprint: FP_A, metrics: { sharpe: 1.5, maxDrawdown: 0.1 } };
    const ok = compareWithBaseline(scenario({ sharpe: 1, maxDrawdown: 0.12 }), config, base, true);
    expect(ok.budgets.map((b) => [b.pass, b.delta])).toEqual([[true, -0.5], [true, 0.02]]);
    expect(ok.pass).toBe(true);
    const bad = compareWithBaseline(scenario({ sharpe: 0.99, maxDrawdown: 0.1201 }), config, base, true);
    expect(bad.budgets.map((b) => b.pass)).toEqual([false, false]);
    expect(bad.budgets[0]!.message).toBe('sharpe fell 0.51 (baseline 1.5, now 0.99); budget drop <= 0.5');
    // A rise is no drop, and a fall is no rise.
    const other = compareWithBaseline(scenario({ sharpe: 9, maxDrawdown: 0 }), config, base, true);
    expect(other.pass).toBe(true);
  });

  it('breaks a budget whose metric is null on one side only; null or Infinity on both has not moved', () => {
    const config: RegressionConfig = { fingerprint: 'warn', budgets: [{ metric: 'sharpe', maxDrop: 0, ...at }, { metric: 'profitFactor', maxDrop: 0, ...at }] };
    expect(compareWithBaseline(scenario({ sharpe: null, profitFactor: 'Infinity' }), config, { name: 'x', fingerprint: FP_A, metrics: { sharpe: null, profitFactor: 'Infinity' } }, true).pass).toBe(true);
    const r = compareWithBaseline(scenario({ sharpe: null, profitFactor: 2 }), config, { name: 'x', fingerprint: FP_A, metrics: { sharpe: 1, profitFactor: 'Infinity' } }, true);
    expect(r.budgets.map((b) => b.pass)).toEqual([false, false]);
  });

  it('fails a changed fingerprint only under `fail`, and cannot compare across journal versions', () => {
    const base = { name: 'x', fingerprint: FP_A, metrics: {} };
    expect(compareWithBaseline(scenario({}, FP_B), { fingerprint: 'warn', budgets: [] }, base, true)).toMatchObject({ pass: true, fingerprint: { changed: true, pass: true } });
    expect(compareWithBaseline(scenario({}, FP_B), { fingerprint: 'fail', budgets: [] }, base, true)).toMatchObject({ pass: false, fingerprint: { changed: true, pass: false } });
    expect(compareWithBaseline(scenario({}, FP_A), { fingerprint: 'fail', budgets: [] }, base, true)).toMatchObject({ pass: true, fingerprint: { changed: false } });
    expect(compareWithBaseline(scenario({}, FP_B), { fingerprint: 'fail', budgets: [] }, base, false)).toMatchObject({ pass: true, fingerprint: { changed: null } });
  });

  it('reports a scenario the baseline lacks, or did not run, as new', () => {
    const config: RegressionConfig = { fingerprint: 'fail', budgets: [{ metric: 'sharpe', maxDrop: 0, ...at }] };
    expect(compareWithBaseline(scenario({ sharpe: 1 }), config, null, true)).toEqual({ status: 'new', fingerprint: null, budgets: [], pass: true });
    expect(compareWithBaseline(scenario({ sharpe: 1 }), config, { name: 'x', fingerprint: null, metrics: null }, true).status).toBe('new');
  });

  it('turns a passed scenario failed (exit 1) when the comparison fails, and leaves it passed otherwise', () => {
    const s = scenario({ sharpe: 0 });
    const failing = compareWithBaseline(s, { fingerprint: 'warn', budgets: [{ metric: 'sharpe', maxDrop: 0.1, ...at }] }, { name: 'x', fingerprint: FP_A, metrics: { sharpe: 1 } }, true);
    expect(withBaseline(s, failing)).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(withBaseline(s, { status: 'new', fingerprint: null, budgets: [], pass: true })).toMatchObject({ status: 'passed', exitCode: 0 });
  });
});
