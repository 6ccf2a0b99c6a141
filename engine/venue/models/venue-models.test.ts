// Proves the scenario-facing side of the venue models: VenueModelsSchema fills every default
// (no cap, no slippage, no fees, zero latency), createVenueModels builds the configured models
// and refuses bad input naming the field, and every field of the schema carries a description
// (they become the scenario JSON Schema).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RngRegistry } from '../../kernel/rng.ts';
import { makeInstrument } from '../../instruments/instrument.ts';
import { OhlcPathFillModel } from './fill-models.ts';
import { ConstantLatencyModel, ExponentialLatencyModel } from './latency-models.ts';
import { BpsSlippageModel, NO_SLIPPAGE } from './slippage-models.ts';
import { createVenueModels, VenueModelsSchema } from './venue-models.ts';

const inst = makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 2 }, 2);

describe('VenueModelsSchema', () => {
  it('fills the defaults', () => {
    expect(VenueModelsSchema.parse({})).toEqual({
      fill: { marketOnBars: 'next-open' },
      slippage: { model: 'none' },
      fees: { perUnit: 0, bps: 0, minimum: 0 },
      latency: { model: 'constant', orderUs: 0, reportUs: 0 },
    });
  });

  it('describes every field', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as { properties?: Record<string, { description?: string }>; anyOf?: unknown[]; oneOf?: unknown[] };
      for (const [key, child] of Object.entries(n.properties ?? {})) {
        if (typeof child.description !== 'string' || child.description.length === 0) undescribed.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      for (const alt of [...(n.anyOf ?? []), ...(n.oneOf ?? [])]) walk(alt, path);
    };
    walk(z.toJSONSchema(VenueModelsSchema, { io: 'input' }), 'venue');
    expect(undescribed).toEqual([]);
  });
});

describe('createVenueModels', () => {
  it('builds defaults that do nothing', () => {
    const m = createVenueModels(undefined, new RngRegistry(1));
    expect(m.fill).toBeInstanceOf(OhlcPathFillModel);
    expect(m.fill.matchesAtBarOpen).toBe(true);
    expect(m.slippage).toBe(NO_SLIPPAGE);
    expect(m.fees.fee({ instrument: inst, quantityRaw: 100, priceRaw: 10_000, notional: 1_000_000, moneyDecimals: 2 })).toBe(0);
    expect(m.latency).toBeInstanceOf(ConstantLatencyModel);
    expect(m.latency.orderLatencyUs()).toBe(0);
  });

  it('builds configured models, latency drawing from the run seed', () => {
    const config = {
      fill: { participation: 0.1 }, slippage: { model: 'bps' as const, bps: 5 }, fees: { perUnit: 0.01, minimum: 1 },
      latency: { model: 'exponential' as const, minUs: 100, meanExtraUs: 50 },
    };
    const a = createVenueModels(config, new RngRegistry(42));
    const b = createVenueModels(config, new RngRegistry(42));
    expect(a.fill.matchesAtBarOpen).toBe(false);
    expect(a.slippage).toBeInstanceOf(BpsSlippageModel);
    expect(a.fees.fee({ instrument: inst, quantityRaw: 10, priceRaw: 10_000, notional: 100_000, moneyDecimals: 2 })).toBe(100); // minimum 1.00
    expect(a.latency).toBeInstanceOf(ExponentialLatencyModel);
    const drawsA = Array.from({ length: 5 }, () => a.latency.orderLatencyUs());
    expect(drawsA).toEqual(Array.from({ length: 5 }, () => b.latency.orderLatencyUs()));
    expect(drawsA.every((d) => d >= 100)).toBe(true);
  });

  it('refuses bad input, naming the field', () => {
    expect(() => createVenueModels({ fill: { participation: 2 } }, new RngRegistry(1))).toThrow(/participation/);
    expect(() => createVenueModels({ slippage: { model: 'fixed-ticks', ticks: -1 } }, new RngRegistry(1))).toThrow(/ticks/);
    expect(() => createVenueModels({ fees: { bps: -1 } }, new RngRegistry(1))).toThrow(/bps/);
    expect(() => createVenueModels({ extra: 1 } as never, new RngRegistry(1))).toThrow();
  });
});
