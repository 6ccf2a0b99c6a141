// The data cache of every test run (and of every CLI the tests start) lives in a temporary folder
// made here and removed at the end: tests never write to the user's ~/.cache/gauntlet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-test-xdg-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  return () => { rmSync(dir, { recursive: true, force: true }); };
}
