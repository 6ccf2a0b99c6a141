/**
 * A simulated market-data provider: its spec, and how it answers one request.
 *
 * Answering is a pure function of the request and the timeline. Everything stateful or random
 * (rate-limit admission, the latency draw, which recorded exchange a replay serves, later the
 * faults) is decided by the run's transport synchronously at request time, in request order, and
 * reaches the handler in internal `x-gauntlet-*` request headers. msw may run handlers in any real
 * order; the answers cannot change.
 */
import {
  DIALECTS, DIALECT_NAMES, itemTimeUs, marketDataKey, type Dialect, type DialectName, type DialectRoute, type ItemOf, type ProviderAuth, type StreamKind,
} from '../../../engine/index.ts';
import type { RecordedExchange } from './recording.ts';
import { damageBody, damageItems, type HandlerFault } from './provider-faults.ts';
import type { ProviderTimeline } from './timeline.ts';

/** Providers live under `https://<name>.providers.gauntlet.test`. */
export const PROVIDER_HOST_SUFFIX = '.providers.gauntlet.test';
const NAME = /^[a-z][a-z0-9-]*$/;
/** Host labels are at most 63 characters (RFC 1035). */
const NAME_LENGTH_MAX = 63;

export function providerBaseUrl(name: string): string {
  return `https://${name}${PROVIDER_HOST_SUFFIX}`;
}

/** The provider name a URL is addressed to (the host's first label), or null when it is no provider's. */
export function providerNameOf(url: URL): string | null {
  const host = url.hostname;
  if (url.protocol !== 'https:' || !host.endsWith(PROVIDER_HOST_SUFFIX)) return null;
  const name = host.slice(0, -PROVIDER_HOST_SUFFIX.length);
  return NAME.test(name) ? name : null;
}

export interface ProviderSpec {
  /** Lower-case host label: [a-z][a-z0-9-]*. */
  readonly name: string;
  readonly dialect: DialectName;
  readonly auth: ProviderAuth;
  /**
   * Fixed windows aligned to epoch multiples of windowUs; at most `requests` admitted per window.
   * Every admitted request counts, whatever its answer (a 401 or 404 uses the quota, as with real
   * providers); a limited one does not.
   */
  readonly rateLimit: { readonly requests: number; readonly windowUs: number };
  /** Drawn uniformly in [minUs, maxUs] per request from rng stream `provider.<name>`. */
  readonly latency: { readonly minUs: number; readonly maxUs: number };
  /**
   * Replay instead of serving the timeline: a request gets the next recorded exchange of the same
   * method and URL (status, headers, body, latency as recorded), or a 404 when none is left (with
   * a drawn latency). A replaying provider checks neither credentials nor its rate limit: the
   * recorded 401s and 429s replay as they were.
   */
  readonly recording?: readonly RecordedExchange[];
}

/** Throws a RangeError naming the field when the spec cannot work; returns it otherwise. */
export function validateProviderSpec(spec: ProviderSpec): ProviderSpec {
  const where = `provider ${JSON.stringify(spec.name)}`;
  if (typeof spec.name !== 'string' || !NAME.test(spec.name) || spec.name.length > NAME_LENGTH_MAX) {
    throw new RangeError(`${where}: name must be a lower-case host label ([a-z][a-z0-9-]*, at most ${NAME_LENGTH_MAX} characters)`);
  }
  if (!(DIALECT_NAMES as readonly string[]).includes(spec.dialect)) throw new RangeError(`${where}: dialect must be one of ${DIALECT_NAMES.join(', ')}, got ${String(spec.dialect)}`);
  if (typeof spec.auth?.secret !== 'string' || spec.auth.secret === '') throw new RangeError(`${where}: auth.secret must be a non-empty string`);
  const { requests, windowUs } = spec.rateLimit;
  if (!Number.isSafeInteger(requests) || requests < 1) throw new RangeError(`${where}: rateLimit.requests must be a positive integer, got ${requests}`);
  if (!Number.isSafeInteger(windowUs) || windowUs < 1) throw new RangeError(`${where}: rateLimit.windowUs must be a positive integer, got ${windowUs}`);
  const { minUs, maxUs } = spec.latency;
  if (!Number.isSafeInteger(minUs) || minUs < 0) throw new RangeError(`${where}: latency.minUs must be a non-negative integer, got ${minUs}`);
  if (!Number.isSafeInteger(maxUs) || maxUs < minUs || maxUs - minUs >= 0x1_0000_0000) {
    throw new RangeError(`${where}: latency.maxUs must be an integer from minUs (${minUs}) to minUs + 2^32 - 1, got ${maxUs}`);
  }
  return spec;
}

/** Internal request headers: the transport's decisions, for the handler. Never leave the run. */
export const INTERNAL = {
  run: 'x-gauntlet-run',
  nowUs: 'x-gauntlet-now-us',
  /** Present when the request is rate-limited: the virtual time its window frees. */
  limitedUntilUs: 'x-gauntlet-limited-until-us',
  /** Replaying providers: the index of the recorded exchange to serve (absent: none left). */
  replayIndex: 'x-gauntlet-replay-index',
  /** Response: the virtual time the provider answered as of (later than now when it held a long poll). */
  asOfUs: 'x-gauntlet-as-of-us',
  /** Response: the data stream (marketDataKey) whose item at as-of it carries: the market event releasing it. */
  release: 'x-gauntlet-release',
  /** Faults the transport decided for this request (JSON HandlerFault[]). */
  faults: 'x-gauntlet-faults',
} as const;
export const INTERNAL_PREFIX = 'x-gauntlet-';

/** What the transport decided for one request. */
export interface ProviderDecision {
  readonly nowUs: number;
  readonly limitedUntilUs: number | null;
  readonly replayIndex: number | null;
  /** Faults to apply to the answer (fault plan), decided by the transport. */
  readonly faults?: readonly HandlerFault[];
}

/** An answer before it becomes an HTTP response. `asOfUs` travels in the `x-gauntlet-as-of-us` header. */
export interface ProviderAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly asOfUs: number;
  /** The stream whose item at asOfUs the body carries (see TransportResponse.release); absent otherwise. */
  readonly release?: string;
}

export interface ProviderQuery {
  readonly spec: ProviderSpec;
  readonly timeline: ProviderTimeline;
  readonly route: DialectRoute;
  readonly symbol: string;
  readonly method: string;
  readonly url: URL;
  readonly header: (name: string) => string | null;
  readonly decision: ProviderDecision;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function errorAnswer(dialect: Dialect, status: number, message: string, asOfUs: number, headers: Record<string, string> = {}): ProviderAnswer {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(dialect.renderError(status, message)), asOfUs };
}

/** Retry-After in the dialect's style for a request at nowUs whose window frees at untilUs, rounded up. */
export function retryAfter(dialect: Dialect, nowUs: number, untilUs: number): string {
  if (dialect.retryAfterStyle === 'seconds') return String(Math.max(1, Math.ceil((untilUs - nowUs) / 1_000_000)));
  return new Date(Math.ceil(untilUs / 1_000_000) * 1000).toUTCString();
}

/**
 * The virtual time a request is answered as of. A long poll (waitUs > 0) with nothing new at now
 * is held until the first item after `afterUs` if it comes within the wait, else to the end of the
 * wait; everything else is answered at once.
 */
export function pollAsOfUs(timeline: ProviderTimeline, kind: StreamKind, symbol: string, afterUs: number | null, waitUs: number, nowUs: number): number {
  if (waitUs <= 0) return nowUs;
  const next = timeline.nextTimeAfter(kind, symbol, afterUs);
  if (next !== null && next <= nowUs) return nowUs;
  if (next !== null && next <= nowUs + waitUs) return next;
  return nowUs + waitUs;
}

/** Answers one request: a pure function of its arguments. */
export function answerProviderRequest(q: ProviderQuery): ProviderAnswer {
  const { spec, timeline, route, symbol, decision } = q;
  const dialect = DIALECTS[spec.dialect];
  const nowUs = decision.nowUs;
  if (spec.recording !== undefined) {
    const recorded = decision.replayIndex === null ? undefined : spec.recording[decision.replayIndex];
    if (recorded === undefined) return errorAnswer(dialect, 404, `no recorded response left for ${q.method} ${q.url.href}`, nowUs);
    return { status: recorded.status, headers: recorded.responseHeaders, body: recorded.body, asOfUs: nowUs };
  }
  if (!dialect.authorized(q.header, spec.auth)) return errorAnswer(dialect, 401, 'unauthorized: missing or wrong credentials', nowUs);
  if (decision.limitedUntilUs !== null) {
    return errorAnswer(dialect, 429, `rate limit: ${spec.rateLimit.requests} requests per ${spec.rateLimit.windowUs / 1_000_000} s`, nowUs, {
      'retry-after': retryAfter(dialect, nowUs, decision.limitedUntilUs),
    });
  }
  const faults = decision.faults ?? [];
  for (const f of faults) {
    if (f.kind !== 'status') continue;
    const retry: Record<string, string> = f.retryAfterUs === null ? {} : { 'retry-after': f.malformedRetryAfter ? 'soon, maybe' : retryAfter(dialect, nowUs, nowUs + f.retryAfterUs) };
    return errorAnswer(dialect, f.status, `fault plan: HTTP ${f.status}`, nowUs, retry);
  }
  const d = timeline.priceDecimals(route.kind, symbol);
  if (d === null) return errorAnswer(dialect, 404, `no ${route.kind} for symbol ${symbol}`, nowUs);
  const r = dialect.readQuery(route, symbol, q.url.searchParams);
  if (typeof r === 'string') return errorAnswer(dialect, 400, r, nowUs);

  let asOfUs = nowUs;
  let items: ItemOf[StreamKind][];
  if (r.route === 'latest') {
    const last = timeline.latest(r.kind, symbol, nowUs);
    items = last === null ? [] : [last];
  } else if (r.route === 'range') {
    items = timeline.range(r.kind, symbol, r.fromUs!, r.toUs!, nowUs);
  } else {
    asOfUs = pollAsOfUs(timeline, r.kind, symbol, r.afterUs, r.waitUs, nowUs);
    items = timeline.after(r.kind, symbol, r.afterUs, asOfUs);
  }
  const last = items[items.length - 1];
  const release = last !== undefined && itemTimeUs(r.kind, last) === asOfUs ? { release: marketDataKey(r.kind, symbol) } : {};
  if (faults.length > 0) {
    const previous = r.route === 'poll' && r.afterUs !== null ? timeline.latest(r.kind, symbol, r.afterUs) : null;
    items = damageItems(r.kind, items, previous, faults) as ItemOf[StreamKind][];
    return { status: 200, headers: JSON_HEADERS, body: damageBody(JSON.stringify(dialect.render(r.route, r.kind, symbol, items, d)), faults), asOfUs, ...release };
  }
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(dialect.render(r.route, r.kind, symbol, items, d)), asOfUs, ...release };
}
