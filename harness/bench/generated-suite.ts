/**
 * Generated suites for the suite benchmark and the tests that need many scenario files: n files of
 * a seeded GBM of 252 daily bars and an SMA(20) crossover with two gates that pass.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED_BARS = 252;

/** One scenario file: a seeded GBM of 252 daily bars and an SMA(20) crossover with two gates. */
export function generatedScenarioText(i: number): string {
  return `version: 1
name: bench-${String(i).padStart(5, '0')}
seed: ${i + 1}
market:
  synthetic:
    process: gbm
    instrumentId: SYN
    priceDecimals: 2
    startTimeUs: 1577836800000000
    startPrice: 100
    count: ${GENERATED_BARS}
    drift: 0.05
    volatility: 0.25
    output: { type: bar, intervalUs: 86400000000 }
account: { currency: USD, startCash: 50000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SYN, period: 20 }
  allocator: { kind: fixed-quantity, quantity: 100 }
  risk: { maxPosition: 100 }
venue:
  fees: { perUnit: 0.01, minimum: 1 }
gates:
  - { metric: trades, min: 0 }
  - { metric: maxDrawdown, max: 1 }
`;
}

export function writeGeneratedSuite(dir: string, n: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `s${String(i).padStart(5, '0')}.yaml`), generatedScenarioText(i));
  return dir;
}
