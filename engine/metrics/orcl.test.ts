// Proves computeMetrics on a real market: a buy-and-hold of ORCL, 1995..2014 (5036 daily closes),
// matches an independent calculation written here from the textbook formulas, without calling
// any helper of the module. The file is read in place from the shared data folder.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMetrics, periodsPerYear } from './index.ts';
import { join } from 'node:path';
import { sharedMarketDir } from '../testing/shared-data.ts';

const ORCL_CSV = join(sharedMarketDir(), 'orcl-1995-2014.csv');
const DAY_US = 86_400_000_000;
const SESSION_US = 6.5 * 3_600_000_000;

interface Row {
  timeUs: number;
  close: number;
}

/** Date,Open,High,Low,Close,Adj Close,Volume; dates taken as UTC midnight (only differences matter). */
function readCloses(): Row[] {
  const lines = readFileSync(ORCL_CSV, 'utf8').trim().split('\n');
  expect(lines[0]?.trim()).toBe('Date,Open,High,Low,Close,Adj Close,Volume');
  return lines.slice(1).map((line) => {
    const cells = line.trim().split(',');
    const [y, m, d] = (cells[0] ?? '').split('-').map(Number);
    return { timeUs: Date.UTC(y ?? NaN, (m ?? NaN) - 1, d ?? NaN) * 1000, close: Number(cells[4]) };
  });
}

describe('metrics on ORCL buy-and-hold, 1995..2014', () => {
  const rows = readCloses();
  const startCash = 10_000;
  const first = rows[0] as Row;
  // Whole shares bought at the first close; the remainder stays in cash.
  const shares = Math.floor(startCash / first.close);
  const cash = startCash - shares * first.close;
  const times = rows.map((r) => r.timeUs);
  const equity = rows.map((r) => cash + shares * r.close); // equity[0] === startCash
  const last = equity.length - 1;

  // The curve starts at the first close (the purchase); the marks are every later close.
  const curve = { startTimeUs: times[0] as number, startEquity: equity[0] as number, timeUs: times.slice(1), equity: equity.slice(1) };
  const ppy = periodsPerYear({ barIntervalUs: SESSION_US, sessionLengthUs: SESSION_US, sessionsPerYear: 252 });

  // Independent calculation, index 0 being the purchase.
  const rets: number[] = [];
  for (let i = 1; i <= last; i++) rets.push((equity[i] as number) / (equity[i - 1] as number) - 1);
  const n = rets.length;
  const avg = rets.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(rets.reduce((a, r) => a + (r - avg) ** 2, 0) / (n - 1));
  const years = ((times[last] as number) - (times[0] as number)) / (365.25 * DAY_US);
  const total = (equity[last] as number) / (equity[0] as number) - 1;
  const growth = ((equity[last] as number) / (equity[0] as number)) ** (1 / years) - 1;
  const downside = Math.sqrt(rets.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n);

  // Drawdown: running peak, then each underwater run [a, b] is a drawdown from mark a-1 to b+1
  // (or to the last mark when it never recovers).
  const runningMax = equity.map((_, i) => Math.max(...equity.slice(0, i + 1)));
  const depth = equity.map((e, i) => 1 - e / (runningMax[i] as number));
  const mdd = Math.max(...depth);
  let longestUs = 0;
  let longestBars = 0;
  for (let a = 0; a <= last; a++) {
    if (!((equity[a] as number) < (runningMax[a] as number))) continue;
    let b = a;
    while (b + 1 <= last && (equity[b + 1] as number) < (runningMax[b + 1] as number)) b++;
    const end = b + 1 <= last ? b + 1 : last;
    longestUs = Math.max(longestUs, (times[end] as number) - (times[a - 1] as number));
    longestBars = Math.max(longestBars, end - (a - 1));
    a = b;
  }

  const m = computeMetrics({ curve, periodsPerYear: ppy });

  it('reads the whole file and annualises daily bars at 252 a year', () => {
    expect(rows).toHaveLength(5036);
    expect(ppy).toBe(252);
    expect(m.sampleCount).toBe(5035);
  });

  it('matches total return, CAGR, volatility, Sharpe and Sortino', () => {
    expect(m.totalReturn).toBeCloseTo(total, 10);
    expect(m.elapsedYears).toBeCloseTo(years, 12);
    expect(m.cagr).toBeCloseTo(growth, 10);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(252), 10);
    expect(m.sharpe).toBeCloseTo((avg / sd) * Math.sqrt(252), 10);
    expect(m.sortino).toBeCloseTo((avg / downside) * Math.sqrt(252), 10);
  });

  it('matches max drawdown, its duration and Calmar', () => {
    expect(m.maxDrawdown).toBeCloseTo(mdd, 12);
    expect(m.maxDrawdownDurationUs).toBe(longestUs);
    expect(m.maxDrawdownDurationBars).toBe(longestBars);
    expect(m.calmar).toBeCloseTo(growth / mdd, 10);
  });

  it('finds the dot-com drawdown: peak 2000-09-01, trough 2002-06-03, never recovered by 2014', () => {
    // Known from the closes themselves (46.3125 to 7.3125 split-adjusted): a check that both
    // calculations are not wrong the same way.
    expect(m.maxDrawdown).toBeGreaterThan(0.83);
    expect(m.maxDrawdown).toBeLessThan(0.85);
    expect(m.maxDrawdownPeakTimeUs).toBe(Date.UTC(2000, 8, 1) * 1000);
    expect(m.maxDrawdownTroughTimeUs).toBe(Date.UTC(2002, 5, 3) * 1000);
    expect(m.maxDrawdownRecoveryTimeUs).toBeNull();
    expect(m.maxDrawdownDurationUs).toBe(Date.UTC(2014, 11, 31) * 1000 - Date.UTC(2000, 8, 1) * 1000);
  });

  it('matches Sharpe and Sortino with a 2 % risk-free rate, compounded per period', () => {
    const rf = 1.02 ** (1 / 252) - 1;
    const withRf = computeMetrics({ curve, periodsPerYear: ppy, riskFreeRatePerYear: 0.02 });
    expect(withRf.sharpe).toBeCloseTo(((avg - rf) / sd) * Math.sqrt(252), 10);
    expect(withRf.sortino).toBeCloseTo(((avg - rf) / downside) * Math.sqrt(252), 10);
    expect(withRf.volatility).toBe(m.volatility);
  });
});
