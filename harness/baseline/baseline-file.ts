/**
 * Reading a baseline report (`gauntlet run --baseline <file>`): any report version readers take
 * (read-report.ts), complete, with each scenario's figures. A missing, corrupt, incomplete or
 * newer-version baseline is bad input that names the file and what is wrong (exit 2).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sha256Hex } from '../scenario/load.ts';
import { readReportText } from '../report/read-report.ts';
import { MetricValueSchema, type BaselineInfo } from '../report/schema.ts';

export interface BaselineEntry {
  readonly name: string;
  readonly fingerprint: string | null;
  /** null when the scenario did not run in the baseline (invalid, error, not run). */
  readonly metrics: Readonly<Record<string, number | 'Infinity' | null>> | null;
}

export interface Baseline {
  readonly info: BaselineInfo;
  readonly journalVersion: number;
  readonly entries: ReadonlyMap<string, BaselineEntry>;
}

export type ReadBaselineResult = { readonly ok: true; readonly baseline: Baseline } | { readonly ok: false; readonly problem: string };

const FiguresSchema = z.looseObject({
  wallClockStartedAt: z.string().nullable().default(null),
  scenarios: z.array(z.looseObject({
    name: z.string(),
    metrics: z.record(z.string(), MetricValueSchema).nullable().default(null),
  })),
});

export function readBaselineFile(path: string, shownAs: string = path): ReadBaselineResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: `baseline ${shownAs}: ${code === 'ENOENT' ? 'no such file (save one with `gauntlet baseline save`)' : (e as Error).message}` };
  }
  const text = bytes.toString('utf8');
  const read = readReportText(text);
  if (!read.ok) return { ok: false, problem: `baseline ${shownAs}: ${read.problems.join('; ')}` };
  if (!read.report.complete) return { ok: false, problem: `baseline ${shownAs}: the run it records did not finish (complete: false)` };
  const figures = FiguresSchema.safeParse(read.raw);
  if (!figures.success) return { ok: false, problem: `baseline ${shownAs}: unreadable metrics: ${figures.error.issues[0]?.message ?? ''}` };
  const entries = new Map<string, BaselineEntry>();
  read.report.scenarios.forEach((s, i) => {
    const ran = s.status === 'passed' || s.status === 'failed';
    entries.set(s.name, { name: s.name, fingerprint: s.fingerprint, metrics: ran ? figures.data.scenarios[i]?.metrics ?? null : null });
  });
  return {
    ok: true,
    baseline: {
      info: {
        file: shownAs, sha256: sha256Hex(bytes), schemaVersion: read.report.schemaVersion,
        tool: { version: read.report.tool.version, gitCommit: read.report.tool.gitCommit }, wallClockStartedAt: figures.data.wallClockStartedAt,
      },
      journalVersion: read.report.journalVersion,
      entries,
    },
  };
}
