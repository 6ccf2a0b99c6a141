// Proves determinism rule 5 on the direct path: the same inputs and seed give a byte-identical
// journal and the same fingerprint, twice in one process and in two separate processes; a
// different seed gives a different synthetic path (and fingerprint).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDeterminismProbe } from './determinism-probe.ts';
import { tempDir } from '../testing/temp-dirs.ts';

const here = dirname(fileURLToPath(import.meta.url));
const node = resolve(here, '..', '..', 'node_modules', '.bin', 'node');

describe('determinism', () => {
  it('same seed: byte-identical journal and fingerprint, twice in one process', async () => {
    const a = await runDeterminismProbe(42);
    const b = await runDeterminismProbe(42);
    expect(a.journalSha256).toBe(a.fingerprint); // the sink saw exactly what was hashed
    expect(b.journalBytes).toBe(a.journalBytes);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(a.fills).toBeGreaterThan(10);
  });

  it('same seed: the same fingerprint in two other processes', async () => {
    const inProcess = await runDeterminismProbe(42);
    const script = join(tempDir('det'), 'probe.ts');
    writeFileSync(script, `import { runDeterminismProbe } from ${JSON.stringify(join(here, 'determinism-probe.ts'))};\nconsole.log(JSON.stringify(await runDeterminismProbe(42)));\n`);
    const outs = [0, 1].map(() => {
      const r = spawnSync(node, [script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim()) as { fingerprint: string; journalBytes: number };
    });
    expect(outs[0]!.fingerprint).toBe(inProcess.fingerprint);
    expect(outs[1]!.fingerprint).toBe(inProcess.fingerprint);
    expect(outs[0]!.journalBytes).toBe(inProcess.journalBytes);
  });

  it('another seed: another synthetic path and fingerprint', async () => {
    const a = await runDeterminismProbe(42);
    const b = await runDeterminismProbe(43);
    expect(b.firstCloses).not.toEqual(a.firstCloses);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(createHash('sha256').update(a.firstCloses.join()).digest('hex')).not.toBe(createHash('sha256').update(b.firstCloses.join()).digest('hex'));
  });
});
