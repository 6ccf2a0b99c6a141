/**
 * The direct data client: the engine pushes market events into it and it hands them to the
 * stack's subscribers, synchronously when they are synchronous (the fast path of backtests).
 */
import type { BarHandler, BarView, DataClient, QuoteHandler, QuoteView, TradeHandler, TradeView } from '../types.ts';

export class DirectDataClient implements DataClient {
  private barHandlers: BarHandler[] = [];
  private tradeHandlers: TradeHandler[] = [];
  private quoteHandlers: QuoteHandler[] = [];

  onBar(handler: BarHandler): void { this.barHandlers.push(handler); }
  onTrade(handler: TradeHandler): void { this.tradeHandlers.push(handler); }
  onQuote(handler: QuoteHandler): void { this.quoteHandlers.push(handler); }

  pushBar(bar: BarView): void | Promise<void> {
    const hs = this.barHandlers;
    if (hs.length === 1) return hs[0]!(bar);
    return runAll(hs, bar);
  }

  pushTrade(trade: TradeView): void | Promise<void> {
    return runAll(this.tradeHandlers, trade);
  }

  pushQuote(quote: QuoteView): void | Promise<void> {
    return runAll(this.quoteHandlers, quote);
  }
}

/** Runs handlers in subscription order; an async one makes the rest wait for it (order is kept). */
function runAll<T>(handlers: ((v: T) => void | Promise<void>)[], v: T): void | Promise<void> {
  for (let i = 0; i < handlers.length; i++) {
    const r = handlers[i]!(v);
    if (r !== undefined) return r.then(() => runAll(handlers.slice(i + 1), v));
  }
  return undefined;
}
