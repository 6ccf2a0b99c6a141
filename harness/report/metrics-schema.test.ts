// Proves that reportableMetrics' fast check never accepts what zod refuses: for every report
// metric's schema and for schemas the check does not understand (which defer to zod), over edge
// values (zero of both signs, bounds, fractions, 2^53, non-finite numbers, strings), a value the
// fast check accepts is one zod accepts. And that it is the fast path in practice: a whole run's
// sample metrics pass it without zod, and reportableMetrics gives what parsing them gave.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fastAccepts, reportableMetrics, ScenarioMetricsSchema } from './metrics-schema.ts';
import { METRICS } from './testing/sample-metrics.ts';

const EDGES: unknown[] = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, 2, 100, 1e-300, -1e-300, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e300, -1e300, Number.MAX_VALUE,
  Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 'Infinity', '-Infinity', '1', '', null, undefined, true, {}, [], 1n,
];

describe('fastAccepts', () => {
  it('accepts no value a report metric schema refuses', () => {
    for (const [key, schema] of Object.entries(ScenarioMetricsSchema.shape as Record<string, z.ZodType>)) {
      const accepts = fastAccepts(schema);
      for (const v of EDGES) if (accepts(v)) expect(schema.safeParse(v).success, `${key}: ${String(v)}`).toBe(true);
    }
  });

  it('defers every value of a schema it does not understand to zod, and reads bounds exactly', () => {
    const deferred = [z.number().multipleOf(2), z.number().refine((v) => v > 0), z.string(), z.number().min(0).positive(), z.int32(), z.coerce.number()];
    for (const schema of deferred) for (const v of EDGES) expect(fastAccepts(schema)(v)).toBe(false);
    const bounded = [z.number().positive(), z.number().nonnegative(), z.number().min(0).max(1), z.number().lt(1).gt(-1), z.number().int().nonnegative(), z.int(), z.int().max(5), z.union([z.number().nonnegative(), z.literal('Infinity'), z.null()])];
    for (const schema of bounded) for (const v of EDGES) expect(fastAccepts(schema)(v), String(v)).toBe(schema.safeParse(v).success);
  });

  it('passes a run\'s metrics without zod, with what parsing them gave', () => {
    const shape = ScenarioMetricsSchema.shape as Record<string, z.ZodType>;
    for (const [key, v] of Object.entries(METRICS)) if (v !== null) expect(fastAccepts(shape[key]!)(v), key).toBe(true);
    const r = reportableMetrics(METRICS);
    expect(r.warnings).toEqual([]);
    expect(JSON.stringify(r.metrics)).toBe(JSON.stringify(ScenarioMetricsSchema.parse(METRICS)));
  });

  it('nulls a figure its schema refuses, with a warning', () => {
    const r = reportableMetrics({ ...METRICS, sharpe: Number.NaN, trades: -1, winRate: 1.5 });
    expect([r.metrics.sharpe, r.metrics.trades, r.metrics.winRate]).toEqual([null, null, null]);
    // Warnings come in the schema's order: the engine's metrics, then the harness's.
    expect(r.warnings.map((w) => w.kind === 'metric' ? w.metric : '')).toEqual(['sharpe', 'winRate', 'trades']);
  });
});
