/**
 * A provider dialect: one market-data API's wire format (paths, query parameters, auth headers,
 * JSON shapes), written once and used on both sides: the provider data client builds requests and
 * reads responses with it, and the harness's simulated providers (msw) parse requests and render
 * responses with it, so the two cannot drift. Every response body crosses a zod schema here.
 *
 * Endpoints each dialect has, for bars, quotes and trades of one symbol:
 * - poll: the items after a time (exclusive), held by the provider up to `wait` until one exists
 *   (long polling: the client asks once per item, not once per interval);
 * - range: the items between two times (bars only: "bars between times");
 * - latest: the latest item.
 */
export type StreamKind = 'bars' | 'quotes' | 'trades';
export const STREAM_KINDS: readonly StreamKind[] = ['bars', 'quotes', 'trades'];

export interface BarItem {
  readonly openTimeUs: number;
  readonly closeTimeUs: number;
  readonly openRaw: number;
  readonly highRaw: number;
  readonly lowRaw: number;
  readonly closeRaw: number;
  /** 0: unknown. */
  readonly volume: number;
}

export interface QuoteItem {
  readonly timeUs: number;
  readonly bidRaw: number;
  readonly askRaw: number;
  readonly bidSize: number;
  readonly askSize: number;
}

export interface TradeItem {
  readonly timeUs: number;
  readonly priceRaw: number;
  readonly size: number;
}

export interface ItemOf {
  bars: BarItem;
  quotes: QuoteItem;
  trades: TradeItem;
}
export type AnyItem = BarItem | QuoteItem | TradeItem;

/** The time an item is "of": a bar's close, a tick's time. */
export function itemTimeUs(kind: StreamKind, item: AnyItem): number {
  return kind === 'bars' ? (item as BarItem).closeTimeUs : (item as QuoteItem | TradeItem).timeUs;
}

/** The name of one data stream, 'bars:SPX': what a provider response releases (Kernel.releaseData). */
export function marketDataKey(kind: StreamKind, instrumentId: string): string {
  return `${kind}:${instrumentId}`;
}

export type Route = 'poll' | 'range' | 'latest';

/** A request as the provider reads it. Times are epoch microseconds; null when not given. */
export interface ProviderRequest {
  readonly route: Route;
  readonly kind: StreamKind;
  readonly symbol: string;
  /** poll: items strictly after this time (null: from the start). */
  readonly afterUs: number | null;
  /** poll: how long the provider may hold the request for a new item. */
  readonly waitUs: number;
  /** range: from (inclusive) and to (inclusive). */
  readonly fromUs: number | null;
  readonly toUs: number | null;
}

/** Credentials of a provider account. `keyId` is for dialects that send two headers. */
export interface ProviderAuth {
  readonly keyId?: string;
  readonly secret: string;
}

export type ParseResult<T> = { readonly ok: true; readonly items: readonly T[] } | { readonly ok: false; readonly reason: string };

/** A route as msw matches it: a path pattern under the provider's base URL. */
export interface DialectRoute {
  readonly route: Route;
  readonly kind: StreamKind;
  /** msw path pattern, with `:symbol`. */
  readonly path: string;
}

export interface Dialect {
  readonly name: string;
  readonly description: string;
  /** Lower-case names of the headers that carry secrets: never journaled, redacted in recordings. */
  readonly secretHeaders: readonly string[];
  /** What a provider of this dialect allows by default: requests per window. */
  readonly defaultRateLimit: { readonly requests: number; readonly windowUs: number };
  /** How Retry-After is written on a 429: seconds, or an HTTP date. */
  readonly retryAfterStyle: 'seconds' | 'http-date';
  readonly routes: readonly DialectRoute[];

  // ---- client side ----
  authHeaders(auth: ProviderAuth): Record<string, string>;
  pollUrl(baseUrl: string, kind: StreamKind, symbol: string, afterUs: number | null, waitUs: number): string;
  rangeUrl(baseUrl: string, symbol: string, fromUs: number, toUs: number): string;
  latestUrl(baseUrl: string, kind: StreamKind, symbol: string): string;
  /** Reads a poll, range or latest response body (already JSON-parsed) into items, prices raw. */
  parse<K extends StreamKind>(route: Route, kind: K, body: unknown, priceDecimals: number): ParseResult<ItemOf[K]>;

  // ---- provider side ----
  /** Whether the request's headers carry these credentials. */
  authorized(header: (name: string) => string | null, auth: ProviderAuth): boolean;
  /** Reads a matched route's query; a message when it is malformed (a 400). */
  readQuery(route: DialectRoute, symbol: string, query: URLSearchParams): ProviderRequest | string;
  render<K extends StreamKind>(route: Route, kind: K, symbol: string, items: readonly ItemOf[K][], priceDecimals: number): unknown;
  renderError(status: number, message: string): unknown;
}

// ---- time and number codecs shared by the dialects ----

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * '2020-01-02T21:00:00.123456Z' -> epoch µs, exact; null when not RFC 3339 UTC, not a real time
 * (February 30th, hour 24, second 60) or finer than a µs.
 */
export function parseRfc3339Us(s: string): number | null {
  const m = RFC3339.exec(s);
  if (m === null) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  // Date.UTC rolls impossible fields over (February 30th is March 1st, hour 24 the next day) and
  // reads years 0-99 as 1900-1999: a time it would change is not the time the text says.
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== s.slice(0, 19)) return null;
  const frac = (m[7] ?? '').padEnd(9, '0');
  if (!/^\d{6}0{3}$/.test(frac)) return null;
  const us = ms * 1000 + Number(frac.slice(0, 6));
  return Number.isSafeInteger(us) ? us : null;
}

/** Epoch µs -> RFC 3339 UTC with microseconds. */
export function formatRfc3339Us(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Epoch nanoseconds as a decimal string (beyond 2^53, so never a JSON number). */
export function formatNs(us: number): string {
  return (BigInt(us) * 1000n).toString();
}

/** A decimal string of epoch ns -> µs; null when malformed, not whole µs, or out of range. */
export function parseNs(s: string): number | null {
  if (!/^-?\d{1,22}$/.test(s)) return null;
  const ns = BigInt(s);
  if (ns % 1000n !== 0n) return null;
  const us = Number(ns / 1000n);
  return Number.isSafeInteger(us) ? us : null;
}

/** A price as a JSON number at `decimals` -> raw; null when it is not on the decimal grid. */
export function numberToRaw(x: number, decimals: number): number | null {
  const scaled = x * 10 ** decimals;
  const raw = Math.round(scaled);
  if (!Number.isSafeInteger(raw) || Math.abs(scaled - raw) > 1e-9 * Math.max(1, Math.abs(scaled))) return null;
  return raw;
}

/** Raw at `decimals` -> the JSON number a provider sends. */
export function rawToNumber(raw: number, decimals: number): number {
  return raw / 10 ** decimals;
}
