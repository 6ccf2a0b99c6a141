// Never die at the report stage: a steadily falling market of 320 years of daily bars (1700 to
// 2020, read from a CSV) runs to its end and reports every figure; the one figure that does not
// fit (the drawdown's span in exact microseconds, past 2^53) is null with a warning naming it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli/cli-helpers.ts';
import { ReportSchema } from '../report/schema.ts';

describe('a 320-year falling market', () => {
  it('reports every figure, and names the one it cannot represent', () => {
    const dir = tempDir('long-market');
    const rows = ['date,open,high,low,close'];
    let price = 1_000_000;
    const endMs = Date.UTC(2021, 0, 1);
    for (let t = Date.UTC(1700, 0, 1); t < endMs; t += 86_400_000) {
      const open = price;
      price = Math.max(1, Math.round(price * 0.99995 * 100) / 100);
      rows.push(`${new Date(t).toISOString().slice(0, 10)},${open.toFixed(2)},${open.toFixed(2)},${price.toFixed(2)},${price.toFixed(2)}`);
    }
    writeFileSync(join(dir, 'fall.csv'), `${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'fall.yaml'), `version: 1
name: falling-320-years
market:
  csv:
    file: fall.csv
    instrumentId: X
    dataType: bar
    priceDecimals: 2
    time: { format: date, column: date, calendar: UTC_24H }
    columns: { open: open, high: high, low: low, close: close }
    barInterval: 1d
    badRows: reject
account: { currency: USD, startCash: 100000000 }
stack:
  agents: [{ kind: buy-and-hold, instrument: X }]
  allocator: { kind: fixed-quantity, quantity: 10 }
gates:
  - { metric: maxDrawdown, max: 0.5 }
  - { metric: maxDrawdownDurationDays, min: 117000 }
`);
    const out = join(dir, 'out');
    const r = cli(['run', join(dir, 'fall.yaml'), '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).scenarios[0]!;
    expect(s.status).toBe('passed');
    const m = s.metrics!;
    const nulls = Object.entries(m).filter(([, v]) => v === null).map(([k]) => k);
    // Null: the figure past 2^53, and what a buy-and-hold never has (closed trades, a recovery).
    expect(nulls).toContain('maxDrawdownDurationUs');
    expect(nulls.filter((k) => !['maxDrawdownDurationUs', 'maxDrawdownRecoveryTimeUs', 'winRate', 'profitFactor', 'averageWin', 'averageLoss', 'averageTradePnl'].includes(k))).toEqual([]);
    expect(m.maxDrawdownDurationDays).toBeGreaterThan(320 * 365);
    expect(m.elapsedYears).toBeGreaterThan(320);
    expect(s.warnings).toEqual([{ kind: 'metric', metric: 'maxDrawdownDurationUs', reason: expect.stringContaining('beyond 2^53 microseconds') }]);
    expect(r.stdout).toContain('warning: maxDrawdownDurationUs is null');
  });
});
