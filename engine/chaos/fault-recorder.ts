/**
 * Where every applied fault goes: a typed journal record (`faultApplied`) and counts by kind, for
 * reports and gates. One per run (runBacktest makes it); the venue's fault hook, the stack clock's
 * fault schedule and the harness's provider faults all record through it.
 */
import type { Journal } from '../kernel/journal.ts';

/** An applied fault, as reports list them (the first FAULT_LIST_MAX of a run). */
export interface AppliedFault {
  readonly timeUs: number;
  readonly kind: string;
  readonly target: string;
  readonly detail: string;
}

/** Bounds the list kept for the report: counts are exact, the list is a sample from the start. */
export const FAULT_LIST_MAX = 1000;

export class FaultRecorder {
  private readonly journal: Journal;
  readonly byKind: Record<string, number> = {};
  readonly list: AppliedFault[] = [];
  total = 0;

  constructor(journal: Journal) {
    this.journal = journal;
  }

  applied(kind: string, target: string, timeUs: number, detail = ''): void {
    this.journal.record('faultApplied', timeUs, kind, target, detail);
    this.listed(kind, target, timeUs, detail);
  }

  /**
   * A fault counted and listed for the report but not journaled: a crash and restart, whose
   * journal is by design the uninterrupted run's when the stack comes back at once (what the
   * stack then observes, lost reports and reconciliation, is journaled where it happens).
   */
  listed(kind: string, target: string, timeUs: number, detail = ''): void {
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    this.total++;
    if (this.list.length < FAULT_LIST_MAX) this.list.push({ timeUs, kind, target, detail });
  }
}
