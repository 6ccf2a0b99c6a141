/**
 * A run's sidecar files (report.json's `fillsFile` and `seriesFile`) read back and checked before
 * they are trusted: the SHA-256 report.json recorded and, for fills (one per line, JSON), every
 * line a fill and as many as it counted. One reader for everything that reads a run's sidecars back
 * (report html, diff, the tests); each passes the schema it reads fills with.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { sha256Hex } from '../scenario/load.ts';

export interface FillsFileRef {
  readonly path: string;
  readonly sha256: string;
  /** Absent in reports of other versions that diff reads; checked when given. */
  readonly count?: number;
}

export type FillsFileResult<T> = { readonly ok: true; readonly fills: T[] } | { readonly ok: false; readonly problem: string };

/** The bytes of `file` (its path relative to `reportsDir`) when they are the ones report.json recorded; else the problem, naming the file. */
export function readSidecar(reportsDir: string, file: { readonly path: string; readonly sha256: string }): { ok: true; bytes: Buffer; path: string } | { ok: false; problem: string } {
  const path = resolve(reportsDir, file.path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, problem: `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const actual = sha256Hex(bytes);
  if (actual !== file.sha256) return { ok: false, problem: `${path}: SHA-256 ${actual} is not the ${file.sha256} report.json recorded (the file was changed after the run)` };
  return { ok: true, bytes, path };
}

/** The fills in `file`, or the problem with the file, naming it (and the line). */
export function readFillsFile<S extends z.ZodType>(reportsDir: string, file: FillsFileRef, schema: S): FillsFileResult<z.output<S>> {
  const read = readSidecar(reportsDir, file);
  if (!read.ok) return read;
  const { bytes, path } = read;
  const fills: z.output<S>[] = [];
  const lines = bytes.toString('utf8').split('\n');
  for (const [k, line] of lines.entries()) {
    if (line === '' && k === lines.length - 1) break;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { ok: false, problem: `${path}:${k + 1}: not JSON: ${line.slice(0, 80)}` };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return { ok: false, problem: `${path}:${k + 1}: not a fill: ${line.slice(0, 80)}` };
    fills.push(parsed.data);
  }
  if (file.count !== undefined && fills.length !== file.count) return { ok: false, problem: `${path}: ${fills.length} fills, report.json says ${file.count}` };
  return { ok: true, fills };
}
