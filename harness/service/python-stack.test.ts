// The stack protocol spoken by a stack that is not ours: fixtures/stacks/sma_stack.py (Python,
// standard library only) passes its scenario over HTTP, and decides exactly as the same stack
// written in TypeScript (fixtures/stacks/sma-stack.ts) does in-process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { cli, REPO } from '../cli/cli-helpers.ts';
import { runJob } from '../job/job.ts';
import type { Report } from '../report/schema.ts';

const SCENARIO = 'fixtures/stacks/sma-python.yaml';
const python = spawn('python3', [join(REPO, 'fixtures', 'stacks', 'sma_stack.py'), '--port', '0']);
let url = '';

beforeAll(async () => {
  url = await new Promise<string>((resolve, reject) => {
    let text = '';
    python.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m !== null) resolve(m[1]!);
    });
    python.once('error', reject);
    python.once('exit', (code) => reject(new Error(`sma_stack.py exited ${code}`)));
  });
});
afterAll(() => { python.kill('SIGTERM'); });

describe('the Python stack', () => {
  it('passes its scenario over HTTP (gates and properties)', () => {
    const r = cli(['run', SCENARIO, '--stack-url', url, '--json', '--quiet', '--workers', '1', '--out', tempDir('python-stack')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = (JSON.parse(r.stdout) as Report).scenarios[0]!;
    expect(s.status).toBe('passed');
    expect(s.gates.length).toBe(7);
    expect(s.metrics!.trades).toBe(24);
  }, 60_000);

  it('decides as the TypeScript stack in-process: same decision fingerprint and fills', async () => {
    const text = readFileSync(join(REPO, SCENARIO), 'utf8');
    const overHttp = await runJob({ file: SCENARIO, text, cwd: REPO, seed: { kind: 'scenario' }, overrides: [{ path: 'stack.service', value: { url } }] });
    const inProcess = await runJob({
      file: SCENARIO, text: text.replace(/^ {2}service: .*$/m, '  module: ./sma-stack.ts'), cwd: REPO, seed: { kind: 'scenario' },
    });
    expect(inProcess.status).toBe('passed');
    expect(overHttp.status).toBe('passed');
    expect(overHttp.decisionFingerprint).toBe(inProcess.decisionFingerprint);
    expect(overHttp.fills).toEqual(inProcess.fills);
  }, 60_000);
});
