// Proves a metamorphic property (DESIGN.md): scaling every price by k scales PnL by k and leaves
// the trades unchanged (same times, sides and quantities), for random markets and factors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { US_PER_DAY, US_PER_HOUR } from '../kernel/time.ts';
import { arraySource } from '../market/array-source.ts';
import { createReferenceStack } from '../stack/stack-config.ts';
import { runBacktest } from './backtest.ts';

async function run(closes: readonly number[], k: number) {
  const rows = closes.map((c, i) => {
    const open = (closes[i - 1] ?? c) * k;
    return { openTimeUs: i * US_PER_DAY + 9 * US_PER_HOUR, closeTimeUs: i * US_PER_DAY + 17 * US_PER_HOUR, open, high: Math.max(open, c * k), low: Math.min(open, c * k), close: c * k };
  });
  return runBacktest({
    seed: 5,
    instruments: [{ id: 'X', kind: 'future', priceDecimals: 0, multiplier: 2, marginPerContract: 0 }],
    account: { currency: 'USD', startCash: 1_000_000 },
    sources: [arraySource({ instrumentId: 'X', priceDecimals: 0, barIntervalUs: 8 * US_PER_HOUR }, { type: 'bar', rows })],
    stack: () => createReferenceStack({ agents: [{ kind: 'sma-fast-slow', instrument: 'X', fast: 2, slow: 5, allowShort: true }], allocator: { kind: 'fixed-quantity', quantity: 3 } }),
  });
}

describe('metamorphic: scaling prices', () => {
  it('scales PnL by k and keeps the trades', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 10, max: 99 }), { minLength: 6, maxLength: 60 }), fc.integer({ min: 2, max: 50 }), async (closes, k) => {
      const [a, b] = [await run(closes, 1), await run(closes, k)];
      expect(b.fills.map((f) => [f.timeUs, f.side, f.quantity])).toEqual(a.fills.map((f) => [f.timeUs, f.side, f.quantity]));
      expect(b.fills.map((f) => f.price)).toEqual(a.fills.map((f) => f.price * k));
      expect(b.final.realized).toBe(a.final.realized * k);
      expect(b.final.unrealized).toBe(a.final.unrealized * k);
    }), { numRuns: 60 });
  });
});
