// Proves the scenario runner: the same scenario and seed give the same fingerprint and metrics,
// another seed moves a synthetic market; an overlay changes the run it is injected into (and
// nothing else about the scenario); a trade-tick market whose ticks share timestamps runs (equity
// marks at one instant become one); money comes out in account currency as decimals.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, type LoadedScenario } from './load.ts';
import { runScenario } from './run.ts';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { Ledger, type PreTradeRisk } from '../../engine/index.ts';

const dir = tempDir('run');
function loadText(name: string, text: string): LoadedScenario {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const r = loadScenarioFile(file, dir);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.loaded;
}

const BARS = (overlays: string): string => `version: 1
market:
  synthetic: { process: gbm, instrumentId: X, startTimeUs: 1577836800000000, startPrice: 100, count: 400, volatility: 0.4, output: { type: bar, intervalUs: 3600000000 } }
${overlays}
account: { startCash: 10000 }
stack:
  agents: [{ kind: sma-crossover, instrument: X, period: 10 }]
  allocator: { kind: fixed-quantity, quantity: 10 }
venue: { fees: { bps: 1 } }
`;

describe('runScenario', () => {
  it('is deterministic for a seed, and another seed moves the synthetic market', async () => {
    const s = loadText('det', BARS(''));
    const a = await runScenario(s, { seed: 5 });
    const b = await runScenario(s, { seed: 5 });
    const c = await runScenario(s, { seed: 6 });
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.metrics).toEqual(a.metrics);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(a.fills.length).toBeGreaterThan(2);
    // Money in account currency as decimals: whole cents.
    for (const v of [a.final.equity!, a.metrics.finalEquity as number, ...a.fills.map((f) => f.fee)]) expect(Math.round(v * 100) / 100).toBe(v);
  });

  it('an overlay changes the run it is injected into', async () => {
    const plain = await runScenario(loadText('plain', BARS('')), { seed: 5 });
    const crashed = await runScenario(loadText('crash', BARS(`  overlays:
    - { kind: flash-crash, startUs: 1578182400000000, dropPercent: 20, fallDurationUs: 7200000000, recoveryDurationUs: 36000000000 }`)), { seed: 5 });
    expect(crashed.fingerprint).not.toBe(plain.fingerprint);
    expect(crashed.metrics.maxDrawdown).not.toBe(plain.metrics.maxDrawdown);
  });

  it('runs a trade-tick market whose ticks share timestamps', async () => {
    const s = loadText('ticks', `version: 1
market:
  synthetic: { process: gbm, instrumentId: T, startTimeUs: 1577836800000000, startPrice: 50, count: 3000, volatility: 0.3, output: { type: trade, meanInterArrivalUs: 2 } }
account: { startCash: 10000 }
stack: { agents: [{ kind: buy-and-hold, instrument: T }] }
metrics: { periodsPerYear: 252 }
`);
    const r = await runScenario(s, { seed: 1 });
    expect(r.metrics.sampleCount as number).toBeLessThan(3000);
    expect(r.metrics.periodsPerYear).toBe(252);
  });

  it('wrap decorates the scenario\'s own reference stack and models.ledger builds the run\'s ledger; wrap with a whole stack is refused', async () => {
    const s = loadText('wrapped', BARS(''));
    const plain = await runScenario(s, { seed: 5 });
    let checks = 0;
    let ledgers = 0;
    const wrapped = await runScenario(s, {
      seed: 5,
      wrap: {
        risk: (risk) => {
          const check = risk.check.bind(risk);
          return Object.assign(risk, { check: (...a: Parameters<PreTradeRisk['check']>) => { checks++; return check(...a); } });
        },
      },
      models: { ledger: (p) => { ledgers++; return new Ledger(p); } },
    });
    // The same run: the scenario's stack config applied, the decorators watched and changed nothing.
    expect(wrapped.fingerprint).toBe(plain.fingerprint);
    expect(checks).toBe(plain.fills.length);
    expect(ledgers).toBe(1);
    await expect(runScenario(s, { seed: 5, wrap: {}, stack: () => { throw new Error('not built'); } })).rejects.toThrow(/give one of them/);
  });
});

describe('runScenario equity series (for reporters that chart it)', () => {
  it('has one mark per bar close, in account currency, ending at the final equity', async () => {
    const r = await runScenario(loadText('equity', BARS('')), { seed: 5 });
    expect(r.equity.timeUs.length).toBe(400);
    expect(r.equity.equity.length).toBe(400);
    expect(r.equity.equity[399]).toBe(r.metrics.finalEquity);
    for (let i = 1; i < 400; i++) expect(r.equity.timeUs[i]! - r.equity.timeUs[i - 1]!).toBe(3_600_000_000);
  });
});
