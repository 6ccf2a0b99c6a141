// Proves the exposure metrics of a scenario run against an independent calculation: the built-in
// S&P 500 SMA(50) crossover (10 units, long only) is replayed here from the demo CSV's closes and
// the report's fills alone (plain floats: a fill on a bar's date is at that bar's open, before its
// close; cash moves by each fill's notional and fee; the position is marked at each close), and
// `exposure` (the fraction of closes with a position) and `averageGrossExposure` (the mean of
// |position * close| / equity) must match what runScenario reports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/cli-helpers.ts';
import { demoSp500Path } from './engine-parts.ts';
import { loadScenarioFile } from './load.ts';
import { runScenario } from './run.ts';

describe('exposure metrics', () => {
  it('on the S&P 500 SMA crossover, match a replay of the fills over the closes', async () => {
    const loaded = loadScenarioFile(join(REPO, 'scenarios', 'demo-sp500-sma-crossover.yaml'), REPO);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
    const run = await runScenario(loaded.loaded, { seed: loaded.loaded.scenario.seed });

    const [header, ...lines] = readFileSync(demoSp500Path(), 'utf8').trim().split(/\r?\n/);
    const names = header!.split(',');
    const bars = lines.map((l) => {
      const cells = l.split(',');
      return { date: cells[names.indexOf('date')]!, close: Number(cells[names.indexOf('close')]) };
    });
    const fillsByDate = new Map<string, typeof run.fills>();
    for (const f of run.fills) fillsByDate.set(f.time.slice(0, 10), [...(fillsByDate.get(f.time.slice(0, 10)) ?? []), f]);

    let cash = run.account.startCash;
    let position = 0;
    let inMarket = 0;
    let grossSum = 0;
    let matched = 0;
    for (const bar of bars) {
      for (const f of fillsByDate.get(bar.date) ?? []) {
        matched++;
        const sign = f.side === 'buy' ? 1 : -1;
        position += sign * f.quantity;
        cash -= sign * f.notional + f.fee;
      }
      const value = position * bar.close;
      const equity = cash + value;
      if (position !== 0) inMarket++;
      grossSum += Math.abs(value) / equity;
    }
    expect(matched).toBe(run.fills.length); // every fill fell on a bar's date
    expect(run.metrics.sampleCount).toBe(bars.length);
    expect(run.metrics.exposure).toBe(inMarket / bars.length);
    // Independent floats against the ledger's whole cents: equal to about 1e-7 relative.
    expect(run.metrics.averageGrossExposure).toBeCloseTo(grossSum / bars.length, 7);
    expect(inMarket).toBeGreaterThan(bars.length / 4);
  });
});
