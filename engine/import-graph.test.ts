// Proves the import graph flows one way: nothing in engine/ imports harness/, and the kernel
// imports nothing of the project outside engine/kernel/. Reads the sources as text, so a new
// violation fails here before it can be used.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(root, resolve(dirname(file), s)));
}

describe('import graph', () => {
  it('engine/ never imports harness/', () => {
    const bad = tsFiles(join(root, 'engine')).flatMap((f) =>
      relativeImports(f).filter((target) => target.startsWith('harness')).map((t) => `${relative(root, f)} -> ${t}`));
    expect(bad).toEqual([]);
  });

  it('engine/kernel imports nothing of the project outside itself', () => {
    const bad = tsFiles(join(root, 'engine', 'kernel')).flatMap((f) =>
      relativeImports(f).filter((target) => !target.startsWith(join('engine', 'kernel'))).map((t) => `${relative(root, f)} -> ${t}`));
    expect(bad).toEqual([]);
  });

  it('the checker sees a violation when there is one', () => {
    // Guards the regex above: a harness import written as the engine would write it is found.
    const probe = join(root, 'engine', 'kernel', 'clock.ts');
    expect(relativeImports(probe)).toContain(join('engine', 'kernel', 'time.ts'));
  });
});
