// Proves the race rules between the stack's cancels/replaces and the venue's fills, with latency
// in virtual time: the venue handles messages in the order they reach it, market data first
// within an instant, so a fill before a cancel arrives stands (the cancel is refused with a
// reason when nothing is left, or takes the rest), a replace may not cut below what has filled,
// a replace arriving after a partial fill applies to what is left, a replace to exactly the
// filled quantity ends the order filled; a new price or a larger quantity loses time priority;
// the order link is FIFO, so even random latency never lets a cancel overtake its order nor a
// report overtake an earlier one.
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng.ts';
import { US_PER_HOUR, utcTimeUs } from '../kernel/time.ts';
import { OhlcPathFillModel } from './models/fill-models.ts';
import { ConstantLatencyModel, ExponentialLatencyModel } from './models/latency-models.ts';
import { bar, barSource, fillsOf, order, statusesOf, venueKit } from './venue-test-kit.ts';

const H = US_PER_HOUR;
const T0 = utcTimeUs(2024, 1, 2, 14, 30);
const capped = (): OhlcPathFillModel => new OhlcPathFillModel({ participation: 0.1 });
const bars1000 = (n: number) => barSource(Array.from({ length: n }, (_, i) => bar(T0 + i * H, H, 10_000 + 100 * i, 10_050 + 100 * i, 9_850 + 100 * i, 10_000 + 100 * i, 1_000)));

describe('cancel racing a fill', () => {
  it('a cancel arriving after the fill is refused with a reason; the fill stands', async () => {
    const k = venueKit({ startUs: T0 - 1_000, latency: new ConstantLatencyModel(100, 0) });
    const o = order({ side: 1, quantityRaw: 10 });
    k.venue.submit(o); // arrives at T0 - 900
    k.at(T0 - 50, () => k.venue.cancel(o.clientOrderId)); // arrives at T0 + 50, after the open at T0
    k.feed([{ instrumentIndex: 0, source: bars1000(1) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0, 10, 10_000]]);
    expect(statusesOf(k.log, o.clientOrderId).at(-1)).toEqual(['cancel-rejected', T0 + 50, 'cancel: too late, the order is filled']);
    expect(k.venue.order(o.clientOrderId)?.status).toBe('filled');
  });

  it('at the same instant, market data comes first: the fill wins over a cancel arriving then', async () => {
    const k = venueKit({ startUs: T0 - 1_000, latency: new ConstantLatencyModel(100, 0) });
    const o = order({ side: 1, quantityRaw: 10 });
    k.venue.submit(o);
    k.at(T0 - 100, () => k.venue.cancel(o.clientOrderId)); // arrives exactly at T0
    k.feed([{ instrumentIndex: 0, source: bars1000(1) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0, 10, 10_000]]);
    expect(statusesOf(k.log, o.clientOrderId).at(-1)?.slice(0, 2)).toEqual(['cancel-rejected', T0]);
  });

  it('a cancel arriving after a partial fill cancels what is left', async () => {
    const k = venueKit({ startUs: T0 - H, fill: capped() });
    const o = order({ side: 1, quantityRaw: 250 });
    k.venue.submit(o);
    k.at(T0 + H + H / 2, () => k.venue.cancel(o.clientOrderId));
    k.feed([{ instrumentIndex: 0, source: bars1000(3) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 100, 10_000]]);
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'cancelled', filledRaw: 100 });
  });

  it('a cancel of an unknown order is refused', async () => {
    const k = venueKit({ startUs: T0 });
    k.venue.cancel('nope');
    await k.run();
    expect(k.log.statuses).toEqual([{ kind: 'cancel-rejected', clientOrderId: 'nope', instrumentIndex: -1, timeUs: T0, reason: 'cancel: unknown order' }]);
  });
});

describe('replace racing a fill', () => {
  it('a replace cutting the quantity below what has filled is refused; the order works on unchanged', async () => {
    const k = venueKit({ startUs: T0 - H, fill: capped() });
    const o = order({ side: 1, quantityRaw: 250 });
    k.venue.submit(o);
    k.at(T0 + H + 1, () => k.venue.replace(o.clientOrderId, { quantityRaw: 50 }));
    k.feed([{ instrumentIndex: 0, source: bars1000(4) }]);
    await k.run();
    expect(statusesOf(k.log, o.clientOrderId)).toContainEqual(['replace-rejected', T0 + H + 1, 'replace: quantity 50 is below the quantity already filled (100)']);
    expect(fillsOf(k.log, o.clientOrderId).map((f) => f[1])).toEqual([100, 100, 50]);
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'filled', filledRaw: 250 });
  });

  it('a replace sent before a partial fill and arriving after it applies to what is left', async () => {
    const k = venueKit({ startUs: T0 - H, fill: capped(), latency: new ConstantLatencyModel(1_000, 0) });
    const o = order({ side: 1, quantityRaw: 300 });
    k.venue.submit(o);
    k.at(T0 + H - 500, () => k.venue.replace(o.clientOrderId, { quantityRaw: 150 })); // arrives T0 + H + 500
    k.feed([{ instrumentIndex: 0, source: bars1000(3) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 100, 10_000], [T0 + 2 * H, 50, 10_100]]);
    const replaced = k.log.statuses.find((r) => r.kind === 'replaced');
    expect(replaced).toMatchObject({ timeUs: T0 + H + 500, leavesQuantityRaw: 50, request: { clientOrderId: o.clientOrderId, quantityRaw: 150 } });
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'filled', filledRaw: 150 });
  });

  it('a replace to exactly the filled quantity ends the order filled', async () => {
    const k = venueKit({ startUs: T0 - H, fill: capped() });
    const o = order({ side: 1, quantityRaw: 300 });
    k.venue.submit(o);
    k.at(T0 + H + 1, () => k.venue.replace(o.clientOrderId, { quantityRaw: 100 }));
    k.feed([{ instrumentIndex: 0, source: bars1000(3) }]);
    await k.run();
    expect(fillsOf(k.log, o.clientOrderId)).toEqual([[T0 + H, 100, 10_000]]);
    expect(k.log.statuses.at(-1)).toMatchObject({ kind: 'replaced', leavesQuantityRaw: 0 });
    expect(k.venue.order(o.clientOrderId)).toMatchObject({ status: 'filled', filledRaw: 100 });
    k.venue.replace(o.clientOrderId, { quantityRaw: 200 });
    expect(k.log.statuses.at(-1)).toMatchObject({ kind: 'replace-rejected', reason: 'replace: too late, the order is filled' });
  });

  it('a new price loses time priority; a smaller quantity keeps it', async () => {
    const k = venueKit({ startUs: T0 - H, fill: capped() });
    const a = order({ side: 1, quantityRaw: 100, type: 'limit', limitPriceRaw: 9_900 });
    const b = order({ side: 1, quantityRaw: 100, type: 'limit', limitPriceRaw: 9_900 });
    const c = order({ side: 1, quantityRaw: 100, type: 'limit', limitPriceRaw: 9_900 });
    for (const o of [a, b, c]) k.venue.submit(o);
    k.venue.replace(a.clientOrderId, { limitPriceRaw: 9_905 }); // to the back: b, c, a
    k.venue.replace(b.clientOrderId, { quantityRaw: 60 }); // keeps its place
    k.feed([{ instrumentIndex: 0, source: barSource([bar(T0, H, 10_000, 10_000, 9_800, 9_900, 1_000), bar(T0 + H, H, 10_000, 10_000, 9_800, 9_900, 1_000)]) }]);
    await k.run();
    // 100 per bar: bar 1 gives b 60 and c 40; bar 2 gives c 60 and a 40.
    expect(k.log.fills.map((f) => [f.clientOrderId, f.quantityRaw, f.priceRaw])).toEqual([
      [b.clientOrderId, 60, 9_900], [c.clientOrderId, 40, 9_900], [c.clientOrderId, 60, 9_900], [a.clientOrderId, 40, 9_905],
    ]);
  });
});

describe('the order link is FIFO', () => {
  it('with random latency, no cancel overtakes its order and no report overtakes an earlier one', async () => {
    const latency = new ExponentialLatencyModel({ rng: Rng.derive(7, 'latency'), minUs: 0, meanExtraUs: 1_000 });
    const k = venueKit({ startUs: T0, latency });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const o = order({ side: 1, quantityRaw: 1, type: 'limit', limitPriceRaw: 5_000 });
      ids.push(o.clientOrderId);
      k.at(T0 + i * 300, () => { k.venue.submit(o); k.venue.cancel(o.clientOrderId); });
    }
    await k.run();
    for (const id of ids) expect(statusesOf(k.log, id).map((s) => s[0])).toEqual(['accepted', 'cancelled']);
    const times = k.log.delivered.map((d) => d.atUs);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    for (const id of ids) expect(k.log.delivered.filter((d) => d.report.clientOrderId === id).map((d) => d.report.kind)).toEqual(['accepted', 'cancelled']);
  });
});
