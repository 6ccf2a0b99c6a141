// Proves what every overlay promises on every kind of source (hand-made bars, trades, quotes in
// odd batches, one async; synthetic bars and trades): rows stay well formed (time order, OHLC,
// prices >= one tick, bid <= ask), nothing outside the window changes, info and issues pass
// through, inner batches are never written to, sync sources stay sync, and bad parameters are
// refused at construction.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { US_PER_MINUTE } from '../../kernel/time.ts';
import { collectRows, MemorySource } from '../synthetic/memory.ts';
import type { DataIssue, MarketBatch, MarketSource } from '../types.ts';
import { firstChangedOutside, firstMalformed } from './check.ts';
import { applyOverlay, OverlayParamsError, overlayParamsSchema, type OverlayParamsInput } from './index.ts';
import { T0, testSources } from './test-sources.ts';

const FROM = T0 + 30 * US_PER_MINUTE;
const TO = T0 + 60 * US_PER_MINUTE;

const overlays: Record<string, { params: OverlayParamsInput; toUs: number; drops?: boolean }> = {
  'flash crash': { params: { kind: 'flash-crash', startUs: FROM, dropPercent: 20, fallDurationUs: 10 * US_PER_MINUTE, recoveryDurationUs: 20 * US_PER_MINUTE }, toUs: TO },
  'gap open': { params: { kind: 'gap-open', atUs: FROM, gapPercent: -12.5 }, toUs: Infinity },
  halt: { params: { kind: 'halt', fromUs: FROM, toUs: TO }, toUs: TO, drops: true },
  'volatility spike': { params: { kind: 'volatility-spike', fromUs: FROM, toUs: TO, factor: 4, rampUs: 2 * US_PER_MINUTE }, toUs: TO },
  'liquidity drought': { params: { kind: 'liquidity-drought', fromUs: FROM, toUs: TO, volumeFactor: 0.1, spreadFactor: 5 }, toUs: TO },
};

describe('every overlay on every source', () => {
  for (const [overlayName, o] of Object.entries(overlays)) {
    for (const [sourceName, make] of Object.entries(testSources)) {
      it(`${overlayName} on ${sourceName}: well formed, untouched outside its window`, async () => {
        const before = await collectRows(make());
        const inner = make();
        const overlaid = applyOverlay(inner, o.params);
        expect(overlaid.info).toBe(inner.info);
        const after = await collectRows(overlaid);
        expect(firstMalformed(before)).toBeNull();
        expect(firstMalformed(after)).toBeNull();
        expect(firstChangedOutside(before, after, FROM, o.toUs, o.drops ?? false)).toBeNull();
        // The window did something: some row inside changed or went.
        expect(after).not.toEqual(before);
      });
    }
  }
});

/** A source handing out batches it keeps, to prove overlays never write into them. */
class KeepingSource implements MarketSource {
  readonly info;
  readonly issues: readonly DataIssue[] = [{ file: 'x.csv', line: 3, column: 'close', reason: 'nan', detail: 'NaN', action: 'skipped' }];
  readonly handedOut: MarketBatch[] = [];
  private readonly inner: MarketSource;
  closed = 0;

  constructor(inner: MarketSource) {
    this.inner = inner;
    this.info = inner.info;
  }

  next(): MarketBatch | null {
    const b = this.inner.next();
    if (b instanceof Promise) throw new Error('sync sources only');
    if (b !== null) this.handedOut.push(b);
    return b;
  }

  close(): void {
    this.closed++;
  }
}

describe('overlay plumbing', () => {
  it('never writes into the inner batches, passes issues and close through, stays sync', async () => {
    for (const o of Object.values(overlays)) {
      const keeping = new KeepingSource(testSources['hand bars']!());
      const overlaid = applyOverlay(keeping, o.params);
      const first = overlaid.next();
      expect(first instanceof Promise).toBe(false);
      await collectRows(overlaid);
      const fresh = await collectRows(testSources['hand bars']!());
      const handed = await collectRows(new MemorySource({ type: 'bar', ...concatBars(keeping.handedOut) }));
      expect(handed).toEqual(fresh);
      expect(overlaid.issues).toBe(keeping.issues);
      await overlaid.close?.();
      expect(keeping.closed).toBe(1);
    }
  });

  it('an async source gives promises', async () => {
    const overlaid = applyOverlay(testSources['hand trades (async)']!(), overlays.halt!.params);
    const r = overlaid.next();
    expect(r).toBeInstanceOf(Promise);
    expect(await r).not.toBeNull();
  });

  it('describes every parameter in the user-facing JSON Schema', () => {
    const schema = z.toJSONSchema(overlayParamsSchema, { io: 'input' }) as { oneOf: { properties: Record<string, { description?: string }> }[] };
    expect(schema.oneOf).toHaveLength(5);
    const undescribed = schema.oneOf.flatMap((o) => Object.entries(o.properties).filter(([, v]) => !v.description).map(([k]) => k));
    expect(undescribed).toEqual([]);
  });

  it('refuses bad parameters at construction, naming the field', () => {
    const src = testSources['hand bars']!();
    const refuse = (p: unknown, re: RegExp) => {
      expect(() => applyOverlay(src, p as OverlayParamsInput)).toThrow(OverlayParamsError);
      expect(() => applyOverlay(src, p as OverlayParamsInput)).toThrow(re);
    };
    refuse({ kind: 'flash-crash', startUs: FROM, dropPercent: 100, fallDurationUs: 1, recoveryDurationUs: 1 }, /dropPercent/);
    refuse({ kind: 'flash-crash', startUs: FROM, dropPercent: 10, fallDurationUs: 0, recoveryDurationUs: 1 }, /fallDurationUs/);
    refuse({ kind: 'gap-open', atUs: FROM, gapPercent: -100 }, /gapPercent/);
    refuse({ kind: 'halt', fromUs: TO, toUs: FROM }, /toUs .* must be after fromUs/);
    refuse({ kind: 'volatility-spike', fromUs: FROM, toUs: TO, factor: -2 }, /factor/);
    refuse({ kind: 'volatility-spike', fromUs: FROM, toUs: TO, factor: 2, rampUs: TO - FROM }, /rampUs/);
    refuse({ kind: 'liquidity-drought', fromUs: FROM, toUs: TO, volumeFactor: 1.5 }, /volumeFactor/);
    refuse({ kind: 'liquidity-drought', fromUs: FROM, toUs: TO, volumeFactor: 0.5, spreadFactor: 0.5 }, /spreadFactor/);
    refuse({ kind: 'earthquake' }, /kind/);
  });
});

function concatBars(batches: readonly MarketBatch[]) {
  const cols = { openTimeUs: [] as number[], closeTimeUs: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], volume: [] as number[] };
  for (const b of batches) {
    if (b.type !== 'bar') continue;
    for (const k of Object.keys(cols) as (keyof typeof cols)[]) cols[k].push(...b[k].subarray(0, b.length));
  }
  return cols;
}
