/**
 * Gate evaluation: each gate against the run's metrics. Every gate is checked and reported (a
 * failing gate does not hide the next). A metric that is undefined for the run (null) fails.
 */
import { gateName, type GateConfig } from './schema.ts';

/** A metric value as reports carry it: JSON has no Infinity, so an unbounded value is the string. */
export type MetricValue = number | 'Infinity' | null;

export interface GateResult {
  readonly name: string;
  readonly metric: string;
  readonly threshold: { readonly min?: number; readonly max?: number };
  readonly actual: MetricValue;
  readonly pass: boolean;
  /** One line: what was required and what the run gave. */
  readonly message: string;
  /** Where the gate is written in the scenario file (1-based). */
  readonly line: number;
  readonly column: number;
}

export function describeThreshold(t: { min?: number; max?: number }): string {
  if (t.min !== undefined && t.max !== undefined) return t.min === t.max ? `== ${t.min}` : `in [${t.min}, ${t.max}]`;
  return t.min !== undefined ? `>= ${t.min}` : `<= ${t.max}`;
}

export function evaluateGate(gate: GateConfig, metrics: Readonly<Record<string, MetricValue>>, at: { line: number; column: number }): GateResult {
  const actual = metrics[gate.metric] ?? null;
  const value = actual === 'Infinity' ? Infinity : actual;
  const threshold = { ...(gate.min === undefined ? {} : { min: gate.min }), ...(gate.max === undefined ? {} : { max: gate.max }) };
  const pass = value !== null && (gate.min === undefined || value >= gate.min) && (gate.max === undefined || value <= gate.max);
  const shown = actual === null ? 'undefined for this run (null)' : String(actual);
  const message = `${gate.metric} ${pass ? 'is' : 'must be'} ${describeThreshold(threshold)}: actual ${shown}`;
  return { name: gateName(gate), metric: gate.metric, threshold, actual, pass, message, line: at.line, column: at.column };
}

export function evaluateGates(
  gates: readonly GateConfig[],
  metrics: Readonly<Record<string, MetricValue>>,
  locate: (index: number) => { line: number; column: number },
): GateResult[] {
  return gates.map((g, i) => evaluateGate(g, metrics, locate(i)));
}
