// Proves generation streams: 10,000,000 one-minute bars pulled batch by batch keep the heap
// bounded (a retained copy would be about 560 MB; the bound allows 32 MB of growth), and the
// batch object is reused, as documented (valid only until the next call).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import { US_PER_MINUTE } from '../../kernel/time.ts';
import { createSyntheticSource } from './index.ts';

describe('memory', () => {
  it('10 million bars batch by batch keep heapUsed growth small', () => {
    const src = createSyntheticSource(
      { process: 'jump-diffusion', instrumentId: 'MEM', startTimeUs: 0, startPrice: 100, count: 10_000_000, volatility: 0.3, jumpIntensity: 100, jumpMean: 0, jumpStd: 0.01, output: { type: 'bar', intervalUs: US_PER_MINUTE } },
      Rng.derive(1, 'market'),
    );
    const first = src.next();
    const before = process.memoryUsage().heapUsed;
    let rows = first?.length ?? 0;
    let peak = before;
    let lastClose = 0;
    for (let b = src.next(); b !== null; b = src.next()) {
      expect(b).toBe(first);
      rows += b.length;
      if (b.type === 'bar') lastClose = b.close[b.length - 1] ?? 0;
      if ((rows & 0x3ffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(rows).toBe(10_000_000);
    expect(lastClose).toBeGreaterThan(0);
    expect(peak - before).toBeLessThan(32 * 1024 * 1024);
  });
});
