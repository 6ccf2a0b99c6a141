/**
 * The provider data client: the stack's market data pulled over HTTP from provider APIs, through
 * the kernel context's fetch (virtual time; no real I/O of its own, no msw here).
 *
 * One polling loop per subscribed stream (bars, quotes or trades of one instrument). A poll is a
 * long poll: "items after the last one I have, held up to the poll interval", so the client asks
 * once per new item and sees it at the instant the provider has it, as the direct path would.
 * Around each poll:
 * - providers in failover order (primary first): each request goes to the first provider whose
 *   circuit allows it, so a recovered primary is used again after its half-open trial;
 * - retries on one provider with exponential backoff and full jitter from the run's
 *   'data-client' stream; a 429/503's Retry-After (seconds, or an HTTP date read against the
 *   stack's clock) wins, a malformed one is journaled and backoff applies; 400/401/403/404 are
 *   not retried on the same provider;
 * - a circuit breaker per provider (closed -> open after N consecutive failures -> half-open
 *   after the cooldown: one trial request -> closed or open again);
 * - every payload through the dialect's zod schemas; one that fails is journaled and counted as
 *   the provider's failure, never a crash;
 * - data checks against the stack's own clock: an item already delivered (or older) is a
 *   duplicate; older than maxStaleness is stale; ahead by more than maxSkew is skewed; none of
 *   them reaches the agents.
 * Every step is a transport record in the journal (never a header value).
 */
import type { Clock } from '../../kernel/clock.ts';
import type { Journal } from '../../kernel/journal.ts';
import { FetchTimeoutError, type KernelContext } from '../../kernel/kernel.ts';
import type { Rng } from '../../kernel/rng.ts';
import type { Instrument } from '../../instruments/instrument.ts';
import type { BarHandler, BarView, DataClient, QuoteHandler, QuoteView, TradeHandler, TradeView, Unsubscribe } from '../types.ts';
import { subscribe } from './subscriptions.ts';
import type { DataClientConfig, ProviderEndpoint } from './config.ts';
import { itemTimeUs, type AnyItem, type BarItem, type Dialect, type QuoteItem, type StreamKind, type TradeItem } from './dialects/dialect.ts';

export interface ProviderDataClientParams {
  /** Failover order: the first is the primary. */
  readonly providers: readonly ProviderEndpoint[];
  readonly dialects: Readonly<Record<string, Dialect>>;
  readonly config: DataClientConfig;
  readonly instruments: readonly Instrument[];
  readonly kernel: KernelContext;
  /** The stack's own clock: staleness, skew and Retry-After dates are judged against it. */
  readonly clock: Clock;
  readonly journal: Journal;
  /** The 'data-client' stream: backoff jitter. */
  readonly rng: Rng;
  /**
   * Deliberately broken variants, for tests that prove chaos gates and properties catch a broken
   * client: no failover (the primary only), Retry-After ignored, no duplicate, staleness or skew
   * checks, a circuit breaker that never closes again once open.
   */
  readonly flaws?: DataClientFlaws;
}

export interface DataClientFlaws {
  readonly noFailover?: boolean;
  readonly ignoreRetryAfter?: boolean;
  readonly noDataChecks?: boolean;
  /** An open circuit never goes half-open (as if its cooldown timer were never armed): the provider is not asked again. */
  readonly breakerNeverCloses?: boolean;
}

/** What the client did, for metrics and gates. */
export interface DataClientCounters {
  requests: number;
  failures: number;
  retries: number;
  failovers: number;
  giveUps: number;
  breakerOpens: number;
  breakerCloses: number;
  payloadRejections: number;
  staleRejections: number;
  skewRejections: number;
  duplicates: number;
  lateResponses: number;
  itemsDelivered: number;
}

type BreakerState = 'closed' | 'open' | 'half-open';

class Breaker {
  state: BreakerState = 'closed';
  failures = 0;
  openUntilUs = 0;
  trialInFlight = false;
  /** A Retry-After the provider gave: no request to it before this (stack clock). */
  retryAfterUntilUs = Number.NEGATIVE_INFINITY;
}

interface Stream {
  readonly kind: StreamKind;
  readonly instrument: Instrument;
  readonly instrumentIndex: number;
  readonly name: string;
  /** Time of the last item taken (delivered or rejected): the next poll asks for items after it. */
  watermarkUs: number | null;
  /** The provider that last answered (at first the primary), for failover records. */
  lastProvider: string;
  /** The latest item delivered: the cache the stack may read. */
  latest: AnyItem | null;
  /** Providers that answered 404 for this stream: they do not serve it (not asked again). */
  readonly notServedBy: Set<string>;
}

type Attempt =
  | { readonly ok: true; readonly items: readonly AnyItem[] }
  | { readonly ok: false; readonly reason: string; readonly retryable: boolean; readonly retryAfterUs: number | null; readonly notServed?: true };

interface Provider {
  readonly endpoint: ProviderEndpoint;
  readonly dialect: Dialect;
  readonly headers: Record<string, string>;
  readonly breaker: Breaker;
}

/** Bounds the delivery loop of one response (the dialects cap a response at 10,000 items). */
const ITEMS_PER_RESPONSE_MAX = 10_000;

export class ProviderDataClient implements DataClient {
  private readonly barHandlers: BarHandler[] = [];
  private readonly tradeHandlers: TradeHandler[] = [];
  private readonly quoteHandlers: QuoteHandler[] = [];
  private readonly providers: Provider[];
  private readonly streams: Stream[] = [];
  private stopped = false;
  private started = false;
  private requestSeq = 0;
  readonly counters: DataClientCounters = {
    requests: 0, failures: 0, retries: 0, failovers: 0, giveUps: 0, breakerOpens: 0, breakerCloses: 0, payloadRejections: 0,
    staleRejections: 0, skewRejections: 0, duplicates: 0, lateResponses: 0, itemsDelivered: 0,
  };
  private readonly p: ProviderDataClientParams;

  constructor(p: ProviderDataClientParams) {
    if (p.providers.length === 0) throw new RangeError('the provider data client needs at least one provider');
    const names = new Set(p.providers.map((x) => x.name));
    if (names.size !== p.providers.length) throw new RangeError('provider names must be unique');
    this.p = p;
    this.providers = p.providers.map((endpoint) => {
      const dialect = p.dialects[endpoint.dialect];
      if (dialect === undefined) throw new RangeError(`provider ${endpoint.name}: unknown dialect '${endpoint.dialect}' (known: ${Object.keys(p.dialects).join(', ')})`);
      return { endpoint, dialect, headers: dialect.authHeaders(endpoint.auth), breaker: new Breaker() };
    });
  }

  onBar(handler: BarHandler): Unsubscribe { return subscribe(this.barHandlers, handler); }
  onTrade(handler: TradeHandler): Unsubscribe { return subscribe(this.tradeHandlers, handler); }
  onQuote(handler: QuoteHandler): Unsubscribe { return subscribe(this.quoteHandlers, handler); }

  /**
   * Starts a polling loop per subscribed stream: for each instrument, the kinds someone
   * subscribed to. The engine calls it at the first market instant (the stack's boot).
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    const kinds: StreamKind[] = [];
    if (this.barHandlers.length > 0) kinds.push('bars');
    if (this.quoteHandlers.length > 0) kinds.push('quotes');
    if (this.tradeHandlers.length > 0) kinds.push('trades');
    for (const [instrumentIndex, instrument] of this.p.instruments.entries()) {
      for (const kind of kinds) {
        const stream: Stream = { kind, instrument, instrumentIndex, name: `${kind}:${instrument.id}`, watermarkUs: null, lastProvider: this.providers[0]!.endpoint.name, latest: null, notServedBy: new Set() };
        this.streams.push(stream);
        this.p.kernel.spawn(`data-client ${stream.name}`, () => this.loop(stream));
      }
    }
  }

  /** No request after this; loops end when they next wake. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * How long after the market's last event data may still arrive and be traded on: the longest
   * poll and its timeout, plus the staleness tolerance. The engine stops the client after it.
   */
  get drainUs(): number {
    const wait = Math.max(...this.p.providers.map((x) => x.pollIntervalUs));
    return wait + this.p.config.timeout + this.p.config.maxStaleness;
  }

  /** Time of the newest item delivered for an instrument on any stream, or null (none yet). */
  newestDataTimeUs(instrumentId: string): number | null {
    let newest: number | null = null;
    for (const s of this.streams) {
      if (s.instrument.id !== instrumentId || s.latest === null) continue;
      const t = itemTimeUs(s.kind, s.latest);
      if (newest === null || t > newest) newest = t;
    }
    return newest;
  }

  /** The latest item delivered on a stream (the client's cache), or null. */
  latest(kind: StreamKind, instrumentId: string): AnyItem | null {
    return this.streams.find((s) => s.kind === kind && s.instrument.id === instrumentId)?.latest ?? null;
  }

  private async loop(stream: Stream): Promise<void> {
    let giveUps = 0;
    let idle = 0;
    while (!this.stopped) {
      const items = await this.poll(stream);
      if (this.stopped) return;
      if (stream.notServedBy.size === this.providers.length) return; // no provider has this stream (journaled by poll)
      if (items === null) {
        // Every provider failed this poll: back off before the next round (bounded by the cooldown).
        giveUps++;
        await this.p.kernel.sleep(Math.max(1, this.waitForOpenCircuits(), this.backoffUs(giveUps - 1)));
        continue;
      }
      giveUps = 0;
      const fresh = await this.deliver(stream, items);
      // Items but nothing new (duplicates, frozen or skewed times): the provider would answer the
      // same at once, so wait, longer each time, before asking again.
      if (items.length > 0 && fresh === 0) await this.p.kernel.sleep(this.idleGapUs(idle++));
      else idle = 0;
    }
  }

  /** Exponential, without jitter: initial backoff doubling to the largest. */
  private idleGapUs(n: number): number {
    const { initial, max } = this.p.config.backoff;
    return Math.max(1, Math.min(max, initial * 2 ** Math.min(n, 40)));
  }

  /** One poll through the failover order; null when every provider failed it. */
  private async poll(stream: Stream): Promise<readonly AnyItem[] | null> {
    const { config, journal } = this.p;
    let attempts = 0;
    let lastReason = 'no provider available (all circuits open)';
    for (const provider of this.p.flaws?.noFailover === true ? this.providers.slice(0, 1) : this.providers) {
      if (stream.notServedBy.has(provider.endpoint.name)) continue;
      for (let attempt = 0; attempt <= config.retries; attempt++) {
        if (this.stopped) return [];
        if (!this.allow(provider)) break;
        attempts++;
        const r = await this.request(provider, stream);
        if (r.ok) {
          this.succeeded(provider);
          if (stream.lastProvider !== provider.endpoint.name) {
            this.counters.failovers++;
            journal.record('failover', this.now(), stream.name, stream.lastProvider, provider.endpoint.name);
          }
          stream.lastProvider = provider.endpoint.name;
          return r.items;
        }
        lastReason = r.reason;
        if (r.notServed === true) {
          // The provider answered, and does not have this stream: not a failure of the provider.
          stream.notServedBy.add(provider.endpoint.name);
          this.succeeded(provider);
          break;
        }
        this.failed(provider);
        if (!r.retryable || attempt === config.retries || provider.breaker.state === 'open') break;
        const retryAfterUs = this.p.flaws?.ignoreRetryAfter === true ? null : r.retryAfterUs;
        if (retryAfterUs !== null) provider.breaker.retryAfterUntilUs = this.now() + retryAfterUs;
        const delayUs = retryAfterUs ?? this.backoffUs(attempt);
        this.counters.retries++;
        journal.record('providerRetry', this.now(), provider.endpoint.name, stream.name, attempt + 1, delayUs, r.reason);
        await this.p.kernel.sleep(delayUs);
      }
    }
    if (stream.notServedBy.size === this.providers.length) lastReason = 'no provider serves this stream (404 from each)';
    this.counters.giveUps++;
    journal.record('providerGiveUp', this.now(), stream.name, attempts, lastReason);
    return null;
  }

  private async request(provider: Provider, stream: Stream): Promise<Attempt> {
    const { kernel, journal, config } = this.p;
    const { endpoint, dialect } = provider;
    const waitUs = endpoint.pollIntervalUs;
    const url = dialect.pollUrl(endpoint.baseUrl, stream.kind, stream.instrument.id, stream.watermarkUs, waitUs);
    const seq = this.requestSeq++;
    const requestUs = this.now();
    this.counters.requests++;
    journal.record('providerRequest', requestUs, endpoint.name, seq, url);
    if (provider.breaker.state === 'half-open') provider.breaker.trialInFlight = true;
    let status: number;
    let body: string;
    let headers: Readonly<Record<string, string>>;
    try {
      const res = await kernel.fetch(url, {
        method: 'GET', headers: provider.headers, timeoutUs: waitUs + config.timeout,
        onLate: (late) => {
          this.counters.lateResponses++;
          journal.record('providerLate', this.now(), endpoint.name, seq, late.requestUs);
        },
      });
      ({ status, body, headers } = res);
    } catch (e) {
      const reason = e instanceof FetchTimeoutError ? `timeout after ${e.timeoutUs} µs` : `network: ${(e as Error).message ?? String(e)}`;
      journal.record('providerError', this.now(), endpoint.name, seq, reason);
      return { ok: false, reason, retryable: true, retryAfterUs: null };
    }
    const latencyUs = this.now() - requestUs;
    if (status !== 200) {
      journal.record('providerResponse', this.now(), endpoint.name, seq, status, latencyUs, 0);
      const retryAfterUs = status === 429 || status === 503 ? this.retryAfter(provider, seq, headers['retry-after']) : null;
      const retryable = !(status === 400 || status === 401 || status === 403 || status === 404);
      return { ok: false, reason: `HTTP ${status}`, retryable, retryAfterUs, ...(status === 404 ? { notServed: true as const } : {}) };
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (e) {
      return this.rejectPayload(provider, seq, latencyUs, `malformed JSON: ${(e as Error).message}`);
    }
    const parsed = dialect.parse('poll', stream.kind, json, stream.instrument.priceDecimals);
    if (!parsed.ok) return this.rejectPayload(provider, seq, latencyUs, parsed.reason);
    journal.record('providerResponse', this.now(), endpoint.name, seq, status, latencyUs, parsed.items.length);
    return { ok: true, items: parsed.items };
  }

  private rejectPayload(provider: Provider, seq: number, latencyUs: number, reason: string): Attempt {
    const { journal } = this.p;
    this.counters.payloadRejections++;
    journal.record('providerResponse', this.now(), provider.endpoint.name, seq, 200, latencyUs, 0);
    journal.record('payloadRejected', this.now(), provider.endpoint.name, seq, reason.slice(0, 500));
    return { ok: false, reason: `bad payload: ${reason.slice(0, 200)}`, retryable: true, retryAfterUs: null };
  }

  /** Retry-After as microseconds from now: seconds, or an HTTP date against the stack's clock; null when absent or malformed. */
  private retryAfter(provider: Provider, seq: number, value: string | undefined): number | null {
    if (value === undefined) return null;
    const v = value.trim();
    if (/^\d{1,9}$/.test(v)) return Number(v) * 1_000_000;
    // An IMF-fixdate (RFC 9110): 'Sun, 06 Nov 1994 08:49:37 GMT'.
    if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) {
      const ms = Date.parse(v);
      if (Number.isFinite(ms)) return Math.max(0, ms * 1000 - this.p.clock.nowUs());
    }
    this.p.journal.record('retryAfterInvalid', this.now(), provider.endpoint.name, seq, v.slice(0, 100));
    return null;
  }

  /** Hands the new items to the subscribers; returns how many were new (not duplicates). */
  private async deliver(stream: Stream, items: readonly AnyItem[]): Promise<number> {
    const { journal, config, clock } = this.p;
    let fresh = 0;
    const provider = stream.lastProvider;
    const n = Math.min(items.length, ITEMS_PER_RESPONSE_MAX);
    // Items of one instant come together in one response: an item at the watermark is new only
    // right after the item before it in this response was taken.
    let taken = -2;
    const checks = this.p.flaws?.noDataChecks !== true;
    for (let i = 0; i < n; i++) {
      if (this.stopped) return fresh;
      const item = items[i]!;
      const t = itemTimeUs(stream.kind, item);
      const now = clock.nowUs();
      if (checks && stream.watermarkUs !== null && (t < stream.watermarkUs || (t === stream.watermarkUs && taken !== i - 1))) {
        this.counters.duplicates++;
        journal.record('duplicateData', this.now(), provider, stream.name, t);
        continue;
      }
      stream.watermarkUs = t;
      taken = i;
      fresh++;
      if (checks && now - t > config.maxStaleness) {
        this.counters.staleRejections++;
        journal.record('staleRejected', this.now(), provider, stream.name, t, now - t);
        continue;
      }
      if (checks && t - now > config.maxSkew) {
        this.counters.skewRejections++;
        journal.record('skewRejected', this.now(), provider, stream.name, t, t - now);
        continue;
      }
      stream.latest = item;
      this.counters.itemsDelivered++;
      const r = this.push(stream, item);
      if (r !== undefined) await r;
    }
    return fresh;
  }

  private push(stream: Stream, item: AnyItem): void | Promise<void> {
    const inst = stream.instrument;
    const scale = 10 ** inst.priceDecimals;
    if (stream.kind === 'bars') {
      const b = item as BarItem;
      const v: BarView = {
        instrumentId: inst.id, instrumentIndex: stream.instrumentIndex, openTimeUs: b.openTimeUs, closeTimeUs: b.closeTimeUs,
        open: b.openRaw / scale, high: b.highRaw / scale, low: b.lowRaw / scale, close: b.closeRaw / scale, volume: b.volume,
        openRaw: b.openRaw, highRaw: b.highRaw, lowRaw: b.lowRaw, closeRaw: b.closeRaw, priceDecimals: inst.priceDecimals,
      };
      return runAll(this.barHandlers, v);
    }
    if (stream.kind === 'quotes') {
      const q = item as QuoteItem;
      const v: QuoteView = {
        instrumentId: inst.id, instrumentIndex: stream.instrumentIndex, timeUs: q.timeUs, bid: q.bidRaw / scale, ask: q.askRaw / scale,
        bidRaw: q.bidRaw, askRaw: q.askRaw, bidSize: q.bidSize, askSize: q.askSize, priceDecimals: inst.priceDecimals,
      };
      return runAll(this.quoteHandlers, v);
    }
    const t = item as TradeItem;
    const v: TradeView = { instrumentId: inst.id, instrumentIndex: stream.instrumentIndex, timeUs: t.timeUs, price: t.priceRaw / scale, priceRaw: t.priceRaw, size: t.size, priceDecimals: inst.priceDecimals };
    return runAll(this.tradeHandlers, v);
  }

  // ---- circuit breaker ----

  private allow(provider: Provider): boolean {
    const b = provider.breaker;
    if (this.now() < b.retryAfterUntilUs) return false; // it asked us to wait: go elsewhere or wait
    if (b.state === 'closed') return true;
    if (b.state === 'open') {
      if (this.now() < b.openUntilUs || this.p.flaws?.breakerNeverCloses === true) return false;
      this.transition(provider, 'half-open');
      return true;
    }
    return !b.trialInFlight;
  }

  private succeeded(provider: Provider): void {
    const b = provider.breaker;
    b.failures = 0;
    b.trialInFlight = false;
    if (b.state !== 'closed') {
      this.counters.breakerCloses++;
      this.transition(provider, 'closed');
    }
  }

  private failed(provider: Provider): void {
    const b = provider.breaker;
    this.counters.failures++;
    b.failures++;
    const trial = b.state === 'half-open';
    b.trialInFlight = false;
    if (trial || (b.state === 'closed' && b.failures >= this.p.config.breaker.failures)) {
      b.openUntilUs = this.now() + this.p.config.breaker.cooldown;
      this.counters.breakerOpens++;
      this.transition(provider, 'open');
    }
  }

  private transition(provider: Provider, to: BreakerState): void {
    provider.breaker.state = to;
    this.p.journal.record('breaker', this.now(), provider.endpoint.name, to);
  }

  /** Microseconds until some provider may be asked again (open circuits, Retry-After windows); 0 when one may now. */
  private waitForOpenCircuits(): number {
    let soonest = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (const p of this.providers) {
      const b = p.breaker;
      const until = Math.max(b.state === 'open' ? b.openUntilUs : now, b.retryAfterUntilUs);
      if (until <= now) return 0;
      soonest = Math.min(soonest, until - now);
    }
    return Math.max(0, soonest);
  }

  /** Full jitter: uniform in [0, min(max, initial * multiplier^attempt)], at least 1 µs. */
  private backoffUs(attempt: number): number {
    const { initial, max, multiplier } = this.p.config.backoff;
    const cap = Math.min(max, initial * multiplier ** Math.min(attempt, 60));
    return 1 + Math.floor(this.p.rng.nextFloat() * Math.max(0, cap - 1));
  }

  /** The stack's own clock: journal times of the stack's records, circuit cooldowns. */
  private now(): number {
    return this.p.clock.nowUs();
  }
}

/** Runs handlers in subscription order; an async one makes the rest wait for it. */
async function runAll<T>(handlers: readonly ((v: T) => void | Promise<void>)[], v: T): Promise<void> {
  // A copy: a handler may await while a stack stops and its subscriptions are removed.
  for (const h of handlers.slice()) {
    const r = h(v);
    if (r !== undefined) await r;
  }
}
