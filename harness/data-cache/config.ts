/**
 * The data cache's settings from the command line: where (`--cache-dir`, else
 * `$XDG_CACHE_HOME/gauntlet`, else `~/.cache/gauntlet`), how large (`--cache-max-size`, default
 * 1 GiB), or none at all (`--no-cache`).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_CACHE_MAX_BYTES, defaultCacheDir, type DataCacheConfig } from './store.ts';

const UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** A size such as `1GiB`, `500MB`, `1048576`: bytes, as a safe integer. */
export const SizeFlagSchema = z.string().transform((text, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m === null ? undefined : UNITS[m[2]!.toLowerCase()];
  const bytes = m === null || unit === undefined ? Number.NaN : Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 1GiB, 500MB or 1048576 (bytes)' });
    return z.NEVER;
  }
  return bytes;
});

export const CacheFlagsShape = {
  cache: z.boolean().default(true),
  cacheDir: z.string().min(1).optional(),
  cacheMaxSize: SizeFlagSchema.optional(),
};

/** The cache configuration the flags ask for; null for `--no-cache`. */
export function cacheConfigOf(flags: { cache: boolean; cacheDir?: string | undefined; cacheMaxSize?: number | undefined }, cwd: string, env: NodeJS.ProcessEnv = process.env): DataCacheConfig | null {
  if (!flags.cache) return null;
  return { dir: cacheDirOf(flags.cacheDir, cwd, env), maxBytes: flags.cacheMaxSize ?? DEFAULT_CACHE_MAX_BYTES };
}

/** The cache folder: `--cache-dir` against the working directory, else the default. */
export function cacheDirOf(cacheDir: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return cacheDir === undefined ? defaultCacheDir(env) : resolve(cwd, cacheDir);
}

/** Bytes for people: 1.5 MiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
