/**
 * Builds a mapping's row sink against a file's header (the CSV's first line, a Parquet file's
 * column names): each declared column resolved by name or 1-based position, or a header error.
 */
import type { MarketBatch } from '../types.ts';
import type { IssueLog } from './issues.ts';
import type { CsvMapping } from './mapping.ts';
import { barIntervalUs } from './mapping.ts';
import type { RowSink } from './rows.ts';
import { BarSink, QuoteSink, TradeSink } from './rows.ts';
import type { Column } from './time-reader.ts';
import { TimeReader } from './time-reader.ts';

export function sinkForHeader(mapping: CsvMapping, header: readonly string[], log: IssueLog, tickSizeRaw: number, capacity: number): RowSink<MarketBatch> {
  const m = mapping;
  const resolve = (ref: string | number): Column => {
    if (typeof ref === 'number') {
      if (ref > header.length) throw log.headerError(String(ref), `column ${ref} is declared but the header has ${header.length} columns`);
      const name = header[ref - 1] ?? '';
      return { index: ref - 1, name: name === '' ? String(ref) : name };
    }
    const index = header.indexOf(ref);
    if (index < 0) throw log.headerError(ref, `column '${ref}' is not in the header [${header.join(', ')}]`);
    if (header.indexOf(ref, index + 1) >= 0) throw log.headerError(ref, `column '${ref}' appears more than once in the header`);
    return { index, name: ref };
  };
  const opt = (ref: string | number | undefined): Column | null => (ref === undefined ? null : resolve(ref));
  const settings = {
    log: log, time: new TimeReader(m.time, resolve), priceDecimals: m.priceDecimals, maxJumpPct: m.maxJumpPct,
    header, tickSizeRaw: tickSizeRaw,
  };
  switch (m.dataType) {
    case 'bar': {
      const cols = {
        open: resolve(m.columns.open), high: resolve(m.columns.high), low: resolve(m.columns.low), close: resolve(m.columns.close),
        adjClose: opt(m.columns.adjClose), volume: opt(m.columns.volume),
      };
      const opts = { useAdjClose: m.closePrice === 'adjClose', marksOpen: m.timestampMarks !== 'close', intervalUs: barIntervalUs(m.barInterval) };
      return new BarSink(settings, cols, opts, capacity);
    }
    case 'trade':
      return new TradeSink(settings, resolve(m.columns.price), opt(m.columns.size), capacity);
    case 'quote': {
      const cols = { bid: resolve(m.columns.bid), ask: resolve(m.columns.ask), bidSize: opt(m.columns.bidSize), askSize: opt(m.columns.askSize) };
      return new QuoteSink(settings, cols, m.maxSpreadPct, capacity);
    }
  }
}
