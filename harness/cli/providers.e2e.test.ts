// The provider path as a user drives it: built-in scenarios run with `--set providers=standard`
// (two providers of both dialects, failover configured) pass their gates, decide as the direct
// path, write byte-identical reports on two runs and replay exactly; a scenario file with its own
// `providers:` list runs on it; a bad `providers:` entry exits 2 with file, line, column and field.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../report/schema.ts';
import { cli, REPO, tempDir, withoutWallClock, type CliResult } from './cli-helpers.ts';

const SCENARIOS = ['scenarios/synthetic-gbm-sma-crossover.yaml', 'scenarios/fx-demo-bidask-sma-crossover.yaml'];
const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;

describe('gauntlet run on the provider path', () => {
  const outDirect = tempDir('prov-direct');
  const outA = tempDir('prov-a');
  const outB = tempDir('prov-b');
  let a: CliResult;
  let b: CliResult;
  let direct: CliResult;
  beforeAll(() => {
    direct = cli(['run', ...SCENARIOS, '--out', outDirect]);
    a = cli(['run', ...SCENARIOS, '--set', 'providers=standard', '--out', outA]);
    b = cli(['run', ...SCENARIOS, '--set', 'providers=standard', '--out', outB]);
  }, 120_000);

  it('passes every gate and decides as the direct path', () => {
    expect(direct.code, direct.stdout + direct.stderr).toBe(0);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const d = readReport(outDirect);
    const p = readReport(outA);
    expect(p.scenarios.map((s) => s.dataPath)).toEqual(['providers', 'providers']);
    for (const [i, s] of p.scenarios.entries()) {
      expect(s.decisionFingerprint).toBe(d.scenarios[i]!.decisionFingerprint);
      expect(s.fingerprint).not.toBe(d.scenarios[i]!.fingerprint);
      expect(s.metrics!.providerRequests).toBeGreaterThan(100);
      expect(s.reproduce).toContain("--set 'providers=\"standard\"'");
    }
  });

  it('writes byte-identical reports on a second run, but for the wall-clock fields', () => {
    expect(b.code).toBe(0);
    expect(JSON.stringify(withoutWallClock(readReport(outB)))).toBe(JSON.stringify(withoutWallClock(readReport(outA))));
  });

  it('replays the report exactly', () => {
    const r = cli(['replay', join(outA, 'report.json')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/^MATCH/gm)?.length).toBe(2);
  });
});

describe('providers: in a scenario file', () => {
  const base = readFileSync(join(REPO, SCENARIOS[0]!), 'utf8').replace(/^# yaml-language-server.*\n/, '');
  const withProviders = (block: string): string => base.replace('account:', `${block}\naccount:`);

  it('runs on its own list (aggs-v3 primary, stocks-v2 for failover, latency within the tolerance)', () => {
    const dir = tempDir('prov-file');
    const file = join(dir, 'own.yaml');
    // Latency moves each order past the next bar's open (back-to-back daily bars): other fills, so no gates.
    writeFileSync(file, withProviders([
      'providers:',
      '  - { name: beta, dialect: aggs-v3, primary: true, latency: { min: 10ms, max: 250ms } }',
      '  - { name: alpha, dialect: stocks-v2, auth: { keyId: k1, secret: s3cr3t-value }, rateLimit: { requests: 100, window: 1m } }',
    ].join('\n')).replace(/^gates:[\s\S]*$/m, 'gates: []\n'));
    const r = cli(['run', file, '--out', join(dir, 'out')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = readReport(join(dir, 'out')).scenarios[0]!;
    expect(s.dataPath).toBe('providers');
    expect(s.metrics).toMatchObject({ providerFailures: 0, staleRejections: 0 });
    expect(readFileSync(join(dir, 'out', 'report.json'), 'utf8')).not.toContain('s3cr3t-value');
  });

  it('records what the providers answered (no secret) and replays the recording as a provider, deciding the same', () => {
    const dir = tempDir('prov-rec');
    const rec = join(dir, 'recordings');
    const first = cli(['run', SCENARIOS[0]!, '--set', 'providers=standard', '--record-providers', rec, '--out', join(dir, 'out1')]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const recording = readFileSync(join(rec, 'synthetic-gbm-sma-crossover.alpha.json'), 'utf8');
    expect(recording).not.toContain('demo-alpha-secret');
    expect(recording).not.toContain('demo-alpha-id');
    expect(recording).toContain('<redacted>');
    const file = join(dir, 'replayed.yaml');
    writeFileSync(file, withProviders(`providers:\n  - { name: alpha, dialect: stocks-v2, recording: recordings/synthetic-gbm-sma-crossover.alpha.json }`));
    const second = cli(['run', file, '--out', join(dir, 'out2')]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const [a, b] = [readReport(join(dir, 'out1')).scenarios[0]!, readReport(join(dir, 'out2')).scenarios[0]!];
    expect(b.decisionFingerprint).toBe(a.decisionFingerprint);
    expect(b.metrics!.providerFailures).toBe(0);
    // A recording that is not one is bad input naming the file and field.
    writeFileSync(join(rec, 'broken.json'), JSON.stringify({ version: 1, exchanges: [{ provider: 'alpha' }] }));
    writeFileSync(file, withProviders(`providers:\n  - { name: alpha, dialect: stocks-v2, recording: recordings/broken.json }`));
    const bad = cli(['run', file, '--out', join(dir, 'out3')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/broken\.json.*exchanges\.0/);
  });

  it('exits 2 on a bad entry, naming file, line, column and field', () => {
    const dir = tempDir('prov-bad');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, withProviders([
      'providers:',
      '  - { name: alpha, dialect: stocks-v2 }',
      '  - { name: beta, dialect: aggs-v4 }',
    ].join('\n')));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('aggs-v4')) + 1;
    const r = cli(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(new RegExp(`bad\\.yaml:${line}:\\d+`));
    expect(text).toContain('providers[1].dialect');
    expect(text).toMatch(/stocks-v2.*aggs-v3|aggs-v3.*stocks-v2/);
    const v = cli(['validate', file]);
    expect(v.code).toBe(2);
  });
});

describe('faults: in a scenario file', () => {
  const base = readFileSync(join(REPO, 'scenarios/chaos/provider-403.yaml'), 'utf8').replace(/^# yaml-language-server.*\n/, '');
  const withFaults = (block: string, providers = true): string => {
    const text = base.replace(/^faults:\n(?: {2}- .*\n)+/m, `${block}\n`);
    return providers ? text : text.replace(/^providers:\n(?: {2}- .*\n)+/m, '');
  };
  it.each([
    ['an unknown provider', "faults:\n  - { kind: provider-reset, provider: gamma }", true, 'faults[0].provider', /no provider 'gamma'/],
    ['a provider fault on the direct path', 'faults:\n  - { kind: provider-reset, provider: alpha }', false, 'faults[0].kind', /reads market data directly/],
    ['a window outside the data', "faults:\n  - { kind: provider-reset, provider: alpha, window: { from: '2031-01-01T00:00:00Z' } }", true, 'faults[0].window.from', /after the market's last event/],
    ['a probability of 1.5', 'faults:\n  - { kind: provider-reset, provider: alpha, probability: 1.5 }', true, 'faults[0].probability', /1/],
    ['an unknown kind', 'faults:\n  - { kind: provider-gremlins, provider: alpha }', true, 'faults[0].kind', /provider-reset/],
  ] as const)('%s exits 2 naming file, line, column and field', (_what, block, providers, field, message) => {
    const dir = tempDir('faults-bad');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, withFaults(block, providers));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('- { kind:')) + 1;
    const r = cli(['run', file, '--out', join(dir, 'out')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(new RegExp(`bad\\.yaml:${line}:\\d+`));
    expect(text).toContain(field);
    expect(text).toMatch(message);
  });
});
