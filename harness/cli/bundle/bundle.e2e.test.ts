// Proves the CLI bundle is safe to prefer: bin/gauntlet.js runs it only while its manifest holds
// (a stale bundle never runs), and the bundle writes the same reports as the sources.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, NODE, REPO, tempDir, withoutWallClock } from '../cli-helpers.ts';
import { buildBundle } from './build.ts';
import { CACHE_SUBDIR, CLI_SCRIPT, SCRIPT_HEAD, SCRIPT_TAIL } from './code-cache.ts';
import { BUNDLE_DIR, MANIFEST_FILE, manifestOf, stampOf, type InputStamp } from './manifest.ts';

/** A package root with the real bin and manifest check, and stub entry points that say which ran. */
function stubRoot(): string {
  const root = tempDir('bundle-bin');
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO, 'bin', 'gauntlet.js'), join(root, 'bin', 'gauntlet.js'));
  writeFileSync(join(root, 'package.json'), '{ "name": "gauntlet", "version": "0.0.0", "type": "module" }\n');
  mkdirSync(join(root, 'harness', 'cli', 'bundle'), { recursive: true });
  // What the bin loads from the sources before the bundle.
  mkdirSync(join(root, 'harness', 'report'));
  for (const f of ['cli/bundle/manifest.ts', 'cli/bundle/code-cache.ts', 'cli/commands.ts', 'report/atomic-write.ts']) copyFileSync(join(REPO, 'harness', f), join(root, 'harness', f));
  mkdirSync(join(root, BUNDLE_DIR));
  for (const dir of ['harness/cli', BUNDLE_DIR]) writeFileSync(join(root, dir, `signals.${dir === BUNDLE_DIR ? 'js' : 'ts'}`), 'export function installSignalHandlers() {}\n');
  writeFileSync(join(root, 'harness', 'cli', 'main.ts'), "export async function main() { process.stdout.write('sources\\n'); return 0; }\n");
  writeFileSync(join(root, BUNDLE_DIR, CLI_SCRIPT), stubScript('bundle'));
  const stamps = ['harness/cli/main.ts', 'package.json'].map((rel) => stampOf(root, rel)).filter((s): s is InputStamp => s !== null);
  writeFileSync(join(root, BUNDLE_DIR, MANIFEST_FILE), JSON.stringify(manifestOf(stamps)));
  return root;
}

/** The CLI's script as build.ts makes it (a function of CommonJS's parameters and the import), saying `said`. */
const stubScript = (said: string): string => `${SCRIPT_HEAD}\nexports.main = async () => { process.stdout.write(${JSON.stringify(`${said}\n`)}); return 0; };\n${SCRIPT_TAIL}\n`;

/** The stub's compile and code caches go to a folder of the test's own, not the machine's. */
function spawnBin(root: string, args: readonly string[], env: NodeJS.ProcessEnv): { stdout: string; stderr: string } {
  const caches = { NODE_COMPILE_CACHE: join(root, '.compile-cache'), NODE_DISABLE_COMPILE_CACHE: undefined };
  const r = spawnSync(NODE, [join(root, 'bin', 'gauntlet.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...caches, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

function whichRan(root: string, env: NodeJS.ProcessEnv = {}): string {
  return spawnBin(root, [], env).stdout;
}

describe('bin/gauntlet.js and the bundle', () => {
  it('runs the bundle while its manifest holds, the sources once an input changed', () => {
    const root = stubRoot();
    expect(whichRan(root)).toBe('bundle');
    expect(whichRan(root, { GAUNTLET_BUNDLE: '0' })).toBe('sources');
    writeFileSync(join(root, 'harness', 'cli', 'main.ts'), `${readFileSync(join(root, 'harness', 'cli', 'main.ts'), 'utf8')}// edited\n`);
    expect(whichRan(root)).toBe('sources');
  });

  it('runs the bundle with a code cache per command, written after the first run and replaced when stale or corrupt', () => {
    const root = stubRoot();
    const cacheRoot = tempDir('bundle-code-cache');
    const cacheState = (args: readonly string[], env: NodeJS.ProcessEnv = {}): string[] => {
      const r = spawnBin(root, args, { NODE_COMPILE_CACHE: cacheRoot, GAUNTLET_TRACE_STARTUP: '1', ...env });
      expect(r.stdout).toMatch(/^bundle/);
      return [...r.stderr.matchAll(/code cache:? ([a-z: ]+?)\)? at/g)].map((m) => m[1]!);
    };
    expect(cacheState(['run', 'x.yaml'])).toEqual(['none', 'written']);
    expect(cacheState(['run', 'y.yaml'])).toEqual(['used', 'kept']);
    // Another command has its own cache; an unknown one shares the no-command cache.
    expect(cacheState(['list'])).toEqual(['none', 'written']);
    expect(cacheState(['--help'])).toEqual(['none', 'written']);
    expect(cacheState(['nonsense'])).toEqual(['used', 'kept']);
    // In Node's compile cache folder (a folder per Node version under NODE_COMPILE_CACHE).
    const files = readdirSync(cacheRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes(`${CACHE_SUBDIR}/`)).sort();
    expect(files.map((f) => f.replace(/^.*\/[0-9a-f]{8}-/, ''))).toEqual(['list.bin', 'none.bin', 'run.bin']);
    // A flipped byte in the data: found by the checksum, not handed to V8.
    const runCache = join(cacheRoot, files.find((f) => f.endsWith('-run.bin'))!);
    const bytes = readFileSync(runCache);
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(runCache, bytes);
    expect(cacheState(['run'])).toEqual(['corrupt', 'written']);
    expect(cacheState(['run'])).toEqual(['used', 'kept']);
    // Whole and for this script, but not V8's (another V8 wrote it, say): V8 refuses it, and it is replaced.
    const header = bytes.subarray(0, bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1).toString('utf8');
    const junk = Buffer.alloc(4096, 7);
    writeFileSync(runCache, Buffer.concat([Buffer.from(header.replace(/"crc32":\d+,"bytes":\d+/, `"crc32":${crc32(junk)},"bytes":${junk.length}`)), junk]));
    expect(cacheState(['run'])).toEqual(['rejected', 'written']);
    expect(cacheState(['run'])).toEqual(['used', 'kept']);
    // A rebuilt script (of the same length, which is all V8 checks) never meets the older cache.
    writeFileSync(join(root, BUNDLE_DIR, CLI_SCRIPT), stubScript('bundl2'));
    expect(whichRan(root, { NODE_COMPILE_CACHE: cacheRoot })).toBe('bundl2');
    writeFileSync(join(root, BUNDLE_DIR, CLI_SCRIPT), stubScript('bundle'));
    expect(cacheState(['run'])).toEqual(['stale', 'written']);
    // No compile cache, no code cache.
    expect(cacheState(['run'], { NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual(['off', 'off']);
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

  it("loads no Node module only commander's executable subcommands use (node:child_process, required on first use)", () => {
    const r = cli(['--version'], REPO, { NODE_DEBUG: 'module', GAUNTLET_BUNDLE: '1', GAUNTLET_TRACE_STARTUP: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('startup: running the bundle');
    expect(r.stderr).toMatch(/load built-in module vm\b/);
    expect(r.stderr).not.toMatch(/load built-in module child_process\b/);
  });
});
