/**
 * Runs the CLI's bundle, one classic script (bundle/cli.cjs), with a V8 code cache taken after a
 * run of the same command.
 *
 * Why: Node's compile cache stores a module's code as compiled when it loads, before it runs, so
 * every function compiled lazily on first call (about 1,600 in a `run`: the YAML parser, zod, the
 * engine, the reports) is parsed and compiled again in every process. A cache created after the
 * command has run holds them all (V8's `createCachedData`, as browsers cache scripts after
 * execution). Node offers that for classic scripts only, hence the one script.
 *
 * One cache file per command (a `run` and a `--help` use different code), in Node's compile cache
 * folder (`module.getCompileCacheDir()`, so NODE_COMPILE_CACHE moves it and
 * NODE_DISABLE_COMPILE_CACHE turns it off), named for the bundle's path. Its header names the
 * script it was made from (size, modification and change times), the Node version and the
 * platform, and a CRC-32 of the data: V8 checks a cache against the source's length only, so a
 * rebuilt bundle of the same length must never meet an older cache. A cache that does not match,
 * is corrupt, or that V8 rejects is replaced after the run; writes are atomic (rename), so two
 * processes at once each see a whole file or none. Reads and writes that fail only cost the cache.
 *
 * This module runs before the bundle, from the sources: it imports Node's modules, commands.ts and
 * atomic-write.ts (which import nothing else).
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '../../report/atomic-write.ts';
import { commandOf } from '../commands.ts';

/** The CLI's bundle: a CommonJS script that exports main (see build.ts). */
export const CLI_SCRIPT = 'cli.cjs';
const MAGIC = 'gauntlet-code-cache 1\n';
/** The folder in the compile cache's folder. */
export const CACHE_SUBDIR = 'gauntlet-cli';
/**
 * The script is a function expression of CommonJS's parameters (build.ts writes the wrapper), so
 * that it compiles as it is read: no copy of 3 MB with a wrapper around it. The last one is the
 * script's `import()` (harness/runtime-import.ts).
 */
export const SCRIPT_HEAD = '(function (exports, require, module, __filename, __dirname, __gauntletImport) {';
export const SCRIPT_TAIL = '})';

export interface CliModule {
  main(argv: readonly string[]): Promise<number>;
}

/** What became of the code cache: for GAUNTLET_TRACE_STARTUP and tests. */
export type CodeCacheState = 'off' | 'none' | 'stale' | 'corrupt' | 'rejected' | 'used';

export interface LoadedCli {
  readonly cli: CliModule;
  /** Read before the script was compiled. */
  readonly cache: CodeCacheState;
  /** After the command: writes the cache when there was no usable one; says what it did. */
  keepCodeCache(): 'written' | 'kept' | 'off' | `not written: ${string}`;
}

interface CacheHeader {
  readonly script: readonly [size: number, mtimeMs: number, ctimeMs: number];
  readonly node: string;
  readonly platform: string;
  readonly crc32: number;
  readonly bytes: number;
}

/**
 * Compiles and runs `bundleDir`/cli.cjs with the code cache of `argv`'s command when there is a
 * good one; `cacheRoot` is the compile cache's folder (undefined: no code cache).
 */
export function loadCli(bundleDir: string, argv: readonly string[], cacheRoot: string | undefined): LoadedCli {
  const file = join(bundleDir, CLI_SCRIPT);
  // The stamp and the text from one open file: a bundle swapped in meanwhile (npm run bundle)
  // cannot give one file's text with the other's stamp, and so the other's cache.
  const fd = openSync(file, 'r');
  let script: CacheHeader['script'];
  let source: string;
  try {
    const stat = fstatSync(fd);
    script = [stat.size, stat.mtimeMs, stat.ctimeMs];
    // ASCII (build.ts checks it): latin1 makes a one-byte string without decoding UTF-8.
    source = readFileSync(fd, 'latin1');
  } finally {
    closeSync(fd);
  }
  const path = cacheRoot === undefined ? null : cachePath(cacheRoot, file, commandOf(argv) ?? 'none');
  const found = path === null ? null : readCache(path, script);
  const compiled = new Script(source, {
    filename: file,
    cachedData: found?.data,
  });
  const cache: CodeCacheState = path === null ? 'off' : found === null ? 'none' : found.data === undefined ? found.why : compiled.cachedDataRejected === true ? 'rejected' : 'used';
  const module = { exports: {} as Partial<CliModule> };
  (compiled.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importHere);
  const cli = module.exports;
  if (typeof cli.main !== 'function') throw new Error(`${file} does not export main: rebuild it (npm run bundle)`);
  return {
    cli: cli as CliModule,
    cache,
    keepCodeCache() {
      if (path === null) return 'off';
      if (cache === 'used') return 'kept';
      try {
        writeCache(path, script, compiled.createCachedData());
        return 'written';
      } catch (e) {
        return `not written: ${e instanceof Error ? e.message : String(e)}`;
      }
    },
  };
}

/** The script's import(): resolved from here, in the package, as the sources' would be. */
const importHere = (specifier: string): Promise<unknown> => import(specifier);

function cachePath(cacheRoot: string, file: string, command: string): string {
  return join(cacheRoot, CACHE_SUBDIR, `${fnv1a(file)}-${command}.bin`);
}

/** FNV-1a of a path, as 8 hex digits: a name for the cache of a bundle in one place (node:crypto would add ~4 ms to loading). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The cache's data, when it is for this script and whole; else why not (null: no file). */
function readCache(path: string, script: CacheHeader['script']): { data: Buffer } | { data: undefined; why: 'stale' | 'corrupt' } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return null;
  }
  const end = bytes.indexOf(0x0a, MAGIC.length);
  if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC || end < 0) return { data: undefined, why: 'corrupt' };
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', MAGIC.length, end)) as CacheHeader;
  } catch {
    return { data: undefined, why: 'corrupt' };
  }
  if (!Array.isArray(header.script) || header.script.some((v, i) => v !== script[i]) || header.node !== process.version || header.platform !== platformOf()) {
    return { data: undefined, why: 'stale' };
  }
  const data = bytes.subarray(end + 1);
  if (data.length !== header.bytes || crc32(data) !== header.crc32) return { data: undefined, why: 'corrupt' };
  return { data };
}

function writeCache(path: string, script: CacheHeader['script'], data: Buffer): void {
  const header: CacheHeader = { script, node: process.version, platform: platformOf(), crc32: crc32(data), bytes: data.length };
  // A cache, not a record: a power cut may lose it, and the next run writes it again.
  writeFileAtomic(path, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`), data]), { fsync: false });
}

const platformOf = (): string => `${process.platform}-${process.arch}`;
