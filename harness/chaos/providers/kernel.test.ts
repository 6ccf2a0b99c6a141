// Proves that the provider transport plugs into the kernel's virtual-time fetch: a long-polling
// loop receives each batch at the held time plus the drawn latency on the virtual clock, never an
// item from after the instant the provider answered as of, and two runs with one seed agree.
import { describe, expect, it } from 'vitest';
import { DIALECTS, Kernel, PRIORITY, Rng, RngRegistry, type TradeItem } from '../../../engine/index.ts';
import { providerBaseUrl } from './provider.ts';
import { ProviderTimeline } from './timeline.ts';
import { openProviderRun } from './transport.ts';
import { ACME_TRADES, T0_US, testSources, testSpec } from './test-market.ts';

const SEED = 11;

async function pollLoop(): Promise<string[]> {
  const timeline = await ProviderTimeline.fromSources(testSources());
  const spec = testSpec('aggs-v3');
  const run = openProviderRun({ providers: [spec], timeline, rng: new RngRegistry(SEED) });
  const d = DIALECTS[spec.dialect];
  const log: string[] = [];
  try {
    const k = new Kernel({ startUs: T0_US, fetch: run.transport });
    k.schedule(T0_US + 1, PRIORITY.timer, 'start', () => {
      k.context.spawn('poller', async () => {
        let afterUs: number | null = null;
        for (let i = 0; i < 8; i++) {
          const url = d.pollUrl(providerBaseUrl(spec.name), 'trades', 'ACME', afterUs, 10_000_000);
          const res = await k.context.fetch(url, { headers: d.authHeaders(spec.auth) });
          const parsed = d.parse('poll', 'trades', JSON.parse(res.body), 2);
          if (!parsed.ok) throw new Error(parsed.reason);
          const items = parsed.items as readonly TradeItem[];
          log.push(`${k.clock.nowUs() - T0_US}:${items.map((x) => x.timeUs - T0_US).join(',')}`);
          if (items.length > 0) afterUs = items.at(-1)!.timeUs;
        }
      });
    });
    await k.run();
  } finally {
    run.close();
  }
  return log;
}

describe('providers on the kernel', () => {
  it('deliver long polls at the held time plus the drawn latency, never ahead of it', async () => {
    const log = await pollLoop();
    // Independent expectation: the poller asks at T0 + 1 µs after nothing; trades come in pairs.
    const draws = Rng.derive(SEED, `provider.${testSpec('aggs-v3').name}`);
    const expected: string[] = [];
    const pairs = [...new Set(ACME_TRADES.map((t) => t.timeUs - T0_US))];
    let nowUs = 1;
    let seen = -1;
    for (let i = 0; i < 8; i++) {
      // Items ready at now, else the next pair's time (always within the 10 s wait here).
      const ready = pairs.filter((t) => t > seen && t <= nowUs);
      const asOf = ready.length > 0 ? nowUs : pairs.find((t) => t > seen)!;
      const items = pairs.filter((t) => t > seen && t <= asOf).flatMap((t) => [t, t]);
      nowUs = asOf + draws.nextInt(1_000, 50_000);
      expected.push(`${nowUs}:${items.join(',')}`);
      seen = items.at(-1) ?? seen;
    }
    expect(log).toEqual(expected);
    expect(await pollLoop()).toEqual(log);
  });
});
