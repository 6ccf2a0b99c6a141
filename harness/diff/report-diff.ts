/**
 * Two runs' reports, scenario by scenario (matched by name): status and fingerprint, every metric
 * that moved (with its change), and the fills added, removed and changed. Fills are matched on
 * what identifies them (time, instrument, side, client order id); a matched fill whose price,
 * quantity or fee differs is changed, an unmatched one added or removed. Reads any report version
 * readers take; fills come from the report or its fills sidecar (SHA-256 checked).
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { readReportText } from '../report/read-report.ts';
import { readFillsFile, type FillsFileResult } from '../report/sidecar.ts';
import { MetricValueSchema } from '../report/schema.ts';

type MetricValue = number | 'Infinity' | null;

const FillLooseSchema = z.looseObject({
  time: z.string().optional(), timeUs: z.number(), instrument: z.string(), side: z.enum(['buy', 'sell']),
  quantity: z.number(), price: z.number(), fee: z.number(), notional: z.number().optional(), clientOrderId: z.string(),
});
export type DiffFill = z.output<typeof FillLooseSchema>;

const RunFiguresSchema = z.looseObject({
  scenarios: z.array(z.looseObject({
    name: z.string(),
    status: z.string(),
    fingerprint: z.string().nullable(),
    metrics: z.record(z.string(), MetricValueSchema).nullable().default(null),
    fills: z.array(FillLooseSchema).default([]),
    fillsFile: z.looseObject({ path: z.string(), sha256: z.string(), count: z.number().int().nonnegative().optional() }).nullable().default(null),
  })),
});

export interface RunScenario {
  readonly name: string;
  readonly status: string;
  readonly fingerprint: string | null;
  readonly metrics: Readonly<Record<string, MetricValue>> | null;
  /** null when they cannot be had (a sidecar missing or altered): `fillsProblem` says why. */
  readonly fills: readonly DiffFill[] | null;
  readonly fillsProblem: string | null;
}

export interface LoadedRun {
  readonly path: string;
  readonly dir: string;
  readonly scenarios: readonly RunScenario[];
}

export type LoadRunResult = { readonly ok: true; readonly run: LoadedRun } | { readonly ok: false; readonly problem: string };

const fillsOrProblem = (r: FillsFileResult<DiffFill>): { fills: DiffFill[] | null; problem: string | null } => (r.ok ? { fills: r.fills, problem: null } : { fills: null, problem: r.problem });

export function loadRun(path: string, shownAs: string = path): LoadRunResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: `${shownAs}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const read = readReportText(text);
  if (!read.ok) return { ok: false, problem: `${shownAs}: ${read.problems.join('; ')}` };
  const figures = RunFiguresSchema.safeParse(read.raw);
  if (!figures.success) return { ok: false, problem: `${shownAs}: unreadable scenario figures: ${figures.error.issues[0]?.message ?? ''}` };
  const dir = dirname(path);
  return {
    ok: true,
    run: {
      path: shownAs, dir,
      scenarios: figures.data.scenarios.map((s) => {
        const side = s.fillsFile === null ? { fills: s.fills, problem: null } : fillsOrProblem(readFillsFile(dir, s.fillsFile, FillLooseSchema));
        return { name: s.name, status: s.status, fingerprint: s.fingerprint, metrics: s.metrics, fills: side.fills, fillsProblem: side.problem };
      }),
    },
  };
}

export interface MetricDelta {
  readonly metric: string;
  readonly a: MetricValue | undefined;
  readonly b: MetricValue | undefined;
  /** b - a (to 12 significant digits); null when either is not a finite number. */
  readonly delta: number | null;
}

export interface FillChange {
  readonly a: DiffFill;
  readonly b: DiffFill;
  readonly fields: readonly string[];
}

export interface FillsDiff {
  readonly added: readonly DiffFill[];
  readonly removed: readonly DiffFill[];
  readonly changed: readonly FillChange[];
  readonly unchanged: number;
}

export interface ScenarioDiff {
  readonly name: string;
  readonly statusA: string;
  readonly statusB: string;
  readonly fingerprintA: string | null;
  readonly fingerprintB: string | null;
  readonly metrics: readonly MetricDelta[];
  /** null when either side's fills cannot be had. */
  readonly fills: FillsDiff | null;
  readonly fillsProblem: string | null;
  readonly same: boolean;
}

export interface RunDiff {
  readonly scenarios: readonly ScenarioDiff[];
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  readonly same: boolean;
}

const FILL_FIELDS = ['quantity', 'price', 'fee', 'notional'] as const;
const fillKey = (f: DiffFill): string => JSON.stringify([f.timeUs, f.instrument, f.side, f.clientOrderId]);

export function diffFills(a: readonly DiffFill[], b: readonly DiffFill[]): FillsDiff {
  const pending = new Map<string, DiffFill[]>();
  for (const f of a) {
    const k = fillKey(f);
    const list = pending.get(k);
    if (list === undefined) pending.set(k, [f]);
    else list.push(f);
  }
  const added: DiffFill[] = [];
  const changed: FillChange[] = [];
  let unchanged = 0;
  for (const f of b) {
    const match = pending.get(fillKey(f))?.shift();
    if (match === undefined) {
      added.push(f);
      continue;
    }
    const fields = FILL_FIELDS.filter((k) => match[k] !== f[k]);
    if (fields.length === 0) unchanged++;
    else changed.push({ a: match, b: f, fields });
  }
  const removed = [...pending.values()].flat().sort((x, y) => x.timeUs - y.timeUs);
  return { added, removed, changed, unchanged };
}

function metricDeltas(a: RunScenario['metrics'], b: RunScenario['metrics']): MetricDelta[] {
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
  const out: MetricDelta[] = [];
  for (const metric of keys) {
    const x = a?.[metric];
    const y = b?.[metric];
    if (x === y) continue;
    const delta = typeof x === 'number' && typeof y === 'number' ? Number((y - x).toPrecision(12)) : null;
    out.push({ metric, a: x, b: y, delta });
  }
  return out;
}

export function diffRuns(a: LoadedRun, b: LoadedRun): RunDiff {
  const byName = new Map(b.scenarios.map((s) => [s.name, s]));
  const names = new Set(a.scenarios.map((s) => s.name));
  const scenarios = a.scenarios.filter((s) => byName.has(s.name)).map((sa): ScenarioDiff => {
    const sb = byName.get(sa.name)!;
    const fills = sa.fills === null || sb.fills === null ? null : diffFills(sa.fills, sb.fills);
    const metrics = metricDeltas(sa.metrics, sb.metrics);
    const fillsSame = fills === null || (fills.added.length === 0 && fills.removed.length === 0 && fills.changed.length === 0);
    return {
      name: sa.name, statusA: sa.status, statusB: sb.status, fingerprintA: sa.fingerprint, fingerprintB: sb.fingerprint, metrics, fills,
      fillsProblem: sa.fillsProblem ?? sb.fillsProblem,
      same: sa.status === sb.status && sa.fingerprint === sb.fingerprint && metrics.length === 0 && fillsSame,
    };
  });
  const onlyA = a.scenarios.filter((s) => !byName.has(s.name)).map((s) => s.name);
  const onlyB = b.scenarios.filter((s) => !names.has(s.name)).map((s) => s.name);
  return { scenarios, onlyA, onlyB, same: onlyA.length === 0 && onlyB.length === 0 && scenarios.every((s) => s.same) };
}
