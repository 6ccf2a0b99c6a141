/**
 * The first record where two journals (their JSON Lines view, `gauntlet run --journal`) differ,
 * with the records around it: the fastest way to see why two runs' fingerprints differ. Both
 * files are streamed side by side, keeping only the last few records, so memory stays flat
 * however long the runs.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface JournalDivergence {
  /** 1-based line of the first differing record in both files (the header is line 1). */
  readonly line: number;
  /** The record in each journal there; null where that journal had already ended. */
  readonly a: string | null;
  readonly b: string | null;
  /** The fields whose values differ, when both records are objects of the same kind. */
  readonly fields: readonly { readonly field: string; readonly a: unknown; readonly b: unknown }[];
  /** Records just before it (identical in both), oldest first, with their lines. */
  readonly before: readonly { readonly line: number; readonly record: string }[];
  /** Records just after it in each journal. */
  readonly afterA: readonly string[];
  readonly afterB: readonly string[];
}

export type JournalDiffResult =
  | { readonly kind: 'identical'; readonly records: number }
  | { readonly kind: 'diverged'; readonly divergence: JournalDivergence };

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

function fieldDifferences(a: string | null, b: string | null): JournalDivergence['fields'] {
  if (a === null || b === null) return [];
  let x: unknown;
  let y: unknown;
  try {
    x = JSON.parse(a);
    y = JSON.parse(b);
  } catch {
    return [];
  }
  if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return [];
  const ox = x as Record<string, unknown>;
  const oy = y as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ox), ...Object.keys(oy)])];
  return keys.filter((k) => JSON.stringify(ox[k]) !== JSON.stringify(oy[k])).map((field) => ({ field, a: ox[field], b: oy[field] }));
}

export async function firstDivergence(pathA: string, pathB: string, context = 3): Promise<JournalDiffResult> {
  if (!(context >= 0 && Number.isInteger(context))) throw new RangeError(`firstDivergence: context must be a non-negative integer, got ${context}`);
  const ia = lines(pathA);
  const ib = lines(pathB);
  const before: { line: number; record: string }[] = [];
  try {
    for (let line = 1; ; line++) {
      const [ra, rb] = await Promise.all([ia.next(), ib.next()]);
      if (ra.done === true && rb.done === true) return { kind: 'identical', records: line - 1 };
      const a = ra.done === true ? null : ra.value;
      const b = rb.done === true ? null : rb.value;
      if (a === b) {
        before.push({ line, record: a! });
        if (before.length > context) before.shift();
        continue;
      }
      const take = async (it: AsyncGenerator<string>, ended: boolean): Promise<string[]> => {
        const out: string[] = [];
        while (!ended && out.length < context) {
          const r = await it.next();
          if (r.done === true) break;
          out.push(r.value);
        }
        return out;
      };
      const [afterA, afterB] = await Promise.all([take(ia, a === null), take(ib, b === null)]);
      return { kind: 'diverged', divergence: { line, a, b, fields: fieldDifferences(a, b), before, afterA, afterB } };
    }
  } finally {
    await ia.return(undefined);
    await ib.return(undefined);
  }
}
