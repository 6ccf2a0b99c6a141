/**
 * Declared mappings for the recorded market files the project's tests read in place
 * (../shared/data/market/, see its README) and for the demo data shipped in the vega-datasets
 * npm package. No file records its time zone; every zone and calendar below is declared here,
 * and the ones that are assumptions say so.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BarMapping, QuoteMapping, TradeMapping } from './mapping.ts';
import { BarMappingSchema, QuoteMappingSchema, TradeMappingSchema } from './mapping.ts';

export type StockClose = 'close' | 'adjClose';

export interface SharedMappingOptions {
  /**
   * Which close the daily stock files (orcl, nvda, yhoo) carry: 'close' (split-adjusted, as
   * Yahoo's Close column) or 'adjClose' (also dividend-adjusted: O/H/L scaled by AdjClose/Close).
   */
  readonly stockClose: StockClose;
}

export const SHARED_FILES = {
  orcl: 'orcl-1995-2014.csv',
  nvda: 'nvda-1999-2014.csv',
  yhoo: 'yhoo-1996-2014.csv',
  indexDay: 'index-2006-day.csv',
  indexM5: 'index-2006-m5.csv',
  indexTicks: 'index-2015-ticks.csv',
  fxBidAsk: 'fx-2010-bidask.csv',
  eurusdH1: 'eurusd-2017-h1.csv',
} as const;
export type SharedFileKey = keyof typeof SHARED_FILES;

/** One mapping per shared file, typed by its data type. */
export interface SharedMappings {
  readonly orcl: BarMapping;
  readonly nvda: BarMapping;
  readonly yhoo: BarMapping;
  readonly indexDay: BarMapping;
  readonly indexM5: BarMapping;
  readonly indexTicks: TradeMapping;
  readonly fxBidAsk: QuoteMapping;
  readonly eurusdH1: BarMapping;
}

function stock(dataDir: string, key: 'orcl' | 'nvda' | 'yhoo', instrumentId: string, close: StockClose): BarMapping {
  return BarMappingSchema.parse({
    file: join(dataDir, SHARED_FILES[key]), instrumentId, dataType: 'bar', priceDecimals: 6,
    // Yahoo's daily bars are regular NYSE/Nasdaq sessions: 09:30-16:00 New York.
    time: { format: 'date', column: 'Date', calendar: 'XNYS' },
    columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', adjClose: 'Adj Close', volume: 'Volume' },
    closePrice: close, barInterval: '1d', badRows: 'reject',
    // Above the largest genuine daily move in these files (YHOO: 48%), below a decimal slip (x10, /10).
    maxJumpPct: 60,
  });
}

/** Mappings for every file in the shared data folder `dataDir`, keyed by SHARED_FILES. */
export function sharedMarketMappings(dataDir: string, options: SharedMappingOptions): SharedMappings {
  const file = (key: SharedFileKey): string => join(dataDir, SHARED_FILES[key]);
  return {
    orcl: stock(dataDir, 'orcl', 'ORCL', options.stockClose),
    nvda: stock(dataDir, 'nvda', 'NVDA', options.stockClose),
    yhoo: stock(dataDir, 'yhoo', 'YHOO', options.stockClose),
    // ASSUMPTION: the index is a European one (2006-01-02 trades; the 5-minute bars run 09:05..17:30),
    // so its sessions are taken as Xetra hours, 09:00-17:30 Europe/Berlin.
    indexDay: BarMappingSchema.parse({
      file: file('indexDay'), instrumentId: 'INDEX', dataType: 'bar', priceDecimals: 2,
      time: { format: 'date', column: 'Date', calendar: 'XETR' },
      columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' },
      barInterval: '1d', badRows: 'reject', maxJumpPct: 10,
    }),
    // ASSUMPTION: local Frankfurt time, like the daily file. A row stamped 09:05 is the bar
    // 09:00-09:05 (the first stamp of each day is 09:05 and the last 17:30: stamps mark closes).
    indexM5: BarMappingSchema.parse({
      file: file('indexM5'), instrumentId: 'INDEX', dataType: 'bar', priceDecimals: 2,
      time: { format: 'date+time', dateColumn: 'Date', timeColumn: 'Time', timeZone: 'Europe/Berlin' },
      columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' },
      barInterval: '5m', timestampMarks: 'close', badRows: 'reject', maxJumpPct: 5,
    }),
    // ASSUMPTION: UTC (20:57..21:00 is inside Eurex futures hours in either UTC or Frankfurt time).
    // Each row is one trade: price = Close, size = Volume; rows may share a millisecond.
    indexTicks: TradeMappingSchema.parse({
      file: file('indexTicks'), instrumentId: 'INDEX-FUT', dataType: 'trade', priceDecimals: 2,
      time: { format: 'iso', column: 'Datetime', timeZone: 'UTC' },
      columns: { price: 'Close', size: 'Volume' },
      badRows: 'reject', maxJumpPct: 2,
    }),
    // ASSUMPTION: UTC. The file is noisy on purpose, so it is skipped-and-reported, not rejected:
    // mids that move more than 3% from the last accepted quote (the README's 3-9% spikes) and
    // spreads above 1% of mid (the 16:53:54 quote, 4.1%) are bad rows.
    fxBidAsk: QuoteMappingSchema.parse({
      file: file('fxBidAsk'), instrumentId: 'FX', dataType: 'quote', priceDecimals: 4,
      time: { format: 'mdy', column: 'TIMESTAMP', timeZone: 'UTC' },
      columns: { bid: 'BID', ask: 'ASK' },
      badRows: 'skip', maxJumpPct: 3, maxSpreadPct: 1,
    }),
    // UTC, timestamps mark the bar's OPEN: each week's first bar is stamped Sunday 21:00 (summer)
    // or 22:00 (winter) and its last Friday 20:00 or 21:00 -- the FX week, 17:00-17:00 New York,
    // in UTC, if and only if a stamp is the hour the bar opens.
    eurusdH1: BarMappingSchema.parse({
      file: file('eurusdH1'), instrumentId: 'EURUSD', dataType: 'bar', priceDecimals: 5,
      time: { format: 'datetime', column: 1, timeZone: 'UTC' },
      columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' },
      barInterval: '1h', timestampMarks: 'open', badRows: 'reject', maxJumpPct: 5,
    }),
  };
}

/** Absolute path of vega-datasets' data/sp500-2000.csv (S&P 500 daily, 2000-01-03 .. 2020-04-17). */
export function demoSp500Path(): string {
  // The package exports only its entry (build/index.js), not package.json or data/: resolve the
  // entry and walk up to the package root.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(dirname(entry)), 'data', 'sp500-2000.csv');
}

/** Mapping of the demo S&P 500 file: daily NYSE sessions, 6 decimals, the unadjusted close. */
export function demoSp500Mapping(): BarMapping {
  return BarMappingSchema.parse({
    file: demoSp500Path(), instrumentId: 'SPX', dataType: 'bar', priceDecimals: 6,
    time: { format: 'date', column: 'date', calendar: 'XNYS' },
    columns: { open: 'open', high: 'high', low: 'low', close: 'close', adjClose: 'adjclose', volume: 'volume' },
    closePrice: 'close', barInterval: '1d', badRows: 'reject',
    // Above the largest genuine daily move in the file (12%, March 2020).
    maxJumpPct: 25,
  });
}
