#!/usr/bin/env node
// The `gauntlet` command. In a checkout it runs the TypeScript source directly (Node >= 24 strips
// types), so `npx gauntlet` works without a build and never runs a stale one; installed as a
// dependency (under node_modules, where Node does not strip types) or without its sources, it
// runs the JavaScript build in dist/. A checkout never prefers dist/, even when present: a build
// can be older than the sources, and with the compile cache on (below) the built JavaScript was
// measured to load no faster than the stripped sources (about 190 ms of CPU for `run`'s modules
// either way), so there is nothing to win for that risk.
import { existsSync, realpathSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The Node.js it is tested on, and what package.json's engines says: an older one gets a clear
// message and exit 2 (bad input: the environment), not a stack trace and an exit code that reads
// as a failed gate.
const NODE_MAJOR_MIN = 24;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= NODE_MAJOR_MIN)) {
  process.stderr.write(`gauntlet: needs Node.js >= ${NODE_MAJOR_MIN}, this is v${process.versions.node} (${process.execPath}).\n`
    + 'In a checkout, `npx gauntlet` and npm scripts use the Node 24 that `npm ci` installs in node_modules/.bin.\n');
  process.exit(2);
}

// V8's compiled code for our modules, kept on disk between runs (in the system temp folder unless
// NODE_COMPILE_CACHE says where): start-up about halves, in the pool's worker threads too.
nodeModule.enableCompileCache?.();

const root = fileURLToPath(new URL('..', import.meta.url));
const underNodeModules = realpathSync(root).split(/[\\/]/).includes('node_modules');
const fromSource = !underNodeModules && existsSync(`${root}harness/cli/main.ts`);
const dir = fromSource ? `${root}harness/cli/` : `${root}dist/harness/cli/`;
const ext = fromSource ? 'ts' : 'js';
const entry = `${dir}main.${ext}`;
if (!existsSync(entry)) {
  process.stderr.write(`gauntlet: ${entry} is missing: run \`npm run build\` in ${root}\n`);
  process.exit(3);
}

// SIGINT/SIGTERM from the first moment: the signals module (it imports nothing) goes in before
// the rest loads, so a signal that comes meanwhile is kept for the command to handle, never
// Node's default exit that would leave an earlier run's reports looking current.
const { installSignalHandlers } = await import(pathToFileURL(`${dir}signals.${ext}`).href);
installSignalHandlers();
// GAUNTLET_TRACE_STARTUP=1: start-up milestones on stderr (for start-up work, and tests that
// signal the process while its modules load).
const trace = process.env.GAUNTLET_TRACE_STARTUP === '1'
  ? (what) => process.stderr.write(`gauntlet: startup: ${what} at ${Math.round(process.uptime() * 1000)} ms\n`)
  : () => {};
trace('signal handlers installed');

const { main } = await import(pathToFileURL(entry).href);
trace('modules loaded');
process.exitCode = await main(process.argv);
