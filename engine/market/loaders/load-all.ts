/**
 * Test helper: drains a source into memory. Tests only: it holds every batch, which is exactly
 * what a replay must not do with a long market.
 */
import type { MarketBatch, MarketSource } from '../types.ts';

/** Every batch of `source`, in order; closes the source. */
export async function loadAll(source: MarketSource): Promise<MarketBatch[]> {
  const batches: MarketBatch[] = [];
  try {
    for (let b = await source.next(); b !== null; b = await source.next()) batches.push(b);
  } finally {
    await source.close?.();
  }
  return batches;
}
