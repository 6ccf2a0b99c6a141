// Proves the CLI end to end, driven as a user would (a child process, `node bin/gauntlet.js`):
// the built-in suite exits 0 and two runs write byte-identical report.json files but for the
// wall-clock fields; `replay` of that report matches (exit 0) and of a tampered one fails (exit 1);
// a failing gate exits 1 with a JUnit failure; a malformed scenario exits 2 and prints
// file:line:column; a bad file in a suite is reported while the others still run, the most severe
// code winning; --seed overrides one scenario's seed and is the root of a suite's; validate
// catches a bad mapping; SIGTERM leaves a report marked incomplete; flags, help and list.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../engine/index.ts';
import { ReportSchema, type Report } from '../report/schema.ts';
import { findAll, parseXml } from '../report/xml-reader.ts';
import { cli, cliAsync, readFills, tempDir, withoutWallClock } from './cli-helpers.ts';

const FIX = 'harness/scenario/fixtures';
const readReport = (dir: string): Report => ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));

describe('gauntlet run: the built-in suite', () => {
  const outA = tempDir('suite-a');
  const outB = tempDir('suite-b');
  const a = cli(['run', '--out', outA]);
  const b = cli(['run', '--out', outB]);

  it('exits 0, prints the seeds first and one line per scenario, and writes the three reports', () => {
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^gauntlet \S+ · \d+ scenarios · seeds: each scenario's own( · \d+ workers)?$/);
    const report = readReport(outA);
    expect(lines.filter((l) => l.startsWith('PASS'))).toHaveLength(report.scenarios.length);
    expect(report).toMatchObject({ complete: true, status: 'passed', exitCode: 0 });
    expect(report.scenarios.length).toBeGreaterThanOrEqual(12);
    for (const f of ['junit.xml', 'summary.md']) expect(existsSync(join(outA, f))).toBe(true);
  });

  it('writes byte-identical report.json on a second run, but for the wall-clock fields', () => {
    expect(b.code).toBe(0);
    const ra = readFileSync(join(outA, 'report.json'), 'utf8');
    const rb = readFileSync(join(outB, 'report.json'), 'utf8');
    expect(JSON.stringify(withoutWallClock(JSON.parse(ra)))).toBe(JSON.stringify(withoutWallClock(JSON.parse(rb))));
    // Only the wall-clock lines differ, line by line.
    const la = ra.split('\n');
    const lb = rb.split('\n');
    expect(la.length).toBe(lb.length);
    const differing = la.filter((line, i) => line !== lb[i]);
    for (const line of differing) expect(line).toMatch(/^\s*"wall(Clock|Time)\w*":/);
  });

  it('replays the report exactly (exit 0), and a tampered report fails (exit 1)', () => {
    const replay = cli(['replay', join(outA, 'report.json')]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout.match(/^MATCH/gm)?.length).toBe(readReport(outA).scenarios.length);

    const tampered = JSON.parse(readFileSync(join(outA, 'report.json'), 'utf8')) as Report;
    const victim = tampered.scenarios[1]!;
    victim.fingerprint = `${victim.fingerprint!.slice(0, 63)}${victim.fingerprint!.endsWith('0') ? '1' : '0'}`;
    const path = join(outA, 'tampered.json');
    writeFileSync(path, JSON.stringify(tampered));
    const r = cli(['replay', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`MISMATCH  seed=${victim.seed}`);
    expect(r.stdout).toMatch(/fingerprint [0-9a-f]{64}, report has [0-9a-f]{64}/);
  });
});

describe('gauntlet run: failures and bad input', () => {
  it('exits 1 on a failing gate, says how to reproduce it, and its JUnit has the failure', () => {
    const out = tempDir('fail');
    const r = cli(['run', `${FIX}/failing-gate.yaml`, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`x ${FIX}/failing-gate.yaml:15:5: gate 'a million round trips': trades must be >= 1000000: actual`);
    expect(r.stdout).toContain(`reproduce: gauntlet run ${FIX}/failing-gate.yaml --seed 4`);
    const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    const failures = findAll(junit, 'failure');
    expect(failures).toHaveLength(1);
    expect(findAll(junit, 'testcase').find((c) => findAll(c, 'failure').length > 0)?.attributes).toMatchObject({
      classname: 'failing-gate', name: 'a million round trips', file: `${FIX}/failing-gate.yaml`, line: '15',
    });
  });

  it('exits 2 on a malformed scenario and prints every problem as file:line:column', () => {
    const r = cli(['run', `${FIX}/malformed.yaml`, '--out', tempDir('bad')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${FIX}/malformed.yaml:3:10: version: invalid value (expected 1, found 2 (number))`);
    expect(r.stdout).toContain(`${FIX}/malformed.yaml:6:1: acount: unknown key 'acount' - did you mean 'account'?`);
    expect(r.stdout).toMatch(/malformed\.yaml:9:\d+: stack\.agents\[0\]\.period: /);
    expect(r.stdout).toMatch(/malformed\.yaml:10:\d+: stack\.agents\[1\]\.kind: /);
  });

  it('reports a bad file in a suite while the others still run; the most severe code wins; --seed is the root', () => {
    const out = tempDir('mixed');
    const r = cli(['run', `${FIX}/failing-gate.yaml`, `${FIX}/malformed.yaml`, '--seed', '42', '--out', out]);
    expect(r.code).toBe(2);
    const report = readReport(out);
    expect(report.scenarios.map((s) => s.status)).toEqual(['failed', 'invalid']);
    expect(report.rootSeed).toBe(42);
    expect(report.scenarios[0]).toMatchObject({ seed: deriveSeed(42, 'failing-gate'), seedSource: 'derived' });
    expect(r.stdout.split('\n')[0]).toContain('root seed 42');
  });

  it('--seed overrides a single scenario seed, and --json prints the report to stdout', () => {
    const r = cli(['run', `${FIX}/failing-gate.yaml`, '--seed', '9', '--out', tempDir('seed'), '--json', '--quiet']);
    expect(r.code).toBe(1);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.scenarios[0]).toMatchObject({ seed: 9, seedSource: 'cli', reproduce: `gauntlet run ${FIX}/failing-gate.yaml --seed 9` });
    expect(r.stderr).toContain('FAIL  seed=9');
  });

  it('refuses a bad flag with exit 2', () => {
    const r = cli(['run', '--seed', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed: expected a non-negative integer');
    expect(cli(['run', '--reporter', 'pdf']).code).toBe(2);
  });
});

describe('validate, list, help', () => {
  it('validate catches a bad mapping at its field', () => {
    const r = cli(['validate', `${FIX}/bad-mapping.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`${FIX}/bad-mapping\\.yaml:12:\\d+: market\\.csv\\.columns\\.close: .*column 'Closing' is not in the header`));
    expect(cli(['validate']).code).toBe(0);
  });

  it('list shows each scenario with its description; help and version exit 0', () => {
    const r = cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo-sp500-buy-and-hold\s+Buy and hold/);
    const help = cli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('interruption', () => {
  it('SIGTERM leaves a complete file marked incomplete, with the scenarios not run', async () => {
    const out = tempDir('sigterm');
    // Eighty copies of a demo scenario: long enough to interrupt between scenarios.
    const dir = tempDir('many');
    const text = readFileSync(join('scenarios', 'demo-sp500-sma-crossover.yaml'), 'utf8').replace(/^name: .*$/m, '');
    for (let i = 0; i < 80; i++) writeFileSync(join(dir, `copy-${String(i).padStart(2, '0')}.yaml`), text);
    const { child, done } = cliAsync(['run', dir, '--out', out, '--workers', '1']);
    const started = Date.now();
    while (!existsSync(join(out, 'report.json')) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    const report = readReport(out);
    expect(report).toMatchObject({ complete: false, interrupted: 'SIGTERM', status: 'interrupted', exitCode: 143 });
    expect(report.summary.notRun).toBeGreaterThan(0);
    const errors = findAll(parseXml(readFileSync(join(out, 'junit.xml'), 'utf8')), 'error');
    expect(errors.filter((e) => e.attributes.type === 'NotRun').length).toBe(report.summary.notRun);
  });
});

describe('gauntlet run --journal', () => {
  it("writes each scenario's journal as JSON Lines, consistent with its report", () => {
    const out = tempDir('journal');
    const r = cli(['run', 'scenarios/demo-sp500-sma-crossover.yaml', '--out', out, '--journal', '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = readReport(out).scenarios[0]!;
    const reported = readFills(out, s);
    const lines = readFileSync(join(out, 'journals', `${s.name}.jsonl`), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ kind: 'header', version: readReport(out).journalVersion, rootSeed: s.seed });
    const fills = lines.filter((l) => l.kind === 'fill');
    expect(fills).toHaveLength(reported.length);
    expect(fills[0]).toMatchObject({ timeUs: reported[0]!.timeUs, instrument: reported[0]!.instrument });
    expect(lines.filter((l) => l.kind === 'bar').length).toBeGreaterThan(5000);
  });
});
