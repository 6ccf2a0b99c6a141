import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { sha256Hex } from '../scenario/load.ts';
import { readFillsFile } from './sidecar.ts';
import { FillSchema } from './schema.ts';

const fill = (k: number) => ({ time: '2024-01-02T00:00:00.000000Z', timeUs: 1_704_153_600_000_000 + k, instrument: 'SYN', side: 'buy', quantity: 1, price: 100 + k, fee: 0.5, notional: 100 + k, clientOrderId: `o-${k}` });

function sidecar(text: string, count?: number) {
  const dir = tempDir('fills-file');
  writeFileSync(join(dir, 'fills.jsonl'), text);
  return { dir, ref: { path: 'fills.jsonl', sha256: sha256Hex(text), ...(count === undefined ? {} : { count }) } };
}

describe('readFillsFile', () => {
  it('reads the fills a run wrote (one per line, a final newline), none from an empty file', () => {
    const fills = [fill(1), fill(2), fill(3)];
    const { dir, ref } = sidecar(fills.map((f) => JSON.stringify(f)).join('\n') + '\n', 3);
    expect(readFillsFile(dir, ref, FillSchema)).toEqual({ ok: true, fills });
    const empty = sidecar('', 0);
    expect(readFillsFile(empty.dir, empty.ref, FillSchema)).toEqual({ ok: true, fills: [] });
  });

  it('refuses a file changed after the run, a line that is not a fill (naming it), a wrong count, and a missing file', () => {
    const good = [fill(1), fill(2)].map((f) => JSON.stringify(f)).join('\n') + '\n';
    const changed = sidecar(good, 2);
    writeFileSync(join(changed.dir, 'fills.jsonl'), good.replace('"price":101', '"price":102'));
    expect(readFillsFile(changed.dir, changed.ref, FillSchema)).toMatchObject({ ok: false, problem: expect.stringMatching(/fills\.jsonl: SHA-256 [0-9a-f]{64} is not the [0-9a-f]{64} report\.json recorded/) });
    const badLine = sidecar(`${JSON.stringify(fill(1))}\n{"side":"up"}\n`);
    expect(readFillsFile(badLine.dir, badLine.ref, FillSchema)).toMatchObject({ ok: false, problem: expect.stringMatching(/fills\.jsonl:2: not a fill: \{"side":"up"\}$/) });
    const notJson = sidecar(`${JSON.stringify(fill(1))}\n\n${JSON.stringify(fill(2))}\n`);
    expect(readFillsFile(notJson.dir, notJson.ref, FillSchema)).toMatchObject({ ok: false, problem: expect.stringMatching(/fills\.jsonl:2: not JSON/) });
    const counted = sidecar(good, 3);
    expect(readFillsFile(counted.dir, counted.ref, FillSchema)).toMatchObject({ ok: false, problem: expect.stringMatching(/fills\.jsonl: 2 fills, report\.json says 3$/) });
    expect(readFillsFile(counted.dir, { ...counted.ref, path: 'gone.jsonl' }, FillSchema)).toMatchObject({ ok: false, problem: expect.stringMatching(/gone\.jsonl: cannot be read \(ENOENT\)/) });
  });
});
