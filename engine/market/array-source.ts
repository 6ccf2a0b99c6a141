/**
 * A market source over rows held in memory: for tests, examples and small hand-made markets.
 * Prices are raw integers (price * 10^priceDecimals).
 */
import { BATCH_ROWS, newBarBatch, newQuoteBatch, newTradeBatch, type DataIssue, type MarketBatch, type MarketSource, type MarketSourceInfo } from './types.ts';

export interface BarRow { openTimeUs: number; closeTimeUs: number; open: number; high: number; low: number; close: number; volume?: number }
export interface TradeRow { timeUs: number; price: number; size?: number }
export interface QuoteRow { timeUs: number; bid: number; ask: number; bidSize?: number; askSize?: number }

type Rows = { type: 'bar'; rows: readonly BarRow[] } | { type: 'trade'; rows: readonly TradeRow[] } | { type: 'quote'; rows: readonly QuoteRow[] };

export function arraySource(info: Omit<MarketSourceInfo, 'dataType' | 'files'> & { files?: readonly string[] }, data: Rows, batchRows = BATCH_ROWS): MarketSource {
  let at = 0;
  const issues: DataIssue[] = [];
  return {
    info: { ...info, dataType: data.type, files: info.files ?? [] },
    issues,
    next(): MarketBatch | null {
      if (at >= data.rows.length) return null;
      const n = Math.min(batchRows, data.rows.length - at);
      if (data.type === 'bar') {
        const b = newBarBatch(n);
        for (let i = 0; i < n; i++) {
          const r = data.rows[at + i]!;
          b.openTimeUs[i] = r.openTimeUs; b.closeTimeUs[i] = r.closeTimeUs; b.open[i] = r.open; b.high[i] = r.high;
          b.low[i] = r.low; b.close[i] = r.close; b.volume[i] = r.volume ?? 0;
        }
        b.length = n; at += n; return b;
      }
      if (data.type === 'trade') {
        const b = newTradeBatch(n);
        for (let i = 0; i < n; i++) { const r = data.rows[at + i]!; b.timeUs[i] = r.timeUs; b.price[i] = r.price; b.size[i] = r.size ?? 0; }
        b.length = n; at += n; return b;
      }
      const b = newQuoteBatch(n);
      for (let i = 0; i < n; i++) {
        const r = data.rows[at + i]!;
        b.timeUs[i] = r.timeUs; b.bid[i] = r.bid; b.ask[i] = r.ask; b.bidSize[i] = r.bidSize ?? 0; b.askSize[i] = r.askSize ?? 0;
      }
      b.length = n; at += n; return b;
    },
  };
}
