/**
 * Latency budgets (`latency:` in a scenario): how fast the stack decides, in real time. Measured
 * latencies are wall time: they live in the report's `wallTimeLatency` (never in the journal or a
 * fingerprint), the verdict is marked non-deterministic, and every figure is the median of
 * `repeats` runs with its spread beside it. A budget may be absolute (milliseconds, decisions per
 * second) or relative to a calibration measured in the same run: a bare node:http server answering
 * the same number of sequential requests, so a budget reads "at most 3x this machine's HTTP".
 */
import { z } from 'zod';
import { median, quantile } from './quantile.ts';

export const LatencyBudgetSchema = z.strictObject({
  p50: z.number().positive().optional().describe('Largest median decision latency: milliseconds, or with calibrated a multiple of the calibration\'s.'),
  p95: z.number().positive().optional().describe('Largest 95th percentile decision latency (as p50).'),
  p99: z.number().positive().optional().describe('Largest 99th percentile decision latency (as p50).'),
  minRate: z.number().positive().optional()
    .describe("Fewest decisions per second of the run's real time: a number, or with calibrated a fraction of the calibration's requests per second."),
  maxErrors: z.int().min(0).optional().describe('Most errors: re-sent messages of a stack over HTTP (a failed connection), 0 for an in-process stack.'),
  calibrated: z.boolean().default(false).describe('Budgets relative to a bare node:http server measured in the same run (same number of sequential requests).'),
  repeats: z.int().min(1).max(20).default(3).describe('Runs measured; each figure is their median, its spread ((max - min) / median) beside it. The decisions of every run must be the same.'),
}).describe('Latency budgets: real time per decision (an input the stack handles: a bar, a report, a timer; a step for a stack over HTTP). Wall time, so the verdict is not deterministic; it never enters the journal or a fingerprint.');
export type LatencyBudget = z.output<typeof LatencyBudgetSchema>;

/** What one run measured. */
export interface LatencySample {
  /** Real time of each decision, milliseconds. */
  readonly decisionsMs: readonly number[];
  /** Real time of the whole run, milliseconds. */
  readonly runMs: number;
  readonly errors: number;
}

export interface LatencyFigures {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Decisions (or calibration requests) per second of real time. */
  readonly ratePerSecond: number;
  readonly errors: number;
  readonly count: number;
}

export const FIGURE_KEYS = ['p50Ms', 'p95Ms', 'p99Ms', 'ratePerSecond'] as const;
type FigureKey = (typeof FIGURE_KEYS)[number];

export function figuresOf(s: LatencySample): LatencyFigures {
  const sorted = s.decisionsMs.slice().sort((a, b) => a - b);
  return {
    p50Ms: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), p99Ms: quantile(sorted, 0.99),
    ratePerSecond: s.runMs > 0 ? sorted.length / (s.runMs / 1000) : 0, errors: s.errors, count: sorted.length,
  };
}

export interface RepeatedFigures {
  /** Medians over the repeats; errors summed. */
  readonly figures: LatencyFigures;
  /** (max - min) / median per figure over the repeats. */
  readonly spread: Record<FigureKey, number>;
}

const round = (x: number): number => Number(x.toPrecision(6));

export function overRepeats(runs: readonly LatencyFigures[]): RepeatedFigures {
  const pick = (k: FigureKey): number[] => runs.map((r) => r[k]);
  const figures = {
    p50Ms: round(median(pick('p50Ms'))), p95Ms: round(median(pick('p95Ms'))), p99Ms: round(median(pick('p99Ms'))),
    ratePerSecond: round(median(pick('ratePerSecond'))), errors: runs.reduce((n, r) => n + r.errors, 0), count: runs[0]?.count ?? 0,
  };
  const spread = Object.fromEntries(FIGURE_KEYS.map((k) => {
    const xs = pick(k);
    const m = median(xs);
    return [k, m === 0 ? 0 : round((Math.max(...xs) - Math.min(...xs)) / m)];
  })) as Record<FigureKey, number>;
  return { figures, spread };
}

export interface LatencyGateResult {
  readonly name: string;
  readonly figure: FigureKey | 'errors';
  readonly kind: 'max' | 'min';
  /** The budget as written in the scenario. */
  readonly budget: number;
  /** The limit it stands for: the budget, or the budget times the calibration's figure. */
  readonly limit: number;
  readonly actual: number;
  readonly spread: number | null;
  readonly pass: boolean;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** Each budget of the scenario against the measured figures (and the calibration's when calibrated). */
export function evaluateLatency(
  budget: LatencyBudget, measured: RepeatedFigures, calibration: RepeatedFigures | null,
  locate: (key: string) => { line: number; column: number },
): LatencyGateResult[] {
  const out: LatencyGateResult[] = [];
  const unit = (k: FigureKey | 'errors'): string => (k === 'ratePerSecond' ? '/s' : k === 'errors' ? '' : ' ms');
  const add = (key: string, figure: FigureKey | 'errors', kind: 'max' | 'min', value: number | undefined): void => {
    if (value === undefined) return;
    const relative = budget.calibrated && figure !== 'errors' && calibration !== null;
    const limit = relative ? value * calibration.figures[figure as FigureKey] : value;
    const actual = figure === 'errors' ? measured.figures.errors : measured.figures[figure];
    const pass = kind === 'max' ? actual <= limit : actual >= limit;
    const spread = figure === 'errors' ? null : measured.spread[figure];
    const budgetText = relative ? `${value}x the calibration's ${calibration.figures[figure as FigureKey].toFixed(3)}${unit(figure)} = ${limit.toFixed(3)}${unit(figure)}` : `${value}${unit(figure)}`;
    const message = `${figure} ${pass ? 'is' : 'must be'} ${kind === 'max' ? '<=' : '>='} ${budgetText}: measured ${actual.toFixed(3)}${unit(figure)}${spread === null ? '' : ` (spread ${(spread * 100).toFixed(0)}% over repeats)`} (wall time, not deterministic)`;
    out.push({ name: `latency ${key}`, figure, kind, budget: value, limit: round(limit), actual: round(actual), spread, pass, message, ...locate(key) });
  };
  add('p50', 'p50Ms', 'max', budget.p50);
  add('p95', 'p95Ms', 'max', budget.p95);
  add('p99', 'p99Ms', 'max', budget.p99);
  add('minRate', 'ratePerSecond', 'min', budget.minRate);
  add('maxErrors', 'errors', 'max', budget.maxErrors);
  return out;
}
