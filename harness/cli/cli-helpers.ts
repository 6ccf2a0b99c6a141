/**
 * Test helpers that drive the CLI as a user would: `node bin/gauntlet.js ...` as a child process
 * with the repository's Node (node_modules/.bin/node, Node 24, when present), colour off.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFillsFile } from '../report/sidecar.ts';
import { FillSchema, type ScenarioReport } from '../report/schema.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO, 'bin', 'gauntlet.js');
const repoNode = join(REPO, 'node_modules', '.bin', 'node');
export const NODE = existsSync(repoNode) ? repoNode : process.execPath;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Hermetic: no GitHub Actions annotations unless a test asks for them (GITHUB_ACTIONS unset).
const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', CI: '1', GITHUB_ACTIONS: undefined });

export function cli(args: readonly string[], cwd: string = REPO, extraEnv: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(NODE, [BIN, ...args], { cwd, env: { ...env(), ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting: for signals. */
export function cliAsync(args: readonly string[], cwd: string = REPO, extraEnv: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const child = spawn(NODE, [BIN, ...args], { cwd, env: { ...env(), ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

export { tempDir } from '../../engine/testing/temp-dirs.ts';

/** A report with every wall-clock field removed: what must be identical between two runs. */
export function withoutWallClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWallClock);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !/^wall(Clock|Time)/.test(k)).map(([k, v]) => [k, withoutWallClock(v)]));
  }
  return value;
}

/**
 * A scenario's fills as a run wrote them: from its sidecar file (checked against the SHA-256 and
 * count report.json gives), or inline.
 */
export function readFills(outDir: string, s: ScenarioReport): ScenarioReport['fills'] {
  if (s.fillsFile === null) return s.fills;
  const r = readFillsFile(outDir, s.fillsFile, FillSchema);
  if (!r.ok) throw new Error(r.problem);
  return r.fills;
}
