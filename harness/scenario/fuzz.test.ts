// Bad input is never an internal error: mutations of the built-in scenario files (a value made
// huge, negative, fractional, NaN, empty, of another type; a key removed; a data path made a
// folder, a pipe or a missing file) are loaded, validated and run, and every outcome is a pass, a
// failed gate, or bad input naming a file and a line: never status 'error' (exit 3).
// GAUNTLET_FUZZ_RUNS and GAUNTLET_FUZZ_SEED widen or move the search (fast-check prints the seed
// and path of a failure: rerun with them to reproduce it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { tempDir } from '../../engine/testing/temp-dirs.ts';
import { REPO } from '../cli/cli-helpers.ts';
import { executeJob } from '../job/job.ts';

const scenariosDir = join(REPO, 'scenarios');
const files = readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml')).sort();
const documents = files.map((f) => ({ file: f, data: parse(readFileSync(join(scenariosDir, f), 'utf8')) as unknown }));

// Special paths a data `file` can point at: a folder, a named pipe (a reader would block forever), a missing file.
const special = tempDir('fuzz-special');
mkdirSync(join(special, 'a-folder'));
execFileSync('mkfifo', [join(special, 'a-pipe')]);

type Path = (string | number)[];

function leafPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(v)) v.forEach((x, i) => leafPaths(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) leafPaths(x, [...path, k], out);
  if (path.length > 0) out.push(path);
  return out;
}

function setAt(data: unknown, path: Path, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const values = fc.oneof(
  fc.constantFrom(0, -1, 0.5, -0.5, 1e-12, 1e15, 1e20, 1e300, -1e300, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, Number.NaN, Infinity, -Infinity),
  fc.constantFrom('', 'NaN', 'x'.repeat(300), 'a-folder', 'a-pipe', 'missing.csv', true, null, [], {}),
  fc.integer({ min: -1e9, max: 1e12 }),
  fc.double({ noNaN: false }),
);

const mutation = fc.record({
  doc: fc.nat({ max: documents.length - 1 }),
  pathPick: fc.nat(),
  value: values,
  remove: fc.nat({ max: 4 }).map((x) => x === 0),
  // Half the time a number is scaled rather than replaced: plausible files that run, far from home.
  scale: fc.option(fc.constantFrom(2, 10, 1000, 1e6, 1e9, 1e12, 0.5, 0.001, 1e-6), { nil: undefined }),
  twice: fc.option(fc.record({ pathPick: fc.nat(), value: values }), { nil: undefined }),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

async function outcome(m: Mutation): Promise<{ status: string; where: string }> {
  const doc = documents[m.doc]!;
  const paths = leafPaths(doc.data);
  const path = paths[m.pathPick % paths.length]!;
  const current = valueAt(doc.data, path);
  const value = m.scale !== undefined && typeof current === 'number' ? current * m.scale : resolveSpecial(m.value);
  let data = setAt(doc.data, path, value, m.remove && m.scale === undefined);
  if (m.twice !== undefined) {
    const more = leafPaths(data);
    if (more.length > 0) data = setAt(data, more[m.twice.pathPick % more.length]!, resolveSpecial(m.twice.value), false);
  }
  const text = stringify(data);
  // The text stands in for a file in scenarios/ (its data paths resolve there), except that a
  // path pointing at a special file goes to our folder.
  const signal = AbortSignal.timeout(3_000);
  try {
    const o = await executeJob({ file: join(scenariosDir, `fuzzed-${doc.file}`), text, cwd: REPO, seed: { kind: 'scenario' } }, { signal });
    const p = o.report.problems[0];
    return { status: o.report.status, where: o.report.status === 'error' ? `${o.report.error?.message}\n${text}` : p === undefined ? '' : `${p.file}:${p.line}` };
  } catch (e) {
    // A long run cut short by the time budget is no finding; anything else escaping is.
    if (signal.aborted) return { status: 'timeout', where: '' };
    throw e;
  }
}

function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
  return node;
}

function resolveSpecial(v: unknown): unknown {
  return v === 'a-folder' || v === 'a-pipe' ? join(special, v) : v;
}

describe('fuzzed scenario files', () => {
  it('never turn bad input into an internal error', async () => {
    const runs = Number(process.env.GAUNTLET_FUZZ_RUNS ?? 150);
    const seed = Number(process.env.GAUNTLET_FUZZ_SEED ?? 20261128);
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const o = await outcome(m);
        seen.set(o.status, (seen.get(o.status) ?? 0) + 1);
        expect(o.status, o.where).not.toBe('error');
        if (o.status === 'invalid') expect(o.where).toMatch(/:\d+$/);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    // The mutations reach every outcome: runs that pass or fail gates, not only files refused at load.
    expect(seen.get('passed') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(0);
    expect(seen.get('failed') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(0);
    expect(seen.get('invalid') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(0);
    if (process.env.GAUNTLET_FUZZ_STATS !== undefined) process.stderr.write(`fuzz outcomes: ${JSON.stringify([...seen])}\n`);
  }, 600_000);
});
