/**
 * A run's providers and the transport the kernel fetches through.
 *
 * The transport is called synchronously at each request's virtual instant, in request order, and
 * makes every stateful or random decision there: rate-limit admission (a fixed window per provider
 * on virtual time), the latency draw (uniform in [minUs, maxUs] from rng stream `provider.<name>`,
 * one draw per request, errors included), which recorded exchange a replay serves. It passes them
 * to the handlers in internal headers, has the msw server's handlers answer the request (server.ts:
 * answer), and returns the response with its arrival on virtual time: the time the provider held the
 * request (a long poll) plus the drawn latency. Real I/O timing never enters a result, so requests
 * in flight together answer the same whatever order msw completes them in.
 */
import { DIALECTS, type FetchFn, type FetchInit, type TransportRequest, type TransportResponse } from '../../../engine/index.ts';
import { INTERNAL, INTERNAL_PREFIX, providerBaseUrl, providerNameOf, validateProviderSpec, type ProviderSpec } from './provider.ts';
import { recordableHeaders, type RecordedExchange } from './recording.ts';
import type { HandlerFault } from './provider-faults.ts';
import type { FaultRecorder } from '../../../engine/index.ts';
import { answer, registerRun, unregisterRun } from './server.ts';
import type { ProviderTimeline } from './timeline.ts';

/** The random streams a run draws from (an `RngRegistry` fits). */
export interface RngStreams {
  stream(name: string): { nextInt(min: number, max: number): number; nextFloat(): number };
}

export interface ProviderRunOptions {
  readonly providers: readonly ProviderSpec[];
  readonly timeline: ProviderTimeline;
  readonly rng: RngStreams;
  /** Receives every answered exchange, in request order (never in I/O completion order). */
  readonly record?: (exchange: RecordedExchange) => void;
  /** The fault plan's provider faults (absolute windows); draws from 'faults.provider.<name>'. */
  readonly faults?: readonly ProviderFault[];
  /** Where applied faults are recorded (the run's recorder, known once the run has started). */
  readonly recorder?: () => FaultRecorder | null;
}

/** A provider fault of the plan, resolved: absolute window and parameters in microseconds. */
export interface ProviderFault {
  readonly kind: string;
  readonly provider: string;
  readonly fromUs: number;
  readonly toUs: number;
  readonly probability: number;
  /** What the handler does (status, body, timestamps), or null for transport faults. */
  readonly handler: HandlerFault | null;
  /** Transport faults: extra latency, or a reset (refused connection). */
  readonly extraLatencyUs: number;
  readonly reset: boolean;
  /** provider-flapping: down in even phases of this length from fromUs. */
  readonly flapPeriodUs: number | null;
}

export interface ProviderCounters {
  /** Requests addressed to a provider of the run (rejections for unknown hosts not included). */
  requests: number;
  /** Answered requests by HTTP status. */
  byStatus: Record<number, number>;
  /** Per provider: requests and answers by status. */
  byProvider: Record<string, { requests: number; byStatus: Record<number, number> }>;
  /** Requests sent to a provider inside a Retry-After window it had given (a client that ignores Retry-After). */
  requestsInRetryAfter: number;
}

export interface ProviderRun {
  /** The run's id in the server's registry. */
  readonly id: string;
  readonly transport: FetchFn;
  /**
   * Unregisters the run: its handlers answer 404 from now on. Safe to call twice. Close a run once
   * its fetches have settled: a request still in real flight at close may get either answer.
   */
  close(): void;
  counters(): ProviderCounters;
}

/** Per-provider state the transport keeps: the rate-limit window and the replay cursors. */
interface ProviderState {
  readonly spec: ProviderSpec;
  readonly latency: { nextInt(min: number, max: number): number };
  windowStartUs: number;
  admittedInWindow: number;
  /** Replay: method + ' ' + url -> indices of the recording's exchanges for it, in order. */
  readonly replay: Map<string, number[]> | null;
}

/** Slots of exchanges to record, in request order; filled as responses arrive. */
interface RecordSlot {
  state: 'pending' | 'done' | 'failed';
  exchange: RecordedExchange | null;
}

export function openProviderRun(options: ProviderRunOptions): ProviderRun {
  const states = new Map<string, ProviderState>();
  for (const spec of options.providers) {
    validateProviderSpec(spec);
    if (states.has(spec.name)) throw new RangeError(`provider ${JSON.stringify(spec.name)} is given twice`);
    let replay: Map<string, number[]> | null = null;
    if (spec.recording !== undefined) {
      replay = new Map();
      spec.recording.forEach((x, i) => {
        const key = `${x.method} ${x.url}`;
        const list = replay!.get(key);
        if (list === undefined) replay!.set(key, [i]);
        else list.push(i);
      });
    }
    states.set(spec.name, { spec, latency: options.rng.stream(`provider.${spec.name}`), windowStartUs: Number.NaN, admittedInWindow: 0, replay });
  }
  const id = registerRun({ providers: new Map([...states].map(([name, s]) => [name, s.spec])), timeline: options.timeline });
  let closed = false;
  const counters: ProviderCounters = { requests: 0, byStatus: {}, byProvider: {}, requestsInRetryAfter: 0 };
  const faultRngs = new Map<string, { nextFloat(): number }>();
  // Per provider: the Retry-After windows it gave, as [from its arrival, until), decided at request time.
  const retryWindows = new Map<string, { fromUs: number; untilUs: number }[]>();
  for (const name of states.keys()) counters.byProvider[name] = { requests: 0, byStatus: {} };
  const slots: RecordSlot[] = [];
  const record = options.record;

  const flushRecords = (): void => {
    let i = 0;
    while (i < slots.length && slots[i]!.state !== 'pending') i++;
    for (const slot of slots.splice(0, i)) if (slot.exchange !== null) record!(slot.exchange);
  };

  const transport: FetchFn = (url: string, init: FetchInit | undefined, request: TransportRequest): Promise<TransportResponse> => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(new TypeError(`provider transport: ${url} is not a URL`));
    }
    const name = providerNameOf(parsed);
    const state = name === null ? undefined : states.get(name);
    if (state === undefined) {
      const known = [...states.keys()].map(providerBaseUrl).join(', ');
      return Promise.reject(new Error(`provider transport: no provider of this run serves ${url} (it has ${known === '' ? 'none' : known})`));
    }
    const spec = state.spec;
    const nowUs = request.nowUs;
    const method = (init?.method ?? 'GET').toUpperCase();
    counters.requests++;
    counters.byProvider[spec.name]!.requests++;

    if ((retryWindows.get(spec.name) ?? []).some((w) => w.fromUs <= nowUs && nowUs < w.untilUs)) counters.requestsInRetryAfter++;
    // Decisions, in request order.
    let limitedUntilUs: number | null = null;
    let replayIndex: number | null = null;
    let latencyUs: number;
    if (state.replay !== null) {
      replayIndex = state.replay.get(`${method} ${url}`)?.shift() ?? null;
      latencyUs = replayIndex === null ? state.latency.nextInt(spec.latency.minUs, spec.latency.maxUs) : spec.recording![replayIndex]!.latencyUs;
    } else {
      const { requests, windowUs } = spec.rateLimit;
      const windowStartUs = Math.floor(nowUs / windowUs) * windowUs;
      if (windowStartUs !== state.windowStartUs) {
        state.windowStartUs = windowStartUs;
        state.admittedInWindow = 0;
      }
      if (state.admittedInWindow < requests) state.admittedInWindow++;
      else limitedUntilUs = windowStartUs + windowUs;
      latencyUs = state.latency.nextInt(spec.latency.minUs, spec.latency.maxUs);
    }

    // The fault plan, drawn from the provider's own fault stream in request order.
    const handlerFaults: HandlerFault[] = [];
    let reset = false;
    for (const f of options.faults ?? []) {
      if (f.provider !== spec.name || nowUs < f.fromUs || nowUs >= f.toUs) continue;
      if (f.flapPeriodUs !== null && Math.floor((nowUs - f.fromUs) / f.flapPeriodUs) % 2 === 1) continue;
      if (f.probability < 1) {
        let rng = faultRngs.get(spec.name);
        if (rng === undefined) faultRngs.set(spec.name, rng = options.rng.stream(`faults.provider.${spec.name}`));
        if (rng.nextFloat() >= f.probability) continue;
      }
      options.recorder?.()?.applied(f.kind, spec.name, nowUs, parsed.pathname + parsed.search);
      if (f.reset) reset = true;
      latencyUs += f.extraLatencyUs;
      if (f.handler !== null) handlerFaults.push(f.handler);
    }
    if (reset) return Promise.reject(Object.assign(new Error(`connection to ${parsed.host} reset (fault plan)`), { latencyUs }));
    // A 429/503 with Retry-After (the rate limit's or the fault plan's) opens a window from its arrival.
    const status = handlerFaults.find((f) => f.kind === 'status');
    const retryUntilUs = limitedUntilUs !== null ? limitedUntilUs
      : status !== undefined && status.kind === 'status' && status.retryAfterUs !== null && !status.malformedRetryAfter ? nowUs + latencyUs + status.retryAfterUs : null;
    if (retryUntilUs !== null) {
      const windows = retryWindows.get(spec.name) ?? [];
      // Only windows still open matter: bounded by the requests of one window.
      retryWindows.set(spec.name, [...windows.filter((w) => w.untilUs > nowUs), { fromUs: nowUs + latencyUs, untilUs: retryUntilUs }]);
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(init?.headers ?? {})) {
      if (!k.toLowerCase().startsWith(INTERNAL_PREFIX)) headers[k.toLowerCase()] = v;
    }
    headers[INTERNAL.run] = id;
    headers[INTERNAL.nowUs] = String(nowUs);
    if (limitedUntilUs !== null) headers[INTERNAL.limitedUntilUs] = String(limitedUntilUs);
    if (replayIndex !== null) headers[INTERNAL.replayIndex] = String(replayIndex);
    if (handlerFaults.length > 0) headers[INTERNAL.faults] = JSON.stringify(handlerFaults);
    const slot: RecordSlot | null = record === undefined ? null : { state: 'pending', exchange: null };
    if (slot !== null) slots.push(slot);

    const exchange = async (): Promise<TransportResponse> => {
      const res = await answer(new Request(url, { method, headers, body: init?.body }));
      const body = await res.text();
      const responseHeaders: Record<string, string> = {};
      let asOfUs = nowUs;
      let release: string | null = null;
      res.headers.forEach((value, key) => {
        if (key === INTERNAL.asOfUs) asOfUs = Number(value);
        else if (key === INTERNAL.release) release = value;
        else if (!key.startsWith(INTERNAL_PREFIX)) responseHeaders[key] = value;
      });
      if (!Number.isSafeInteger(asOfUs) || asOfUs < nowUs) throw new Error(`provider ${spec.name}: answered ${url} as of ${asOfUs}, before the request at ${nowUs}`);
      const total = replayIndex === null ? asOfUs - nowUs + latencyUs : latencyUs;
      counters.byStatus[res.status] = (counters.byStatus[res.status] ?? 0) + 1;
      const mine = counters.byProvider[spec.name]!.byStatus;
      mine[res.status] = (mine[res.status] ?? 0) + 1;
      // Data of the instant it arrives at waits for the market event that makes it exist (a replay: as recorded).
      const releaseKey = replayIndex === null ? (release !== null && total === asOfUs - nowUs ? release as string : null) : spec.recording![replayIndex]!.release ?? null;
      const released = releaseKey === null ? {} : { release: { key: releaseKey, atUs: nowUs + total } };
      if (slot !== null) {
        slot.state = 'done';
        slot.exchange = {
          provider: spec.name, method, url, requestHeaders: recordableHeaders(init?.headers, DIALECTS[spec.dialect].secretHeaders), nowUs,
          status: res.status, responseHeaders, body, latencyUs: total, ...(releaseKey === null ? {} : { release: releaseKey }),
        };
      }
      return { status: res.status, headers: responseHeaders, body, latencyUs: total, ...released };
    };
    const p = exchange();
    if (slot !== null) {
      void p.then(
        () => flushRecords(),
        () => { slot.state = 'failed'; flushRecords(); },
      );
    }
    return p;
  };

  return {
    id,
    transport,
    close(): void {
      if (closed) return;
      closed = true;
      unregisterRun(id);
    },
    counters: () => structuredClone(counters),
  };
}
