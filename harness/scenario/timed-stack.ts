/**
 * Real time per decision of an in-process stack (latency budgets): a TradingStack decorator that
 * times each input the stack handles, a market event (all its handlers, in subscription order, as
 * the data client would run them) or a venue report, until it has settled. Wall time only: what it
 * measures never reaches the journal, and it changes nothing the stack sees.
 */
import { monotonicMs } from '../monotonic-ms.ts';
import {
  subscribeHandler, type BarView, type DataClient, type ExecutionReport, type QuoteView, type StackEnv, type TradeView, type TradingStack, type Unsubscribe,
} from '../../engine/index.ts';

type Handler<T> = (v: T) => void | Promise<void>;

/** Runs handlers in order; an async one makes the rest wait (the data client's own rule). */
function runAll<T>(handlers: readonly Handler<T>[], v: T, from = 0): void | Promise<void> {
  for (let i = from; i < handlers.length; i++) {
    const r = handlers[i]!(v);
    if (r !== undefined) return r.then(() => runAll(handlers, v, i + 1));
  }
  return undefined;
}

function timed(run: () => void | Promise<void>, record: (ms: number) => void): void | Promise<void> {
  const t0 = monotonicMs();
  const r = run();
  if (r === undefined) { record(monotonicMs() - t0); return undefined; }
  return r.then(() => record(monotonicMs() - t0));
}

/**
 * One combined, timed subscription per kind, registered where the stack's first one was and
 * removed with its last one.
 */
function timedData(data: DataClient, record: (ms: number) => void): DataClient {
  const kind = <V>(subscribe: (h: Handler<V>) => Unsubscribe): ((h: Handler<V>) => Unsubscribe) => {
    const list: Handler<V>[] = [];
    let combined: Unsubscribe | null = null;
    return (h) => {
      const off = subscribeHandler(list, h);
      combined ??= subscribe((v) => timed(() => runAll(list, v), record));
      return () => {
        off();
        if (list.length === 0 && combined !== null) { combined(); combined = null; }
      };
    };
  };
  return { onBar: kind<BarView>((h) => data.onBar(h)), onTrade: kind<TradeView>((h) => data.onTrade(h)), onQuote: kind<QuoteView>((h) => data.onQuote(h)) };
}

export function timedStack(stack: TradingStack, record: (ms: number) => void): TradingStack {
  return {
    start: (env: StackEnv) => stack.start({ ...env, data: timedData(env.data, record) }),
    onReport: (r: ExecutionReport) => timed(() => stack.onReport(r), record),
    snapshot: () => stack.snapshot(),
    restore: (s) => stack.restore(s),
    stop: () => stack.stop?.(),
    ...(stack.reconcile === undefined ? {} : { reconcile: () => stack.reconcile!() }),
    ...(stack.bookedPositionRaw === undefined ? {} : { bookedPositionRaw: (i: number) => stack.bookedPositionRaw!(i) }),
  };
}
