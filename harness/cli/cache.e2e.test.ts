// `gauntlet run` (and `check`) fills the data cache where --cache-dir says (or not at all with
// --no-cache), the second run reads it and writes the same report, and `gauntlet cache info|clear`
// show and empty it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hourlyScenarioText, writeHourlyBarsCsv } from '../data-cache/testing/hourly-bars.ts';
import { cli, tempDir, withoutWallClock } from './cli-helpers.ts';

describe('gauntlet cache', () => {
  it('is filled by run, read by the next run with the same report, shown and cleared', () => {
    const dir = tempDir('cache-e2e');
    writeHourlyBarsCsv(join(dir, 'bars.csv'), { bars: 2000, badLines: [7] });
    writeFileSync(join(dir, 's.yaml'), hourlyScenarioText({ file: 'bars.csv', badRows: 'skip' }));
    const cacheDir = join(dir, 'cache');
    const run = (out: string, ...extra: string[]) => cli(['run', 's.yaml', '--out', out, '--quiet', '--workers', '1', '--cache-dir', 'cache', ...extra], dir);
    const report = (out: string): unknown => withoutWallClock(JSON.parse(readFileSync(join(dir, out, 'report.json'), 'utf8')));

    expect(run('none', '--no-cache').code).toBe(0);
    expect(readdirSync(dir)).not.toContain('cache');
    expect(run('cold').code).toBe(0);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.entry'))).toHaveLength(1);
    expect(run('warm').code).toBe(0);
    expect(report('warm')).toEqual(report('none'));
    expect(report('cold')).toEqual(report('none'));

    const info = cli(['cache', 'info', '--cache-dir', cacheDir, '--json'], dir);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ dir: cacheDir, entries: 1 });
    expect(cli(['cache', 'info', '--cache-dir', cacheDir], dir).stdout).toMatch(/1 entry, [\d.]+ KiB/);
    expect(cli(['cache', 'clear', '--cache-dir', cacheDir], dir).stdout).toContain('removed 1 entry');
    expect(readdirSync(cacheDir)).toEqual([]); // the kept file hashes (hashes/) go too
    expect(cli(['run', 's.yaml', '--cache-max-size', 'lots'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--cache-max-size: expected a size such as 1GiB') as unknown });
  });

  it('serves check: its runs read the data file once (the same check with --no-cache, the cache untouched)', () => {
    const dir = tempDir('cache-check');
    writeHourlyBarsCsv(join(dir, 'bars.csv'), { bars: 1500, badLines: [7] });
    writeFileSync(join(dir, 's.yaml'), hourlyScenarioText({ file: 'bars.csv', badRows: 'skip' }));
    const check = (out: string, ...extra: string[]) => cli(['check', 's.yaml', '--runs', '2', '--seed', '3', '--out', out, '--quiet', '--json', '--cache-dir', 'cache', ...extra], dir);
    const properties = (r: { stdout: string }): unknown => (JSON.parse(r.stdout) as { scenarios: { properties: unknown }[] }).scenarios[0]!.properties;
    const none = check('none', '--no-cache');
    expect(none.code, none.stderr).toBe(0);
    expect(readdirSync(dir)).not.toContain('cache');
    const cached = check('cached');
    expect(cached.code, cached.stderr).toBe(0);
    expect(readdirSync(join(dir, 'cache')).filter((f) => f.endsWith('.entry'))).toHaveLength(1);
    expect(properties(cached)).toEqual(properties(none));
    expect(cli(['check', 's.yaml', '--cache-max-size', 'lots'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--cache-max-size: expected a size such as 1GiB') as unknown });
  });

  it('lives under $XDG_CACHE_HOME by default', () => {
    const r = cli(['cache', 'info', '--json'], tempDir('cache-cwd'));
    expect(r.code).toBe(0);
    // The tests' own XDG_CACHE_HOME (vitest.global-setup.ts), never the user's home.
    expect(process.env.XDG_CACHE_HOME).toMatch(/gauntlet-test-xdg-cache-/);
    expect((JSON.parse(r.stdout) as { dir: string }).dir).toBe(join(process.env.XDG_CACHE_HOME!, 'gauntlet'));
  });
});
