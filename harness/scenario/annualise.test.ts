// Proves that annualisation never assumes a market's hours silently (issue 9). The recorded
// 5-minute index bars of January 2006 (Frankfurt hours, 09:00-17:30) declared with a time zone
// only were annualised as a 24/7 market: 288 bars a day, 365 days a year, instead of 102 bars on
// 252 sessions, which multiplies Sharpe by sqrt(105120 / 25704) = 2.02. The scenario report must
// now carry a warning naming the assumption, and declaring the calendar (or periodsPerYear, or
// UTC_24H itself) silences it. Ticks, annualised from the marks observed, get a warning too.
// Written before the fix: no scenario had any warning but bad rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedMarketDir } from '../../engine/testing/shared-data.ts';
import { tempDir } from '../cli/cli-helpers.ts';
import { ScenarioReportSchema } from '../report/schema.ts';
import { loadScenarioFile } from './load.ts';
import { runScenario, type ScenarioRunResult } from './run.ts';

const DATA = sharedMarketDir();
const dir = tempDir('annualise');

function m5Scenario(name: string, extra: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `version: 1
name: ${name}
market:
  csv:
    file: ${join(DATA, 'index-2006-m5.csv')}
    instrumentId: INDEX
    dataType: bar
    priceDecimals: 2
    time: { format: date+time, dateColumn: Date, timeColumn: Time, timeZone: Europe/Berlin }
    columns: { open: Open, high: High, low: Low, close: Close, volume: Volume }
    barInterval: 5m
    timestampMarks: close
    badRows: reject
account: { startCash: 100000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: INDEX, period: 20 }
  allocator: { kind: fixed-quantity, quantity: 1 }
${extra}
`);
  return path;
}

async function run(path: string): Promise<ScenarioRunResult> {
  const r = loadScenarioFile(path, dir);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return runScenario(r.loaded, { seed: 1, cwd: dir });
}

const annualisationWarnings = (r: ScenarioRunResult): unknown[] => r.warnings.filter((w) => w.kind === 'annualisation');

// Periods a year, computed here: 5-minute bars, 24 h x 365 days, against Xetra's 8.5 h x 252 sessions.
const PPY_24_7 = (24 * 12) * 365;
const PPY_XETR = (8.5 * 12) * 252;

describe('annualisation with no calendar to go by', () => {
  it('intraday bars with a time zone only: a warning names the 24/7 assumption and how to declare', async () => {
    const r = await run(m5Scenario('m5-no-calendar', ''));
    expect(annualisationWarnings(r)).toEqual([{
      kind: 'annualisation', basis: 'default-calendar', periodsPerYear: PPY_24_7,
      message: expect.stringMatching(/^annualised as a market open 24 hours a day, 365 days a year \(105120 periods a year\): the scenario declares no calendar\. Declare `calendar:` .*or `metrics\.periodsPerYear`/) as unknown,
    }]);
    // The warning is a valid report.json warning.
    expect(ScenarioReportSchema.shape.warnings.safeParse(r.warnings).success).toBe(true);
  });

  it('declaring the calendar silences it, and shows what the assumption did to Sharpe', async () => {
    const assumed = await run(m5Scenario('m5-assumed', ''));
    const xetr = await run(m5Scenario('m5-xetr', 'calendar: XETR'));
    expect(annualisationWarnings(xetr)).toEqual([]);
    const [a, x] = [assumed.metrics.sharpe, xetr.metrics.sharpe];
    expect(typeof a === 'number' && typeof x === 'number' && x !== 0).toBe(true);
    expect((a as number) / (x as number)).toBeCloseTo(Math.sqrt(PPY_24_7 / PPY_XETR), 6);
  });

  it('declaring UTC_24H or periodsPerYear is a declaration: no warning', async () => {
    expect(annualisationWarnings(await run(m5Scenario('m5-utc', 'calendar: UTC_24H')))).toEqual([]);
    expect(annualisationWarnings(await run(m5Scenario('m5-ppy', `metrics: { periodsPerYear: ${PPY_XETR} }`)))).toEqual([]);
  });

  it('ticks annualised from the marks observed get a warning naming that extrapolation', async () => {
    const path = join(dir, 'ticks.yaml');
    writeFileSync(path, `version: 1
name: ticks
calendar: XETR
market:
  csv:
    file: ${join(DATA, 'index-2015-ticks.csv')}
    instrumentId: INDEXFUT
    dataType: trade
    priceDecimals: 2
    time: { format: iso, column: Datetime, timeZone: UTC }
    columns: { price: Close, size: Volume }
    badRows: reject
account: { startCash: 100000 }
stack:
  agents:
    - { kind: buy-and-hold, instrument: INDEXFUT }
`);
    const w = annualisationWarnings(await run(path));
    expect(w).toEqual([{
      kind: 'annualisation', basis: 'observed-marks', periodsPerYear: expect.any(Number) as unknown,
      message: expect.stringMatching(/^annualised from the \d+ equity marks observed over .* extrapolated to a 365\.25-day year/) as unknown,
    }]);
  });
});
