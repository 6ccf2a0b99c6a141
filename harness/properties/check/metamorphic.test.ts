// Proves the metamorphic properties of `gauntlet check`: each holds on built-in scenarios where it
// applies, says why where it does not (for a whole scenario, or for one variation only), and fails
// on a deliberately broken stack: an agent that peeks one bar ahead (noLookAhead), a provider-path
// adapter that reads the wrong price field (directMatchesProvider), an agent with an absolute price
// threshold (priceScaling). The last two run end to end through checkScenario.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  createReferenceStack, decodeJournal, FixedQuantityAllocator, MARKET_KINDS, ProviderDataClient, ReferenceStack, RiskEngine,
  type Agent, type AgentContext, type DataClient, type DataClientFlaws, type JournalRecord, type TradingStack,
} from '../../../engine/index.ts';
import { REPO } from '../../cli/cli-helpers.ts';
import { loadScenarioText, type LoadedScenario } from '../../scenario/load.ts';
import { marketSources, openSources } from '../../scenario/market.ts';
import { runScenario, type RunOptions } from '../../scenario/run.ts';
import { checkScenario, type ScenarioCheck } from './check.ts';
import {
  cutTimeUs, determinism, directMatchesProvider, isNotApplicableHere, METAMORPHIC, noLookAhead, perturbedAfter,
  type MetamorphicContext, type MetamorphicOutcome,
} from './metamorphic.ts';
import { PRICE_SCALE, priceScaling, scalingPlan } from './price-scaling.ts';
import { referenceConfig } from '../../scenario/stack-schema.ts';

const TIMEOUT_MS = 120_000;

function load(text: string, file: string): LoadedScenario {
  const r = loadScenarioText(text, join(REPO, file), { cwd: REPO });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.loaded;
}

/** A scenario file's text, edited: each edit sets a path (null deletes it). */
function edited(file: string, edits: [(string | number)[], unknown][] = []): string {
  const doc = parseDocument(readFileSync(join(REPO, file), 'utf8'));
  for (const [path, value] of edits) {
    if (value === null) doc.deleteIn(path);
    else doc.setIn(path, doc.createNode(value, { flow: true }));
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * The context check.ts gives a property, built by hand. `stackFor` builds the stack for whichever
 * scenario a run is of (the peeking agent reads that scenario's market).
 */
async function contextFor(file: string, text: string, options: { seed?: number; stackFor?: (l: LoadedScenario, seed: number) => Promise<RunOptions['stack']> } & Partial<RunOptions> = {}): Promise<MetamorphicContext> {
  const { seed: s, stackFor, ...runOptions } = options;
  const loaded = load(text, file);
  const seed = s ?? loaded.scenario.seed;
  const run: MetamorphicContext['run'] = async ({ loaded: other, ...rest }) => {
    const l = other ?? loaded;
    const stack = stackFor === undefined ? undefined : await stackFor(l, seed);
    return runScenario(l, { seed, cwd: REPO, ...runOptions, ...(stack === undefined ? {} : { stack }), ...rest });
  };
  return { loaded, seed, base: await run({}), run, text, load: (t) => { const r = loadScenarioText(t, loaded.absPath, { cwd: REPO }); return r.ok ? r.loaded : null; } };
}

async function builtIn(file: string, options: Parameters<typeof contextFor>[2] = {}): Promise<MetamorphicContext> {
  return contextFor(file, readFileSync(join(REPO, file), 'utf8'), options);
}

function notApplicableReason(o: MetamorphicOutcome): string | null {
  return isNotApplicableHere(o) ? o.notApplicable : null;
}

async function check(file: string, text: string, runOptions: Partial<RunOptions>, runs: number, seed = 1): Promise<ScenarioCheck> {
  return checkScenario(load(text, file), text, { runs, seed, timeBudgetMs: null, cwd: REPO, regressionsDir: null, runOptions });
}

/** Runs a scenario and keeps its journal records. */
async function journal(loaded: LoadedScenario, seed: number): Promise<JournalRecord[]> {
  const chunks: Uint8Array[] = [];
  await runScenario(loaded, { seed, cwd: REPO, journalSink: { write: (b) => chunks.push(b.slice()) } });
  return [...decodeJournal(Buffer.concat(chunks))];
}

// ---- broken stacks (test only) ----

/** Every bar's close by its close time, read from the market the scenario opens: what a peeking agent indexes. */
async function closesOf(loaded: LoadedScenario, seed: number): Promise<{ timeUs: number[]; closeRaw: number[] }> {
  const out = { timeUs: [] as number[], closeRaw: [] as number[] };
  for (const source of openSources(marketSources(loaded.scenario), loaded.dir, seed)) {
    for (let b = await source.next(); b !== null; b = await source.next()) {
      if (b.type !== 'bar') continue;
      for (let i = 0; i < b.length; i++) { out.timeUs.push(b.closeTimeUs[i]!); out.closeRaw.push(b.close[i]!); }
    }
  }
  return out;
}

/** Long when the next bar closes higher, short when lower: the classic close[i + 1] bug. */
class PeekingAgent implements Agent {
  readonly id = 'peek';
  private readonly market: { timeUs: number[]; closeRaw: number[] };
  constructor(market: { timeUs: number[]; closeRaw: number[] }) { this.market = market; }
  start(ctx: AgentContext): void {
    let i = 0;
    ctx.data.onBar((bar) => {
      while (i < this.market.timeUs.length && this.market.timeUs[i]! < bar.closeTimeUs) i++;
      const next = this.market.closeRaw[i + 1];
      if (next !== undefined) ctx.signal(bar.instrumentIndex, next > bar.closeRaw ? 1 : -1);
    });
  }
  snapshot(): unknown { return {}; }
  restore(): void {}
}

/** Long while the close is above `level` (in price units), flat below: a threshold that does not scale. */
class AbsoluteLevelAgent implements Agent {
  readonly id = 'level';
  private readonly level: number;
  constructor(level: number) { this.level = level; }
  start(ctx: AgentContext): void {
    let target = 0;
    ctx.data.onBar((bar) => {
      const want = bar.close > this.level ? 1 : 0;
      if (want !== target) { target = want; ctx.signal(bar.instrumentIndex, want); }
    });
  }
  snapshot(): unknown { return {}; }
  restore(): void {}
}

function referenceWith(agent: Agent, quantity: number): TradingStack {
  return new ReferenceStack({ agents: [agent], allocator: new FixedQuantityAllocator({ quantity }), risk: new RiskEngine({}) });
}

/** On the provider path only, hands agents each bar's open as its close (an adapter mapping the wrong field). */
function openAsCloseOnProviders(inner: TradingStack): TradingStack {
  const mixUp = (data: DataClient): DataClient => ({
    onBar: (h) => data.onBar((bar) => h({ ...bar, close: bar.open, closeRaw: bar.openRaw })),
    onTrade: (h) => data.onTrade(h),
    onQuote: (h) => data.onQuote(h),
  });
  return {
    start: (env) => inner.start(env.data instanceof ProviderDataClient ? { ...env, data: mixUp(env.data) } : env),
    onReport: (r) => inner.onReport(r),
    snapshot: () => inner.snapshot(),
    restore: (s) => inner.restore(s),
    stop: () => inner.stop?.(),
  };
}

const GBM = 'scenarios/synthetic-gbm-sma-crossover.yaml';
const PROVIDER_5XX = 'scenarios/chaos/provider-5xx.yaml';

describe('the registry', () => {
  it('holds every metamorphic property, in the catalogue order', () => {
    expect(Object.keys(METAMORPHIC)).toEqual(['noLookAhead', 'determinism', 'directMatchesProvider', 'priceScaling']);
    expect(METAMORPHIC.determinism).toBe(determinism);
  });
});

describe('noLookAhead', () => {
  it('picks its cut inside the run, from the seed: a mark with at least one after it', () => {
    const marks = Float64Array.from({ length: 10 }, (_, i) => 100 * i);
    const cuts = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => cutTimeUs(marks, seed)));
    expect([...cuts].sort((a, b) => a - b)).toEqual([200, 300, 400, 500, 600]);
    expect(cutTimeUs(Float64Array.of(5, 9), 12345)).toBe(5);
  });

  it('perturbs the market strictly after the cut: every market record up to it is the same, some after it differ', async () => {
    const loaded = load(readFileSync(join(REPO, GBM), 'utf8'), GBM);
    const text = readFileSync(join(REPO, GBM), 'utf8');
    const cutUs = 1_577_836_800_000_000 + 700 * 86_400_000_000;
    const perturbed = load(perturbedAfter(loaded, text, cutUs, 1_577_836_800_000_000 + 1460 * 86_400_000_000, -20), GBM);
    const market = (rs: JournalRecord[]) => rs.filter((r) => MARKET_KINDS.has(r.kind));
    const [a, b] = [market(await journal(loaded, 3)), market(await journal(perturbed, 3))];
    expect(b.length).toBe(a.length);
    const upTo = (rs: JournalRecord[]) => rs.filter((r) => (r.timeUs as number) <= cutUs);
    expect(upTo(a).length).toBeGreaterThan(600);
    expect(upTo(b)).toEqual(upTo(a));
    expect(b.filter((r) => (r.timeUs as number) > cutUs)).not.toEqual(a.filter((r) => (r.timeUs as number) > cutUs));
  }, TIMEOUT_MS);

  it.each([
    [GBM],
    // Stack records carry the stack's own clock, hours off the market's here: the cut goes by journal order, not stamps.
    ['scenarios/chaos/stack-clock-skew-and-drift.yaml'],
    ['scenarios/chaos/venue-delay.yaml'],
    [PROVIDER_5XX],
  ])('holds on %s', async (file) => {
    const ctx = await builtIn(file);
    expect(noLookAhead.notApplicable(ctx.loaded)).toBeNull();
    expect(await noLookAhead.check(ctx)).toBeNull();
  }, TIMEOUT_MS);

  it('does not apply to a variation with fewer than two marks: there is no time inside the run to cut at', async () => {
    const ctx = await contextFor(GBM, edited(GBM, [[['market', 'synthetic', 'count'], 1]]));
    expect(notApplicableReason(await noLookAhead.check(ctx))).toMatch(/1 mark\(s\): no time inside it to cut at/);
  }, TIMEOUT_MS);

  it('fails for an agent that reads the next bar: a decision before the cut changes with the market after it', async () => {
    const ctx = await builtIn(GBM, { seed: 2, stackFor: async (l, seed) => { const m = await closesOf(l, seed); return () => referenceWith(new PeekingAgent(m), 100); } });
    const v = await noLookAhead.check(ctx);
    expect(v).not.toBeNull();
    expect(isNotApplicableHere(v)).toBe(false);
    expect(v).toMatchObject({ property: 'noLookAhead' });
    expect((v as { message: string }).message).toMatch(/taken before the market passed .* changed when only the market after that changed/);
  }, TIMEOUT_MS);
});

describe('directMatchesProvider', () => {
  const noFaults = () => edited(PROVIDER_5XX, [[['faults'], null]]);

  it('holds on a built-in provider scenario without its faults', async () => {
    const ctx = await contextFor(PROVIDER_5XX, noFaults());
    expect(directMatchesProvider.notApplicable(ctx.loaded)).toBeNull();
    expect(await directMatchesProvider.check(ctx)).toBeNull();
  }, TIMEOUT_MS);

  it('holds with each of the data client\'s built-in flaws: they act only under faults (failover, Retry-After, data checks), so none can fail it', async () => {
    for (const flaws of [{ noFailover: true }, { ignoreRetryAfter: true }, { noDataChecks: true }] as DataClientFlaws[]) {
      const ctx = await contextFor(PROVIDER_5XX, noFaults(), { dataClientFlaws: flaws });
      expect(await directMatchesProvider.check(ctx)).toBeNull();
    }
  }, TIMEOUT_MS);

  it('does not apply to a direct scenario, to providers with latency or recordings, nor to a variation with faults', async () => {
    expect(directMatchesProvider.notApplicable(load(readFileSync(join(REPO, GBM), 'utf8'), GBM))).toMatch(/reads data directly/);
    const slow = load(edited(PROVIDER_5XX, [[['providers', 0, 'latency'], { min: '1s', max: '2s' }]]), PROVIDER_5XX);
    expect(directMatchesProvider.notApplicable(slow)).toMatch(/provider alpha answers with latency/);
    const replay = load(edited(PROVIDER_5XX, [[['providers', 1, 'recording'], 'nowhere.json']]), PROVIDER_5XX);
    expect(directMatchesProvider.notApplicable(replay)).toMatch(/provider beta replays a recording/);
    const ctx = await builtIn(PROVIDER_5XX);
    expect(notApplicableReason(await directMatchesProvider.check(ctx))).toMatch(/the variation has faults \(provider-status, provider-status, provider-status\)/);
  }, TIMEOUT_MS);

  it('check: counted apart in the variations with faults; not applicable when no variation is without', async () => {
    const only = (text: string) => { const d = parseDocument(text); d.setIn(['properties'], d.createNode({ directMatchesProvider: 'always' })); return d.toString(); };
    // Swarm: some variations draw no fault (checked), the others some (not applicable to them).
    const mixed = await check(PROVIDER_5XX, only(edited(PROVIDER_5XX, [[['faults'], null], [['check'], { maxFaults: 1 }]])), {}, 6);
    const m = mixed.properties.find((p) => p.name === 'directMatchesProvider')!;
    expect(m.status).toBe('passed');
    expect(m.runs).toBeGreaterThan(0);
    expect(m.runs).toBe(m.reached);
    expect(m.note).toMatch(new RegExp(`not applicable to ${mixed.runs - m.runs} of ${mixed.runs} runs: the variation has faults`));
    expect(mixed.runs - m.runs).toBeGreaterThan(0);
    const always = await check(PROVIDER_5XX, only(edited(PROVIDER_5XX, [[['check'], { faults: 'declared', market: false }]])), {}, 2);
    expect(always.properties.find((p) => p.name === 'directMatchesProvider')).toMatchObject({ status: 'not-applicable', runs: 0, reached: 0 });
    expect(always.properties.find((p) => p.name === 'directMatchesProvider')!.note).toMatch(/^not applicable to any of the 2 runs: the variation has faults/);
    expect(always.status).toBe('passed');
  }, TIMEOUT_MS);

  it('check fails for a stack whose provider-path adapter reads the open as the close (no faults)', async () => {
    const text = edited(PROVIDER_5XX, [[['faults'], null], [['check'], { faults: 'none' }], [['properties'], { directMatchesProvider: 'always' }]]);
    const s = load(text, PROVIDER_5XX).scenario;
    const config = referenceConfig(s.stack);
    const result = await check(PROVIDER_5XX, text, { stack: () => openAsCloseOnProviders(createReferenceStack(config)) }, 3);
    expect(result.status).toBe('failed');
    expect(result.counterexample?.property).toBe('directMatchesProvider');
    expect(result.counterexample?.message).toMatch(/without faults the provider path decided otherwise than the direct path/);
    expect(result.counterexample?.violation?.records).toHaveLength(2);
  }, TIMEOUT_MS);
});

describe('priceScaling', () => {
  it.each([
    // Exact: 2 price decimals, cents, per-unit and minimum fees scaled with the prices.
    [GBM, 0],
    // Demo prices have 6 decimals against cents, and bps fees: the notional rounds, the fee rounds
    // and moves with the notional's rounding: three roundings of at most (k + 1) / 2 cents per fill.
    ['scenarios/demo-sp500-sma-crossover.yaml', 3],
    // Futures: a flip releases cost in part (two roundings per fill).
    ['scenarios/synthetic-futures-sma-crossover.yaml', 2],
    // 5 price decimals against cents, and marks at quote mids.
    ['scenarios/fx-demo-bidask-sma-crossover.yaml', -1],
  ])('holds on %s', async (file, roundingsPerFill) => {
    const ctx = await builtIn(file);
    expect(priceScaling.notApplicable(ctx.loaded)).toBeNull();
    const plan = scalingPlan(ctx.loaded.scenario);
    if ('problem' in plan) throw new Error(plan.problem);
    if (roundingsPerFill >= 0) expect(plan.tolerance(ctx.base.fills)).toBe(ctx.base.fills.length * roundingsPerFill * (PRICE_SCALE + 1) / 2 + (roundingsPerFill === 0 ? 0 : openPositions(ctx) * (PRICE_SCALE + 1) / 2));
    else expect(plan.rounding).toEqual(['notionals of EURUSD have more decimals than money', 'marks at quote mids']);
    expect(await priceScaling.check(ctx)).toBeNull();
  }, TIMEOUT_MS);

  it.each([
    ['scenarios/demo-sp500-ema-momentum.yaml', /the allocator \(volatility-target\) sizes positions by equity/],
    ['scenarios/synthetic-sma-fast-slow-kill-switch.yaml', /stack.risk.killSwitchDrawdown compares equity with a limit, and money rounds here \(bps fees\)/],
    [PROVIDER_5XX, /serve the market unscaled/],
  ])('does not apply to %s', (file, why) => {
    expect(priceScaling.notApplicable(load(readFileSync(join(REPO, file), 'utf8'), file))).toMatch(why);
  });

  it('runs only on the direct path: a scenario run refuses priceScale over providers', async () => {
    await expect(runScenario(load(readFileSync(join(REPO, PROVIDER_5XX), 'utf8'), PROVIDER_5XX), { seed: 1, cwd: REPO, priceScale: PRICE_SCALE })).rejects.toThrow(/direct path only/);
  });

  it('check fails for an agent with an absolute price threshold (prices x4 are always above it)', async () => {
    const text = edited(GBM, [[['properties'], { priceScaling: 'always' }]]);
    const result = await check(GBM, text, { stack: () => referenceWith(new AbsoluteLevelAgent(100), 100) }, 5);
    expect(result.status).toBe('failed');
    expect(result.counterexample?.property).toBe('priceScaling');
    expect(result.counterexample?.message).toMatch(/scaling prices changed the trades/);
  }, TIMEOUT_MS);

  it('check passes end to end on a built-in scenario, with the other properties', async () => {
    const text = readFileSync(join(REPO, GBM), 'utf8');
    const result = await check(GBM, text, {}, 5);
    expect(result.status).toBe('passed');
    for (const name of ['noLookAhead', 'determinism', 'priceScaling'] as const) expect(result.properties.find((p) => p.name === name)).toMatchObject({ status: 'passed', runs: 5, reached: 5 });
  }, TIMEOUT_MS);
});

/** Instruments with a position left open at the end of the base run. */
function openPositions(ctx: MetamorphicContext): number {
  const open = new Map<string, number>();
  for (const f of ctx.base.fills) open.set(f.instrument, (open.get(f.instrument) ?? 0) + (f.side === 'buy' ? f.quantity : -f.quantity));
  return [...open.values()].filter((q) => q !== 0).length;
}
