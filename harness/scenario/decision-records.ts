/**
 * The decision records of a run (signals, orders, risk rejections, venue accepts and rejects,
 * fills, cancels, expiries), decoded from its journal: what the stack decided and the venue did,
 * apart from market data and from transport or lifecycle records. Their SHA-256 over a canonical
 * JSON encoding is stable across journal versions that only add or retype other records, which is
 * how a journal change shows it left every decision as it was.
 */
import { createHash } from 'node:crypto';
import { decodeJournal } from './engine-parts.ts';

export const DECISION_KINDS: ReadonlySet<string> = new Set(['signal', 'order', 'riskReject', 'venueAccept', 'venueReject', 'fill', 'cancel', 'expire']);

export function decisionRecordsSha256(journal: Uint8Array): { count: number; sha256: string } {
  const hash = createHash('sha256');
  let count = 0;
  for (const r of decodeJournal(journal)) {
    if (!DECISION_KINDS.has(r.kind)) continue;
    hash.update(`${JSON.stringify(r)}\n`);
    count++;
  }
  return { count, sha256: hash.digest('hex') };
}
