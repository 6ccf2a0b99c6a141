// Proves that a finished run leaves nothing for V8's young-generation collector to keep: after a
// batch of runs that trade (orders, fills, online hooks on every kind of event), a minor GC finds
// almost nothing of them alive. Two ways of building objects used to keep each run's whole graph
// alive through every scavenge until the next full GC (the execution's per-order Held given its
// timer body after its literal, and the extension hooks added one by one to an empty object): a
// check then spent 10-20 ms per scavenge copying and promoting megabytes of dead runs.
import { setFlagsFromString, getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createSyntheticSource } from '../market/synthetic/index.ts';
import { RngRegistry } from '../kernel/rng.ts';
import { createReferenceStack } from '../stack/stack-config.ts';
import { runBacktest, type RunExtension } from './backtest.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

const RUNS = 20;

function newSpaceUsedBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;
}

async function tradingRun(seed: number): Promise<number> {
  let fills = 0;
  // Watches every kind of event, as the online properties of `gauntlet check` do.
  const watch: RunExtension = { onMarket: () => {}, onFill: () => { fills++; }, onReport: () => {}, afterEvent: () => {} };
  await runBacktest({
    seed,
    instruments: [{ id: 'SYN', kind: 'equity', priceDecimals: 2 }],
    account: { currency: 'USD', startCash: 100_000 },
    sources: [createSyntheticSource({
      process: 'gbm', instrumentId: 'SYN', priceDecimals: 2, startTimeUs: 1_577_836_800_000_000, startPrice: 100, count: 252,
      drift: 0.05, volatility: 0.25, output: { type: 'bar', intervalUs: 86_400_000_000 },
    }, new RngRegistry(seed).stream('market'))],
    stack: () => createReferenceStack({
      agents: [{ kind: 'sma-crossover', instrument: 'SYN', period: 10, allowShort: true }],
      allocator: { kind: 'fixed-quantity', quantity: 100 }, risk: { maxPosition: 100 },
    }, { account: { moneyDecimals: 2, startCash: 10_000_000 } }),
    extensions: [watch],
  });
  return fills;
}

describe('young garbage', () => {
  it('a batch of finished trading runs does not survive a minor GC', async () => {
    for (let i = 0; i < 30; i++) await tradingRun(i); // warm: the shapes and code of a steady check
    gc({ type: 'major' });
    let fills = 0;
    for (let i = 0; i < RUNS; i++) fills += await tradingRun(1000 + i);
    gc({ type: 'minor' });
    const survivedBytes = newSpaceUsedBytes();
    expect(fills).toBeGreaterThan(RUNS); // the runs traded
    // Each run's graph is tens of KB: RUNS of them kept alive would be several hundred KB.
    expect(survivedBytes).toBeLessThan(250_000);
  });
});
