/**
 * Writing a run's reports so that nothing in the folder ever reads greener than the truth, at a
 * cost that does not grow with the square of the suite:
 *
 * - begin(): every reporter's file is written at once as an incomplete report, and the files of
 *   reporters this run does not write (and an earlier run's journals) are removed, so a folder
 *   never holds an earlier run's results beside a newer run's;
 * - scenarioDone(): one line appended to progress.jsonl (O(1) per scenario), and the full reports
 *   rewritten only when `snapshotEveryMs` of wall time have passed since the last write;
 * - finish(): the final reports (also what a signal handler calls).
 *
 * So `kill -9` at any moment leaves valid reports marked incomplete (at most one snapshot period
 * behind) and a progress log with every scenario that finished. Every file is written atomically.
 */
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFilesAtomic } from './atomic-write.ts';
import { REPORTER_BY_NAME, REPORTERS, type ReportContext, type ReporterName } from './reporters.ts';
import type { Report, ScenarioReport } from './schema.ts';
import type { ScenarioCharts } from './html/chart-data.ts';

export const PROGRESS_LOG = 'progress.jsonl';
export const JOURNALS_DIR = 'journals';
/** Per-scenario fills (report.json names each file and its SHA-256). */
export const FILLS_DIR = 'fills';
/** Per-scenario full series, Parquet (report.json names each file and its SHA-256). */
export const SERIES_DIR = 'series';

export interface ReportWriterOptions {
  readonly outDir: string;
  readonly reporters: readonly ReporterName[];
  /** Full rewrites at most this often while running (default 5 s). */
  readonly snapshotEveryMs?: number;
  /** Wall clock (tests pin it). */
  readonly nowMs?: () => number;
  /** What the HTML report charts for scenario i (default: nothing). */
  readonly charts?: (index: number) => ScenarioCharts | null;
}

export class ReportWriter {
  private readonly outDir: string;
  private readonly reporters: readonly ReporterName[];
  private readonly snapshotEveryMs: number;
  private readonly now: () => number;
  private lastWriteMs = 0;
  private logFd: number | null = null;
  private readonly context: ReportContext;

  constructor(o: ReportWriterOptions) {
    if (o.reporters.length === 0) throw new Error('ReportWriter: no reporters');
    this.outDir = o.outDir;
    this.reporters = [...new Set(o.reporters)];
    this.snapshotEveryMs = o.snapshotEveryMs ?? 5_000;
    if (!(this.snapshotEveryMs >= 0)) throw new Error(`ReportWriter: snapshotEveryMs must be >= 0, got ${this.snapshotEveryMs}`);
    this.now = o.nowMs ?? (() => Date.now());
    this.context = { charts: o.charts ?? (() => null), memo: new WeakMap() };
  }

  /** Clears what an earlier run left and writes every reporter's file as the incomplete `report`. */
  begin(report: Report): void {
    if (report.complete) throw new Error('ReportWriter.begin: expected an incomplete report');
    for (const name of REPORTERS) {
      if (!this.reporters.includes(name)) rmSync(resolve(this.outDir, REPORTER_BY_NAME[name].fileName), { force: true });
    }
    rmSync(resolve(this.outDir, JOURNALS_DIR), { recursive: true, force: true });
    rmSync(resolve(this.outDir, FILLS_DIR), { recursive: true, force: true });
    rmSync(resolve(this.outDir, SERIES_DIR), { recursive: true, force: true });
    this.removeStaleTemps();
    this.writeAll(report);
    this.logFd = openSync(resolve(this.outDir, PROGRESS_LOG), 'w');
  }

  /** Records a finished scenario; rewrites the reports when a snapshot is due. */
  scenarioDone(index: number, scenario: ScenarioReport, current: () => Report): void {
    if (this.logFd !== null) writeSync(this.logFd, `${JSON.stringify({ index, scenario })}\n`);
    if (this.now() - this.lastWriteMs >= this.snapshotEveryMs) this.writeAll(current());
  }

  /** Writes the final (or interrupted) reports. Synchronous: a signal handler calls it. */
  finish(report: Report): void {
    this.writeAll(report);
    if (this.logFd !== null) {
      closeSync(this.logFd);
      this.logFd = null;
    }
    // A complete run's reports hold everything the log did.
    if (report.complete) rmSync(resolve(this.outDir, PROGRESS_LOG), { force: true });
  }

  private writeAll(report: Report): void {
    writeFilesAtomic(this.reporters.map((name) => {
      const r = REPORTER_BY_NAME[name];
      return { path: resolve(this.outDir, r.fileName), data: r.render(report, this.context) };
    }));
    this.lastWriteMs = this.now();
  }

  /** Temporary files of atomic writes that a killed process left (`.<name>.<pid>.tmp`). */
  private removeStaleTemps(): void {
    let entries: string[];
    try {
      entries = readdirSync(this.outDir);
    } catch {
      return;
    }
    for (const e of entries) if (/^\..+\.\d+\.tmp$/.test(e)) rmSync(join(this.outDir, e), { force: true });
  }
}
