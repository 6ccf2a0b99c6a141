/**
 * A state machine's transition table as bit sets, for tables consulted on every order: looking a
 * table up by status name (a keyed load) and searching its list (a builtin call) cost more than
 * the rest of a move. Each status has a small code (its index in the status list, -1 for a value
 * that is not a status; a switch, not `indexOf`, in the callers); `allowed[code(from)]` has bit
 * `code(to)` set for each move the table lists.
 */
export function transitionBits<S extends string>(statuses: readonly S[], table: Readonly<Record<S, readonly S[]>>, code: (s: S) => number): readonly number[] {
  if (statuses.length > 31) throw new RangeError(`transitionBits: ${statuses.length} statuses do not fit the bits of an int32`);
  statuses.forEach((s, i) => { if (code(s) !== i) throw new RangeError(`transitionBits: status ${s} has code ${code(s)}, not its index ${i}`); });
  return statuses.map((from) => table[from].reduce((bits, to) => bits | (1 << code(to)), 0));
}

/** Whether `allowed` (transitionBits) lists the move between these codes; false when either is -1. */
export function allowsMove(allowed: readonly number[], fromCode: number, toCode: number): boolean {
  return fromCode >= 0 && toCode >= 0 && (allowed[fromCode]! & (1 << toCode)) !== 0;
}
