/**
 * Dialect `aggs-v3`: prices as decimal strings, times as epoch nanoseconds in strings, a bearer
 * token, 5 requests a second, Retry-After as an HTTP date.
 *
 *   GET /v3/aggs/{symbol}?after_ns=&wait_ms=          poll   {"status":"OK","ticker","resultsCount","results":[{"s","e","o","h","l","c","v"}]}
 *   GET /v3/aggs/{symbol}?from_ns=&to_ns=             range  (same shape)
 *   GET /v3/last/aggs/{symbol}                        latest {"status":"OK","ticker","results":{...}|null}
 *   GET /v3/quotes/{symbol}?after_ns=&wait_ms=        poll   results [{"t","b","a","bs","as"}]
 *   GET /v3/last/quotes/{symbol}                      latest
 *   GET /v3/trades/{symbol}?after_ns=&wait_ms=        poll   results [{"t","p","s"}]
 *   GET /v3/last/trades/{symbol}                      latest
 * Errors: {"status":"ERROR","error"}.
 */
import { z } from 'zod';
import { DEC_OK, parseFixed, formatFixed, type DecimalOut } from '../../../market/loaders/decimal.ts';
import {
  formatNs, parseNs, type AnyItem, type BarItem, type Dialect, type DialectRoute, type ItemOf, type ParseResult, type ProviderRequest,
  type QuoteItem, type Route, type StreamKind, type TradeItem,
} from './dialect.ts';

const ns = z.string().refine((s) => parseNs(s) !== null, 'epoch nanoseconds as a string of digits, whole microseconds');
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a positive decimal string');
const size = z.number().finite().nonnegative();
const Bar = z.strictObject({ s: ns, e: ns, o: decimal, h: decimal, l: decimal, c: decimal, v: size });
const Quote = z.strictObject({ t: ns, b: decimal, a: decimal, bs: size, as: size });
const Trade = z.strictObject({ t: ns, p: decimal, s: size });
const PATH = { bars: 'aggs', quotes: 'quotes', trades: 'trades' } as const;

function list<T extends z.ZodType>(item: T) {
  return z.strictObject({ status: z.literal('OK'), ticker: z.string(), resultsCount: z.number().int().nonnegative(), results: z.array(item).max(10_000) });
}
function latest<T extends z.ZodType>(item: T) {
  return z.strictObject({ status: z.literal('OK'), ticker: z.string(), results: item.nullable() });
}
const LIST = { bars: list(Bar), quotes: list(Quote), trades: list(Trade) };
const LATEST = { bars: latest(Bar), quotes: latest(Quote), trades: latest(Trade) };

const scratch: DecimalOut = { raw: 0 };
function toItem(kind: StreamKind, x: Record<string, unknown>, d: number): AnyItem | string {
  const bad: string[] = [];
  const raw = (name: string): number => {
    if (parseFixed(x[name] as string, d, scratch) !== DEC_OK || scratch.raw <= 0) bad.push(`${name} ${String(x[name])} is not a positive price at ${d} decimals`);
    return scratch.raw;
  };
  let item: AnyItem;
  if (kind === 'bars') {
    item = { openTimeUs: parseNs(x.s as string)!, closeTimeUs: parseNs(x.e as string)!, openRaw: raw('o'), highRaw: raw('h'), lowRaw: raw('l'), closeRaw: raw('c'), volume: x.v as number } satisfies BarItem;
  } else if (kind === 'quotes') {
    item = { timeUs: parseNs(x.t as string)!, bidRaw: raw('b'), askRaw: raw('a'), bidSize: x.bs as number, askSize: x.as as number } satisfies QuoteItem;
  } else {
    item = { timeUs: parseNs(x.t as string)!, priceRaw: raw('p'), size: x.s as number } satisfies TradeItem;
  }
  return bad.length > 0 ? bad[0]! : item;
}

function render(kind: StreamKind, item: AnyItem, d: number): Record<string, unknown> {
  const s = (raw: number): string => formatFixed(raw, d);
  if (kind === 'bars') {
    const b = item as BarItem;
    return { s: formatNs(b.openTimeUs), e: formatNs(b.closeTimeUs), o: s(b.openRaw), h: s(b.highRaw), l: s(b.lowRaw), c: s(b.closeRaw), v: b.volume };
  }
  if (kind === 'quotes') {
    const q = item as QuoteItem;
    return { t: formatNs(q.timeUs), b: s(q.bidRaw), a: s(q.askRaw), bs: q.bidSize, as: q.askSize };
  }
  const t = item as TradeItem;
  return { t: formatNs(t.timeUs), p: s(t.priceRaw), s: t.size };
}

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `${i.path.length === 0 ? 'body' : i.path.join('.')}: ${i.message}`;
}

const routes: DialectRoute[] = (['bars', 'quotes', 'trades'] as const).flatMap((kind) => [
  { route: 'latest' as const, kind, path: `/v3/last/${PATH[kind]}/:symbol` },
  { route: 'poll' as const, kind, path: `/v3/${PATH[kind]}/:symbol` },
]);

export const aggsV3: Dialect = {
  name: 'aggs-v3',
  description: 'decimal strings, epoch-nanosecond strings, bearer token, 5 requests/second, Retry-After as an HTTP date',
  secretHeaders: ['authorization'],
  defaultRateLimit: { requests: 5, windowUs: 1_000_000 },
  retryAfterStyle: 'http-date',
  routes,

  authHeaders: (auth) => ({ authorization: `Bearer ${auth.secret}` }),
  pollUrl: (base, kind, symbol, afterUs, waitUs) =>
    `${base}/v3/${PATH[kind]}/${encodeURIComponent(symbol)}?${afterUs === null ? '' : `after_ns=${formatNs(afterUs)}&`}wait_ms=${waitUs / 1000}`,
  rangeUrl: (base, symbol, fromUs, toUs) => `${base}/v3/aggs/${encodeURIComponent(symbol)}?from_ns=${formatNs(fromUs)}&to_ns=${formatNs(toUs)}`,
  latestUrl: (base, kind, symbol) => `${base}/v3/last/${PATH[kind]}/${encodeURIComponent(symbol)}`,

  parse<K extends StreamKind>(route: Route, kind: K, body: unknown, d: number): ParseResult<ItemOf[K]> {
    const r = (route === 'latest' ? LATEST[kind] : LIST[kind]).safeParse(body);
    if (!r.success) return { ok: false, reason: firstIssue(r.error) };
    const results = (r.data as { results: unknown }).results;
    const raw = route === 'latest' ? (results === null ? [] : [results]) : results as unknown[];
    const items: ItemOf[K][] = [];
    for (let i = 0; i < raw.length; i++) {
      const item = toItem(kind, raw[i] as Record<string, unknown>, d);
      // A latest body holds its one item as `results` itself, not in a list.
      if (typeof item === 'string') return { ok: false, reason: `${route === 'latest' ? 'results' : `results.${i}`}: ${item}` };
      items.push(item as ItemOf[K]);
    }
    return { ok: true, items };
  },

  authorized: (header, auth) => header('authorization') === `Bearer ${auth.secret}`,
  readQuery(route, symbol, q): ProviderRequest | string {
    const t = (name: string): number | null | string => {
      const v = q.get(name);
      if (v === null) return null;
      return parseNs(v) ?? `${name}: epoch nanoseconds expected, got ${v}`;
    };
    const after = t('after_ns');
    const from = t('from_ns');
    const to = t('to_ns');
    for (const v of [after, from, to]) if (typeof v === 'string') return v;
    const waitText = q.get('wait_ms');
    const wait = waitText === null ? 0 : Number(waitText);
    if (!Number.isFinite(wait) || wait < 0 || wait > 604_800_000) return `wait_ms: milliseconds from 0 to 604800000 expected, got ${waitText}`;
    const isRange = route.route === 'poll' && (from !== null || to !== null);
    if (isRange && (route.kind !== 'bars' || from === null || to === null)) return 'from_ns and to_ns go together, on aggs';
    return {
      route: isRange ? 'range' : route.route, kind: route.kind, symbol, afterUs: after as number | null, waitUs: Math.round(wait * 1000),
      fromUs: from as number | null, toUs: to as number | null,
    };
  },
  render(route, kind, symbol, items, d) {
    if (route === 'latest') return { status: 'OK', ticker: symbol, results: items.length === 0 ? null : render(kind, items[items.length - 1]!, d) };
    return { status: 'OK', ticker: symbol, resultsCount: items.length, results: items.map((x) => render(kind, x, d)) };
  },
  renderError: (_status, message) => ({ status: 'ERROR', error: message }),
};
