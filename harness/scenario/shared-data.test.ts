// Proves that a user can write, in YAML alone, the futures SMA(15) crossover of the engine core on
// the recorded ../shared/data/market/index-2006-day.csv (read in place) and read its fills and final
// equity in report.json: the CLI's report is checked against an independent calculation written
// here (plain floats, a hand-written CSV parse: signal at a close, fill at the next open, 2.00 per
// contract per side, multiplier 10) and against runBacktest called directly. Also: the recorded
// FX quotes' bad rows are reported as warnings with their file and line. Where the data is not at
// ../shared (a clone elsewhere), the fixture is copied with the data's absolute path: never skipped.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { sharedMarketDir } from '../../engine/testing/shared-data.ts';
import { describe, expect, it } from 'vitest';
import {
  createAgent, createAllocator, openCsvSource, ReferenceStack, RiskEngine, runBacktest, toMoney,
} from './engine-parts.ts';
import { cli, readFills, REPO, tempDir } from '../cli/cli-helpers.ts';
import { ReportSchema } from '../report/schema.ts';
import { loadScenarioFile } from './load.ts';

const DATA = sharedMarketDir();

/** The fixture itself when its relative data path resolves; else a copy pointing at DATA. */
function fixture(name: string): string {
  const path = `harness/scenario/fixtures/${name}`;
  if (existsSync(join(REPO, dirname(path), '../../../../shared/data/market'))) return path;
  const copy = join(tempDir('fixture'), name);
  writeFileSync(copy, readFileSync(join(REPO, path), 'utf8').replaceAll('../../../../shared/data/market', DATA));
  return copy;
}
/** How the report names a data file: relative to the working directory of the CLI (the repo). */
const reported = (file: string): string => relative(REPO, join(DATA, file));
const FIXTURE = fixture('futures-index-2006.yaml');

function independent(): { fills: { date: string; side: 'buy' | 'sell'; price: number }[]; equity: number; fees: number } {
  const [header, ...lines] = readFileSync(join(DATA, 'index-2006-day.csv'), 'utf8').trim().split(/\r?\n/);
  const names = header!.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])))
    .map((r) => ({ date: r.Date!, open: Number(r.Open), close: Number(r.Close) }));
  const n = 15;
  const sma = rows.map((_, i) => (i + 1 < n ? Number.NaN : rows.slice(i + 1 - n, i + 1).reduce((a, r) => a + r.close, 0) / n));
  const fills: { date: string; side: 'buy' | 'sell'; price: number }[] = [];
  let long = false;
  for (let t = n; t + 1 < rows.length; t++) {
    const up = rows[t - 1]!.close <= sma[t - 1]! && rows[t]!.close > sma[t]!;
    const down = rows[t - 1]!.close >= sma[t - 1]! && rows[t]!.close < sma[t]!;
    const next = rows[t + 1]!;
    if (up && !long) { long = true; fills.push({ date: next.date, side: 'buy', price: next.open }); }
    else if (down && long) { long = false; fills.push({ date: next.date, side: 'sell', price: next.open }); }
  }
  let realized = 0;
  for (let i = 0; i + 1 < fills.length; i += 2) realized += (fills[i + 1]!.price - fills[i]!.price) * 10;
  const open = fills.length % 2 === 1 ? fills[fills.length - 1]!.price : null;
  const unrealized = open === null ? 0 : (rows[rows.length - 1]!.close - open) * 10;
  const fees = fills.length * 2;
  return { fills, equity: 10_000 + realized + unrealized - fees, fees };
}

describe('scenarios on the shared recorded data (read in place)', () => {
  it('the futures SMA(15) crossover written in YAML: report.json fills and final equity match an independent calculation', async () => {
    const out = tempDir('futures');
    const r = cli(['run', FIXTURE, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).scenarios[0]!;
    const expected = independent();
    expect(expected.fills.length).toBeGreaterThan(4);
    const fills = readFills(out, s);
    expect(fills.map((f) => ({ date: f.time.slice(0, 10), side: f.side, price: f.price }))).toEqual(expected.fills);
    expect(fills.every((f) => f.quantity === 1 && f.fee === 2 && f.instrument === 'INDEX')).toBe(true);
    expect(s.metrics!.finalEquity).toBeCloseTo(expected.equity, 6);
    expect(s.final!.equity).toBeCloseTo(expected.equity, 6);
    expect(s.metrics!.fees).toBe(expected.fees);
    expect(s.marketData).toEqual([{ file: reported('index-2006-day.csv'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    // The same run through the engine's API directly gives the same fingerprint and equity.
    const loaded = loadScenarioFile(FIXTURE, REPO);
    if (!loaded.ok) throw new Error('fixture invalid');
    const sc = loaded.loaded.scenario;
    const direct = await runBacktest({
      seed: sc.seed, instruments: sc.instruments!, account: { currency: 'USD', startCash: 10_000 },
      sources: [openCsvSource(sc.market.csv!, { baseDir: loaded.loaded.dir })],
      stack: () => new ReferenceStack({
        agents: sc.stack.agents!.map((a) => createAgent(a)), allocator: createAllocator(sc.stack.allocator), risk: new RiskEngine(sc.stack.risk),
        execution: sc.stack.execution, account: { moneyDecimals: 2, startCash: toMoney(10_000, 2) },
      }),
      fees: { perUnit: 2 },
    });
    expect(direct.final.equity / 100).toBeCloseTo(expected.equity, 6);
    expect(direct.fingerprint).toBe(s.fingerprint);
    expect(direct.fills.length).toBe(fills.length);
  });

  it("the recorded FX quotes' bad rows become warnings with file and line", () => {
    const out = tempDir('fx');
    const r = cli(['run', fixture('fx-2010-bidask.yaml'), '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).scenarios[0]!;
    const badRows = s.warnings.filter((w) => w.kind === 'bad-row');
    expect(badRows.length).toBeGreaterThan(0);
    for (const w of badRows) {
      expect(w).toMatchObject({ file: reported('fx-2010-bidask.csv'), action: 'skipped' });
      expect(w.line).toBeGreaterThan(1);
    }
    // Quotes have no bar interval: the metrics are annualised from the marks seen, and say so.
    expect(s.warnings.filter((w) => w.kind !== 'bad-row').map((w) => w.kind)).toEqual(['annualisation']);
  });
});
