/**
 * SIGINT and SIGTERM from the first moment: bin/gauntlet.js installs the handlers (this module
 * imports nothing, so it loads at once) before anything else loads, and a signal that comes while
 * modules load is recorded; a command then takes the signals over (`ownSignals`) and handles a
 * recorded one at once. Commands with nothing to save own them with `exitOnSignal`: 128 + the
 * signal number.
 */
export type SignalName = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT: Readonly<Record<SignalName, number>> = { SIGINT: 130, SIGTERM: 143 };

interface SignalState {
  pending: SignalName | null;
  owner: ((signal: SignalName) => void) | null;
}

/** Process-wide, so that another copy of this module (a test runner's transform of it) shares the handlers. */
const KEY = Symbol.for('gauntlet.signals');

/** Installs the process's handlers once; later calls (and ownSignals) reuse them. */
export function installSignalHandlers(): void {
  state();
}

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
