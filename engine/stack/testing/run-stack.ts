/**
 * Test support: runs a stack through the real backtest (runBacktest: kernel, venue, ledger,
 * journal) on a hand-made bar series, checking the ledger identity after every event, and hands
 * back the decoded journal. Not part of the engine's public surface; the stack's end-to-end
 * tests and docs/plug-in.md's example use it.
 */
import type { JournalRecord } from '../../kernel/journal-view.ts';
import { US_PER_HOUR, utcTimeUs } from '../../kernel/time.ts';
import type { InstrumentConfig } from '../../instruments/instrument.ts';
import { toMoney } from '../../instruments/money.ts';
import { arraySource, type BarRow } from '../../market/array-source.ts';
import type { SessionCalendar } from '../../market/calendar.ts';
import { runBacktest, type BacktestParams, type BacktestResult } from '../../backtest/backtest.ts';
import type { TradingStack } from '../types.ts';
import { JournalCollector, withEnv } from './test-kit.ts';

export const RUN_START_US = utcTimeUs(2024, 1, 2);

/**
 * Bars of `barUs` from `startUs`, back to back unless `gapUs` separates them; each opens at the
 * previous close's price (the first at its own close).
 */
export function barsFromCloses(closes: readonly number[], barUs = US_PER_HOUR, startUs = RUN_START_US, gapUs = 0): BarRow[] {
  return closes.map((c, i) => {
    const open = closes[i - 1] ?? c;
    const openTimeUs = startUs + i * (barUs + gapUs);
    return { openTimeUs, closeTimeUs: openTimeUs + barUs, open, high: Math.max(open, c), low: Math.min(open, c), close: c };
  });
}

/**
 * A deterministic wavy walk of `n` integer closes from 1000: a sine of period `2 * pi * wave` bars
 * plus seeded noise in [-10, 10], floored at 100, so that agents trade several times both ways.
 */
export function wavyCloses(n: number, p: { seed: number; wave: number }): number[] {
  const out: number[] = [];
  let x = 1000;
  let seed = p.seed;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    x = Math.max(100, Math.round(x + 25 * Math.sin(i / p.wave) + ((seed % 21) - 10)));
    out.push(x);
  }
  return out;
}

export interface RunStackParams {
  closes: readonly number[];
  stack: TradingStack;
  /**
   * Builds the stack instead of `stack` (runs with crashes build one per restart). Used as it
   * is: the engine's own StackEnv gives it the account and calendar.
   */
  make?: () => TradingStack;
  instrument?: InstrumentConfig;
  startCash?: number;
  barUs?: number;
  /** Time between one bar's close and the next one's open (default 0: back to back). */
  gapUs?: number;
  calendar?: SessionCalendar;
  /** Gives the stack its account through StackEnv (default true, as backtest.ts does); false strips it. */
  envAccount?: boolean;
  /** Called after every market event, before the stack sees it (e.g. to press the kill switch). */
  onEvent?: (timeUs: number) => void;
  extra?: Partial<BacktestParams>;
}

export interface StackRun {
  result: BacktestResult;
  records: JournalRecord[];
  identityFailures: string[];
}

export const DEFAULT_INSTRUMENT: InstrumentConfig = { id: 'X', kind: 'equity', priceDecimals: 0 };

export async function runStack(p: RunStackParams): Promise<StackRun> {
  const instrument = p.instrument ?? DEFAULT_INSTRUMENT;
  const startCash = p.startCash ?? 10_000;
  const sink = new JournalCollector();
  const identityFailures: string[] = [];
  const priceDecimals = instrument.priceDecimals;
  const stack = p.envAccount === false ? withEnv(p.stack, { account: undefined }) : withEnv(p.stack, {
    account: { currency: 'USD', moneyDecimals: 2, startCash: toMoney(startCash, 2) },
    ...(p.calendar ? { calendar: p.calendar } : {}),
  });
  const result = await runBacktest({
    seed: 7,
    instruments: [instrument],
    account: { currency: 'USD', startCash },
    sources: [arraySource({ instrumentId: instrument.id, priceDecimals, barIntervalUs: p.barUs ?? US_PER_HOUR }, { type: 'bar', rows: barsFromCloses(p.closes, p.barUs, RUN_START_US, p.gapUs) })],
    stack: p.make ?? (() => stack),
    journalSink: sink,
    afterEvent: ({ ledger, timeUs }) => {
      const e = ledger.checkIdentity();
      if (e !== null) identityFailures.push(`${timeUs}: ${e}`);
      p.onEvent?.(timeUs);
    },
    ...(p.calendar ? { calendar: p.calendar } : {}),
    ...p.extra,
  });
  return { result, records: sink.records(), identityFailures };
}

/** Index of the bar whose close is at `timeUs` in a run started at RUN_START_US. */
export function barAtClose(timeUs: number, barUs = US_PER_HOUR): number {
  return (timeUs - RUN_START_US) / barUs - 1;
}

/** Index of the bar whose open is at `timeUs`. */
export function barAtOpen(timeUs: number, barUs = US_PER_HOUR): number {
  return (timeUs - RUN_START_US) / barUs;
}

/**
 * A zig-zag walk of hourly bars in raw cents from `startUs`, `gapUs` apart (close to next open):
 * enough crossings for an SMA(5) to trade often. Deterministic, no RNG.
 */
export function zigzagBars(n: number, startUs: number, gapUs = 0): BarRow[] {
  const rows: BarRow[] = [];
  let price = 100_00;
  for (let i = 0; i < n; i++) {
    const open = price;
    price += Math.round(Math.sin(i / 3) * 150 + Math.cos(i / 7) * 90);
    const openTimeUs = startUs + i * (US_PER_HOUR + gapUs);
    rows.push({ openTimeUs, closeTimeUs: openTimeUs + US_PER_HOUR, open, high: Math.max(open, price) + 10, low: Math.min(open, price) - 10, close: price, volume: 100 + i });
  }
  return rows;
}
