// Proves that the venue's state is plain, JSON-safe data that restores exactly: a snapshot taken
// mid-run (working GTC and DAY orders, a triggered stop-limit, an order and a report still in
// flight) restored into a fresh venue on a fresh kernel gives the same fills and reports from
// there on as the run that never stopped; restoring a venue onto itself voids the events it had
// scheduled, so nothing is delivered twice.
import { describe, expect, it } from 'vitest';
import { US_PER_HOUR, US_PER_MINUTE, utcTimeUs } from '../kernel/time.ts';
import type { BarRow } from '../market/array-source.ts';
import { ConstantLatencyModel } from './models/latency-models.ts';
import { bar, barSource, order, venueKit, type Kit } from './venue-test-kit.ts';
import type { VenueState } from './venue.ts';

const H = US_PER_HOUR;
const T0 = utcTimeUs(2024, 1, 2, 14, 30);
const SNAP = T0 + 2 * H;
const BARS: BarRow[] = [
  bar(T0, H, 10_000, 10_050, 9_950, 10_000),
  bar(T0 + H, H, 9_880, 9_900, 9_850, 9_890), // gaps through the stop 9900: triggered, limit 9950 not reached
  bar(T0 + 2 * H, H, 9_900, 9_920, 9_870, 9_900),
  bar(T0 + 3 * H, H, 9_900, 9_960, 9_790, 9_950), // limit buy 9800 and sell limit 9950 both trade
  bar(T0 + 4 * H, H, 9_950, 9_980, 9_900, 9_960),
];

function kit(startUs: number): Kit {
  return venueKit({ startUs, latency: new ConstantLatencyModel(1_000, 500) });
}

/** What happened after `fromUs`, comparable between runs. */
function after(k: Kit, fromUs: number): unknown {
  return {
    fills: k.log.fills.filter((f) => f.timeUs > fromUs),
    statuses: k.log.statuses.filter((r) => r.timeUs > fromUs),
    delivered: k.log.delivered.filter((d) => d.atUs > fromUs),
  };
}

async function runToSnapshot(): Promise<{ k: Kit; snap: VenueState }> {
  const k = kit(T0 - H);
  k.venue.submit(order({ clientOrderId: 'gtc', side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_800 }));
  k.venue.submit(order({ clientOrderId: 'day', side: 1, quantityRaw: 10, type: 'limit', limitPriceRaw: 9_000, timeInForce: 'DAY' }));
  k.venue.submit(order({ clientOrderId: 'stop', side: -1, quantityRaw: 5, type: 'stop-limit', stopPriceRaw: 9_900, limitPriceRaw: 9_950 }));
  // Sent 30 minutes into bar 2: arrives inside it, fills at bar 3's open, at the snapshot instant;
  // its report is still in flight then. The late order is still in flight too.
  k.at(T0 + H + 30 * US_PER_MINUTE, () => k.venue.submit(order({ clientOrderId: 'mkt', side: 1, quantityRaw: 3 })));
  k.at(SNAP - 200, () => k.venue.submit(order({ clientOrderId: 'late', side: -1, quantityRaw: 2 })));
  k.feed([{ instrumentIndex: 0, source: barSource(BARS) }]);
  await k.kernel.run({ untilUs: SNAP });
  return { k, snap: k.venue.snapshot() };
}

describe('venue snapshot and restore', () => {
  it('is JSON-safe plain data holding working orders and messages in flight', async () => {
    const { snap } = await runToSnapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.book.working[0]).toEqual(['gtc', 'day', 'stop']);
    expect(snap.book.orders.find((o) => o.request.clientOrderId === 'stop')).toMatchObject({ triggered: true, status: 'accepted' });
    expect(snap.toVenue.inFlight.map((m) => m.message.kind)).toEqual(['submit']);
    expect(snap.toStack.inFlight.map((m) => m.message.kind)).toEqual(['fill']);
  });

  it('restored into a fresh venue and kernel, continues exactly as the run that never stopped', async () => {
    const { k: original, snap } = await runToSnapshot();
    await original.run();

    const restored = kit(SNAP);
    restored.venue.restore(JSON.parse(JSON.stringify(snap)) as VenueState);
    restored.feed([{ instrumentIndex: 0, source: barSource(BARS.filter((b) => b.openTimeUs >= SNAP)) }]);
    await restored.run();

    expect(after(restored, SNAP)).toEqual(after(original, SNAP));
    const fills = original.log.fills.filter((f) => f.timeUs > SNAP).map((f) => [f.clientOrderId, f.quantityRaw, f.priceRaw]);
    expect(fills).toEqual([['late', 2, 9_900], ['gtc', 10, 9_800], ['stop', 5, 9_950]]);
    expect(restored.venue.order('day')?.status).toBe('expired');
  });

  it('restored onto itself, voids what it had scheduled: nothing is delivered twice', async () => {
    const { k: original, snap } = await runToSnapshot();
    await original.run();
    const { k: again, snap: snap2 } = await runToSnapshot();
    again.venue.restore(snap2);
    expect(snap2).toEqual(snap);
    await again.run();
    expect(after(again, SNAP)).toEqual(after(original, SNAP));
  });
});
