/**
 * Temporary folders for tests that are removed when the test file ends: `tempDir()` creates one
 * under the system temp folder and remembers it; the vitest setup file (vitest.setup.ts) removes
 * every folder a test file created in its afterAll, pass or fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gauntlet-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every folder tempDir() made in this process so far; returns how many. */
export function removeTempDirs(): number {
  const n = created.length;
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
  return n;
}
