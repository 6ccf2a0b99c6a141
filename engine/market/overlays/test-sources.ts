/**
 * Sources the overlay tests run on: small hand-made recorded-like markets (bars, trades, quotes,
 * in odd-sized batches, one of them async) and synthetic ones. Each factory returns a fresh
 * source, so a test compares an overlaid run against an untouched run of the same data.
 */
import { Rng } from '../../kernel/rng.ts';
import { US_PER_MINUTE, US_PER_SECOND, utcTimeUs } from '../../kernel/time.ts';
import { createSyntheticSource } from '../synthetic/index.ts';
import { MemorySource, type Rows } from '../synthetic/memory.ts';
import type { MarketSource } from '../types.ts';

export const T0 = utcTimeUs(2024, 5, 6, 14, 0);

function handBars(): Rows {
  const n = 120;
  const openTimeUs: number[] = [];
  const closeTimeUs: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const volume: number[] = [];
  let prev = 10_000;
  for (let i = 0; i < n; i++) {
    const c = Math.round(10_000 + 40 * Math.sin(i / 5) + i);
    openTimeUs.push(T0 + i * US_PER_MINUTE);
    closeTimeUs.push(T0 + (i + 1) * US_PER_MINUTE);
    open.push(prev);
    close.push(c);
    high.push(Math.max(prev, c) + 3);
    low.push(Math.min(prev, c) - 2);
    volume.push(100 + i);
    prev = c;
  }
  return { type: 'bar', openTimeUs, closeTimeUs, open, high, low, close, volume };
}

function handTrades(): Rows {
  const timeUs: number[] = [];
  const price: number[] = [];
  const size: number[] = [];
  for (let i = 0; i < 600; i++) {
    // Two trades share each 20th timestamp, as recorded ticks may.
    timeUs.push(T0 + (i - (i % 20 === 1 ? 1 : 0)) * 10 * US_PER_SECOND);
    price.push(Math.round(5_000 + 25 * Math.cos(i / 7)));
    size.push(1 + (i % 9));
  }
  return { type: 'trade', timeUs, price, size };
}

function handQuotes(): Rows {
  const timeUs: number[] = [];
  const bid: number[] = [];
  const ask: number[] = [];
  const bidSize: number[] = [];
  const askSize: number[] = [];
  for (let i = 0; i < 600; i++) {
    const mid = Math.round(20_000 + 60 * Math.sin(i / 11));
    timeUs.push(T0 + i * 10 * US_PER_SECOND);
    bid.push(mid - 1 - (i % 3));
    ask.push(mid + 2);
    bidSize.push(i % 4 === 0 ? 0 : 300);
    askSize.push(200 + i);
  }
  return { type: 'quote', timeUs, bid, ask, bidSize, askSize };
}

const base = { instrumentId: 'SYN', startTimeUs: T0, startPrice: 250, priceDecimals: 4 } as const;

export const testSources: Record<string, () => MarketSource> = {
  'hand bars': () => new MemorySource(handBars(), { instrumentId: 'HAND', batchRows: 7, barIntervalUs: US_PER_MINUTE }),
  'hand trades (async)': () => new MemorySource(handTrades(), { instrumentId: 'HAND', batchRows: 64, async: true }),
  'hand quotes': () => new MemorySource(handQuotes(), { instrumentId: 'HAND', batchRows: 50 }),
  'synthetic bars': () =>
    createSyntheticSource({ ...base, process: 'gbm', volatility: 0.15, count: 6_000, output: { type: 'bar', intervalUs: US_PER_MINUTE } }, Rng.derive(8, 'market')),
  'synthetic trades': () =>
    createSyntheticSource({ ...base, process: 'jump-diffusion', volatility: 0.2, jumpIntensity: 50, jumpMean: 0, jumpStd: 0.01, count: 9_000, output: { type: 'trade', meanInterArrivalUs: US_PER_SECOND } }, Rng.derive(9, 'market')),
};
