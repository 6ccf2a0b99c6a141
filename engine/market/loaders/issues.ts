/**
 * Applies a bad-row policy to the problems found in one row, so that nothing is dropped silently.
 *
 * - reject: the first problem throws MarketDataError (action 'rejected').
 * - skip: the first problem drops the row and is recorded (action 'skipped').
 * - repair: a problem with a sound repair is queued as 'repaired' with what changed; a problem
 *   without one drops the row and is recorded 'skipped' (the queued repairs of that row are then
 *   discarded, since the row was not kept). Repairs are recorded when the row is committed.
 */
import type { BadRowPolicy, DataIssue, DataIssueReason } from '../types.ts';
import { MarketDataError } from '../types.ts';

export class IssueLog {
  readonly issues: DataIssue[] = [];
  /** 1-based line of the row being checked. */
  line = 0;
  private readonly file: string;
  private readonly policy: BadRowPolicy;
  private pending: DataIssue[] = [];

  constructor(file: string, policy: BadRowPolicy) {
    this.file = file;
    this.policy = policy;
  }

  /** A problem with no sound repair. Returns false: the caller drops the row. */
  bad(column: string, reason: DataIssueReason, detail: string): false {
    if (this.policy === 'reject') throw new MarketDataError(this.issue(column, reason, detail, 'rejected'));
    if (this.pending.length > 0) this.pending = [];
    this.issues.push(this.issue(column, reason, detail, 'skipped'));
    return false;
  }

  /**
   * A problem with a sound repair, described by `repair` (what the repair changes). Returns true
   * when the caller should apply the repair and go on, false when the row is dropped.
   */
  fixable(column: string, reason: DataIssueReason, detail: string, repair: string): boolean {
    if (this.policy === 'repair') {
      this.pending.push(this.issue(column, reason, `${detail}; ${repair}`, 'repaired'));
      return true;
    }
    return this.bad(column, reason, detail);
  }

  /** The row is kept: record its repairs. */
  commit(): void {
    if (this.pending.length === 0) return;
    for (const p of this.pending) this.issues.push(p);
    this.pending = [];
  }

  /** A mismatch between the mapping and the file's header: nothing can be loaded, whatever the policy. */
  headerError(column: string, detail: string): MarketDataError {
    return new MarketDataError({ file: this.file, line: 1, column, reason: 'missing-column', detail, action: 'rejected' });
  }

  /**
   * The file gave no usable row (header only, or every row bad): an error whatever the policy,
   * since a run on no data would pass every gate that bounds a loss.
   */
  noRowsError(dataRows: number): MarketDataError {
    const first = this.issues[0];
    const detail = dataRows === 0
      ? 'the file has a header but no data rows'
      : `no data rows accepted: all ${dataRows} data rows were bad (the first at line ${first?.line ?? '?'}: column ${first?.column ?? '?'}: ${first?.reason ?? '?'})`;
    return new MarketDataError({ file: this.file, line: 1, column: '', reason: 'no-rows', detail, action: 'rejected' });
  }

  private issue(column: string, reason: DataIssueReason, detail: string, action: DataIssue['action']): DataIssue {
    return { file: this.file, line: this.line, column, reason, detail, action };
  }
}
