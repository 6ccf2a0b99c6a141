/**
 * Provider faults as the handler applies them: the transport decides, in request order and from
 * the run's fault streams, which faults hit a request (provider-faults are drawn there, see
 * transport.ts) and passes them in an internal header; the handler, a pure function, turns them
 * into an error status or a damaged body. Transport-level faults (reset, down, latency, timeout)
 * never reach the handler.
 */
import { itemTimeUs, type AnyItem, type BarItem, type QuoteItem, type StreamKind, type TradeItem } from '../../../engine/index.ts';

/** What the handler is told to do to one answer. Times are absolute microseconds. */
export type HandlerFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterUs: number | null; readonly malformedRetryAfter: boolean }
  | { readonly kind: 'malformed' | 'truncated' | 'wrong-schema' | 'duplicate' | 'out-of-order' }
  | { readonly kind: 'bad-price'; readonly price: 'nan' | 'negative' | 'zero' }
  | { readonly kind: 'frozen'; readonly atUs: number }
  | { readonly kind: 'skew'; readonly offsetUs: number };

function retime<K extends StreamKind>(kind: K, x: AnyItem, timeUs: number): AnyItem {
  if (kind === 'bars') {
    const b = x as BarItem;
    return { ...b, openTimeUs: timeUs - (b.closeTimeUs - b.openTimeUs), closeTimeUs: timeUs };
  }
  return { ...(x as QuoteItem | TradeItem), timeUs };
}

function reprice(kind: StreamKind, x: AnyItem, f: (raw: number) => number): AnyItem {
  if (kind === 'bars') {
    const b = x as BarItem;
    return { ...b, openRaw: f(b.openRaw), highRaw: f(b.highRaw), lowRaw: f(b.lowRaw), closeRaw: f(b.closeRaw) };
  }
  if (kind === 'quotes') {
    const q = x as QuoteItem;
    return { ...q, bidRaw: f(q.bidRaw), askRaw: f(q.askRaw) };
  }
  const t = x as TradeItem;
  return { ...t, priceRaw: f(t.priceRaw) };
}

/**
 * Items as the damaged provider serves them. `previous` is the item before the first one (for
 * out-of-order: the old item comes again after the new one).
 */
export function damageItems(kind: StreamKind, items: readonly AnyItem[], previous: AnyItem | null, faults: readonly HandlerFault[]): AnyItem[] {
  let out = [...items];
  for (const f of faults) {
    switch (f.kind) {
      case 'duplicate': out = out.flatMap((x) => [x, x]); break;
      case 'out-of-order': out = [...out].reverse(); if (previous !== null && out.length > 0) out.push(previous); break;
      case 'frozen': out = out.map((x) => (itemTimeUs(kind, x) > f.atUs ? retime(kind, x, f.atUs) : x)); break;
      case 'skew': out = out.map((x) => retime(kind, x, itemTimeUs(kind, x) + f.offsetUs)); break;
      case 'bad-price': out = out.map((x) => reprice(kind, x, f.price === 'nan' ? () => Number.NaN : f.price === 'zero' ? () => 0 : (r) => -r)); break;
      default: break;
    }
  }
  return out;
}

/** The body as the damaged provider sends it (after rendering). */
export function damageBody(body: string, faults: readonly HandlerFault[]): string {
  let out = body;
  for (const f of faults) {
    if (f.kind === 'malformed') out = `<html><body>502 Bad Gateway</body></html>${out.slice(0, 20)}`;
    else if (f.kind === 'truncated') out = out.slice(0, Math.floor(out.length / 2));
    else if (f.kind === 'wrong-schema') out = JSON.stringify({ data: { rows: out.length }, note: 'schema changed' });
  }
  return out;
}
