// Crash and restart across the built-in scenarios: a restart with no downtime is the run that
// never crashed (same fingerprint), at a random point and at a fill (an order in flight) of every
// scenario; with downtime, no safety property that held breaks. bench:crash does the same at
// 1,000 points.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTimeUs } from '../../../engine/index.ts';
import { REPO } from '../../cli/cli-helpers.ts';
import { discoverScenarioFiles } from '../../scenario/discover.ts';
import { loadScenarioText } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';
import { crashPoints, prepareCrashes, runCrashPoint, withCrash } from './crash-points.ts';

const files = discoverScenarioFiles(['scenarios'], REPO);

describe('crash points on every built-in scenario', () => {
  it.each(files.map((f) => [relative(REPO, f), f] as const))('%s', async (_name, file) => {
    const sc = await prepareCrashes(file, readFileSync(file, 'utf8'), REPO);
    for (const p of crashPoints(sc, 2, 20261128, ['0s'])) {
      const o = await runCrashPoint(sc, p, REPO);
      expect(o.identical, `a crash at ${formatTimeUs(p.atUs)} with no downtime changed the run`).toBe(true);
    }
    // Two points: the second is at a fill of the uncrashed run, on a bar's instant, so the restart
    // 5 minutes later lands on one too (market data first, then the restart: recovery must wait for it).
    for (const p of crashPoints(sc, 2, 7, ['5m'])) {
      const o = await runCrashPoint(sc, p, REPO);
      expect(o.broken, `a crash at ${formatTimeUs(p.atUs)} down 5m`).toEqual([]);
    }
  });
});

describe('withCrash', () => {
  it('adds a crash to the faults (creating the list), keeping the rest of the file', () => {
    const text = 'version: 1\nname: x # the name\nseed: 1\n';
    const out = withCrash(text, Date.UTC(2024, 0, 2, 9) * 1000, '30s');
    expect(out).toContain('name: x # the name');
    expect(out).toContain('faults:\n  - kind: stack-crash\n    at: 2024-01-02T09:00:00.000000Z\n    downtime: 30s');
  });
});

describe('scenarios/chaos/stack-crash-restart.yaml', () => {
  it('is the run of the same scenario without its crashes, byte for byte', async () => {
    const file = join(REPO, 'scenarios/chaos/stack-crash-restart.yaml');
    const text = readFileSync(file, 'utf8');
    const without = text.replace(/^faults:\n(?: {2}- \{ kind: stack-crash.*\n)+/m, '').replace(/^ {2}- \{ metric: faults\.stack-crash.*\n/m, '').replace(/^ {2}recovery: .*\n/m, '');
    expect(without).not.toContain('kind: stack-crash');
    const load = (t: string) => { const r = loadScenarioText(t, file, { cwd: REPO }); if (!r.ok) throw new Error(JSON.stringify(r.problems)); return r.loaded; };
    const crashed = await runScenario(load(text), { seed: 200, cwd: REPO });
    const straight = await runScenario(load(without), { seed: 200, cwd: REPO });
    expect(crashed.faults?.byKind['stack-crash']).toBe(4);
    expect(crashed.faults?.list.filter((f) => /[1-9]\d* messages in flight/.test(f.detail)).length).toBeGreaterThanOrEqual(2);
    expect(crashed.fingerprint).toBe(straight.fingerprint);
  });
});
