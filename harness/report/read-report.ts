/**
 * Reading report.json files of every schema version this code knows (the report schema policy in
 * schema.ts): the current version is validated whole; an earlier one is read for the fields
 * readers use (what ran, with which seed and overrides, and its fingerprints), which every
 * version has had. A newer or unknown version is bad input that names it.
 */
import { z } from 'zod';
import { formatPath } from '../scenario/problems.ts';
import { REPORT_SCHEMA_VERSION, ReportSchema, type Report } from './schema.ts';

/** Every version readers accept, oldest first. */
export const READABLE_REPORT_VERSIONS = [1, 2, 3, 4] as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const ScenarioRecordSchema = z.looseObject({
  name: z.string(),
  file: z.string(),
  status: z.string(),
  fileSha256: sha256.nullable(),
  seed: z.number().int().nonnegative().nullable(),
  fingerprint: sha256.nullable(),
  marketData: z.array(z.looseObject({ file: z.string(), sha256 })),
  /** Version 2 on. */
  overrides: z.array(z.looseObject({ path: z.string(), value: z.json() })).default([]),
  /** A stack over HTTP in measured-latency mode: its recorded step delays (inputs of the run). */
  measuredStackLatencyUs: z.array(z.number().int().nonnegative()).nullable().optional(),
});
export type ScenarioRecord = z.output<typeof ScenarioRecordSchema>;

const ReadableReportSchema = z.looseObject({
  schemaVersion: z.number().int(),
  tool: z.looseObject({ package: z.string(), version: z.string(), gitCommit: z.string().nullable() }),
  /** Version 2 on; version 1 reports were all written with journal version 1. */
  journalVersion: z.number().int().positive().default(1),
  complete: z.boolean(),
  scenarios: z.array(ScenarioRecordSchema),
});
export type ReadableReport = z.output<typeof ReadableReportSchema>;

export type ReadReportResult =
  | {
    readonly ok: true;
    readonly report: ReadableReport;
    /** The parsed JSON, for readers that take more of it than ReadableReport holds. */
    readonly raw: unknown;
    /** The whole report as ReportSchema reads it, when it is of the current schema version (null for older ones). */
    readonly current: Report | null;
  }
  | { readonly ok: false; readonly problems: readonly string[] };

export function readReportText(text: string): ReadReportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`not JSON: ${(e as Error).message}`] };
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version !== 'number') return { ok: false, problems: ['not a Gauntlet report: no schemaVersion'] };
  if (!(READABLE_REPORT_VERSIONS as readonly number[]).includes(version)) {
    return { ok: false, problems: [`report schema version ${version} cannot be read by this gauntlet (it reads versions ${READABLE_REPORT_VERSIONS.join(', ')})${version > REPORT_SCHEMA_VERSION ? ': it was written by a newer gauntlet' : ''}`] };
  }
  const issues = (e: z.ZodError): string[] => e.issues.slice(0, 10).map((i) => `${formatPath(i.path)}: ${i.message}`);
  let current: Report | null = null;
  if (version === REPORT_SCHEMA_VERSION) {
    const full = ReportSchema.safeParse(raw);
    if (!full.success) return { ok: false, problems: [`not a valid schema version ${version} report:`, ...issues(full.error)] };
    current = full.data;
  }
  const r = ReadableReportSchema.safeParse(raw);
  return r.success ? { ok: true, report: r.data, raw, current } : { ok: false, problems: [`not a valid schema version ${version} report:`, ...issues(r.error)] };
}
