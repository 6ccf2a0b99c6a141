// Closed bar generators hand their buffers to the next one: a reused buffer must give the same
// bars as a fresh one, and two generators alive at once never share.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import type { MarketSource } from '../types.ts';
import { collectRows, createSyntheticSource, type SyntheticParamsInput } from './index.ts';

const params: SyntheticParamsInput = { process: 'gbm', instrumentId: 'X', priceDecimals: 2, startTimeUs: 0, startPrice: 100, count: 300, drift: 0.05, volatility: 0.3, output: { type: 'bar', intervalUs: 60_000_000 } };

async function rows(seed: number): Promise<unknown> {
  const src: MarketSource = createSyntheticSource(params, Rng.derive(seed, 'market'));
  try {
    return await collectRows(src);
  } finally {
    void src.close?.();
  }
}

describe('synthetic bar buffers', () => {
  it('a generator on reused buffers gives the same bars as on fresh ones', async () => {
    const first = await rows(1);
    await rows(2); // dirties the pooled buffers with another path
    expect(await rows(1)).toEqual(first);
  });

  it('two generators alive at once keep their own batches', async () => {
    const a: MarketSource = createSyntheticSource(params, Rng.derive(1, 'market'));
    const b: MarketSource = createSyntheticSource(params, Rng.derive(2, 'market'));
    const ba = await a.next();
    const bb = await b.next();
    expect(ba).not.toBe(bb);
    void a.close?.();
    void b.close?.();
    void a.close?.(); // twice is harmless: the buffers are pooled once
  });
});
