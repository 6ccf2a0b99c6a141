// The kill switch's flatten under a venue fault that fills nothing: a 1-lot order half-filled is
// cancelled with nothing filled, and the flatten used to send it again at the same instant,
// forever, until the event queue overflowed (a million events at one virtual time). It now sends
// it again at the instrument's next market event, so the run ends and the clock moves on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../engine/testing/temp-dirs.ts';
import { loadScenarioFile } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';

const SCENARIO = `version: 1
name: kill-switch-flatten-half-fills
seed: 4
market:
  synthetic:
    process: gbm
    instrumentId: SYN-VOL
    priceDecimals: 2
    startTimeUs: 1577836800000000
    startPrice: 80
    count: 257
    drift: -0.1
    volatility: 0.6
    output: { type: bar, intervalUs: 86400000000 }
account: { currency: USD, startCash: 30000 }
stack:
  agents:
    - { kind: sma-fast-slow, instrument: SYN-VOL, fast: 10, slow: 30, allowShort: true }
  allocator: { kind: fixed-quantity, quantity: 150 }
  risk: { maxPosition: 150, killSwitchDrawdown: 0.1, flattenOnKill: true }
venue:
  fees: { bps: 2 }
faults:
  - { kind: venue-partial-fill, fillFraction: 0.5 }
`;

describe('the kill-switch flatten under a venue that fills half of every order', () => {
  it('sends an order that filled nothing again at the next market event, not at the same instant', async () => {
    const dir = tempDir('flatten-faults');
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, SCENARIO);
    const loaded = loadScenarioFile(file, { cwd: dir });
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
    const run = await runScenario(loaded.loaded, { seed: 4, cwd: dir });
    expect(run.metrics.killSwitchTrips).toBe(1);
    const nothingFilled = run.faults!.list.filter((f) => f.kind === 'venue-partial-fill' && f.detail.startsWith('filled 0 of'));
    // The case is reached: 1-lot flatten orders that fill nothing, many of them...
    expect(nothingFilled.length).toBeGreaterThan(10);
    // ...each at its own bar: never two at one instant.
    expect(new Set(nothingFilled.map((f) => f.timeUs)).size).toBe(nothingFilled.length);
    // The halving still goes on at one instant while it makes progress (150 -> 75 -> ... -> 1).
    const progressed = run.faults!.list.filter((f) => f.kind === 'venue-partial-fill' && !f.detail.startsWith('filled 0 of'));
    expect(progressed.length).toBeGreaterThan(5);
    expect(run.events).toBeLessThan(5_000);
  });
});
