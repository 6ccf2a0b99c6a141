// marketBoundsUs gives the first and last event times that reading every source's events gives,
// for every built-in scenario (data files, demo data, synthetic bars and trades, sessions, several
// sources, overlays that halt or gap the market) under several seeds: synthetic bar sources, whose
// bounds it takes from their parameters, included.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/cli-helpers.ts';
import { loadScenarioFile } from './load.ts';
import { marketBoundsUs, marketSources, openSources, type SourceDecl } from './market.ts';

/** The bounds as a run sees them: every event of every source read. */
async function readBounds(decls: readonly SourceDecl[], dir: string, seed: number): Promise<{ firstUs: number; lastUs: number }> {
  let firstUs = Number.POSITIVE_INFINITY;
  let lastUs = Number.NEGATIVE_INFINITY;
  for (const source of openSources(decls, dir, seed)) {
    for (let b = await source.next(); b !== null; b = await source.next()) {
      if (b.length === 0) continue;
      firstUs = Math.min(firstUs, b.type === 'bar' ? b.openTimeUs[0]! : b.timeUs[0]!);
      lastUs = Math.max(lastUs, b.type === 'bar' ? b.closeTimeUs[b.length - 1]! : b.timeUs[b.length - 1]!);
    }
    await source.close?.();
  }
  return { firstUs, lastUs };
}

const FILES = ['scenarios', 'scenarios/chaos'].flatMap((d) => readdirSync(join(REPO, d)).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f)));

describe('marketBoundsUs', () => {
  it('finds the bounds reading the market finds, for every built-in scenario', async () => {
    expect(FILES.length).toBeGreaterThan(20);
    for (const file of FILES) {
      const r = loadScenarioFile(file, REPO);
      if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.problems)}`);
      const decls = marketSources(r.loaded.scenario);
      for (const seed of [r.loaded.scenario.seed, 1, 987654]) {
        expect(await marketBoundsUs(decls, r.loaded.dir, seed), `${file} seed ${seed}`).toEqual(await readBounds(decls, r.loaded.dir, seed));
      }
    }
  }, 60_000);
});
