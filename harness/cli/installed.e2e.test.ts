// Installed as a dependency, Gauntlet runs its JavaScript build: `npm pack` (which builds dist/),
// `npm install` of the tarball into a fresh project, then a suite on two worker threads, whose
// worker entry must be the built JavaScript (Node does not strip types under node_modules); and
// report.html, whose chart and Parquet libraries must resolve from the installed package.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE, REPO, tempDir } from './cli-helpers.ts';

describe('installed from the packed tarball', () => {
  it('runs a suite on the worker pool from dist/, with the same fingerprints as the checkout', () => {
    const work = tempDir('installed');
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: REPO, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const project = join(work, 'project');
    cpSync(join(REPO, 'scenarios'), join(project, 'scenarios'), { recursive: true });
    cpSync(join(REPO, 'fixtures', 'market'), join(project, 'fixtures', 'market'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "uses-gauntlet", "private": true }\n');
    execFileSync('npm', ['install', '--no-save', join(work, tarball)], { cwd: project, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const pkg = join(project, 'node_modules', 'gauntlet');
    expect(existsSync(join(pkg, 'dist', 'harness', 'distributed', 'worker.js'))).toBe(true);
    expect(existsSync(join(pkg, 'harness'))).toBe(false);
    const r = spawnSync(NODE, [join(pkg, 'bin', 'gauntlet.js'), 'run', 'scenarios', '--workers', '2', '--out', 'out', '--quiet'], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const installed = JSON.parse(readFileSync(join(project, 'out', 'report.json'), 'utf8')) as { scenarios: { name: string; fingerprint: string }[] };
    const checkout = spawnSync(NODE, [join(REPO, 'bin', 'gauntlet.js'), 'run', 'scenarios', '--workers', '1', '--json', '--quiet', '--out', join(work, 'checkout-out')], { cwd: project, encoding: 'utf8' });
    const expected = JSON.parse(checkout.stdout) as { scenarios: { name: string; fingerprint: string }[] };
    expect(installed.scenarios.map((s) => [s.name, s.fingerprint])).toEqual(expected.scenarios.map((s) => [s.name, s.fingerprint]));
    // report.html from the build: ECharts and the Parquet writer resolve as dependencies.
    const html = spawnSync(NODE, [join(pkg, 'bin', 'gauntlet.js'), 'run', 'scenarios/demo-sp500-sma-crossover.yaml', '--reporter', 'html', '--out', 'out-html', '--quiet'], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(html.status, html.stdout + html.stderr).toBe(0);
    expect(readFileSync(join(project, 'out-html', 'report.html'), 'utf8').match(/<figure class="chart"/g)).toHaveLength(3);
    expect(readdirSync(join(project, 'out-html', 'series'))).toEqual(['00001-demo-sp500-sma-crossover.parquet']);
  }, 240_000);
});
