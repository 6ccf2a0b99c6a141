// Proves that a whole backtest gives the same journal on the kernel's fused bar path (no
// afterEvent hook: the feed runs bars in a row) as on its event-by-event path (forced here by an
// extension whose afterEvent does nothing): same fingerprint, fills, equity and event counts,
// with orders (scheduled venue events) landing between bars and a budget that stops mid-run.
import { describe, expect, it } from 'vitest';
import { createSyntheticSource } from '../market/synthetic/index.ts';
import { Rng } from '../kernel/rng.ts';
import { SmaCrossoverAgent } from '../stack/agents/sma-crossover.ts';
import { FixedQuantityAllocator } from '../stack/allocator/allocator.ts';
import { RiskEngine } from '../stack/risk/risk-engine.ts';
import { ReferenceStack } from '../stack/reference-stack.ts';
import { runBacktest, type BacktestParams, type BacktestResult } from './backtest.ts';

function params(extra: Partial<BacktestParams>): BacktestParams {
  const source = createSyntheticSource({
    process: 'gbm', instrumentId: 'SYN', priceDecimals: 2, startTimeUs: Date.UTC(2020, 0, 1) * 1000, startPrice: 4000,
    count: 3000, volatility: 0.2, drift: 0.05, output: { type: 'bar', intervalUs: 60_000_000 },
  }, Rng.derive(7, 'market'));
  return {
    seed: 7,
    instruments: [{ id: 'SYN', kind: 'future', priceDecimals: 2, multiplier: 10, marginPerContract: 1000 }],
    account: { currency: 'USD', startCash: 1_000_000 },
    sources: [source],
    stack: () => new ReferenceStack({ agents: [new SmaCrossoverAgent('sma', { instrument: 'SYN', period: 5 })], allocator: new FixedQuantityAllocator({ quantity: 1 }), risk: new RiskEngine({ maxPosition: 1 }) }),
    fees: { perUnit: 2 },
    latency: { model: 'constant', orderUs: 1_000_000, reportUs: 500_000 },
    ...extra,
  };
}

function same(a: BacktestResult, b: BacktestResult): void {
  expect(a.fingerprint).toBe(b.fingerprint);
  expect(a.fills).toEqual(b.fills);
  expect(a.equity).toEqual(b.equity);
  expect(a.outcome).toEqual(b.outcome);
}

describe('fused bar path', () => {
  it('gives the journal of the event-by-event path, with orders between bars', async () => {
    let hooked = 0;
    const fused = await runBacktest(params({}));
    const general = await runBacktest(params({ extensions: [{ afterEvent: () => { hooked++; } }] }));
    same(fused, general);
    expect(hooked).toBeGreaterThan(6000);
    expect(fused.fills.length).toBeGreaterThan(50);
  });

  it('stops at the same event under a budget', async () => {
    for (const maxEvents of [1, 777, 4001]) {
      const fused = await runBacktest(params({ budget: { maxEvents } }));
      const general = await runBacktest(params({ budget: { maxEvents }, extensions: [{ afterEvent: () => {} }] }));
      same(fused, general);
      expect(fused.outcome.events).toBe(maxEvents);
    }
  });
});
