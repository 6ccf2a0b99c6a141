#!/usr/bin/env node
// The `gauntlet` command. In a checkout it runs the CLI bundle in bundle/ (`npm run bundle`, also
// run by `npm ci` through `prepare`) while bundle/manifest.json proves it was built from the files
// as they are now (a stat of each, see harness/cli/bundle/manifest.ts), and the TypeScript sources
// directly otherwise (Node >= 24 strips types): `npx gauntlet` works without a build and never runs
// a stale one. The bundle is one script, where the sources are ~490 modules that Node resolves and
// links one by one, and it runs with the compiled code of an earlier run (code-cache.ts).
// GAUNTLET_BUNDLE=0 runs the sources regardless. Installed as a dependency (under node_modules,
// where Node does not strip types) or without its sources, it runs the JavaScript build in dist/.
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

// GAUNTLET_TRACE_STARTUP=1: start-up milestones on stderr (for start-up work, and tests that
// signal the process while its modules load).
const trace = process.env.GAUNTLET_TRACE_STARTUP === '1'
  ? (what) => process.stderr.write(`gauntlet: startup: ${what} at ${Math.round(process.uptime() * 1000)} ms\n`)
  : () => {};

const root = fileURLToPath(new URL('..', import.meta.url));
const underNodeModules = realpathSync(root).split(/[\\/]/).includes('node_modules');
const fromSource = !underNodeModules && existsSync(`${root}harness/cli/main.ts`);
let dir = fromSource ? `${root}harness/cli/` : `${root}dist/harness/cli/`;
let ext = fromSource ? 'ts' : 'js';
let bundleDir = null;
if (fromSource) {
  if (process.env.GAUNTLET_BUNDLE === '0') {
    trace('running the sources (GAUNTLET_BUNDLE=0)');
  } else {
    const { BUNDLE_DIR, bundleState } = await import(pathToFileURL(`${root}harness/cli/bundle/manifest.ts`).href);
    const state = bundleState(root);
    if (state.fresh) {
      bundleDir = `${root}${BUNDLE_DIR}/`;
      dir = bundleDir;
      ext = 'js';
    }
    trace(state.fresh ? 'running the bundle' : `running the sources: the bundle is not fresh (${state.why})`);
  }
}
const entry = bundleDir === null ? `${dir}main.${ext}` : `${bundleDir}cli.cjs`;
if (!existsSync(entry)) {
  process.stderr.write(`gauntlet: ${entry} is missing: run \`npm run build\` in ${root}\n`);
  process.exit(3);
}

// SIGINT/SIGTERM from the first moment: the signals module (it imports nothing) goes in before
// the rest loads, so a signal that comes meanwhile is kept for the command to handle, never
// Node's default exit that would leave an earlier run's reports looking current.
const { installSignalHandlers } = await import(pathToFileURL(`${dir}signals.${ext}`).href);
installSignalHandlers();
trace('signal handlers installed');

if (bundleDir === null) {
  const { main } = await import(pathToFileURL(entry).href);
  trace('modules loaded');
  process.exitCode = await main(process.argv);
} else {
  // The bundle is one script, run with a V8 code cache taken after an earlier run of the same
  // command (harness/cli/bundle/code-cache.ts), in Node's compile cache folder.
  const { loadCli } = await import(pathToFileURL(`${root}harness/cli/bundle/code-cache.ts`).href);
  const loaded = loadCli(bundleDir, process.argv, nodeModule.getCompileCacheDir?.());
  trace(`modules loaded (code cache: ${loaded.cache})`);
  process.exitCode = await loaded.cli.main(process.argv);
  const kept = loaded.keepCodeCache();
  trace(`code cache ${kept}`);
}

// The command is done, but a natural exit first lets V8 finish its background work: after a long
// run that is a major GC of the run's heap (about 25 ms for 250,000 bars). Nothing needs it, so
// when nothing is left but the standard streams, with all output written, exit now (the compile
// cache is still saved on exit).
const STDIO_HANDLES = new Set(['PipeWrap', 'TTYWrap']);
const active = process.getActiveResourcesInfo();
if (active.length <= 3 && active.every((r) => STDIO_HANDLES.has(r)) && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
