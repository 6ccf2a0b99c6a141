// Proves the direct path's wiring on a hand-made market where every number can be worked out by
// hand: a signal at bar t's close fills at bar t+1's open, fees and futures margin are booked,
// the ledger identity holds after every event, the equity series is sampled per bar, and the
// same inputs give the same fingerprint while a changed input changes it.
import { describe, expect, it } from 'vitest';
import { arraySource, type BarRow } from '../market/array-source.ts';
import { US_PER_DAY, US_PER_HOUR } from '../kernel/time.ts';

const US_HOUR = US_PER_HOUR;
import { SmaCrossoverAgent } from '../stack/agents/sma-crossover.ts';
import { FixedQuantityAllocator } from '../stack/allocator/allocator.ts';
import { RiskEngine } from '../stack/risk/risk-engine.ts';
import { ReferenceStack } from '../stack/reference-stack.ts';
import { runBacktest, type BacktestParams } from './backtest.ts';

function bars(closes: number[]): BarRow[] {
  // Daily bars 09:00-17:00; open = previous close + 1 (so fills at the open are recognisable).
  return closes.map((c, i) => ({
    openTimeUs: i * US_PER_DAY + 9 * US_PER_HOUR, closeTimeUs: i * US_PER_DAY + 17 * US_PER_HOUR,
    open: (closes[i - 1] ?? c) + 1, high: Math.max(c, (closes[i - 1] ?? c) + 1), low: Math.min(c, (closes[i - 1] ?? c) + 1), close: c,
  }));
}

function params(closes: number[], extra: Partial<BacktestParams> = {}): BacktestParams {
  return {
    seed: 1,
    instruments: [{ id: 'F', kind: 'future', priceDecimals: 0, multiplier: 10, marginPerContract: 1000 }],
    account: { currency: 'USD', startCash: 10_000 },
    sources: [arraySource({ instrumentId: 'F', priceDecimals: 0, barIntervalUs: 8 * US_PER_HOUR }, { type: 'bar', rows: bars(closes) })],
    stack: () => new ReferenceStack({ agents: [new SmaCrossoverAgent('sma', { instrument: 'F', period: 3 })], allocator: new FixedQuantityAllocator({ quantity: 1 }), risk: new RiskEngine({ maxPosition: 1 }) }),
    fees: { perUnit: 2 },
    ...extra,
  };
}

describe('runBacktest (direct path)', () => {
  const closes = [100, 100, 100, 90, 120, 130, 125, 80, 70];

  it('fills the crossover signal at the next open, with fees, and books PnL exactly', async () => {
    const identityFailures: string[] = [];
    const r = await runBacktest(params(closes, { afterEvent: ({ ledger, timeUs }) => { const e = ledger.checkIdentity(); if (e) identityFailures.push(`${timeUs}: ${e}`); } }));
    // SMA(3) at bar 4 (close 120): prev close 90 <= prev SMA 96.67, 120 > SMA 103.3 -> long.
    // Fill at bar 5's open = 121. Cross below at bar 7 (close 80 < SMA 111.7; prev 125 >= 118.3):
    // sell at bar 8's open = 81. PnL = (81 - 121) * 10 = -400, fees 2 x 2.00.
    expect(r.fills.map((f) => [f.side, f.quantity, f.price, f.fee])).toEqual([['buy', 1, 121, 2], ['sell', 1, 81, 2]]);
    expect(r.final.realized).toBe(-40_000); // money units (cents)
    expect(r.final.equity).toBe(1_000_000 - 40_000 - 400);
    expect(r.final.marginInUse).toBe(0);
    expect(identityFailures).toEqual([]);
    expect(r.equity.equity.length).toBe(closes.length);
    expect(r.equity.equity[5]).toBe(10_000 - 2 + (130 - 121) * 10); // held one contract at bar 5's close
    expect(r.outcome.marketEvents).toBe(2 * closes.length);
  });

  it('is reproducible: same inputs, same fingerprint; another input, another fingerprint', async () => {
    const a = await runBacktest(params(closes));
    const b = await runBacktest(params(closes));
    expect(a.fingerprint).toBe(b.fingerprint);
    const changed = await runBacktest(params([...closes.slice(0, -1), 71]));
    expect(changed.fingerprint).not.toBe(a.fingerprint);
    const otherSeed = await runBacktest(params(closes, { seed: 2 }));
    expect(otherSeed.fingerprint).not.toBe(a.fingerprint); // the seed is in the journal header
  });

  it('refuses a source whose instrument is not declared, naming it', async () => {
    const p = params(closes);
    await expect(runBacktest({ ...p, instruments: [{ id: 'G', kind: 'equity', priceDecimals: 0 }] })).rejects.toThrow(/names no declared instrument/);
  });

  it('supports an async stack: handlers that await virtual sleeps still settle before time moves', async () => {
    const p = params(closes);
    const r = await runBacktest({
      ...p,
      stack: (instruments, rng) => {
        const inner = p.stack(instruments, rng) as ReferenceStack;
        return {
          start: (env) => {
            inner.start({ ...env, data: { ...env.data, onBar: (h) => env.data.onBar(async (bar) => { await env.kernel.sleep(0); await h(bar); }), onTrade: (h) => env.data.onTrade(h), onQuote: (h) => env.data.onQuote(h) } });
          },
          onReport: (rep) => inner.onReport(rep),
          snapshot: () => inner.snapshot(),
          restore: (s) => inner.restore(s),
        };
      },
    });
    const sync = await runBacktest(params(closes));
    expect(r.fills).toEqual(sync.fills);
  });
});

describe('the equity series sized from the source row count', () => {
  // 9,000 bars: more than two of the series' 4,096-sample chunks, so a short hint overflows into them.
  const long = Array.from({ length: 9_000 }, (_, i) => 100 + Math.round(20 * Math.sin(i / 37) + 7 * Math.sin(i / 5)));
  const withHint = (rows: number | undefined): Partial<BacktestParams> => {
    const source = params(long).sources[0]!;
    return { sources: [{ info: source.info, issues: source.issues, next: () => source.next(), expectedRows: () => rows }] };
  };

  it('gives the same equity whether the hint is missing, exact, short or long', async () => {
    const plain = await runBacktest(params(long));
    expect(plain.equity.timeUs).toHaveLength(9_000);
    for (const rows of [9_000, 9_500, 4_000, 1, 100_000, 0, Number.NaN]) {
      const hinted = await runBacktest(params(long, withHint(rows)));
      expect(hinted.fingerprint).toBe(plain.fingerprint);
      expect(Array.from(hinted.equity.timeUs)).toEqual(Array.from(plain.equity.timeUs));
      expect(Array.from(hinted.equity.equity)).toEqual(Array.from(plain.equity.equity));
      expect(Array.from(hinted.equity.grossExposure)).toEqual(Array.from(plain.equity.grossExposure));
    }
  });
});

describe('halts from overlays reach the venue', () => {
  it('an order arriving inside a halt window of the halt overlay is rejected as halted', async () => {
    const { applyOverlay } = await import('../market/overlays/index.ts');
    const { decodeJournal } = await import('../kernel/journal-view.ts');
    const closes = [100, 100, 100, 90, 120, 130, 125, 80, 70];
    const rows = bars(closes);
    const halt = { fromUs: rows[4]!.closeTimeUs, toUs: rows[6]!.closeTimeUs };
    const parts: Uint8Array[] = [];
    const p = params(closes);
    const r = await runBacktest({
      ...p,
      sources: [applyOverlay(arraySource({ instrumentId: 'F', priceDecimals: 0, barIntervalUs: 8 * US_HOUR }, { type: 'bar', rows }), { kind: 'halt', ...halt })],
      latency: { model: 'constant', orderUs: US_HOUR, reportUs: 0 }, // the signal at bar 4's close arrives inside the halt
      journalSink: { write: (b) => parts.push(b.slice()) },
    });
    const rejects = [...decodeJournal(Buffer.concat(parts))].filter((x) => x.kind === 'venueReject');
    expect(rejects[0]).toEqual({ kind: 'venueReject', timeUs: halt.fromUs + US_HOUR, clientOrderId: 'o-1', reason: 'halted' });
    // The stack's 5 s order timeout is shorter than the hour of latency: its retries (same id)
    // arrive later and book nothing.
    expect(rejects.slice(1).map((x) => x.reason)).toEqual(Array(rejects.length - 1).fill('duplicate client order id: already known'));
    expect(r.fills.every((f) => f.timeUs < halt.fromUs || f.timeUs >= halt.toUs)).toBe(true);
  });
});

describe('the stack keeps its own clock', () => {
  it('a skewed stack clock is what the stack reads, while venue time and fills stay put', async () => {
    const closes = [100, 100, 100, 90, 120, 130, 125, 80, 70];
    const seen: number[][] = [];
    const probe = (skew: number, p = params(closes)) => runBacktest({
      ...p,
      stackClock: { offsetUs: skew },
      stack: (instruments, rng) => {
        const inner = p.stack(instruments, rng);
        const times: number[] = [];
        seen.push(times);
        return {
          start: (env) => { env.data.onBar((bar) => { times.push(env.clock.nowUs() - bar.closeTimeUs); }); inner.start(env); },
          onReport: (r) => inner.onReport(r), snapshot: () => inner.snapshot(), restore: (s) => inner.restore(s),
        };
      },
    });
    const [plain, skewed] = [await probe(0), await probe(-5_000)];
    expect(seen[0]!.every((d) => d === 0)).toBe(true);
    expect(seen[1]!.every((d) => d === -5_000)).toBe(true);
    expect(skewed.fills).toEqual(plain.fills);
  });
});

describe('model objects in place of configurations', () => {
  const closes = [10, 10, 10, 12, 14, 13, 9, 8, 11, 15];

  it('a latency model object equal to a configuration gives the same run; a fill or slippage model object is the one used', async () => {
    const byConfig = await runBacktest(params(closes, { latency: { model: 'constant', orderUs: 1000, reportUs: 500 } }));
    const byObject = await runBacktest(params(closes, { latency: { orderLatencyUs: () => 1000, reportLatencyUs: () => 500 } }));
    expect(byObject.fingerprint).toBe(byConfig.fingerprint);
    expect(byConfig.fills.length).toBeGreaterThan(0);

    // A wrapper around the default models that counts what the venue asks of them.
    const { createVenueModels } = await import('../venue/models/venue-models.ts');
    const { RngRegistry } = await import('../kernel/rng.ts');
    const inner = createVenueModels(undefined, new RngRegistry(1), 2);
    let matches = 0;
    let slipped = 0;
    const counted = await runBacktest(params(closes, {
      fill: { matchesAtBarOpen: inner.fill.matchesAtBarOpen, fillsAtArrivalClose: inner.fill.fillsAtArrivalClose, capacityRaw: (p) => inner.fill.capacityRaw(p), match: (p, out) => { matches++; inner.fill.match(p, out); } },
      slippage: { adjust: (p) => { slipped++; return inner.slippage.adjust(p); } },
    }));
    expect(counted.fingerprint).toBe((await runBacktest(params(closes))).fingerprint);
    expect(matches).toBeGreaterThan(0);
    expect(slipped).toBe(counted.fills.length);
  });
});

describe('run extensions', () => {
  const closes = [10, 10, 10, 12, 14, 13, 9, 8, 11, 15];

  it('start once with the run parts, see every event (market and scheduled) in time order, and change nothing', async () => {
    const plain = await runBacktest(params(closes));
    const seen: number[] = [];
    let started = 0;
    let identityBroken = 0;
    const r = await runBacktest(params(closes, {
      latency: { model: 'constant', orderUs: 1000, reportUs: 500 },
      extensions: [{
        onStart: (ctx) => { started++; expect(ctx.env.instruments.map((i) => i.id)).toEqual(['F']); },
        afterEvent: (ctx, timeUs) => { seen.push(timeUs); if (ctx.ledger.checkIdentity() !== null) identityBroken++; },
      }],
    }));
    const withLatency = await runBacktest(params(closes, { latency: { model: 'constant', orderUs: 1000, reportUs: 500 } }));
    expect(r.fingerprint).toBe(withLatency.fingerprint);
    expect(plain.fills.length).toBe(r.fills.length);
    expect(started).toBe(1);
    expect(identityBroken).toBe(0);
    // Every event: each bar's open and close, and the scheduled order arrivals and reports.
    expect(seen.length).toBe(r.outcome.events);
    expect(seen.length).toBeGreaterThan(2 * closes.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
