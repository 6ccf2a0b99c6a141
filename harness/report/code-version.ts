/**
 * The code a run used: the package's name and version, and the git commit of the checkout when it
 * runs from one (read from .git directly: no child process, no git needed).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CodeVersion {
  readonly package: string;
  readonly version: string;
  readonly gitCommit: string | null;
}

/**
 * Our own package.json's name and version, or null. Not user input, so no zod here: `--help` and
 * `--version` load this module, and zod's import alone costs about a quarter of their start-up.
 */
function nameAndVersion(text: string): { name: string; version: string } | null {
  const pj = JSON.parse(text) as unknown;
  if (typeof pj !== 'object' || pj === null) return null;
  const { name, version } = pj as Record<string, unknown>;
  return typeof name === 'string' && typeof version === 'string' ? { name, version } : null;
}

/** The folder of the package this module belongs to (works from the .ts source and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      if (nameAndVersion(readFileSync(pj, 'utf8'))?.name === 'gauntlet') return dir;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('gauntlet: cannot find its own package.json');
}

let cached: CodeVersion | null = null;

export function codeVersion(): CodeVersion {
  if (cached !== null) return cached;
  const root = packageRoot();
  const pj = nameAndVersion(readFileSync(join(root, 'package.json'), 'utf8'));
  if (pj === null) throw new Error(`gauntlet: ${join(root, 'package.json')} has no name and version`);
  cached = { package: pj.name, version: pj.version, gitCommit: gitCommit(root) };
  return cached;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

function gitCommit(root: string): string | null {
  try {
    let gitDir = join(root, '.git');
    if (!existsSync(gitDir)) return null;
    if (statSync(gitDir).isFile()) {
      // A worktree or submodule: `.git` names the real folder.
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (m === null) return null;
      gitDir = resolve(root, m[1]!.trim());
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (SHA.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (ref === undefined) return null;
    const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = join(dir, ref);
      if (existsSync(loose)) {
        const sha = readFileSync(loose, 'utf8').trim();
        return SHA.test(sha) ? sha : null;
      }
    }
    const packed = join(common, 'packed-refs');
    if (!existsSync(packed)) return null;
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [sha, name] = line.trim().split(' ');
      if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
    }
    return null;
  } catch {
    return null;
  }
}
