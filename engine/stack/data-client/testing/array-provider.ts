/**
 * Test support: a provider served from arrays, without msw, through a dialect's own request
 * reading and rendering, with the long-poll semantics of the simulated providers (hold until the
 * next item, or the wait). `fault` may replace any response (by request number) to drive the
 * client's retries, failover and checks. The harness's providers (harness/chaos/providers) are
 * the real thing; this keeps the engine's tests free of the harness.
 */
import type { FetchFn, TransportResponse } from '../../../kernel/settle.ts';
import { itemTimeUs, marketDataKey, type AnyItem, type Dialect, type ProviderAuth, type StreamKind } from '../dialects/dialect.ts';

export interface ArrayProviderParams {
  readonly dialect: Dialect;
  readonly baseUrl: string;
  readonly auth: ProviderAuth;
  /** Items per `${kind}:${symbol}`, in time order. */
  readonly data: Readonly<Record<string, readonly AnyItem[]>>;
  readonly priceDecimals: number;
  readonly latencyUs?: number;
  /** Replaces the response to request `seq` (counted per provider) when it returns one. */
  readonly fault?: (x: { seq: number; nowUs: number; url: string }) => Partial<TransportResponse> | 'reset' | null;
  /** Sees every request (for assertions on headers). */
  readonly onRequest?: (url: string, headers: Record<string, string>) => void;
}

export function arrayProvider(p: ArrayProviderParams): FetchFn {
  const routes = p.dialect.routes.map((r) => ({ r, re: new RegExp(`^${r.path.replace(':symbol', '([^/]+)')}$`) }));
  let seq = 0;
  return (url, init, request) => {
    const nowUs = request.nowUs;
    const n = seq++;
    const headers = init?.headers ?? {};
    p.onRequest?.(url, headers);
    const fault = p.fault?.({ seq: n, nowUs, url }) ?? null;
    if (fault === 'reset') return Promise.reject(Object.assign(new Error('connection reset'), { latencyUs: p.latencyUs ?? 0 }));
    const json = (status: number, body: unknown, latencyUs = p.latencyUs ?? 0): Promise<TransportResponse> =>
      Promise.resolve({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), latencyUs, ...(fault ?? {}) });
    if (!url.startsWith(p.baseUrl)) return Promise.reject(new Error(`no provider at ${url}`));
    const u = new URL(url);
    if (!p.dialect.authorized((name) => headers[name] ?? null, p.auth)) return json(401, p.dialect.renderError(401, 'unauthorized'));
    for (const { r, re } of routes) {
      const m = re.exec(u.pathname);
      if (m === null) continue;
      const symbol = decodeURIComponent(m[1]!);
      const q = p.dialect.readQuery(r, symbol, u.searchParams);
      if (typeof q === 'string') return json(400, p.dialect.renderError(400, q));
      const items = p.data[`${q.kind}:${symbol}`];
      if (items === undefined) return json(404, p.dialect.renderError(404, `unknown symbol ${symbol}`));
      const kind: StreamKind = q.kind;
      const t = (x: AnyItem): number => itemTimeUs(kind, x);
      let asOf = nowUs;
      if (q.route === 'poll' && q.waitUs > 0) {
        const next = items.find((x) => q.afterUs === null || t(x) > q.afterUs);
        asOf = next === undefined ? nowUs + q.waitUs : Math.max(nowUs, Math.min(t(next), nowUs + q.waitUs));
      }
      const served = items.filter((x) => t(x) <= asOf && (q.route !== 'poll' || q.afterUs === null || t(x) > q.afterUs)
        && (q.route !== 'range' || (t(x) >= q.fromUs! && t(x) <= q.toUs!)));
      const last = served[served.length - 1];
      const released = last !== undefined && t(last) === asOf && (p.latencyUs ?? 0) === 0 ? { release: { key: marketDataKey(kind, symbol), atUs: asOf } } : {};
      return json(200, p.dialect.render(q.route, kind, symbol, served, p.priceDecimals), asOf - nowUs + (p.latencyUs ?? 0)).then((r) => ({ ...r, ...released }));
    }
    return json(404, p.dialect.renderError(404, `no route ${u.pathname}`));
  };
}
