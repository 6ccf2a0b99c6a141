// Proves, as a fast-check property over overlay parameters and synthetic markets (a failure
// prints its seed and path), that any overlay keeps rows well formed and leaves rows outside
// its window untouched, including stacked overlays whose windows overlap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng.ts';
import { US_PER_MINUTE, US_PER_SECOND } from '../../kernel/time.ts';
import { createSyntheticSource, type SyntheticParamsInput } from '../synthetic/index.ts';
import { collectRows } from '../synthetic/memory.ts';
import { firstChangedOutside, firstMalformed } from './check.ts';
import { applyOverlay, applyOverlays, type OverlayParamsInput } from './index.ts';
import { T0 } from './test-sources.ts';

const minute = fc.integer({ min: 0, max: 400 }).map((m) => T0 + m * US_PER_MINUTE + 17);
const span = fc.integer({ min: 1, max: 120 }).map((m) => m * US_PER_MINUTE);

const overlayArb: fc.Arbitrary<{ params: OverlayParamsInput; fromUs: number; toUs: number; drops: boolean }> = fc.oneof(
  fc.record({ at: minute, fall: span, rec: span, drop: fc.double({ min: 0.1, max: 99.9, noNaN: true }) }).map(({ at, fall, rec, drop }) => ({
    params: { kind: 'flash-crash' as const, startUs: at, dropPercent: drop, fallDurationUs: fall, recoveryDurationUs: rec },
    fromUs: at,
    toUs: at + fall + rec,
    drops: false,
  })),
  fc.record({ at: minute, gap: fc.double({ min: -99, max: 200, noNaN: true }) }).map(({ at, gap }) => ({ params: { kind: 'gap-open' as const, atUs: at, gapPercent: gap }, fromUs: at, toUs: Infinity, drops: false })),
  fc.record({ at: minute, len: span }).map(({ at, len }) => ({ params: { kind: 'halt' as const, fromUs: at, toUs: at + len }, fromUs: at, toUs: at + len, drops: true })),
  fc.record({ at: minute, len: span, factor: fc.double({ min: 0.05, max: 50, noNaN: true }), half: fc.option(span, { nil: undefined }) }).map(({ at, len, factor, half }) => ({
    params: { kind: 'volatility-spike' as const, fromUs: at, toUs: at + len, factor, ...(half !== undefined ? { anchorHalfLifeUs: half } : {}) },
    fromUs: at,
    toUs: at + len,
    drops: false,
  })),
  fc.record({ at: minute, len: span, v: fc.double({ min: 0.001, max: 1, noNaN: true }), s: fc.double({ min: 1, max: 50, noNaN: true }) }).map(({ at, len, v, s }) => ({
    params: { kind: 'liquidity-drought' as const, fromUs: at, toUs: at + len, volumeFactor: v, spreadFactor: s },
    fromUs: at,
    toUs: at + len,
    drops: false,
  })),
);

const marketArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  trades: fc.boolean(),
  volatility: fc.double({ min: 0, max: 3, noNaN: true }),
  priceDecimals: fc.integer({ min: 0, max: 6 }),
});

function market(m: { seed: number; trades: boolean; volatility: number; priceDecimals: number }) {
  const params: SyntheticParamsInput = {
    process: 'gbm',
    instrumentId: 'PROP',
    startTimeUs: T0,
    startPrice: 3,
    priceDecimals: m.priceDecimals,
    volatility: m.volatility,
    count: 500,
    output: m.trades ? { type: 'trade', meanInterArrivalUs: 60 * US_PER_SECOND } : { type: 'bar', intervalUs: US_PER_MINUTE },
  };
  return () => createSyntheticSource(params, Rng.derive(m.seed, 'market'));
}

describe('overlays (property)', () => {
  it('keep rows well formed and leave rows outside the window untouched', async () => {
    await fc.assert(
      fc.asyncProperty(marketArb, overlayArb, async (m, o) => {
        const make = market(m);
        const before = await collectRows(make());
        const after = await collectRows(applyOverlay(make(), o.params));
        expect(firstMalformed(after)).toBeNull();
        expect(firstChangedOutside(before, after, o.fromUs, o.toUs, o.drops)).toBeNull();
      }),
      { numRuns: 150 },
    );
  });

  it('stacked overlays keep rows well formed', async () => {
    await fc.assert(
      fc.asyncProperty(marketArb, fc.array(overlayArb, { minLength: 2, maxLength: 4 }), async (m, list) => {
        const after = await collectRows(applyOverlays(market(m)(), list.map((o) => o.params)));
        expect(firstMalformed(after)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });
});
