/**
 * A cache entry's key: what the parsed data depends on, hashed. The file's content (SHA-256, not
 * its path or time), the declared mapping but its `file` (the same bytes under another path or
 * name parse the same: issues get the mapping's file name back when read), the options the loader
 * is given, the entry format's version, and the loader's own code: any change to the loaders
 * (a check added, a repair changed) gives other keys, so an entry never outlives the code that
 * parsed it, without anyone having to remember to bump a version.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The entry layout (entry-format.ts); bump it when the layout changes. */
export const CACHE_FORMAT_VERSION = 2;

export interface EntryKeyInput {
  /** SHA-256 of the data file's bytes, hex. */
  readonly contentSha256: string;
  /** The validated mapping (zod output: defaults filled in). Its `file` is left out of the key. */
  readonly mapping: Readonly<Record<string, unknown>>;
  /** Loader options that change what is accepted (the instrument's tick grid) or how it is cut (rows per batch). */
  readonly tickSizeRaw: number;
  readonly batchRows: number;
}

/** The entry's key: 64 hex digits. */
export function entryKey(input: EntryKeyInput): string {
  const { file: _file, ...mapping } = input.mapping;
  const text = canonicalJson({
    format: CACHE_FORMAT_VERSION, loader: loaderCodeSha256(), content: input.contentSha256, mapping,
    tickSizeRaw: input.tickSizeRaw, batchRows: input.batchRows,
  });
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted at every level, so that a key never depends on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

/**
 * The engine's market-data modules this harness runs with (.ts in a checkout, .js when built),
 * beside this module as ../../engine/market/. What a row parses to depends on the loaders, the
 * calendars and the batch types; the kernel's time helpers they use as well.
 */
const CODE_FILES = [
  ['../../engine/market/loaders/', null],
  ['../../engine/market/', ['calendar', 'types']],
  ['../../engine/kernel/', ['time']],
] as const;

let loaderHash: string | null = null;

/** SHA-256 over the loader code's files (their names and bytes), once a process. */
export function loaderCodeSha256(): string {
  if (loaderHash !== null) return loaderHash;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const hash = createHash('sha256');
  for (const [rel, names] of CODE_FILES) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    const files = names === null
      ? readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`)).sort()
      : names.map((n) => `${n}${ext}`);
    for (const f of files) hash.update(`${rel}${f}\n`).update(readFileSync(`${dir}${f}`));
  }
  loaderHash = hash.digest('hex');
  return loaderHash;
}
