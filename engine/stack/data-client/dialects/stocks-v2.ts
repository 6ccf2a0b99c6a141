/**
 * Dialect `stocks-v2`: JSON numbers for prices, RFC 3339 times with microseconds, a key id and a
 * secret in two headers, 200 requests a minute, Retry-After in seconds.
 *
 *   GET /v2/stocks/{symbol}/bars?after=&wait=        poll   {"symbol","bars":[{"t","ct","o","h","l","c","v"}]}
 *   GET /v2/stocks/{symbol}/bars?start=&end=         range  (same shape)
 *   GET /v2/stocks/{symbol}/bars/latest              latest {"symbol","bar":{...}|null}
 *   GET /v2/stocks/{symbol}/quotes?after=&wait=      poll   {"symbol","quotes":[{"t","bp","ap","bs","as"}]}
 *   GET /v2/stocks/{symbol}/quotes/latest            latest {"symbol","quote":{...}|null}
 *   GET /v2/stocks/{symbol}/trades?after=&wait=      poll   {"symbol","trades":[{"t","p","s"}]}
 *   GET /v2/stocks/{symbol}/trades/latest            latest {"symbol","trade":{...}|null}
 * `wait` is in seconds (decimal). Errors: {"message"}.
 */
import { z } from 'zod';
import {
  formatRfc3339Us, numberToRaw, parseRfc3339Us, rawToNumber, type AnyItem, type BarItem, type Dialect, type DialectRoute, type ItemOf,
  type ParseResult, type ProviderRequest, type QuoteItem, type Route, type StreamKind, type TradeItem,
} from './dialect.ts';

const time = z.string().refine((s) => parseRfc3339Us(s) !== null, 'an RFC 3339 UTC time with at most microseconds');
const price = z.number().finite().positive();
const size = z.number().finite().nonnegative();
const Bar = z.strictObject({ t: time, ct: time, o: price, h: price, l: price, c: price, v: size });
const Quote = z.strictObject({ t: time, bp: price, ap: price, bs: size, as: size });
const Trade = z.strictObject({ t: time, p: price, s: size });
const SINGULAR = { bars: 'bar', quotes: 'quote', trades: 'trade' } as const;

const LIST = {
  bars: z.strictObject({ symbol: z.string(), bars: z.array(Bar).max(10_000) }),
  quotes: z.strictObject({ symbol: z.string(), quotes: z.array(Quote).max(10_000) }),
  trades: z.strictObject({ symbol: z.string(), trades: z.array(Trade).max(10_000) }),
};
const LATEST = {
  bars: z.strictObject({ symbol: z.string(), bar: Bar.nullable() }),
  quotes: z.strictObject({ symbol: z.string(), quote: Quote.nullable() }),
  trades: z.strictObject({ symbol: z.string(), trade: Trade.nullable() }),
};

function toItem(kind: StreamKind, x: z.output<typeof Bar> | z.output<typeof Quote> | z.output<typeof Trade>, d: number): AnyItem | string {
  const raw = (v: number, what: string): number => {
    const r = numberToRaw(v, d);
    // A positive number too small for the decimals (1e-12 at 2) is within numberToRaw's tolerance of 0: not a price either.
    if (r === null || r <= 0) throw new RangeError(`${what} ${v} is not a positive price at ${d} decimals`);
    return r;
  };
  try {
    if (kind === 'bars') {
      const b = x as z.output<typeof Bar>;
      return { openTimeUs: parseRfc3339Us(b.t)!, closeTimeUs: parseRfc3339Us(b.ct)!, openRaw: raw(b.o, 'o'), highRaw: raw(b.h, 'h'), lowRaw: raw(b.l, 'l'), closeRaw: raw(b.c, 'c'), volume: b.v } satisfies BarItem;
    }
    if (kind === 'quotes') {
      const q = x as z.output<typeof Quote>;
      return { timeUs: parseRfc3339Us(q.t)!, bidRaw: raw(q.bp, 'bp'), askRaw: raw(q.ap, 'ap'), bidSize: q.bs, askSize: q.as } satisfies QuoteItem;
    }
    const t = x as z.output<typeof Trade>;
    return { timeUs: parseRfc3339Us(t.t)!, priceRaw: raw(t.p, 'p'), size: t.s } satisfies TradeItem;
  } catch (e) {
    return (e as Error).message;
  }
}

function render(kind: StreamKind, item: AnyItem, d: number): Record<string, unknown> {
  const n = (raw: number): number => rawToNumber(raw, d);
  if (kind === 'bars') {
    const b = item as BarItem;
    return { t: formatRfc3339Us(b.openTimeUs), ct: formatRfc3339Us(b.closeTimeUs), o: n(b.openRaw), h: n(b.highRaw), l: n(b.lowRaw), c: n(b.closeRaw), v: b.volume };
  }
  if (kind === 'quotes') {
    const q = item as QuoteItem;
    return { t: formatRfc3339Us(q.timeUs), bp: n(q.bidRaw), ap: n(q.askRaw), bs: q.bidSize, as: q.askSize };
  }
  const t = item as TradeItem;
  return { t: formatRfc3339Us(t.timeUs), p: n(t.priceRaw), s: t.size };
}

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `${i.path.length === 0 ? 'body' : i.path.join('.')}: ${i.message}`;
}

const routes: DialectRoute[] = (['bars', 'quotes', 'trades'] as const).flatMap((kind) => [
  { route: 'latest' as const, kind, path: `/v2/stocks/:symbol/${kind}/latest` },
  { route: 'poll' as const, kind, path: `/v2/stocks/:symbol/${kind}` },
]);

export const stocksV2: Dialect = {
  name: 'stocks-v2',
  description: 'JSON numbers, RFC 3339 times, APCA-style key id and secret headers, 200 requests/minute, Retry-After in seconds',
  secretHeaders: ['x-api-key-id', 'x-api-secret-key'],
  defaultRateLimit: { requests: 200, windowUs: 60_000_000 },
  retryAfterStyle: 'seconds',
  routes,

  authHeaders: (auth) => ({ 'x-api-key-id': auth.keyId ?? '', 'x-api-secret-key': auth.secret }),
  pollUrl: (base, kind, symbol, afterUs, waitUs) =>
    `${base}/v2/stocks/${encodeURIComponent(symbol)}/${kind}?${afterUs === null ? '' : `after=${formatRfc3339Us(afterUs)}&`}wait=${waitUs / 1e6}`,
  rangeUrl: (base, symbol, fromUs, toUs) => `${base}/v2/stocks/${encodeURIComponent(symbol)}/bars?start=${formatRfc3339Us(fromUs)}&end=${formatRfc3339Us(toUs)}`,
  latestUrl: (base, kind, symbol) => `${base}/v2/stocks/${encodeURIComponent(symbol)}/${kind}/latest`,

  parse<K extends StreamKind>(route: Route, kind: K, body: unknown, d: number): ParseResult<ItemOf[K]> {
    let list: unknown[];
    if (route === 'latest') {
      const r = LATEST[kind].safeParse(body);
      if (!r.success) return { ok: false, reason: firstIssue(r.error) };
      const one = (r.data as Record<string, unknown>)[SINGULAR[kind]];
      list = one === null ? [] : [one];
    } else {
      const r = LIST[kind].safeParse(body);
      if (!r.success) return { ok: false, reason: firstIssue(r.error) };
      list = (r.data as unknown as Record<string, unknown[]>)[kind]!;
    }
    const items: ItemOf[K][] = [];
    for (let i = 0; i < list.length; i++) {
      const item = toItem(kind, list[i] as z.output<typeof Bar>, d);
      // A latest body holds its one item under the singular key, not in a list.
      if (typeof item === 'string') return { ok: false, reason: `${route === 'latest' ? SINGULAR[kind] : `${kind}.${i}`}: ${item}` };
      items.push(item as ItemOf[K]);
    }
    return { ok: true, items };
  },

  authorized: (header, auth) => header('x-api-secret-key') === auth.secret && (auth.keyId === undefined || header('x-api-key-id') === auth.keyId),
  readQuery(route, symbol, q): ProviderRequest | string {
    const t = (name: string): number | null | string => {
      const v = q.get(name);
      if (v === null) return null;
      return parseRfc3339Us(v) ?? `${name}: not an RFC 3339 UTC time: ${v}`;
    };
    const after = t('after');
    const start = t('start');
    const end = t('end');
    for (const v of [after, start, end]) if (typeof v === 'string') return v;
    const waitText = q.get('wait');
    const wait = waitText === null ? 0 : Number(waitText);
    if (!Number.isFinite(wait) || wait < 0 || wait > 86_400 * 7) return `wait: seconds from 0 to 604800 expected, got ${waitText}`;
    const isRange = route.route === 'poll' && (start !== null || end !== null);
    if (isRange && (route.kind !== 'bars' || start === null || end === null)) return 'start and end go together, on bars';
    return {
      route: isRange ? 'range' : route.route, kind: route.kind, symbol, afterUs: after as number | null, waitUs: Math.round(wait * 1e6),
      fromUs: start as number | null, toUs: end as number | null,
    };
  },
  render(route, kind, symbol, items, d) {
    if (route === 'latest') return { symbol, [SINGULAR[kind]]: items.length === 0 ? null : render(kind, items[items.length - 1]!, d) };
    return { symbol, [kind]: items.map((x) => render(kind, x, d)) };
  },
  renderError: (_status, message) => ({ message }),
};
