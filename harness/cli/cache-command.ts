/**
 * `gauntlet cache info` (where the data cache is, its entries and size) and `gauntlet cache clear`
 * (remove every entry). The cache itself: harness/data-cache/.
 */
import { DEFAULT_CACHE_MAX_BYTES, DataCache } from '../data-cache/store.ts';
import { cacheDirOf, formatBytes } from '../data-cache/config.ts';
import { CacheCommandFlagsSchema, parseFlags } from './flags.ts';

export async function cacheCommand(action: 'info' | 'clear', rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(CacheCommandFlagsSchema, rawFlags);
  const dir = cacheDirOf(flags.cacheDir, cwd);
  const cache = new DataCache({ dir, maxBytes: DEFAULT_CACHE_MAX_BYTES });
  if (action === 'clear') {
    const removed = cache.clear();
    process.stdout.write(flags.json ? `${JSON.stringify({ dir, removed })}\n` : `removed ${removed} entr${removed === 1 ? 'y' : 'ies'} from ${dir}\n`);
    return 0;
  }
  const info = cache.info();
  process.stdout.write(flags.json ? `${JSON.stringify(info)}\n`
    : `${info.dir}\n${info.entries} entr${info.entries === 1 ? 'y' : 'ies'}, ${formatBytes(info.bytes)} (bound ${formatBytes(info.maxBytes)} by default; gauntlet run --cache-max-size)\n`);
  return 0;
}
