// Proves what the built-in suite (scenarios/) covers, read from the files themselves: at least 12
// valid scenarios with unique names; every agent kind the engine registers on the demo S&P 500
// and on a synthetic market (a new agent kind fails here until it has both); every synthetic
// process; every market overlay kind; a futures contract; an FX pair filled at bid/ask from a quote source; only embedded,
// synthetic or demo data (never ../shared, which a fresh clone lacks); and gates on each that a
// broken engine would fail: an exact trade (or fill) count and a final equity band, the band of
// the demo buy-and-hold checked against an independent calculation from the CSV itself.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AgentConfigSchema } from '../../engine/index.ts';
import { demoSp500Path, overlayParamsSchema } from './engine-parts.ts';
import { discoverScenarioFiles } from './discover.ts';
import { loadScenarioFile, type LoadedScenario } from './load.ts';
import { marketSources } from './market.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const loaded: LoadedScenario[] = discoverScenarioFiles(['scenarios'], root).map((f) => {
  const r = loadScenarioFile(f, root);
  if (!r.ok) throw new Error(`${f} is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.loaded;
});
const agentKinds = AgentConfigSchema.options.map((o) => (o.shape.kind as { value: string }).value);
const overlayKinds = overlayParamsSchema.options.map((o) => (o.shape.kind as { value: string }).value);

describe('the built-in suite', () => {
  it('has at least 12 valid scenarios with unique names and descriptions', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(12);
    expect(new Set(loaded.map((l) => l.name)).size).toBe(loaded.length);
    for (const l of loaded) expect(l.scenario.description, l.file).toBeTruthy();
  });

  it('runs every agent kind on the demo S&P 500 and on a synthetic market', () => {
    const on = (pred: (l: LoadedScenario) => boolean): Set<string> =>
      new Set(loaded.filter(pred).flatMap((l) => (l.scenario.stack.agents ?? []).map((a) => a.kind)));
    const demo = on((l) => marketSources(l.scenario).some((s) => s.config.demo !== undefined));
    const synthetic = on((l) => marketSources(l.scenario).some((s) => s.config.synthetic !== undefined));
    for (const kind of agentKinds) {
      expect(demo.has(kind), `no demo scenario runs ${kind}`).toBe(true);
      expect(synthetic.has(kind), `no synthetic scenario runs ${kind}`).toBe(true);
    }
  });

  it('injects every market overlay kind the engine has', () => {
    const used = new Set<string>(loaded.flatMap((l) => marketSources(l.scenario).flatMap((s) => (s.config.overlays ?? []).map((o) => o.kind))));
    for (const kind of overlayKinds) expect(used.has(kind), `no scenario injects a ${kind}`).toBe(true);
  });

  it('covers every synthetic process, a futures contract and an FX pair filled at bid/ask', () => {
    const processes = new Set(loaded.flatMap((l) => marketSources(l.scenario).flatMap((s) => (s.config.synthetic ? [s.config.synthetic.process] : []))));
    expect([...processes].sort()).toEqual(['gbm', 'jump-diffusion', 'regime']);
    expect(loaded.some((l) => l.scenario.instruments?.some((i) => i.kind === 'future' && i.multiplier === 10))).toBe(true);
    const fx = loaded.filter((l) => l.scenario.instruments?.some((i) => i.kind === 'fx'));
    expect(fx.some((l) => marketSources(l.scenario).some((s) => s.csv?.dataType === 'quote') && !l.scenario.venue.fillAtBarOpen)).toBe(true);
  });

  it('reads only embedded, synthetic or demo data', () => {
    for (const l of loaded) {
      for (const s of marketSources(l.scenario)) {
        if (s.config.csv !== undefined) expect(s.config.csv.file, l.file).toMatch(/^\.\.\/fixtures\/market\//);
      }
    }
  });

  it('gates each scenario on an exact trade or fill count and a final equity band', () => {
    for (const l of loaded) {
      const count = l.scenario.gates.find((g) => (g.metric === 'trades' || g.metric === 'fills') && g.min !== undefined && g.min === g.max);
      expect(count, `${l.file}: no exact trade or fill count gate`).toBeDefined();
      const equity = l.scenario.gates.find((g) => g.metric === 'finalEquity' && g.min !== undefined && g.max !== undefined);
      expect(equity, `${l.file}: no final equity band`).toBeDefined();
      expect((equity!.max! - equity!.min!) / equity!.min!, `${l.file}: the final equity band is wider than 1%`).toBeLessThan(0.01);
    }
  });
});

describe('demo-sp500-buy-and-hold', () => {
  it('gates a final equity band that holds an independent calculation', () => {
    // 40 units bought at the second bar's open (signal at the first close), 1 bps fee rounded
    // half-even to cents, marked at the last close.
    const rows = readFileSync(demoSp500Path(), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    const header = readFileSync(demoSp500Path(), 'utf8').split(/\r?\n/)[0]!.split(',');
    const col = (name: string): number => header.indexOf(name);
    const entry = Number(rows[1]![col('open')]);
    const last = Number(rows[rows.length - 1]![col('close')]);
    const notionalCents = Math.round(40 * entry * 100);
    const feeCents = Math.round(notionalCents / 10_000);
    const expected = (10_000_000 - notionalCents - feeCents + Math.round(40 * last * 100)) / 100;
    const bh = loaded.find((l) => l.name === 'demo-sp500-buy-and-hold')!;
    const band = bh.scenario.gates.find((g) => g.metric === 'finalEquity')!;
    expect(expected).toBeGreaterThan(band.min!);
    expect(expected).toBeLessThan(band.max!);
    expect(Math.abs(expected - (band.min! + band.max!) / 2) / expected).toBeLessThan(1e-4);
  });
});
