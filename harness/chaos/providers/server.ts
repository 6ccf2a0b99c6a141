/**
 * The msw handlers of the process that serve every simulated provider of every run. The transport
 * asks them directly (answer: msw's getResponse), not through a `fetch` that msw intercepts: no
 * global interceptor is installed, so other requests of the process (a stack served over HTTP)
 * go to the network untouched.
 *
 * The handlers are generic: one per dialect route, for any host under `.providers.gauntlet.test`,
 * built once (lazily, on the first run opened). A handler finds its
 * run through the `x-gauntlet-run` request header in the registry below, and its provider by the
 * host's first label; a run that is unknown or closed, a provider the run does not have, or one
 * of another dialect gets a 404. Any other path under a provider host gets a 404 too; a host that
 * is no provider's is an unhandled request, an error (the transport never sends one there).
 */
import { getResponse, http, HttpResponse, type RequestHandler } from 'msw';
import { DIALECTS, DIALECT_NAMES, type DialectName, type DialectRoute } from '../../../engine/index.ts';
import {
  INTERNAL, PROVIDER_HOST_SUFFIX, answerProviderRequest, errorAnswer, providerNameOf, type ProviderAnswer, type ProviderDecision, type ProviderSpec,
} from './provider.ts';
import type { HandlerFault } from './provider-faults.ts';
import type { ProviderTimeline } from './timeline.ts';

/** What the handlers need of an open run. Read-only: the run's state lives in its transport. */
export interface RegisteredRun {
  readonly providers: ReadonlyMap<string, ProviderSpec>;
  readonly timeline: ProviderTimeline;
}

const runs = new Map<string, RegisteredRun>();
/** The handlers, once built (ensureHandlers). */
let handlers: RequestHandler[] | null = null;
let runCounter = 0;

/** Registers a run under a new id (unique in the process). */
export function registerRun(run: RegisteredRun): string {
  const id = `run-${++runCounter}`;
  runs.set(id, run);
  return id;
}

export function unregisterRun(id: string): void {
  runs.delete(id);
}

/** How many runs are open: for tests that check runs are closed. */
export function openRunCount(): number {
  return runs.size;
}

function ensureHandlers(): RequestHandler[] {
  if (handlers !== null) return handlers;
  // One handler for every provider host, routing by the provider's dialect itself: msw matches
  // each request against its handlers in turn, so one handler instead of one per route and
  // dialect is what keeps the provider path near msw's bare ceiling.
  const routes = DIALECT_NAMES.map((dialect) => ({
    dialect,
    routes: DIALECTS[dialect].routes.map((route) => ({ route, re: new RegExp(`^${route.path.replace(':symbol', '([^/]+)')}$`) })),
  }));
  handlers = [
    http.get(`https://*${PROVIDER_HOST_SUFFIX}/*`, ({ request }) => {
      const url = new URL(request.url);
      const name = providerNameOf(url);
      const dialect = (name === null ? undefined : runs.get(request.headers.get(INTERNAL.run) ?? '')?.providers.get(name))?.dialect;
      for (const d of routes) {
        if (dialect !== undefined && d.dialect !== dialect) continue;
        for (const { route, re } of d.routes) {
          const m = re.exec(url.pathname);
          if (m !== null) return toResponse(serve(d.dialect, route, request, decodeURIComponent(m[1]!)));
        }
      }
      return undefined; // the catch-all answers 404
    }),
  ];
  handlers.push(
    http.all(`https://*${PROVIDER_HOST_SUFFIX}/*`, ({ request }) => {
      const name = providerNameOf(new URL(request.url));
      const spec = name === null ? undefined : runs.get(request.headers.get(INTERNAL.run) ?? '')?.providers.get(name);
      const dialect = DIALECTS[spec?.dialect ?? 'stocks-v2'];
      return toResponse(errorAnswer(dialect, 404, `no such endpoint: ${request.method} ${new URL(request.url).pathname}`, nowOf(request)));
    }),
  );
  return handlers;
}

/**
 * Answers a provider request with the handlers, as msw would answer it through `fetch`, without
 * the sockets: a `fetch` through msw's Node interceptor opened a TCP handle and an HTTP client per
 * request that were never let go (about 3.6 MB per provider run, so a long `check` grew by
 * gigabytes), and the interceptor, once installed, added about 1.5 ms to every other request of
 * the process (each step of a stack over HTTP). A network error answer rejects as `fetch` would.
 */
export async function answer(request: Request): Promise<Response> {
  const res = await getResponse(ensureHandlers(), request);
  if (res === undefined) throw new TypeError(`fetch failed: no handler answers ${request.method} ${request.url}`);
  if (res.type === 'error') throw new TypeError(`fetch failed: ${request.method} ${request.url}: network error`);
  return res;
}

function toResponse(a: ProviderAnswer): Response {
  return new HttpResponse(a.body, {
    status: a.status, headers: { ...a.headers, [INTERNAL.asOfUs]: String(a.asOfUs), ...(a.release === undefined ? {} : { [INTERNAL.release]: a.release }) },
  });
}

/** Reads an integer internal header; throws (a bug in the transport: msw answers 500) when malformed. */
function intHeader(request: Request, name: string, required: boolean): number | null {
  const v = request.headers.get(name);
  if (v === null) {
    if (required) throw new Error(`provider request without ${name}`);
    return null;
  }
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n)) throw new Error(`provider request header ${name}: ${v} is not an integer`);
  return n;
}

/** The request's virtual instant for answers that need nothing else of it (0 when absent). */
function nowOf(request: Request): number {
  try {
    return intHeader(request, INTERNAL.nowUs, false) ?? 0;
  } catch {
    return 0;
  }
}

function serve(dialectName: DialectName, route: DialectRoute, request: Request, symbol: string): ProviderAnswer {
  const dialect = DIALECTS[dialectName];
  const url = new URL(request.url);
  const run = runs.get(request.headers.get(INTERNAL.run) ?? '');
  const name = providerNameOf(url);
  const spec = name === null ? undefined : run?.providers.get(name);
  if (run === undefined) return errorAnswer(dialect, 404, `no open run serves ${url.host}`, nowOf(request));
  if (spec === undefined || spec.dialect !== dialectName) return errorAnswer(dialect, 404, `no such endpoint: ${request.method} ${url.pathname}`, nowOf(request));
  const decision: ProviderDecision = {
    nowUs: intHeader(request, INTERNAL.nowUs, true)!,
    limitedUntilUs: intHeader(request, INTERNAL.limitedUntilUs, false),
    replayIndex: intHeader(request, INTERNAL.replayIndex, false),
    ...(request.headers.has(INTERNAL.faults) ? { faults: JSON.parse(request.headers.get(INTERNAL.faults)!) as HandlerFault[] } : {}),
  };
  return answerProviderRequest({
    spec, timeline: run.timeline, route, symbol, method: request.method, url, decision,
    header: (h) => request.headers.get(h),
  });
}
