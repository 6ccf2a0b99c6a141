// Proves "no look-ahead" as a property (DESIGN.md): every decision the stack takes up to a bar's
// close is unchanged when the bars after it change. Random closes, a random cut, a random
// future; the journals of the two runs agree record for record up to the cut.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJournal, type JournalRecord } from '../kernel/journal-view.ts';
import { US_PER_DAY, US_PER_HOUR } from '../kernel/time.ts';
import { arraySource, type BarRow } from '../market/array-source.ts';
import { createReferenceStack } from '../stack/stack-config.ts';
import { runBacktest } from './backtest.ts';

function rows(closes: readonly number[]): BarRow[] {
  return closes.map((c, i) => {
    const open = closes[i - 1] ?? c;
    return { openTimeUs: i * US_PER_DAY + 9 * US_PER_HOUR, closeTimeUs: i * US_PER_DAY + 17 * US_PER_HOUR, open, high: Math.max(open, c), low: Math.min(open, c), close: c };
  });
}

async function journal(closes: readonly number[]): Promise<JournalRecord[]> {
  const parts: Uint8Array[] = [];
  await runBacktest({
    seed: 3,
    instruments: [{ id: 'X', kind: 'equity', priceDecimals: 0 }],
    account: { currency: 'USD', startCash: 1_000_000 },
    sources: [arraySource({ instrumentId: 'X', priceDecimals: 0, barIntervalUs: 8 * US_PER_HOUR }, { type: 'bar', rows: rows(closes) })],
    stack: () => createReferenceStack({
      agents: [{ kind: 'sma-crossover', instrument: 'X', period: 3 }, { kind: 'rsi-reversion', instrument: 'X', period: 4, id: 'rsi' }],
      allocator: { kind: 'fixed-quantity', quantity: 10 },
    }),
    journalSink: { write: (b) => parts.push(b.slice()) },
  });
  return [...decodeJournal(Buffer.concat(parts))];
}

describe('no look-ahead', () => {
  it('decisions up to bar k are unchanged when the bars after k change', async () => {
    const closes = fc.array(fc.integer({ min: 50, max: 150 }), { minLength: 8, maxLength: 40 });
    await fc.assert(fc.asyncProperty(closes, fc.nat(), fc.array(fc.integer({ min: 50, max: 150 }), { minLength: 1, maxLength: 40 }), async (base, cutSeed, future) => {
      const k = cutSeed % (base.length - 1); // bars 0..k are kept, later ones replaced
      const changed = [...base.slice(0, k + 1), ...future];
      const cutUs = k * US_PER_DAY + 17 * US_PER_HOUR; // bar k's close
      const upToCut = (rs: JournalRecord[]) => rs.filter((r) => typeof r.timeUs !== 'number' || r.timeUs <= cutUs);
      const [a, b] = [upToCut(await journal(base)), upToCut(await journal(changed))];
      expect(b).toEqual(a);
    }), { numRuns: 60 });
  });
});
