/**
 * Where the recorded market data of ../shared/data/market lives, for tests (never copied into the
 * repository). Looked up, in order: $GAUNTLET_SHARED_DATA; ../shared/data/market from the project
 * root; and, for a clone of a checkout (`git clone . /tmp/fresh`), the same folder beside the
 * repository it was cloned from. A missing folder is an error that says where it looked: tests
 * on real data never skip silently.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function originRoot(): string | null {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return url !== '' && isAbsolute(url) ? url : null;
  } catch {
    return null;
  }
}

let cached: string | null = null;

export function sharedMarketDir(): string {
  if (cached !== null) return cached;
  const candidates = [
    process.env.GAUNTLET_SHARED_DATA,
    join(projectRoot, '..', 'shared', 'data', 'market'),
    ((o) => (o === null ? undefined : join(o, '..', 'shared', 'data', 'market')))(originRoot()),
  ].filter((c): c is string => c !== undefined && c !== '');
  const found = candidates.find((c) => existsSync(join(c, 'README.md')));
  if (found === undefined) {
    throw new Error(`recorded market data not found; looked in: ${candidates.join(', ')}. Set GAUNTLET_SHARED_DATA to the folder of ../shared/data/market.`);
  }
  cached = found;
  return found;
}
