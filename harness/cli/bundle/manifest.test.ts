// Proves the freshness rule bin/gauntlet.js relies on: a manifest holds while every input has the
// stamp it had at build time, and any write, removal or restored mtime makes the bundle stale.
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../engine/testing/temp-dirs.ts';
import { BUNDLE_DIR, MANIFEST_FILE, bundleState, manifestOf, stampOf, type InputStamp } from './manifest.ts';

function rootWith(files: Record<string, string>): { root: string; stamp: () => void } {
  const root = tempDir('bundle-manifest');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const stamp = (): void => {
    mkdirSync(join(root, BUNDLE_DIR), { recursive: true });
    const stamps = Object.keys(files).map((rel) => stampOf(root, rel)).filter((s): s is InputStamp => s !== null);
    writeFileSync(join(root, BUNDLE_DIR, MANIFEST_FILE), JSON.stringify(manifestOf(stamps)));
  };
  return { root, stamp };
}

describe('bundleState', () => {
  it('is fresh while no input changed', () => {
    const { root, stamp } = rootWith({ 'a.ts': 'export const a = 1;\n', 'lib/b.ts': 'export const b = 2;\n' });
    stamp();
    expect(bundleState(root)).toEqual({ fresh: true });
    // Reading an input is no change.
    readFileSync(join(root, 'a.ts'));
    expect(bundleState(root)).toEqual({ fresh: true });
  });

  it('is stale without a manifest, or with one of another format', () => {
    const { root } = rootWith({ 'a.ts': 'x' });
    expect(bundleState(root)).toMatchObject({ fresh: false, why: expect.stringContaining('no bundle/manifest.json') });
    mkdirSync(join(root, BUNDLE_DIR));
    writeFileSync(join(root, BUNDLE_DIR, MANIFEST_FILE), '{"version": 99, "inputs": []}');
    expect(bundleState(root)).toMatchObject({ fresh: false, why: expect.stringContaining('another format') });
    writeFileSync(join(root, BUNDLE_DIR, MANIFEST_FILE), 'not json');
    expect(bundleState(root).fresh).toBe(false);
  });

  it('is stale once an input is written, even with the same size', () => {
    const { root, stamp } = rootWith({ 'a.ts': 'export const a = 1;\n', 'lib/b.ts': 'export const b = 2;\n' });
    stamp();
    writeFileSync(join(root, 'lib/b.ts'), 'export const b = 3;\n');
    expect(bundleState(root)).toEqual({ fresh: false, why: 'lib/b.ts changed' });
  });

  it('is stale when an input was written and its mtime set back (the change time still moved)', async () => {
    const { root, stamp } = rootWith({ 'a.ts': 'export const a = 1;\n' });
    // A whole-second mtime, so that setting it back is exact.
    const mtimeS = 1_700_000_000;
    utimesSync(join(root, 'a.ts'), mtimeS, mtimeS);
    stamp();
    // The change time has a clock tick of its own: wait past it so the rewrite gets a later one.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(root, 'a.ts'), 'export const a = 2;\n');
    utimesSync(join(root, 'a.ts'), mtimeS, mtimeS);
    expect(statSync(join(root, 'a.ts')).mtimeMs).toBe(mtimeS * 1000);
    expect(bundleState(root)).toEqual({ fresh: false, why: 'a.ts changed' });
  });

  it('is stale when an input is gone', () => {
    const { root, stamp } = rootWith({ 'a.ts': 'x', 'b.ts': 'y' });
    stamp();
    rmSync(join(root, 'b.ts'));
    expect(bundleState(root)).toEqual({ fresh: false, why: 'b.ts is gone' });
  });
});
