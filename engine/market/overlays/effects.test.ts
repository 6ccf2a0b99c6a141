// Proves each overlay's effect inside its window, against values computed here independently:
// a flash crash bottoms near start * (1 - X%) and follows its piecewise-linear factor exactly on
// ticks; a gap open shifts everything from its time by X% (a gap between the previous close and
// the next open); a halt leaves no data inside and publishes its window (also through further
// overlays); a volatility spike multiplies return volatility by its factor; a liquidity drought
// scales volumes and widens spreads. Each is shown on hand-made and synthetic data.
import { describe, expect, it } from 'vitest';
import { US_PER_MINUTE } from '../../kernel/time.ts';
import { collectRows, MemorySource, type Rows } from '../synthetic/memory.ts';
import { RAW_PRICE_MAX } from '../types.ts';
import { applyOverlay, haltWindowsOf, isHalted } from './index.ts';
import { T0, testSources } from './test-sources.ts';

const FROM = T0 + 30 * US_PER_MINUTE;
const TO = T0 + 60 * US_PER_MINUTE;

const src = (name: string) => {
  const make = testSources[name];
  if (make === undefined) throw new Error(`no test source ${name}`);
  return make();
};

/** Event prices (trades) or bid (quotes), or closes (bars), with their times. */
function series(rows: Rows): { t: number[]; p: number[] } {
  if (rows.type === 'bar') return { t: rows.closeTimeUs.map((x) => x - 1), p: rows.close };
  if (rows.type === 'trade') return { t: rows.timeUs, p: rows.price };
  return { t: rows.timeUs, p: rows.bid };
}

function logReturnStd(p: readonly number[]): number {
  const r = p.slice(1).map((x, i) => Math.log(x / (p[i] ?? x)));
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length);
}

describe('flash crash', () => {
  const params = { kind: 'flash-crash', startUs: FROM, dropPercent: 20, fallDurationUs: 10 * US_PER_MINUTE, recoveryDurationUs: 20 * US_PER_MINUTE } as const;
  const factor = (t: number) => {
    const bottom = FROM + 10 * US_PER_MINUTE;
    if (t < FROM || t >= TO) return 1;
    return t < bottom ? 1 - (0.2 * (t - FROM)) / (10 * US_PER_MINUTE) : 0.8 + (0.2 * (t - bottom)) / (20 * US_PER_MINUTE);
  };

  for (const name of ['hand trades (async)', 'hand quotes', 'synthetic trades']) {
    it(`${name}: every tick in the window is its price times the crash factor`, async () => {
      const before = series(await collectRows(src(name)));
      const after = series(await collectRows(applyOverlay(src(name), params)));
      before.p.forEach((p, i) => expect(after.p[i]).toBe(Math.max(1, Math.round(p * factor(before.t[i] ?? 0)))));
    });
  }

  for (const name of ['hand bars', 'synthetic bars']) {
    it(`${name}: the lowest low is near start * (1 - 20%), and the crash has recovered by the end`, async () => {
      const before = await collectRows(src(name));
      const after = await collectRows(applyOverlay(src(name), params));
      if (before.type !== 'bar' || after.type !== 'bar') throw new Error('expected bars');
      const startIdx = before.openTimeUs.indexOf(FROM);
      const startPrice = before.open[startIdx] ?? 0;
      const inside = after.low.filter((_, i) => after.openTimeUs[i]! >= FROM && after.openTimeUs[i]! < TO);
      const minLow = Math.min(...inside);
      expect(minLow / (startPrice * 0.8)).toBeGreaterThan(0.98);
      expect(minLow / (startPrice * 0.8)).toBeLessThan(1.02);
      const endIdx = after.openTimeUs.indexOf(TO);
      expect(after.open[endIdx]).toBe(before.open[endIdx]);
    });
  }
});

describe('gap open', () => {
  for (const name of ['hand bars', 'synthetic bars']) {
    it(`${name}: bars from the gap are shifted 12.5% down, leaving a gap to the previous close`, async () => {
      const before = await collectRows(src(name));
      const after = await collectRows(applyOverlay(src(name), { kind: 'gap-open', atUs: FROM, gapPercent: -12.5 }));
      if (before.type !== 'bar' || after.type !== 'bar') throw new Error('expected bars');
      const k = after.openTimeUs.indexOf(FROM);
      expect(k).toBeGreaterThan(0);
      expect(after.close[k - 1]).toBe(before.close[k - 1]);
      expect(after.open[k]! / after.close[k - 1]!).toBeCloseTo(0.875, 3);
      for (let i = k; i < before.close.length; i++) expect(after.close[i]).toBe(Math.round(before.close[i]! * 0.875));
    });
  }

  it('quotes from the gap time are shifted up 5%', async () => {
    const before = await collectRows(src('hand quotes'));
    const after = await collectRows(applyOverlay(src('hand quotes'), { kind: 'gap-open', atUs: FROM, gapPercent: 5 }));
    if (before.type !== 'quote' || after.type !== 'quote') throw new Error('expected quotes');
    before.timeUs.forEach((t, i) => {
      const f = t >= FROM ? 1.05 : 1;
      expect([after.bid[i], after.ask[i]]).toEqual([Math.round(before.bid[i]! * f), Math.round(before.ask[i]! * f)]);
    });
  });
});

describe('halt', () => {
  for (const name of Object.keys(testSources)) {
    it(`${name}: no data inside the window, and the window is published`, async () => {
      const overlaid = applyOverlay(src(name), { kind: 'halt', fromUs: FROM, toUs: TO });
      expect(overlaid.haltWindows).toEqual([{ fromUs: FROM, toUs: TO }]);
      const rows = await collectRows(overlaid);
      const { t } = series(rows);
      const starts = rows.type === 'bar' ? rows.openTimeUs : t;
      expect(t.filter((x, i) => x >= FROM && (starts[i] ?? 0) < TO)).toEqual([]);
      expect(t.some((x) => x < FROM) && t.some((x) => x >= TO)).toBe(true);
    });
  }

  it('halt windows survive further overlays and accumulate', () => {
    const inner = applyOverlay(src('hand bars'), { kind: 'halt', fromUs: FROM, toUs: TO });
    const second = applyOverlay(inner, { kind: 'halt', fromUs: TO + US_PER_MINUTE, toUs: TO + 2 * US_PER_MINUTE });
    const outer = applyOverlay(second, { kind: 'gap-open', atUs: TO, gapPercent: 3 });
    expect(haltWindowsOf(outer)).toEqual([{ fromUs: FROM, toUs: TO }, { fromUs: TO + US_PER_MINUTE, toUs: TO + 2 * US_PER_MINUTE }]);
    expect(isHalted(outer.haltWindows, FROM)).toBe(true);
    expect(isHalted(outer.haltWindows, TO)).toBe(false);
    expect(haltWindowsOf(src('hand bars'))).toEqual([]);
  });
});

describe('volatility spike', () => {
  for (const name of ['synthetic bars', 'synthetic trades']) {
    it(`${name}: return volatility inside the window is about factor times the original`, async () => {
      const params = { kind: 'volatility-spike', fromUs: FROM, toUs: TO, factor: 3 } as const;
      const before = series(await collectRows(src(name)));
      const after = series(await collectRows(applyOverlay(src(name), params)));
      const inside = (s: { t: number[]; p: number[] }) => s.p.filter((_, i) => s.t[i]! >= FROM && s.t[i]! < TO);
      const ratio = logReturnStd(inside(after)) / logReturnStd(inside(before));
      expect(ratio).toBeGreaterThan(2.4);
      expect(ratio).toBeLessThan(3.6);
      expect(Math.min(...after.p)).toBeGreaterThanOrEqual(1);
    });
  }

  it('a factor below 1 calms hand-made quotes and keeps them uncrossed', async () => {
    const before = await collectRows(src('hand quotes'));
    const after = await collectRows(applyOverlay(src('hand quotes'), { kind: 'volatility-spike', fromUs: FROM, toUs: TO, factor: 0.25, anchorHalfLifeUs: 5 * US_PER_MINUTE }));
    if (before.type !== 'quote' || after.type !== 'quote') throw new Error('expected quotes');
    const inWindow = (rows: typeof before) => rows.bid.filter((_, i) => rows.timeUs[i]! >= FROM && rows.timeUs[i]! < TO);
    expect(logReturnStd(inWindow(after))).toBeLessThan(0.6 * logReturnStd(inWindow(before)));
    expect(after.bid.every((b, i) => b <= after.ask[i]!)).toBe(true);
  });
});

describe('liquidity drought', () => {
  const params = { kind: 'liquidity-drought', fromUs: FROM, toUs: TO, volumeFactor: 0.1, spreadFactor: 5 } as const;

  for (const name of ['hand bars', 'synthetic bars']) {
    it(`${name}: volume inside is a tenth, prices unchanged`, async () => {
      const before = await collectRows(src(name));
      const after = await collectRows(applyOverlay(src(name), params));
      if (before.type !== 'bar' || after.type !== 'bar') throw new Error('expected bars');
      expect(after.close).toEqual(before.close);
      before.volume.forEach((v, i) => expect(after.volume[i]).toBe(before.openTimeUs[i]! >= FROM && before.openTimeUs[i]! < TO ? v * 0.1 : v));
    });
  }

  it('hand quotes: spreads widen five-fold around the mid, sizes shrink', async () => {
    const before = await collectRows(src('hand quotes'));
    const after = await collectRows(applyOverlay(src('hand quotes'), params));
    if (before.type !== 'quote' || after.type !== 'quote') throw new Error('expected quotes');
    before.timeUs.forEach((t, i) => {
      if (t < FROM || t >= TO) return;
      const spread = before.ask[i]! - before.bid[i]!;
      const mid = (before.ask[i]! + before.bid[i]!) / 2;
      expect(after.ask[i]! - after.bid[i]!).toBeGreaterThanOrEqual(5 * spread);
      expect(after.ask[i]! - after.bid[i]!).toBeLessThanOrEqual(5 * spread + 1);
      expect(Math.abs((after.ask[i]! + after.bid[i]!) / 2 - mid)).toBeLessThanOrEqual(0.5);
      expect(after.askSize[i]).toBeCloseTo(before.askSize[i]! * 0.1, 9);
    });
  });

  it('a widened ask stops at RAW_PRICE_MAX, and an ask already above it is kept', async () => {
    // 2^52 - 4 / 2^52 - 2 widened 1000-fold would ask 2^52 + 997; 2^52 + 2 is above the ceiling already.
    const rows: Rows = { type: 'quote', timeUs: [FROM, FROM + 1], bid: [RAW_PRICE_MAX - 4, RAW_PRICE_MAX - 2], ask: [RAW_PRICE_MAX - 2, RAW_PRICE_MAX + 2], bidSize: [1, 1], askSize: [1, 1] };
    const after = await collectRows(applyOverlay(new MemorySource(rows), { ...params, spreadFactor: 1000 }));
    if (after.type !== 'quote') throw new Error('expected quotes');
    expect(after.ask).toEqual([RAW_PRICE_MAX, RAW_PRICE_MAX + 2]);
    expect(after.bid).toEqual([RAW_PRICE_MAX - 1003, RAW_PRICE_MAX - 2000]);
  });
});
