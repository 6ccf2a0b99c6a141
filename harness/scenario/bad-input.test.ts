// Bad input is never an internal error: each case the issue names and each bug class the fuzzer
// (fuzz.test.ts) found is bad input (status 'invalid', exit 2) naming the file, line and field, or
// for a run that leaves the exact number range midway, the instant and the figure.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { REPO } from '../cli/cli-helpers.ts';
import { executeJob } from '../job/job.ts';
import type { ScenarioReport } from '../report/schema.ts';
import { dailyBarsCsvYaml } from './testing/daily-csv.ts';

const dir = tempDir('bad-input');

async function run(name: string, text: string): Promise<ScenarioReport> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return (await executeJob({ file, cwd: REPO, seed: { kind: 'scenario' } })).report;
}

const demo = (over: { account?: string; allocator?: string; venue?: string; market?: string } = {}): string => `version: 1
market:
${over.market ?? '  demo: sp500'}
account: ${over.account ?? '{ currency: USD, startCash: 100000 }'}
stack:
  agents: [{ kind: buy-and-hold, instrument: ${over.market === undefined ? 'SPX' : 'X'} }]
  allocator: ${over.allocator ?? '{ kind: fixed-quantity, quantity: 40 }'}
venue: ${over.venue ?? '{ fees: { bps: 1 } }'}
`;

const csv = dailyBarsCsvYaml;

function expectBadInput(r: ScenarioReport, where: RegExp, message: RegExp): void {
  expect(r.status, JSON.stringify(r.error ?? r.problems)).toBe('invalid');
  expect(r.exitCode).toBe(2);
  const p = r.problems[0]!;
  expect(`${p.file}:${p.line}:${p.column}: ${p.path}`).toMatch(where);
  expect(p.message).toMatch(message);
}

describe('bad input, never an internal error', () => {
  it('a market file that is a folder, a pipe, missing or a name too long for the file system', async () => {
    mkdirSync(join(dir, 'folder.csv'));
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    expectBadInput(await run('folder', demo({ market: csv('folder.csv') })), /folder\.yaml:4:11: market\.csv\.file$/, /is a folder, not a data file/);
    expectBadInput(await run('pipe', demo({ market: csv('pipe.csv') })), /pipe\.yaml:4:11: market\.csv\.file$/, /not a regular file/);
    expectBadInput(await run('missing', demo({ market: csv('missing.csv') })), /missing\.yaml:4:11: market\.csv\.file$/, /file not found/);
    expectBadInput(await run('long', demo({ market: csv('x'.repeat(300)) })), /long\.yaml:4:11: market\.csv\.file$/, /ENAMETOOLONG/);
  });

  it('a start cash beyond the money range, or below one money unit', async () => {
    expectBadInput(await run('cash-big', demo({ account: '{ currency: USD, startCash: 1e20 }' })), /cash-big\.yaml:4:\d+: account\.startCash$/, /does not fit money at 2 decimals/);
    expectBadInput(await run('cash-tiny', demo({ account: '{ currency: USD, startCash: 0.000000000001 }' })), /cash-tiny\.yaml:4:\d+: account\.startCash$/, /less than one money unit/);
  });

  it('a synthetic market running past the last exact time', async () => {
    const r = await run('far', `version: 1
market:
  synthetic: { process: gbm, instrumentId: X, startTimeUs: 1577836800000000, startPrice: 100, count: 200000, volatility: 0.2, output: { type: bar, intervalUs: 86400000000 } }
account: { startCash: 10000 }
stack:
  agents: [{ kind: buy-and-hold, instrument: X }]
  allocator: { kind: fixed-quantity, quantity: 1 }
`);
    expectBadInput(r, /far\.yaml:3:\d+: market\.synthetic\.count$/, /run to about the year \d+, past the last exact time/);
  });

  it('a latency of 1e300 microseconds (found by the fuzzer)', async () => {
    const r = await run('latency', demo({ venue: '{ latency: { model: exponential, meanExtraUs: 1e300 } }' }));
    expectBadInput(r, /latency\.yaml:\d+:\d+: venue\.latency\.meanExtraUs$/, /./);
  });

  it('an account that grows past 2^53 money units midway: the instant and the figure (found by the fuzzer)', async () => {
    const r = await run('huge-position', demo({ allocator: '{ kind: fixed-quantity, quantity: 338362365518 }' }));
    expectBadInput(r, /huge-position\.yaml:1:1: $/, /^the run left the exact number range at 2000-01-04T\d\d:\d\d:\d\d\.\d+Z: money amount: /);
  });

  it('an order-rate limit of 10^12 orders (a ring that size would be gigabytes)', async () => {
    const r = await run('rate', demo().replace('stack:\n', 'stack:\n  risk: { maxOrdersPerWindow: 1000000000000, orderWindowUs: 1000000 }\n'));
    expectBadInput(r, /rate\.yaml:\d+:\d+: stack\.risk\.maxOrdersPerWindow$/, /./);
  });

  it('a fee past 2^53 money units (found by the fuzzer)', async () => {
    const r = await run('fee', demo({ venue: '{ fees: { perUnit: 41422695331000 } }' }));
    expectBadInput(r, /fee\.yaml:1:1: $/, /^the run left the exact number range at .*: fee: /);
  });
});
