import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, SnapshotError, STACK_SNAPSHOT_VERSION } from './snapshot.ts';
import { ReferenceStackStateSchema } from './reference-state-schema.ts';
import { createReferenceStack } from '../stack-config.ts';
import { runStack } from '../testing/run-stack.ts';

async function referenceState(): Promise<unknown> {
  const stack = createReferenceStack({ agents: [{ kind: 'sma-crossover', instrument: 'X', period: 3 }], allocator: { kind: 'fixed-quantity', quantity: 2 } });
  await runStack({ closes: [10, 11, 12, 11, 10, 9, 10, 12, 13, 12, 11], stack });
  return stack.snapshot();
}

describe('stack snapshots', () => {
  it('round-trip a reference stack state exactly, validated by its schema', async () => {
    const state = await referenceState();
    const text = encodeSnapshot({ stack: 'reference', takenAtUs: 5, state });
    const back = decodeSnapshot(text, { expectStack: 'reference', stateSchema: ReferenceStackStateSchema });
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.snapshot.state).toEqual(state);
  });

  it('refuses another version, another format and another stack, saying which', async () => {
    const text = encodeSnapshot({ stack: 'reference', takenAtUs: 5, state: await referenceState() });
    const other = JSON.stringify({ ...JSON.parse(text) as object, version: STACK_SNAPSHOT_VERSION + 1 });
    const r1 = decodeSnapshot(other);
    expect(r1.ok ? null : r1.error.message).toBe(`stack snapshot: version ${STACK_SNAPSHOT_VERSION + 1} is not the version this Gauntlet reads (${STACK_SNAPSHOT_VERSION})`);
    const r2 = decodeSnapshot(JSON.stringify({ ...JSON.parse(text) as object, format: 'x' }));
    expect(r2.ok ? null : r2.error.path).toBe('format');
    const r3 = decodeSnapshot(text, { expectStack: 'mine' });
    expect(r3.ok ? null : r3.error.message).toBe("stack snapshot is of a 'reference' stack, not 'mine'");
  });

  it('a corrupt snapshot names what is wrong and where', async () => {
    const r1 = decodeSnapshot('{"format":"gauntlet.stack-snap');
    expect(r1.ok ? null : r1.error.message).toMatch(/^stack snapshot is not JSON: /);
    const state = await referenceState() as { execution: { orders: Record<string, { filledRaw: unknown }> } };
    const id = Object.keys(state.execution.orders)[0]!;
    state.execution.orders[id]!.filledRaw = 'seven';
    const r2 = decodeSnapshot(encodeSnapshot({ stack: 'reference', takenAtUs: 0, state }), { stateSchema: ReferenceStackStateSchema });
    expect(r2.ok).toBe(false);
    if (!r2.ok) {
      expect(r2.error).toBeInstanceOf(SnapshotError);
      expect(r2.error.path).toBe(`state.execution.orders.${id}.filledRaw`);
      expect(r2.error.message).toContain(`state.execution.orders.${id}.filledRaw: `);
    }
    const missing = await referenceState() as { execution: { open: string[] } };
    missing.execution.open.push('o-999');
    const r3 = decodeSnapshot(encodeSnapshot({ stack: 'reference', takenAtUs: 0, state: missing }), { stateSchema: ReferenceStackStateSchema });
    expect(r3.ok ? null : r3.error.message).toMatch(/state\.execution\.open\[\d+\]: order o-999 is not in orders/);
  });

  it('refuses to write what JSON would not give back', () => {
    expect(() => encodeSnapshot({ stack: 's', takenAtUs: 0, state: { books: { lastPriceRaw: [1, Number.NaN] } } })).toThrow('stack snapshot: state.books.lastPriceRaw[1] is NaN, which JSON cannot carry');
    expect(() => encodeSnapshot({ stack: 's', takenAtUs: 0, state: { at: new Date(0) } })).toThrow('state.at is a Date, not plain data');
  });
});
