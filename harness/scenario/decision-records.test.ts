// The decision records of every built-in scenario (signals, orders, rejections, accepts, fills,
// cancels, expiries) are those recorded in fixtures/golden/decision-records.json, taken with
// journal version 1: journal changes that retype lifecycle notes or add transport records leave
// every decision as it was. Regenerate only for a change meant to alter decisions:
// GAUNTLET_WRITE_GOLDEN=1 npx vitest run harness/scenario/decision-records.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/cli-helpers.ts';
import { decisionRecordsSha256 } from './decision-records.ts';
import { discoverScenarioFiles } from './discover.ts';
import { loadScenarioFile } from './load.ts';
import { runScenario } from './run.ts';

const GOLDEN = join(REPO, 'fixtures', 'golden', 'decision-records.json');

describe('decision records of the built-in scenarios', () => {
  it('are unchanged', async () => {
    const got: Record<string, { count: number; sha256: string }> = {};
    for (const file of discoverScenarioFiles(['scenarios'], REPO)) {
      const r = loadScenarioFile(file, REPO);
      if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.problems)}`);
      const chunks: Uint8Array[] = [];
      await runScenario(r.loaded, { seed: r.loaded.scenario.seed, cwd: REPO, journalSink: { write: (b) => { chunks.push(b.slice()); } } });
      got[r.loaded.name] = decisionRecordsSha256(Buffer.concat(chunks));
    }
    if (process.env.GAUNTLET_WRITE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(got, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof got;
    expect(got).toEqual(golden);
    expect(Object.values(got).every((g) => g.count > 0)).toBe(true);
  });
});
