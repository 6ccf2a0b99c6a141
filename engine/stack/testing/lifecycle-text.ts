/**
 * Test support: the typed lifecycle and risk records of journal version 2 as one line of text
 * each (what version 1 wrote as notes), so tests read what happened in order; null for others.
 */
import type { JournalRecord } from '../../kernel/journal-view.ts';

export function lifecycleText(r: JournalRecord): string | null {
  const s = (k: string): string => String(r[k]);
  switch (r.kind) {
    case 'retry': return `retry ${s('action')} of ${s('clientOrderId')} (send ${s('send')})`;
    case 'giveUp': return `no answer to ${s('action')} of ${s('clientOrderId')} after ${s('sends')} sends: gave up`;
    case 'ignoredReport': return `ignored ${s('report')} report for ${s('clientOrderId')}: ${s('reason')}`;
    case 'duplicateReport': return `duplicate ${s('report')} report for ${s('clientOrderId')}`;
    case 'cancelRequest': return `cancel ${s('clientOrderId')}`;
    case 'replaceRequest': return `replace ${s('clientOrderId')}`;
    case 'overfill': return `order ${s('clientOrderId')} filled ${s('filled')} beyond its quantity ${s('quantity')}`;
    case 'killSwitch': return `risk: kill switch tripped: ${s('reason')}`;
    case 'dailyLossHalt': return `risk: daily loss limit hit in session ${s('session')}`;
    case 'venueReplace': return `replaced ${s('clientOrderId')}`;
    case 'reconcile': return `reconciled ${s('report')} of ${s('clientOrderId')}: ${s('reason')}`;
    case 'reportLost': return `${s('report')} report for ${s('clientOrderId')} lost: the stack was down`;
    case 'stackRestart': return `stack restarted after ${s('downtimeUs')} us down`;
    case 'note': return s('text');
    default: return null;
  }
}
