/**
 * A small hand-made market for the provider tests and the recorded fixture: one-minute bars,
 * quotes every 15 s and irregular trades (some sharing a time) of ACME at 2 decimals, and bars of
 * BRK.B (a symbol that needs no escaping but has a dot) at 4 decimals. Fresh sources per call.
 */
import { arraySource, utcTimeUs, type BarRow, type MarketSource, type QuoteRow, type TradeRow } from '../../../engine/index.ts';
import type { DialectName, ProviderAuth } from '../../../engine/index.ts';
import type { ProviderSpec } from './provider.ts';

/** 2024-01-02 14:30:00 UTC: the first bar opens here. */
export const T0_US = utcTimeUs(2024, 1, 2, 14, 30);
export const MINUTE_US = 60_000_000;

export const ACME_BARS: readonly BarRow[] = Array.from({ length: 20 }, (_, i) => {
  const open = 10_000 + ((i * 37) % 50);
  return { openTimeUs: T0_US + i * MINUTE_US, closeTimeUs: T0_US + (i + 1) * MINUTE_US, open, high: open + 25, low: open - 13, close: open + 7, volume: 1000 + i };
});
export const ACME_QUOTES: readonly QuoteRow[] = Array.from({ length: 60 }, (_, i) => ({
  timeUs: T0_US + i * 15_000_000 + 1, bid: 10_000 + (i % 9), ask: 10_002 + (i % 9), bidSize: 100 + i, askSize: 200,
}));
/** Trades at irregular times; pairs share a time, to check that equal times keep source order. */
export const ACME_TRADES: readonly TradeRow[] = Array.from({ length: 40 }, (_, i) => ({
  timeUs: T0_US + Math.floor(i / 2) * 7_000_003, price: 10_001 + ((i * 13) % 17), size: i + 1,
}));
export const BRK_BARS: readonly BarRow[] = Array.from({ length: 5 }, (_, i) => ({
  openTimeUs: T0_US + i * 5 * MINUTE_US, closeTimeUs: T0_US + (i + 1) * 5 * MINUTE_US, open: 4_012_345, high: 4_020_000, low: 4_000_001, close: 4_015_555 + i,
}));

export function testSources(): MarketSource[] {
  return [
    arraySource({ instrumentId: 'ACME', priceDecimals: 2 }, { type: 'bar', rows: ACME_BARS }, 7),
    arraySource({ instrumentId: 'ACME', priceDecimals: 2 }, { type: 'quote', rows: ACME_QUOTES }),
    arraySource({ instrumentId: 'ACME', priceDecimals: 2 }, { type: 'trade', rows: ACME_TRADES }, 16),
    arraySource({ instrumentId: 'BRK.B', priceDecimals: 4 }, { type: 'bar', rows: BRK_BARS }),
  ];
}

export const TEST_AUTH: Record<DialectName, ProviderAuth> = {
  'stocks-v2': { keyId: 'PKTESTKEYID0001', secret: 'sk-live-NEVER-IN-A-RECORDING-v2' },
  'aggs-v3': { secret: 'sk-live-NEVER-IN-A-RECORDING-v3' },
};

export function testSpec(dialect: DialectName, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: dialect === 'stocks-v2' ? 'alpha' : 'beta', dialect, auth: TEST_AUTH[dialect],
    rateLimit: { requests: 1000, windowUs: 1_000_000 }, latency: { minUs: 1_000, maxUs: 50_000 }, ...overrides,
  };
}
