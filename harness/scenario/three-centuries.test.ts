// Proves that a run longer than 2^53 microseconds (about 285 years) is never lost at the report
// stage: a steadily falling market of 110,000 daily bars (1700-01-01 .. 2001-02-..., generated here
// as a CSV in a temporary folder that the test removes) held long from its second bar runs through
// the CLI to a gate result (exit 0, not the internal error 3), and report.json carries every
// metric: the drawdown's duration in microseconds, which is no exact integer there, is null with a
// 'metric' warning naming it, and its duration in days carries it. Golden numbers come from the
// closed form of the linear fall below, not from the engine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC_DEFINITIONS } from '../../engine/index.ts';
import { cli } from '../cli/cli-helpers.ts';
import { ReportSchema } from '../report/schema.ts';

const BARS = 110_000;
const QUANTITY = 5;
const START_CASH = 100_000;
const DAY_MS = 86_400_000;
const FIRST_DAY_MS = Date.UTC(1700, 0, 1);
/** Close of bar i in cents: 10,000.00 falling by 0.05 a day, so every close is below the last. */
const closeCents = (i: number): number => 1_000_000 - 5 * (i + 1);

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-three-centuries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeMarket(): void {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  for (let i = 0; i < BARS; i++) {
    const open = i === 0 ? 1_000_000 : closeCents(i - 1);
    const date = new Date(FIRST_DAY_MS + i * DAY_MS).toISOString().slice(0, 10);
    rows.push(`${date},${open / 100},${open / 100},${closeCents(i) / 100},${closeCents(i) / 100},1000`);
  }
  writeFileSync(join(dir, 'falling.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'falling.yaml'), `version: 1
name: falling-three-centuries
seed: 1
market:
  csv:
    file: falling.csv
    instrumentId: FALL
    dataType: bar
    priceDecimals: 2
    time: { format: date, column: Date, calendar: UTC_24H }
    columns: { open: Open, high: High, low: Low, close: Close, volume: Volume }
    barInterval: 1d
    badRows: reject
account: { currency: USD, startCash: ${START_CASH} }
stack:
  agents: [{ kind: buy-and-hold, instrument: FALL }]
  allocator: { kind: fixed-quantity, quantity: ${QUANTITY} }
gates:
  - { metric: maxDrawdownDurationDays, min: 100000 }
  - { metric: maxDrawdown, max: 0.3 }
`);
}

describe('a steadily falling market of more than 300 years of daily bars', () => {
  it('runs to a gate result and reports every metric, the one beyond exact integers null with a warning', () => {
    writeMarket();
    const out = join(dir, 'out');
    const r = cli(['run', join(dir, 'falling.yaml'), '--out', out, '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const s = report.scenarios[0]!;
    expect(s.status).toBe('passed');
    expect(s.gates.map((g) => g.pass)).toEqual([true, true]);
    const m = s.metrics!;
    for (const key of Object.keys(METRIC_DEFINITIONS)) expect(m, key).toHaveProperty(key);

    // Bought at bar 1's open (bar 0's close, 9,999.95), held to the last close (4,500.00): the
    // equity peaks at the start and at bar 0 (before the fill), then falls with every bar.
    const fillPrice = closeCents(0) / 100;
    const lastClose = closeCents(BARS - 1) / 100;
    const finalEquity = START_CASH + QUANTITY * (lastClose - fillPrice);
    expect(m.finalEquity).toBeCloseTo(finalEquity, 6);
    expect(m.maxDrawdown).toBeCloseTo((START_CASH - finalEquity) / START_CASH, 12);
    // The longest drawdown runs from bar 0's close (the last mark at the peak) to the last mark.
    const spanDays = BARS - 1;
    expect(spanDays * DAY_MS * 1000).toBeGreaterThan(2 ** 53);
    expect(m.maxDrawdownDurationDays).toBe(spanDays);
    expect(m.maxDrawdownDurationBars).toBe(spanDays);
    expect(m.maxDrawdownDurationUs).toBeNull();
    expect(m.maxDrawdownPeakTimeUs).toBe((FIRST_DAY_MS + DAY_MS) * 1000);
    expect(m.maxDrawdownRecoveryTimeUs).toBeNull();
    // Marks run from bar 0's close; the run starts one bar before it.
    const years = (BARS * DAY_MS) / (365.25 * DAY_MS);
    expect(m.elapsedYears).toBeCloseTo(years, 9);
    expect(m.cagr).toBeCloseTo((finalEquity / START_CASH) ** (1 / years) - 1, 12);
    for (const k of ['volatility', 'sharpe', 'sortino', 'calmar', 'turnover', 'turnoverAnnualised'] as const) expect(m[k], k).not.toBeNull();

    expect(s.warnings).toEqual([{ kind: 'metric', metric: 'maxDrawdownDurationUs', reason: expect.stringContaining(`${spanDays} days`) }]);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('`maxDrawdownDurationUs` is null');
  });
});
