// Issue 9's command-line findings, one test each, driven as a user would: a closed pipe, a bad
// output path, a bad seed, list --json, UTF-16 files, duplicate names under validate, help
// examples that exist, and an old Node.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, NODE, REPO, tempDir } from './cli-helpers.ts';

const sh = (command: string): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('the command line', () => {
  it('a reader that goes away (| head) is no error: no stack trace, the command\'s own exit code', () => {
    for (const args of ['list', 'schema', 'run scenarios/synthetic-gbm-sma-crossover.yaml --json --quiet --out ' + tempDir('epipe')]) {
      const r = sh(`'${NODE}' '${BIN}' ${args} | head -c 10 > /dev/null`);
      expect(r.stderr, args).not.toMatch(/EPIPE|Error|at /);
      expect(r.code, args).toBe(0);
    }
  });

  it('--out naming a file, or a path through one, is bad input (exit 2) naming the flag', () => {
    const dir = tempDir('out-file');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const out of [file, join(file, 'below')]) {
      const r = cli(['run', 'scenarios/synthetic-gbm-sma-crossover.yaml', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out ${out}:`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('a bad --seed is said once', () => {
    for (const seed of ['1e20', '99999999999999999999']) {
      const r = cli(['run', 'scenarios/synthetic-gbm-sma-crossover.yaml', '--seed', seed]);
      expect(r.code).toBe(2);
      expect(`${r.stdout}${r.stderr}`.match(/--seed/g), seed).toHaveLength(1);
    }
  });

  it('list --json prints the JSON only', () => {
    const r = cli(['list', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as unknown[]).length).toBeGreaterThan(10);
  });

  it('reads a scenario saved as UTF-16 with a byte-order mark, and names one without', () => {
    const dir = tempDir('utf16');
    const text = readFileSync(join(REPO, 'scenarios', 'synthetic-gbm-sma-crossover.yaml'), 'utf8');
    writeFileSync(join(dir, 'le.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const ok = cli(['validate', join(dir, 'le.yaml')]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    writeFileSync(join(dir, 'nobom.yaml'), Buffer.from(text, 'utf16le'));
    const bad = cli(['validate', join(dir, 'nobom.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('UTF-16 without a byte-order mark');
  });

  it('validate finds the duplicate scenario names that run rejects', () => {
    const dir = tempDir('dups');
    const text = readFileSync(join(REPO, 'scenarios', 'synthetic-gbm-sma-crossover.yaml'), 'utf8');
    writeFileSync(join(dir, 'a.yaml'), text);
    writeFileSync(join(dir, 'b.yaml'), text);
    const r = cli(['validate', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/b\.yaml:3:7: name: scenario name 'synthetic-gbm-sma-crossover' is also the name of .*a\.yaml/);
  });

  it('every file the help examples name exists', () => {
    for (const args of [['--help'], ['run', '--help'], ['validate', '--help'], ['replay', '--help'], ['list', '--help']]) {
      const help = cli(args).stdout;
      for (const m of help.matchAll(/\b(scenarios\/[\w./-]+\.ya?ml)\b/g)) expect(existsSync(join(REPO, m[1]!)), `${args.join(' ')}: ${m[1]}`).toBe(true);
    }
  });

  it('an older Node gets a clear message and exit 2, not a stack trace', () => {
    const r = spawnSync(NODE, ['--input-type=module', '-e', `Object.defineProperty(process.versions, 'node', { value: '20.1.0' }); await import(${JSON.stringify(BIN)});`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('gauntlet: needs Node.js >= 24, this is v20.1.0');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=24');
  });
});
