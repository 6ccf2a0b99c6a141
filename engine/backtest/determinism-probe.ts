/**
 * A fixed run for determinism checks (tests run it in-process and in child processes): a seeded
 * synthetic market with exponential latency (so the 'latency' stream is exercised) through the
 * reference stack, journal written to a sink.
 */
import { createHash } from 'node:crypto';
import { RngRegistry } from '../kernel/rng.ts';
import { createSyntheticSource } from '../market/synthetic/index.ts';
import { createReferenceStack } from '../stack/stack-config.ts';
import { runBacktest } from './backtest.ts';

export interface ProbeResult {
  fingerprint: string;
  journalSha256: string;
  journalBytes: number;
  fills: number;
  firstCloses: number[];
}

export async function runDeterminismProbe(seed: number): Promise<ProbeResult> {
  const hash = createHash('sha256');
  let journalBytes = 0;
  const firstCloses: number[] = [];
  const market = createSyntheticSource({
    process: 'jump-diffusion', instrumentId: 'SYN', priceDecimals: 2, startTimeUs: 1_577_836_800_000_000, startPrice: 100,
    count: 20_000, volatility: 0.3, jumpIntensity: 50, jumpMean: -0.01, jumpStd: 0.03, output: { type: 'bar', intervalUs: 60_000_000 },
  }, new RngRegistry(seed).stream('market'));
  const result = await runBacktest({
    seed,
    instruments: [{ id: 'SYN', kind: 'equity', priceDecimals: 2 }],
    account: { currency: 'USD', startCash: 100_000 },
    sources: [market],
    stack: () => createReferenceStack({ agents: [{ kind: 'sma-crossover', instrument: 'SYN', period: 30 }], allocator: { kind: 'fixed-quantity', quantity: 10 } }),
    venue: { fees: { bps: 1, minimum: 1 }, latency: { model: 'exponential', minUs: 100, meanExtraUs: 2_000 } },
    journalSink: { write: (bytes) => { hash.update(bytes); journalBytes += bytes.byteLength; } },
    afterEvent: ({ ledger }) => { if (firstCloses.length < 20) firstCloses.push(ledger.position(0).lastPriceRaw); },
  });
  return { fingerprint: result.fingerprint, journalSha256: hash.digest('hex'), journalBytes, fills: result.fills.length, firstCloses };
}
