/**
 * `npm run bundle` (and `prepare`, which npm runs after `npm ci`): bundles the CLI, node_modules
 * included, into bundle/ with esbuild, so that `run` loads one file, not the ~490 modules Node
 * resolves one by one from the sources (stats, package.json lookups, links).
 * - bundle/cli.cjs: the CLI, one classic (CommonJS) script, which bin/gauntlet.js runs with a V8
 *   code cache taken after a run (code-cache.ts). Each command's lazy `import()` stays lazy: esbuild
 *   runs a module's top level on its first import.
 * - ES modules with code splitting for the rest: signals.js (loaded before anything else), the
 *   pool's worker threads (worker.js) and the engine's API (engine.js).
 * bin/gauntlet.js runs the bundle only while manifest.json proves it fresh (see manifest.ts).
 *
 * `import.meta.url` keeps meaning the source file's URL in the bundle (each module's own, as
 * before), so everything found relative to a module (package.json, the data cache's loader files,
 * createRequire) is found where it was.
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader, Plugin } from 'esbuild';
import { asciiComments } from './ascii-comments.ts';
import { CLI_SCRIPT, SCRIPT_HEAD, SCRIPT_TAIL } from './code-cache.ts';
import { BUNDLE_DIR, bundleState, MANIFEST_FILE, manifestOf, stampOf, type InputStamp } from './manifest.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI, built into one script (CLI_SCRIPT). */
const CLI_ENTRY = 'harness/cli/main.ts';
/**
 * ES module entries. bin/gauntlet.js imports the signals module before the CLI (its state is
 * process-wide, so the CLI's own copy shares it). The pool's worker threads start from the worker
 * entry (pool.ts). The engine's API (bundle/engine.js): benchmarks that measure a process's memory
 * run the engine's bundled code (harness/bench/replay-rss.ts).
 */
const ENTRIES = ['harness/cli/signals.ts', 'harness/distributed/worker.ts', 'engine/index.ts'];
/**
 * Files that shape the bundle without being in it: a change to one rebuilds as a source change
 * does. code-cache.ts runs the CLI's script (its wrapper's parameters are the script's).
 */
const CONFIG_FILES = ['harness/cli/bundle/build.ts', 'harness/cli/bundle/ascii-comments.ts', 'harness/cli/bundle/code-cache.ts', 'package.json', 'tsconfig.json', 'node_modules/esbuild/package.json'];
/** What each module's `import.meta.url` becomes: the declaration the prelude adds. */
const META_URL = '__gauntletMetaUrl';

/**
 * Packages left out of the bundle, loaded from node_modules as before: piscina starts its worker
 * threads from a file beside its own (`__dirname`), which a bundle cannot keep.
 */
const EXTERNAL = ['piscina'];
/**
 * Node modules that bundled packages require at their top level but use only for what gauntlet
 * never does: the require waits for the first use. commander loads node:child_process (1.5-3 ms
 * of Node's own modules) for executable subcommands, which gauntlet has none of. Text that is
 * not found is left alone (a newer version): the bundle e2e test notices the module loading again.
 */
const LAZY_REQUIRES: readonly { readonly file: RegExp; readonly text: string; readonly lazy: string }[] = [
  {
    file: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/,
    text: "const childProcess = require('node:child_process');",
    lazy: "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
  },
];
/** CommonJS code (not a comment line) that finds files beside itself: it must stay out of the bundle. */
const OWN_DIR = /^(?!\s*(?:\*|\/\/)).*\b__(?:dirname|filename)\b/m;

const LOADERS: Readonly<Record<string, Loader>> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

/**
 * Builds bundle/ (replacing an older one whole) and returns how many files went in, or null when
 * the bundle there is fresh already (the same inputs make the same bundle) and `force` is off: then
 * nothing is touched, so processes running it meanwhile (tests, `npm pack`'s prepare) are undisturbed.
 */
export async function buildBundle(root: string = ROOT, { force = false }: { readonly force?: boolean } = {}): Promise<number | null> {
  if (!force && bundleState(root).fresh) return null;
  const { build } = await import('esbuild');
  const outDir = join(root, BUNDLE_DIR);
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  const stamps = new Map<string, InputStamp>();
  for (const f of CONFIG_FILES) {
    const s = stampOf(root, f);
    if (s === null) throw new Error(`bundle: ${f} is missing`);
    stamps.set(f, s);
  }
  try {
    await build({
      // Each entry's file is its own name, the engine's `engine.js` (not index.js).
      entryPoints: ENTRIES.map((e) => ({ in: join(root, e), out: e === 'engine/index.ts' ? 'engine' : basename(e, extname(e)) })),
      outdir: tmpDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      entryNames: '[name]',
      chunkNames: 'chunk-[hash]',
      logLevel: 'warning',
      external: EXTERNAL,
      define: { 'import.meta.url': META_URL, 'import.meta.gauntletBundle': 'true' },
      // CommonJS packages in an ES module bundle call require(): give each chunk one.
      banner: { js: "import { createRequire as __gauntletCreateRequire } from 'node:module'; const require = __gauntletCreateRequire(import.meta.url);" },
      plugins: [withoutZodLocales(), stampAndRewrite(root, outDir, stamps, 'esm')],
    });
    await build({
      entryPoints: [join(root, CLI_ENTRY)],
      outfile: join(tmpDir, CLI_SCRIPT),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node24',
      logLevel: 'warning',
      external: EXTERNAL,
      // The script is a function of require, __filename, __dirname (bundle/), ...: code-cache.ts calls it.
      banner: { js: SCRIPT_HEAD },
      footer: { js: SCRIPT_TAIL },
      define: { 'import.meta.url': META_URL, 'import.meta.dirname': '__dirname', 'import.meta.gauntletBundle': 'true', 'import.meta.gauntletScript': 'true' },
      plugins: [withoutZodLocales(), stampAndRewrite(root, outDir, stamps, 'cjs')],
    });
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw e;
  }
  for (const f of readdirSync(tmpDir)) {
    if (!f.endsWith('.js') && !f.endsWith('.cjs')) continue;
    const text = readFileSync(join(tmpDir, f), 'utf8');
    const ascii = asciiComments(text);
    // The CLI's script is read as latin1 (code-cache.ts): esbuild escapes other characters in code.
    if (f === CLI_SCRIPT && /[\u0080-\uffff]/.test(ascii)) throw new Error(`bundle: ${CLI_SCRIPT} has characters other than ASCII`);
    if (ascii !== text) writeFileSync(join(tmpDir, f), ascii);
  }
  writeFileSync(join(tmpDir, MANIFEST_FILE), `${JSON.stringify(manifestOf([...stamps.values()]))}\n`);
  // Swap in whole: a process starting meanwhile finds the old bundle, or none (and runs the sources).
  const oldDir = `${outDir}.old-${process.pid}`;
  try {
    renameSync(outDir, oldDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  renameSync(tmpDir, outDir);
  rmSync(oldDir, { recursive: true, force: true });
  return stamps.size;
}

/**
 * zod's `locales` namespace (the error messages of every language it knows, 360 KB, a tenth of the
 * CLI's script) is left out: nothing here reads it, and zod's English messages, its default, are
 * imported on their own (zod/v4/classic/external.js imports locales/en.js).
 */
function withoutZodLocales(): Plugin {
  return {
    name: 'gauntlet-without-zod-locales',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'gauntlet-empty' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'gauntlet-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
    },
  };
}

/**
 * Loads every file itself: stamps it before reading it (a write after the stamp makes the bundle
 * stale, never a stale bundle fresh), and gives a module that reads `import.meta.url` its source
 * file's URL, computed from the chunk's place (bundle/ sits at the package root).
 */
function stampAndRewrite(root: string, outDir: string, stamps: Map<string, InputStamp>, format: 'esm' | 'cjs'): Plugin {
  return {
    name: 'gauntlet-stamp-and-rewrite',
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const loader = LOADERS[extname(args.path)];
        if (loader === undefined) throw new Error(`bundle: no loader for ${args.path}`);
        const rel = relative(root, args.path).split(sep).join('/');
        const stamp = stampOf(root, rel);
        if (stamp === null) throw new Error(`bundle: ${args.path} is not a file`);
        stamps.set(rel, stamp);
        let contents = readFileSync(args.path, 'utf8');
        for (const l of LAZY_REQUIRES) if (l.file.test(args.path)) contents = contents.replace(l.text, l.lazy);
        if (OWN_DIR.test(contents)) throw new Error(`bundle: ${rel} finds files beside itself (__dirname): add its package to EXTERNAL`);
        if (contents.includes('import.meta.url')) {
          if (loader !== 'ts' && !/^\s*(import|export)\s/m.test(contents)) throw new Error(`bundle: ${rel} reads import.meta.url but is not an ES module`);
          const fromBundle = relative(outDir, args.path).split(sep).join('/');
          // One line, so the module's own lines keep their numbers.
          const file = JSON.stringify(`/${fromBundle}`);
          contents = format === 'esm'
            ? `import { pathToFileURL as __gauntletPathToFileUrl } from 'node:url'; const ${META_URL} = __gauntletPathToFileUrl(import.meta.dirname + ${file}).href; ${contents}`
            : `const ${META_URL} = require('node:url').pathToFileURL(__dirname + ${file}).href; ${contents}`;
        }
        return { contents, loader, resolveDir: dirname(args.path) };
      });
    },
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  // --optional (prepare, after npm ci): a bundle that cannot be built (no esbuild without
  // devDependencies, or a source that does not build) is said and skipped, never a failed install;
  // the CLI then runs from its sources. `npm run bundle` fails instead.
  const optional = process.argv.includes('--optional');
  try {
    // --force: rebuild even when the bundle is fresh.
    const files = await buildBundle(ROOT, { force: process.argv.includes('--force') });
    process.stderr.write(files === null ? `gauntlet: ${BUNDLE_DIR}/ is fresh: nothing to do (--force rebuilds it)\n` : `gauntlet: bundled the CLI from ${files} files into ${BUNDLE_DIR}/\n`);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(e).includes("'esbuild'");
    const why = missing ? 'esbuild is not installed (no devDependencies?)' : `bundling failed: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`gauntlet: ${why}${optional ? ': the CLI runs from its sources' : ''}\n`);
    if (!optional) process.exitCode = 1;
  }
}
