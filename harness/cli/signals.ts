/**
 * SIGINT and SIGTERM from the first moment of the process: bin/gauntlet.js installs handlers
 * before it loads anything else and records a signal that comes while modules load; a command then
 * takes the signals over (`ownSignals`) and handles a recorded one at once. Without an owner, or
 * when the CLI runs without the bin (tests, library use), a signal ends the process with the
 * conventional 128 + signal number.
 */
export type SignalName = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT: Readonly<Record<SignalName, number>> = { SIGINT: 130, SIGTERM: 143 };

interface SignalState {
  pending: SignalName | null;
  owner: ((signal: SignalName) => void) | null;
}

/** Shared with bin/gauntlet.js, which cannot import this module before its sources are chosen. */
const KEY = Symbol.for('gauntlet.signals');

function state(): SignalState {
  const g = globalThis as unknown as Record<symbol, SignalState | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { pending: null, owner: null };
    const st = s;
    g[KEY] = st;
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      process.on(name, () => {
        if (st.owner !== null) st.owner(name);
        else st.pending ??= name;
      });
    }
  }
  return s;
}

/** Makes `handler` receive SIGINT/SIGTERM (now, if one came before); returns the release. */
export function ownSignals(handler: (signal: SignalName) => void): () => void {
  const s = state();
  s.owner = handler;
  const pending = s.pending;
  s.pending = null;
  if (pending !== null) handler(pending);
  return () => {
    if (s.owner === handler) s.owner = exitOnSignal;
  };
}

/** The owner of commands with nothing to save: end at once, with the conventional code. */
export function exitOnSignal(signal: SignalName): void {
  process.exit(SIGNAL_EXIT[signal]);
}
