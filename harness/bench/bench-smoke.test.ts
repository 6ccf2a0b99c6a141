// Each benchmark's --smoke size runs and prints the JSON keys its full size prints (no timing is
// asserted: speed targets are met in the benchmarks' own figures, never in tests).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleState } from '../cli/bundle/manifest.ts';
import { NODE, REPO } from '../cli/cli-helpers.ts';
import { TEETH } from '../properties/teeth/variants.ts';

function smoke(script: string, nodeFlags: readonly string[] = [], entry: readonly string[] = [], args: readonly string[] = []): Record<string, unknown> {
  const r = spawnSync(NODE, [...nodeFlags, ...entry, join(REPO, 'harness', 'bench', script), ...args, '--smoke', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('benchmark smoke sizes', () => {
  it('bench:engine', () => {
    const j = smoke('engine-bench.ts', ['--expose-gc']);
    expect(Object.keys(j).sort()).toEqual(['bars', 'barsPerSecond', 'eventsPerSecond', 'fillHeavy', 'fills', 'fingerprint', 'fullPath', 'heapMbSamples', 'hookCostRatio', 'hookEventsPerSecond', 'longBars', 'longEventsPerSecond', 'peakRssMb', 'rawEventsPerSecond', 'rawLoop', 'rawLoopRatio', 'rssMbSamples', 'seed', 'smaPeriod']);
    expect(j.bars).toBe(5_000);
    // The raw loop's rate is a median of samples, each timed over repeated passes (spread printed beside it).
    const rawLoop = j.rawLoop as Record<string, unknown>;
    expect(Object.keys(rawLoop).sort()).toEqual(['max', 'median', 'min', 'relative', 'sampleMs', 'samples']);
    expect(rawLoop.median).toBe(j.rawEventsPerSecond);
    expect(Object.keys(j.fullPath as object).sort()).toEqual(['max', 'median', 'min', 'relative', 'samples']);
  });

  it('replay-rss (a long replay alone in its process, for its peak memory), from the JavaScript entry bench:data uses', () => {
    const j = smoke('replay-rss.ts', [], [join(REPO, 'harness', 'bench', 'js-entry.js')]);
    expect(Object.keys(j).sort()).toEqual(['bars', 'engine', 'fingerprint', 'heapUsedMb', 'optimizeForSize', 'peakRssMb', 'seconds']);
    expect(j.bars).toBe(20_000);
    expect(j.optimizeForSize).toBe(false);
    expect(j.peakRssMb).toBeGreaterThan(0);
    expect(j.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The CLI's bundle while it is fresh (as bin/gauntlet.js decides), the sources otherwise: the same run.
    expect(j.engine).toBe(bundleState(REPO).fresh ? 'bundle' : 'source');
    const fromSource = smoke('replay-rss.ts', [], [join(REPO, 'harness', 'bench', 'js-entry.js')], ['--source']);
    expect(fromSource.engine).toBe('source');
    expect(fromSource.fingerprint).toBe(j.fingerprint);
  });

  it.runIf(process.platform === 'linux')('replay-rss reports its own peak memory, not that of the bigger process that spawned it', () => {
    // getrusage's maxRSS survives exec: spawned from a process holding 400 MB, it read 400 MB or more.
    const held = Buffer.alloc(400 * 2 ** 20, 1);
    const j = smoke('replay-rss.ts', [], [join(REPO, 'harness', 'bench', 'js-entry.js')]);
    expect(held.length).toBe(400 * 2 ** 20);
    expect(j.peakRssMb).toBeGreaterThan(30);
    expect(j.peakRssMb).toBeLessThan(300);
  });

  it('bench:chaos', () => {
    const j = smoke('chaos-bench.ts');
    expect(Object.keys(j).sort()).toEqual([
      'bars', 'decisionFingerprintsEqual', 'directDecisionsPerSecond', 'fills', 'mswCeilingRatio', 'mswCeilingRequestsPerSecond', 'providerDecisionsPerSecond',
      'providerPathSlowdown', 'providerRequestsPerSecond', 'requests'].sort());
    expect(j.bars).toBe(200);
    expect(j.decisionFingerprintsEqual).toBe(true);
    expect(j.requests).toBeGreaterThanOrEqual(200);
  });

  it('bench:crash', () => {
    const j = smoke('crash-bench.ts');
    expect(Object.keys(j).sort()).toEqual(['downtimeRuns', 'downtimeWithReportsLost', 'identical', 'points', 'safetyBroken', 'scenarios', 'seconds', 'seed', 'withOrdersInFlight']);
    expect([j.points, j.identical, j.safetyBroken]).toEqual([8, 8, 0]);
  });

  it('bench:fuzz', () => {
    const j = smoke('fuzz-bench.ts');
    expect(Object.keys(j).sort()).toEqual(['csvRows', 'faultPlans', 'providerPayloads', 'scenarioYaml', 'seconds', 'seed']);
    const fields = ['crashes', 'examples', 'hangs', 'inputs', 'maxMs', 'outcomes', 'seconds', 'violations'];
    for (const boundary of ['scenarioYaml', 'csvRows', 'providerPayloads', 'faultPlans']) {
      const b = j[boundary] as Record<string, unknown>;
      expect(Object.keys(b).filter((k) => k !== 'jobs').sort(), boundary).toEqual(fields);
      expect([b.inputs, b.crashes, b.hangs, b.violations], boundary).toEqual([50, 0, 0, 0]);
    }
    const jobs = (j.scenarioYaml as Record<string, unknown>).jobs as Record<string, unknown>;
    expect(Object.keys(jobs).sort()).toEqual(fields);
    expect([jobs.inputs, jobs.crashes, jobs.hangs, jobs.violations]).toEqual([5, 0, 0, 0]);
  });

  it('bench:html', () => {
    const j = smoke('html-bench.ts');
    expect(Object.keys(j).sort()).toEqual(['bars', 'fills', 'htmlFromFilesSeconds', 'htmlMb', 'htmlWriteRatio', 'htmlWriteSeconds', 'runSeconds', 'seriesMb']);
    expect(j.bars).toBe(5_000);
    expect(j.fills).toBeGreaterThan(0);
    expect(j.htmlMb).toBeGreaterThan(0);
  });
  it('bench:service', () => {
    const j = smoke('service-bench.ts');
    expect(Object.keys(j).sort()).toEqual([
      'ceilingP99Ms', 'ceilingRequestsPerSecond', 'connections', 'decisionsCeilingRatio', 'decisionsPerSecond', 'durationSec', 'errors', 'p50Ms', 'p95Ms',
      'p99CeilingRatio', 'p99Ms', 'repeats', 'spread', 'targetsMet', 'underLoad']);
    expect(j.connections).toBe(10);
    expect(j.errors).toBe(0);
    expect(Object.keys(j.underLoad as object).sort()).toEqual([
      'achievedRate', 'decisionFingerprintsEqual', 'duplicateOrders', 'errors', 'missed', 'offeredRate', 'p99Ms', 'scenarios', 'scenariosPassed']);
    expect(j.underLoad).toMatchObject({ decisionFingerprintsEqual: true, duplicateOrders: 0, scenarios: 2, scenariosPassed: 2 });
  }, 120_000);

  it('bench:csv', () => {
    const j = smoke('csv-bench.ts');
    expect(Object.keys(j).sort()).toEqual(['bytes', 'mbPerSecond', 'rows', 'rowsPerSecond', 'seconds', 'sharedOrclRowsPerSecond', 'sharedOrclSeconds']);
    expect(j.rows).toBe(2_000);
  });

  it('bench:data', () => {
    const j = smoke('data-bench.ts');
    expect(Object.keys(j).sort()).toEqual([
      'bars', 'cacheLoadSeconds', 'cacheWarmSeconds', 'cli', 'csvBytes', 'csvColdSeconds', 'csvLoadSeconds', 'engineSeconds', 'fingerprint', 'helpSeconds',
      'noCacheSeconds', 'nodeStartSeconds', 'replayBars', 'replayEngine', 'replayPeakRssMb', 'replayPeakRssMbRuns', 'smaPeriod', 'trades', 'wholeProcessJobSeconds',
      'wholeProcessNoCacheSeconds', 'wholeProcessSeconds', 'wholeProcessSourcesSeconds']);
    expect(['bundle', 'sources']).toContain(j.cli);
    expect(j.bars).toBe(5_000);
    expect(j.replayBars).toBe(20_000);
    expect(j.replayPeakRssMb).toBeGreaterThan(0);
    // The figure is the worst run's (one run at the smoke size).
    expect(j.replayPeakRssMbRuns).toEqual([j.replayPeakRssMb]);
    expect(['bundle', 'source']).toContain(j.replayEngine);
  });

  it('bench:check', () => {
    const j = smoke('check-bench.ts');
    expect(Object.keys(j).sort()).toEqual(['bareRunsPerSecond', 'bars', 'checkOverheadRatio', 'faultRuns', 'node', 'runs', 'runsPerSecond', 'runsPerSecondWithFaults', 'seed']);
    expect(j.bars).toBe(252);
    expect(j.runs).toBe(20);
  });

  it('bench:teeth', () => {
    const j = smoke('teeth-bench.ts');
    expect(Object.keys(j).sort()).toEqual(['runs', 'seed', 'variants']);
    expect(j.runs).toBe(20);
    const variants = j.variants as Record<string, Record<string, unknown>>;
    expect(Object.keys(variants).sort()).toEqual(TEETH.map((v) => v.name).sort());
    for (const v of Object.values(variants)) {
      expect(Object.keys(v).sort()).toEqual(['caught', 'counterexampleEvents', 'property', 'secondsToFailure', 'secondsToShrunk']);
    }
  });
});
