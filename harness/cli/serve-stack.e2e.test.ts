// `gauntlet serve-stack` serves the reference stack, and `gauntlet run --stack-url` drives it: the
// same scenario decides the same in-process and over HTTP. A stack elsewhere needs --allow-remote.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { cli, cliAsync } from './cli-helpers.ts';
import type { Report } from '../report/schema.ts';

const FILE = 'scenarios/synthetic-futures-sma-crossover.yaml';

describe('gauntlet serve-stack', () => {
  const server = cliAsync(['serve-stack', '--port', '0']);
  afterAll(async () => { server.child.kill('SIGTERM'); await server.done; });

  it('serves the reference stack: run --stack-url gives the in-process decision fingerprint', async () => {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.child.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /on (http:\/\/\S+) /.exec(text);
        if (m !== null) resolve(m[1]!);
      });
      server.child.once('exit', (code) => reject(new Error(`serve-stack exited ${code}`)));
    });
    const dir = tempDir('serve-stack');
    const local = cli(['run', FILE, '--json', '--quiet', '--workers', '1', '--out', join(dir, 'a')]);
    const remote = cli(['run', FILE, '--json', '--quiet', '--workers', '1', '--out', join(dir, 'b'), '--stack-url', url]);
    expect(local.code).toBe(0);
    expect(remote.code).toBe(0);
    const [a, b] = [JSON.parse(local.stdout) as Report, JSON.parse(remote.stdout) as Report];
    expect(b.scenarios[0]!.decisionFingerprint).toBe(a.scenarios[0]!.decisionFingerprint);
    expect(b.scenarios[0]!.overrides).toEqual([{ path: 'stack.service', value: { url } }]);
  }, 60_000);

  it('refuses a stack on another machine without --allow-remote (exit 2), and a non-loopback listen address', () => {
    const dir = tempDir('serve-stack-remote');
    const r = cli(['run', FILE, '--workers', '1', '--out', dir, '--stack-url', 'http://192.0.2.1:9/']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/stack\.service\.url: 192\.0\.2\.1 is not this machine .*--allow-remote/);
    const listen = cli(['serve-stack', '--host', '0.0.0.0', '--port', '0']);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toMatch(/--allow-remote/);
  });
});
