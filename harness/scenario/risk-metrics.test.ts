// Risk refusals, daily-loss halts and kill switch trips are metrics (gates can use them, every
// reporter shows them), counted by the risk engine and checked here against the journal: a
// strategy whose orders were refused must not look quiet.
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/cli-helpers.ts';
import { journalToJsonLines } from './engine-parts.ts';
import { loadScenarioFile, type LoadedScenario } from './load.ts';
import { runScenario } from './run.ts';

function load(file: string, overrides: { path: string; value: unknown }[] = []): LoadedScenario {
  const r = loadScenarioFile(file, { cwd: REPO, overrides });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.loaded;
}

async function runWithJournal(loaded: LoadedScenario): Promise<{ metrics: Record<string, unknown>; records: { kind: string; reason?: string; text?: string }[] }> {
  const chunks: Uint8Array[] = [];
  const r = await runScenario(loaded, { seed: loaded.scenario.seed, cwd: REPO, journalSink: { write: (b) => { chunks.push(b.slice()); } } });
  const records = journalToJsonLines(Buffer.concat(chunks)).trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; reason?: string; text?: string });
  return { metrics: r.metrics, records };
}

describe('risk metrics', () => {
  it('count the refusals the journal records, by limit', async () => {
    const { metrics, records } = await runWithJournal(load('scenarios/demo-sp500-two-agents-risk.yaml'));
    const rejects = records.filter((r) => r.kind === 'riskReject');
    expect(rejects.length).toBeGreaterThan(0);
    expect(metrics.riskRejections).toBe(rejects.length);
    expect(metrics).toMatchObject({ dailyLossHalts: 0, killSwitchTrips: 0 });
  });

  it('count the kill switch trip and the daily-loss halts the journal records', async () => {
    const killed = await runWithJournal(load('scenarios/synthetic-sma-fast-slow-kill-switch.yaml'));
    const trips = killed.records.filter((r) => r.kind === 'killSwitch');
    expect(trips).toHaveLength(1);
    expect(killed.metrics.killSwitchTrips).toBe(1);
    const halted = await runWithJournal(load('scenarios/synthetic-sma-fast-slow-kill-switch.yaml', [
      { path: 'stack.risk', value: { maxPosition: 150, maxDailyLoss: 300 } },
    ]));
    const halts = halted.records.filter((r) => r.kind === 'dailyLossHalt');
    expect(halts.length).toBeGreaterThan(1);
    expect(halted.metrics.dailyLossHalts).toBe(halts.length);
    expect(halted.metrics.killSwitchTrips).toBe(0);
  });

  it('are null for a stack of the user\'s own, whose risk engine the harness cannot see', async () => {
    const loaded = load('scenarios/synthetic-gbm-sma-crossover.yaml');
    const { ReferenceStack, RiskEngine, createAgent, createAllocator } = await import('../../engine/index.ts');
    const r = await runScenario(loaded, {
      seed: 1, cwd: REPO,
      stack: () => new ReferenceStack({ agents: loaded.scenario.stack.agents!.map((a) => createAgent(a)), allocator: createAllocator(loaded.scenario.stack.allocator), risk: new RiskEngine({}) }),
    });
    expect(r.metrics).toMatchObject({ riskRejections: null, dailyLossHalts: null, killSwitchTrips: null });
  });
});
