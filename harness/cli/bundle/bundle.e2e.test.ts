// Proves the CLI bundle is safe to prefer: bin/gauntlet.js runs it only while its manifest holds
// (a stale bundle never runs), and the bundle writes the same reports as the sources.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, NODE, REPO, tempDir, withoutWallClock } from '../cli-helpers.ts';
import { buildBundle } from './build.ts';
import { BUNDLE_DIR, MANIFEST_FILE, manifestOf, stampOf, type InputStamp } from './manifest.ts';

/** A package root with the real bin and manifest check, and stub entry points that say which ran. */
function stubRoot(): string {
  const root = tempDir('bundle-bin');
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO, 'bin', 'gauntlet.js'), join(root, 'bin', 'gauntlet.js'));
  writeFileSync(join(root, 'package.json'), '{ "name": "gauntlet", "version": "0.0.0", "type": "module" }\n');
  mkdirSync(join(root, 'harness', 'cli', 'bundle'), { recursive: true });
  copyFileSync(join(REPO, 'harness', 'cli', 'bundle', 'manifest.ts'), join(root, 'harness', 'cli', 'bundle', 'manifest.ts'));
  mkdirSync(join(root, BUNDLE_DIR));
  for (const [dir, ext, said] of [['harness/cli', 'ts', 'sources'], [BUNDLE_DIR, 'js', 'bundle']] as const) {
    writeFileSync(join(root, dir, `signals.${ext}`), 'export function installSignalHandlers() {}\n');
    writeFileSync(join(root, dir, `main.${ext}`), `export async function main() { process.stdout.write('${said}\\n'); return 0; }\n`);
  }
  const stamps = ['harness/cli/main.ts', 'package.json'].map((rel) => stampOf(root, rel)).filter((s): s is InputStamp => s !== null);
  writeFileSync(join(root, BUNDLE_DIR, MANIFEST_FILE), JSON.stringify(manifestOf(stamps)));
  return root;
}

function whichRan(root: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(NODE, [join(root, 'bin', 'gauntlet.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('bin/gauntlet.js and the bundle', () => {
  it('runs the bundle while its manifest holds, the sources once an input changed', () => {
    const root = stubRoot();
    expect(whichRan(root)).toBe('bundle');
    expect(whichRan(root, { GAUNTLET_BUNDLE: '0' })).toBe('sources');
    writeFileSync(join(root, 'harness', 'cli', 'main.ts'), `${readFileSync(join(root, 'harness', 'cli', 'main.ts'), 'utf8')}// edited\n`);
    expect(whichRan(root)).toBe('sources');
  });
});

describe('the bundle of this checkout', () => {
  beforeAll(async () => {
    await buildBundle();
  }, 60_000);

  it('writes the same reports as the sources (CSV data through the cache, synthetic markets, report.html, worker threads)', () => {
    const work = tempDir('bundle-same');
    const scenarios = ['scenarios/demo-sp500-sma-crossover.yaml', 'scenarios/synthetic-flash-crash-and-halt.yaml', 'scenarios/fx-demo-bidask-sma-crossover.yaml'];
    const run = (mode: 'bundle' | 'sources', workers: number): unknown => {
      const out = join(work, `${mode}-${workers}`);
      const r = cli(['run', ...scenarios, '--out', out, '--quiet', '--workers', String(workers), '--reporter', 'json', '--reporter', 'html', '--cache-dir', join(work, 'cache')], REPO, { GAUNTLET_TRACE_STARTUP: '1', GAUNTLET_BUNDLE: mode === 'bundle' ? '1' : '0' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(mode === 'bundle' ? 'startup: running the bundle' : 'startup: running the sources');
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<figure class="chart"');
      return withoutWallClock(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    };
    const sources = run('sources', 1);
    expect(run('bundle', 1)).toEqual(sources);
    // On two threads, which start from the bundle's worker entry.
    expect(run('bundle', 2)).toEqual(sources);
  }, 120_000);
});
