/**
 * One scenario of a run against the same scenario (by name) in a baseline report: each regression
 * budget checked on the two figures, and the fingerprints compared under the scenario's policy.
 * A scenario the baseline lacks (or did not run) is new: nothing to compare, nothing fails.
 */
import type { BaselineComparison, ScenarioReport } from '../report/schema.ts';
import type { BaselineEntry } from './baseline-file.ts';

type MetricValue = number | 'Infinity' | null;

/** A scenario's regression section as the job found it: plain data, with where each budget is. */
export interface RegressionConfig {
  readonly fingerprint: 'warn' | 'fail';
  readonly budgets: readonly { readonly metric: string; readonly maxDrop?: number; readonly maxRise?: number; readonly line: number; readonly column: number }[];
}

const numeric = (v: MetricValue): number | null => (v === 'Infinity' ? Number.POSITIVE_INFINITY : v);

function budgetName(b: RegressionConfig['budgets'][number]): string {
  return `${b.metric} ${[b.maxDrop === undefined ? '' : 'maxDrop', b.maxRise === undefined ? '' : 'maxRise'].filter((x) => x !== '').join(' ')}`;
}

export function describeBudget(b: { readonly maxDrop?: number; readonly maxRise?: number }): string {
  return [b.maxDrop === undefined ? '' : `drop <= ${b.maxDrop}`, b.maxRise === undefined ? '' : `rise <= ${b.maxRise}`].filter((x) => x !== '').join(', ');
}

export function compareWithBaseline(s: ScenarioReport, config: RegressionConfig, entry: BaselineEntry | null, fingerprintsComparable: boolean): BaselineComparison {
  if (entry === null || entry.metrics === null) return { status: 'new', fingerprint: null, budgets: [], pass: true };
  const changed = !fingerprintsComparable || entry.fingerprint === null || s.fingerprint === null ? null : entry.fingerprint !== s.fingerprint;
  const fingerprint = { baseline: entry.fingerprint, changed, onChange: config.fingerprint, pass: !(changed === true && config.fingerprint === 'fail') };
  const budgets = config.budgets.map((b) => {
    const baseline = entry.metrics![b.metric] ?? null;
    const actual = (s.metrics as Record<string, MetricValue> | null)?.[b.metric] ?? null;
    const [x, y] = [numeric(baseline), numeric(actual)];
    // Infinity against Infinity has not moved.
    // To 12 significant digits: a fee change reads as -2268.97, not -2268.970000000001 (the figures themselves stay exact).
    const delta = x === null || y === null ? null : x === y ? 0 : Number((y - x).toPrecision(12));
    let pass: boolean;
    let message: string;
    if (x === null && y === null) {
      pass = true;
      message = `${b.metric} is null in both runs`;
    } else if (delta === null || Number.isNaN(delta)) {
      pass = false;
      message = `${b.metric} is ${String(actual)} against the baseline's ${String(baseline)}: not comparable`;
    } else {
      const dropOk = b.maxDrop === undefined || -delta <= b.maxDrop;
      const riseOk = b.maxRise === undefined || delta <= b.maxRise;
      pass = dropOk && riseOk;
      const moved = delta < 0 ? `fell ${-delta}` : delta > 0 ? `rose ${delta}` : 'did not move';
      message = `${b.metric} ${moved} (baseline ${String(baseline)}, now ${String(actual)}); budget ${describeBudget(b)}`;
    }
    return {
      name: budgetName(b), metric: b.metric, ...(b.maxDrop === undefined ? {} : { maxDrop: b.maxDrop }), ...(b.maxRise === undefined ? {} : { maxRise: b.maxRise }),
      baseline, actual, delta: delta === null || Number.isNaN(delta) || !Number.isFinite(delta) ? null : delta, pass, message, line: b.line, column: b.column,
    };
  });
  return { status: 'compared', fingerprint, budgets, pass: fingerprint.pass && budgets.every((b) => b.pass) };
}

/** The scenario with its comparison; a broken budget (or a changed fingerprint under `fail`) fails a scenario that passed. */
export function withBaseline(s: ScenarioReport, comparison: BaselineComparison): ScenarioReport {
  const failed = s.status === 'passed' && !comparison.pass;
  return { ...s, baseline: comparison, ...(failed ? { status: 'failed', exitCode: 1 } : {}) };
}
