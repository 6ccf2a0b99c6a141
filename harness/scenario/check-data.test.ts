// Proves that `gauntlet validate` and `gauntlet run` judge market data alike (issue 9): validate
// reads the whole file, so a bad row near the end fails both; a header-only file is bad input in
// both (never a 0-bar pass); an instrument's tickSize is checked against the file's prices in both.
// Written before the fixes: validate read only the first batch (4096 rows), passed a header-only
// file, and never looked at tickSize. The data is a temp copy of a shared recorded file, the
// scenario a temp YAML file naming it by absolute path.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedMarketDir } from '../../engine/testing/shared-data.ts';
import { cli, tempDir } from '../cli/cli-helpers.ts';
import { checkMarketData } from './check-data.ts';
import { MarketDataError } from './engine-parts.ts';
import { loadScenarioFile, type LoadedScenario } from './load.ts';
import { runScenario } from './run.ts';

const DATA = sharedMarketDir();
/** As `gauntlet validate` calls it. */
const WHOLE = { wholeFile: true } as const;
const dir = tempDir('check-data');

function orclLines(): string[] {
  return readFileSync(join(DATA, 'orcl-1995-2014.csv'), 'utf8').trim().split(/\r?\n/);
}

function indexDayLines(): string[] {
  return readFileSync(join(DATA, 'index-2006-day.csv'), 'utf8').trim().split(/\r?\n/);
}

/** A daily-bars scenario on `csvFile` (absolute), with optional extra top-level YAML. */
function scenario(name: string, csv: { file: string; instrument: string; decimals: number; columns: string; calendar: string }, extra = ''): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, [
    'version: 1',
    `name: ${name}`,
    'market:',
    '  csv:',
    `    file: ${csv.file}`,
    `    instrumentId: ${csv.instrument}`,
    '    dataType: bar',
    `    priceDecimals: ${csv.decimals}`,
    `    time: { format: date, column: Date, calendar: ${csv.calendar} }`,
    `    columns: ${csv.columns}`,
    '    barInterval: 1d',
    '    badRows: reject',
    'account: { startCash: 100000 }',
    'stack:',
    '  agents:',
    `    - { kind: buy-and-hold, instrument: ${csv.instrument} }`,
    extra,
  ].join('\n'));
  return path;
}

const ORCL_COLUMNS = "{ open: Open, high: High, low: Low, close: Close, adjClose: 'Adj Close', volume: Volume }\n    closePrice: close";
const orcl = (name: string, file: string, extra = ''): string =>
  scenario(name, { file, instrument: 'ORCL', decimals: 6, columns: ORCL_COLUMNS, calendar: 'XNYS' }, extra);
const indexDay = (name: string, file: string, extra = ''): string =>
  scenario(name, { file, instrument: 'INDEX', decimals: 2, columns: '{ open: Open, high: High, low: Low, close: Close, volume: Volume }', calendar: 'XETR' }, extra);

function load(path: string): LoadedScenario {
  const r = loadScenarioFile(path, dir);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.loaded;
}

/** The MarketDataError a run fails with (the backtest wraps it as the cause of its own error). */
async function runError(loaded: LoadedScenario): Promise<MarketDataError> {
  let err = await runScenario(loaded, { seed: 1, cwd: dir }).then(() => null, (e: unknown) => e);
  while (err instanceof Error && !(err instanceof MarketDataError)) err = err.cause;
  expect(err).toBeInstanceOf(MarketDataError);
  return err as MarketDataError;
}

describe('validate reads the whole file', () => {
  it('finds a bad row near the end of the file that run would stop at', async () => {
    const lines = orclLines();
    const n = 5000; // past the first 4096-row batch
    const f = (lines[n - 1] ?? '').split(',');
    f[4] = 'x';
    lines[n - 1] = f.join(',');
    const file = join(dir, 'orcl-late-bad.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const loaded = load(orcl('late-bad', file));
    const problems = await checkMarketData(loaded, dir, WHOLE);
    expect(problems.map((p) => p.message)).toEqual([`orcl-late-bad.csv:${n}: column Close: not-a-number: 'x' is not a decimal number`]);
    expect((await runError(loaded)).issue).toMatchObject({ line: n, reason: 'not-a-number' });
    const r = cli(['validate', loaded.absPath]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain(`orcl-late-bad.csv:${n}: column Close: not-a-number`);
  });

  it('reports bytes read against the file size as it goes, ending at the whole file', async () => {
    const file = join(DATA, 'orcl-1995-2014.csv');
    const seen: [number, number][] = [];
    const problems = await checkMarketData(load(orcl('progress', file)), dir, { ...WHOLE, onBytes: (read, total) => seen.push([read, total]) });
    expect(problems).toEqual([]);
    const size = statSync(file).size;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(([, total]) => total === size)).toBe(true);
    expect(seen.at(-1)?.[0]).toBe(size);
  });
});

describe('a data file with no rows is bad input', () => {
  it('validate and run both refuse a header-only file, naming it', async () => {
    const file = join(dir, 'orcl-header-only.csv');
    writeFileSync(file, `${orclLines()[0]}\n`);
    const loaded = load(orcl('header-only', file));
    const problems = await checkMarketData(loaded, dir, WHOLE);
    expect(problems.map((p) => p.message)).toEqual(['orcl-header-only.csv:1: no-rows: the file has a header but no data rows']);
    expect((await runError(loaded)).issue).toMatchObject({ line: 1, reason: 'no-rows' });
  });

  it('gauntlet run exits 2 on it and says so', () => {
    const file = join(dir, 'orcl-header-only-cli.csv');
    writeFileSync(file, `${orclLines()[0]}\n`);
    const r = cli(['run', orcl('header-only-cli', file), '--out', tempDir('header-only-out')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain('no-rows: the file has a header but no data rows');
  });
});

describe("prices against the instrument's tickSize", () => {
  const instruments = (tick: number): string =>
    `instruments:\n  - { id: INDEX, kind: future, priceDecimals: 2, tickSize: ${tick}, multiplier: 10, marginPerContract: 1000 }`;

  it('a price off the declared tick grid is a bad row in validate and run', async () => {
    // The recorded index is on a 0.01 grid; 3578.73 (line 2's Open) is not a multiple of 0.05.
    const loaded = load(indexDay('tick-005', join(DATA, 'index-2006-day.csv'), instruments(0.05)));
    const problems = await checkMarketData(loaded, dir, WHOLE);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/index-2006-day\.csv:2: column Open: off-tick: '3578\.73' is not a multiple of the tick size 0\.05$/);
    expect((await runError(loaded)).issue).toMatchObject({ line: 2, column: 'Open', reason: 'off-tick' });
  });

  it('prices on the grid pass', async () => {
    // Every price rounded to a multiple of 0.05 (and the bar kept consistent: rounding is monotonic).
    const lines = indexDayLines().map((l, i) => (i === 0 ? l : l.split(',').map((v, k) => (k >= 1 && k <= 4 ? (Math.round(Number(v) * 20) / 20).toFixed(2) : v)).join(',')));
    const file = join(dir, 'index-005.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(await checkMarketData(load(indexDay('tick-005-ok', file, instruments(0.05))), dir, WHOLE)).toEqual([]);
    expect(await checkMarketData(load(indexDay('tick-001', join(DATA, 'index-2006-day.csv'), instruments(0.01))), dir, WHOLE)).toEqual([]);
  });
});
