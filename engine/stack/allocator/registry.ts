/**
 * The built-in allocators by kind, for scenario files: one zod schema (descriptions reach the
 * scenario JSON Schema) and a factory. Users size positions their own way by implementing
 * `Allocator`.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { FixedQuantityAllocator, FixedQuantityAllocatorSchema, type Allocator } from './allocator.ts';
import { FractionOfEquityAllocator, FractionOfEquityAllocatorSchema } from './fraction-of-equity.ts';
import { VolatilityTargetAllocator, VolatilityTargetAllocatorSchema } from './volatility-target.ts';

export const AllocatorConfigSchema = z.discriminatedUnion('kind', [
  FixedQuantityAllocatorSchema,
  FractionOfEquityAllocatorSchema,
  VolatilityTargetAllocatorSchema,
]).describe('How signals become target positions; every kind rounds toward zero to whole lots.');
export type AllocatorConfig = z.input<typeof AllocatorConfigSchema>;

export function createAllocator(config: AllocatorConfig): Allocator {
  const c = parseMemo(AllocatorConfigSchema, config);
  switch (c.kind) {
    case 'fixed-quantity': return new FixedQuantityAllocator(c);
    case 'fraction-of-equity': return new FractionOfEquityAllocator(c);
    case 'volatility-target': return new VolatilityTargetAllocator(c);
  }
}
