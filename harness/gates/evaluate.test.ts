// Proves gate evaluation: min, max and both bounds (inclusive), an undefined metric (null) fails,
// an unbounded profit factor ('Infinity') compares as Infinity, default names describe the
// bounds, and the gate's place in the file is kept for reports.
import { describe, expect, it } from 'vitest';
import { evaluateGate } from './evaluate.ts';
import { gateName, GateSchema, GATE_METRICS } from './schema.ts';

const at = { line: 12, column: 5 };

describe('evaluateGate', () => {
  it('passes inside inclusive bounds and fails outside', () => {
    expect(evaluateGate({ metric: 'trades', min: 5, max: 9 }, { trades: 5 }, at).pass).toBe(true);
    expect(evaluateGate({ metric: 'trades', min: 5, max: 9 }, { trades: 9 }, at).pass).toBe(true);
    expect(evaluateGate({ metric: 'trades', min: 5, max: 9 }, { trades: 10 }, at).pass).toBe(false);
    expect(evaluateGate({ metric: 'maxDrawdown', max: 0.2 }, { maxDrawdown: 0.21 }, at)).toMatchObject({
      pass: false, actual: 0.21, threshold: { max: 0.2 }, line: 12, column: 5, message: 'maxDrawdown must be <= 0.2: actual 0.21',
    });
  });

  it('fails a gate on a metric that is undefined for the run', () => {
    const r = evaluateGate({ metric: 'sharpe', min: 0 }, { sharpe: null }, at);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/undefined for this run/);
  });

  it("compares an unbounded profit factor as Infinity", () => {
    expect(evaluateGate({ metric: 'profitFactor', min: 1.5 }, { profitFactor: 'Infinity' }, at).pass).toBe(true);
    expect(evaluateGate({ metric: 'profitFactor', max: 10 }, { profitFactor: 'Infinity' }, at).pass).toBe(false);
  });
});

describe('gate schema', () => {
  it('names gates by metric and kind of bound unless named: a retuned threshold keeps its name', () => {
    expect(gateName({ metric: 'trades', min: 3, max: 3 })).toBe('trades range');
    expect(gateName({ metric: 'trades', min: 3, max: 8 })).toBe('trades range');
    expect(gateName({ metric: 'sharpe', min: 1 })).toBe('sharpe min');
    expect(gateName({ metric: 'sharpe', min: 2 })).toBe('sharpe min');
    expect(gateName({ metric: 'maxDrawdown', max: 0.2 })).toBe('maxDrawdown max');
    expect(gateName({ metric: 'sharpe', min: 1, name: 'good enough' })).toBe('good enough');
    expect(GateSchema.safeParse({ metric: 'sharpe', min: 1, name: 'a\u0000b' }).success).toBe(false);
  });

  it('needs a bound, and min not above max', () => {
    expect(GateSchema.safeParse({ metric: 'trades' }).success).toBe(false);
    expect(GateSchema.safeParse({ metric: 'trades', min: 3, max: 2 }).success).toBe(false);
  });

  it('offers the engine metrics and the harness metrics', () => {
    for (const m of ['maxDrawdown', 'sharpe', 'tradeCount', 'finalEquity', 'trades', 'fills']) expect(GATE_METRICS).toContain(m);
    expect(GATE_METRICS).toContain('faults.venue-lost-ack');
  });
});
