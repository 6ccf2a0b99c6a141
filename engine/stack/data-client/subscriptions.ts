/**
 * Subscription lists of the data clients: a handler is added at the end (subscription order is
 * dispatch order) and removed by the function subscribe returns, once; removing it twice, or
 * after the list was cleared, does nothing.
 */
import type { Unsubscribe } from '../types.ts';

export function subscribe<H>(handlers: H[], handler: H): Unsubscribe {
  handlers.push(handler);
  let live = true;
  return () => {
    if (!live) return;
    live = false;
    const i = handlers.indexOf(handler);
    if (i >= 0) handlers.splice(i, 1);
  };
}
