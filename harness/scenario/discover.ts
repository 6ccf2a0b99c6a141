/**
 * Which scenario files a command means: files as given, folders searched recursively for .yaml
 * and .yml files (in sorted order, so a suite always runs in the same order). A path that does not
 * exist is kept: loading it reports "file not found" as bad input, beside the other scenarios.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SCENARIO_FILE = /\.ya?ml$/i;
/** Bound on folder depth: scenario folders are shallow; a deeper tree is a mistake or a link cycle. */
const MAX_DEPTH = 16;

export function discoverScenarioFiles(paths: readonly string[], cwd: string = process.cwd()): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) walk(abs, out, 0);
    else out.push(abs);
  }
  return [...new Set(out)];
}

function walk(dir: string, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out, depth + 1);
    else if (e.isFile() && SCENARIO_FILE.test(e.name)) out.push(path);
  }
}
