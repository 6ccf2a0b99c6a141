// Exposure metrics from the run's gross exposure at each equity mark, against a calculation by
// hand on a five-bar market: buy and hold 10 units, filled at the second bar's open.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { loadScenarioFile } from './load.ts';
import { runScenario } from './run.ts';
import { dailyBarsCsvYaml } from './testing/daily-csv.ts';

const bars = [
  { date: '2021-01-04', open: 100, close: 100 },
  { date: '2021-01-05', open: 101, close: 110 },
  { date: '2021-01-06', open: 109, close: 90 },
  { date: '2021-01-07', open: 91, close: 120 },
  { date: '2021-01-08', open: 119, close: 100 },
];

function scenario(dir: string, agent: string): string {
  writeFileSync(join(dir, 'bars.csv'), `date,open,high,low,close\n${bars.map((b) => `${b.date},${b.open},${Math.max(b.open, b.close)},${Math.min(b.open, b.close)},${b.close}`).join('\n')}\n`);
  const file = join(dir, `${agent}.yaml`);
  writeFileSync(file, `version: 1
market:
${dailyBarsCsvYaml('bars.csv')}
account: { currency: USD, startCash: 10000 }
stack:
  agents: [{ kind: ${agent}, instrument: X }]
  allocator: { kind: fixed-quantity, quantity: 10 }
`);
  return file;
}

describe('exposure metrics', () => {
  it('equal a calculation by hand: marks in the market, mean gross exposure over equity', async () => {
    const dir = tempDir('exposure');
    const r = loadScenarioFile(scenario(dir, 'buy-and-hold'), dir);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const run = await runScenario(r.loaded, { seed: 1, cwd: dir });
    // The signal at the first close fills at the second open (101); from then on 10 units are held.
    const cash = 10_000 - 10 * 101;
    const ratios = bars.map((b, i) => (i === 0 ? 0 : (10 * b.close) / (cash + 10 * b.close)));
    expect(run.metrics.exposure).toBe(4 / 5);
    expect(run.metrics.averageGrossExposure).toBeCloseTo(ratios.reduce((a, x) => a + x, 0) / 5, 12);
    expect(run.warnings).toEqual([]);
  });
});
