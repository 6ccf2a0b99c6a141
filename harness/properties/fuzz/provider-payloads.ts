/**
 * Boundary 3: provider payloads. A response body as the provider data client meets it (text),
 * parsed as the client does: JSON.parse (a failure is the client's 'malformed JSON' rejection of
 * the whole body), then the dialect's zod payload parsing (Dialect.parse). Bodies are what the
 * dialects themselves render for random items, then broken: a field given another type, NaN as a
 * string, a number too small, too large or negative, an impossible time, a key removed or added,
 * the body cut short or spliced with garbage, or any JSON at all.
 *
 * What must hold:
 * - parsing never throws;
 * - a rejection names where in the body: it starts with a field path ('bars.3.o', 'results.0',
 *   'body') whose parent is in the body;
 * - an accepted body hands on only what a dialect promises: positive exact raw prices, finite
 *   non-negative sizes, exact microsecond times that say what the body says (an impossible
 *   calendar time is not rolled over into another).
 */
import fc from 'fast-check';
import {
  DIALECT_NAMES, DIALECTS, formatNs, formatRfc3339Us, type AnyItem, type BarItem, type DialectName, type QuoteItem, type Route, type StreamKind, type TradeItem,
} from '../../../engine/index.ts';
import { runFuzz, type FuzzOptions, type FuzzResult, type Verdict } from './fuzz-run.ts';

type Gen = fc.GeneratorValue;

export interface PayloadInput {
  readonly dialect: DialectName;
  readonly route: Route;
  readonly kind: StreamKind;
  readonly priceDecimals: number;
  /** The response body as text, as it came over the wire. */
  readonly body: string;
}

/** 1970..2255: what a provider may send and a µs number holds exactly. */
const TIME_MAX_US = 9_000_000_000_000_000;

const WEIRD: readonly unknown[] = [
  null, true, false, 0, -0, -1, 1, 0.5, 1e-12, 1e-320, 5e-324, -5e-324, 1e15, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2,
  'NaN', 'nan', 'Infinity', '-Infinity', '', ' ', '0', '-1', '1e5', '1.5', '0.0', '00.1', '1.', '.5', '+1', '9'.repeat(30), '9'.repeat(400),
  '2020-01-01T00:00:00Z', '2020-02-30T00:00:00Z', '2020-13-01T00:00:00Z', '2020-01-01T24:00:00Z', '2020-01-01T23:59:60Z', '0050-01-01T00:00:00Z',
  '2020-01-01T00:00:00.0000001Z', '2020-01-01T00:00:00.000001Z', '2020-01-01T00:00:00+01:00', '1577836800000000000', '1577836800000000001',
  '-1000', '9'.repeat(22), '9'.repeat(23), '0x10', [], {}, [1], { a: 1 }, 'x'.repeat(2000), '\u0000', '\uD800', '__proto__',
];

function randomItem(g: Gen, kind: StreamKind, d: number): AnyItem {
  const t = g(fc.integer, { min: 0, max: TIME_MAX_US / 1000 }) * 1000 + (g(fc.boolean) ? 0 : g(fc.nat, { max: 999 }));
  const price = (): number => g(fc.integer, { min: 1, max: g(fc.boolean) ? 10 ** Math.min(15, d + 5) : 2 ** 53 - 1 });
  const size = (): number => (g(fc.boolean) ? g(fc.nat, { max: 1_000_000 }) : g(fc.double, { min: 0, max: 1e9, noNaN: true }));
  if (kind === 'bars') {
    const [a, b, c, e] = [price(), price(), price(), price()].sort((x, y) => x - y);
    return { openTimeUs: t, closeTimeUs: t + g(fc.constantFrom, 60_000_000, 1_000_000, 86_400_000_000), openRaw: b!, highRaw: e!, lowRaw: a!, closeRaw: c!, volume: size() } satisfies BarItem;
  }
  if (kind === 'quotes') {
    const [bid, ask] = [price(), price()].sort((x, y) => x - y);
    return { timeUs: t, bidRaw: bid!, askRaw: ask!, bidSize: size(), askSize: size() } satisfies QuoteItem;
  }
  return { timeUs: t, priceRaw: price(), size: size() } satisfies TradeItem;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a node of `v` (the root included). */
function nodePaths(v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => nodePaths(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) nodePaths(x, [...path, k], out);
  return out;
}

/** One structural edit of a JSON body, in place; returns the (possibly new) root. */
function mutateBody(g: Gen, body: Json): Json {
  const paths = nodePaths(body);
  const path = paths[g(fc.nat, { max: paths.length - 1 })]!;
  if (path.length === 0) return g(fc.nat, { max: 3 }) === 0 ? [body] : (g(fc.constantFrom, ...WEIRD) as Json);
  let parent = body as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const value = parent[last];
  switch (g(fc.nat, { max: 7 })) {
    case 0: if (Array.isArray(parent)) parent.splice(last as number, 1); else delete parent[last]; break;
    case 1: if (typeof value === 'number') parent[last] = value * g(fc.constantFrom, -1, 0, 1e-9, 1e9, 1e300, 0.1, 1.000000001); else parent[last] = g(fc.constantFrom, ...WEIRD) as Json; break;
    case 2: if (typeof value === 'string') parent[last] = g(fc.constantFrom, `${value}0`, value.slice(1), `-${value}`, value.replace(/\d/, (c) => String((Number(c) + 1) % 10)), ` ${value}`, `${value}Z`); break;
    case 3: if (typeof value === 'object' && value !== null && !Array.isArray(value)) (value as Record<string, Json>)[g(fc.constantFrom, 'x', '__proto__', 'constructor', '', 'T', 'o ')] = 1; break;
    case 4: if (Array.isArray(value) && value.length > 0) value.push(...value.slice(0, g(fc.integer, { min: 1, max: value.length }))); break;
    default: parent[last] = g(fc.constantFrom, ...WEIRD) as Json; break;
  }
  return body;
}

/** One edit of the body's text: cut short, a byte changed, garbage spliced in, a number made bare NaN. */
function mutateText(g: Gen, text: string): string {
  const at = g(fc.nat, { max: text.length });
  switch (g(fc.nat, { max: 5 })) {
    case 0: return text.slice(0, at);
    case 1: return `${text.slice(0, at)}${g(fc.constantFrom, '{', '}', '[', ']', ',', ':', '"', '\\', 'NaN', 'Infinity', '-', '\u0000', '\uFEFF', ' ', '\n', 'null')}${text.slice(at)}`;
    case 2: return text.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/i, g(fc.constantFrom, 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '01', '.5', '+1'));
    case 3: return `\uFEFF${text}`;
    case 4: return `${g(fc.constantFrom, '[', '{"a":')}`.repeat(g(fc.integer, { min: 1, max: 20_000 }));
    default: return `${text.slice(0, at)}${text.slice(at + 1)}`;
  }
}

function payloadInput(g: Gen): PayloadInput {
  const dialect: DialectName = g(fc.constantFrom, ...DIALECT_NAMES);
  const route = g(fc.constantFrom, 'poll', 'range', 'latest') as Route;
  const kind = g(fc.constantFrom, 'bars', 'quotes', 'trades') as StreamKind;
  const d = g(fc.integer, { min: 0, max: 9 });
  let body: Json;
  if (g(fc.nat, { max: 9 }) === 0) {
    body = g(fc.jsonValue) as Json;
  } else {
    const items = Array.from({ length: g(fc.nat, { max: g(fc.boolean) ? 3 : 40 }) }, () => randomItem(g, kind, d));
    // A dialect renders raw prices as it would send them; an item's own render is the valid body.
    body = JSON.parse(JSON.stringify(DIALECTS[dialect].render(route === 'range' ? 'poll' : route, kind, 'X', items as never, d))) as Json;
    for (let i = g(fc.constantFrom, 0, 0, 1, 1, 2, 3); i > 0; i--) body = mutateBody(g, body);
  }
  let text = JSON.stringify(body) ?? 'null';
  if (g(fc.nat, { max: 4 }) === 0) text = mutateText(g, text);
  return { dialect, route, kind, priceDecimals: d, body: text };
}

export function payloadInputArb(): fc.Arbitrary<PayloadInput> {
  return fc.gen().map(payloadInput);
}

export function showPayloadInput(x: PayloadInput): string {
  return `${x.dialect} ${x.route} ${x.kind} d=${x.priceDecimals} ${x.body}`;
}

const crash = (message: string): Verdict => ({ kind: 'crash', message });

/** The body's value at a dotted path (numbers index lists); undefined when it is not there. */
function at(body: unknown, segments: readonly string[]): { found: boolean } {
  let v = body;
  for (const s of segments) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, s)) return { found: false };
    v = (v as Record<string, unknown>)[s];
  }
  return { found: true };
}

/** Why a rejection does not say where in the body; null when it does. */
function reasonGap(reason: string, body: unknown): string | null {
  const m = /^([^\s:]+): \S/.exec(reason);
  if (m === null) return `rejection without a field path: ${JSON.stringify(reason.slice(0, 200))}`;
  if (m[1] === 'body') return null;
  const segments = m[1]!.split('.');
  // The field itself may be missing (that is the problem); its parent must be in the body.
  if (!at(body, segments.slice(0, -1)).found) return `rejection names ${m[1]}, which is not in the body: ${JSON.stringify(reason.slice(0, 200))}`;
  return null;
}

/** An RFC 3339 text in the form formatRfc3339Us writes (microseconds, Z). */
function normalRfc3339(s: string): string {
  const m = /^(.{19})(?:\.(\d{1,9}))?Z$/.exec(s);
  return m === null ? s : `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 6)}Z`;
}

/** Why an accepted item breaks what the dialect promises; null when it keeps it. */
function itemGap(x: PayloadInput, raw: Record<string, unknown>, item: AnyItem): string | null {
  const price = (v: number): boolean => Number.isSafeInteger(v) && v > 0;
  const size = (v: number): boolean => Number.isFinite(v) && v >= 0;
  const time = (us: number, text: unknown): string | null => {
    if (!Number.isSafeInteger(us)) return `time ${us} is not an exact microsecond`;
    // Epoch nanoseconds may carry leading zeros: the same number.
    const said = x.dialect === 'stocks-v2' ? normalRfc3339(String(text)) : String(BigInt(String(text)));
    const read = x.dialect === 'stocks-v2' ? formatRfc3339Us(us) : formatNs(us);
    return said === read ? null : `time ${JSON.stringify(text)} was read as ${read}`;
  };
  const v2 = x.dialect === 'stocks-v2';
  if (x.kind === 'bars') {
    const b = item as BarItem;
    if (![b.openRaw, b.highRaw, b.lowRaw, b.closeRaw].every(price)) return `bar prices ${b.openRaw} ${b.highRaw} ${b.lowRaw} ${b.closeRaw}`;
    if (!size(b.volume)) return `bar volume ${b.volume}`;
    return time(b.openTimeUs, v2 ? raw.t : raw.s) ?? time(b.closeTimeUs, v2 ? raw.ct : raw.e);
  }
  if (x.kind === 'quotes') {
    const q = item as QuoteItem;
    if (!price(q.bidRaw) || !price(q.askRaw)) return `quote prices ${q.bidRaw} ${q.askRaw}`;
    if (!size(q.bidSize) || !size(q.askSize)) return `quote sizes ${q.bidSize} ${q.askSize}`;
    return time(q.timeUs, raw.t);
  }
  const t = item as TradeItem;
  if (!price(t.priceRaw) || !size(t.size)) return `trade price ${t.priceRaw} size ${t.size}`;
  return time(t.timeUs, raw.t);
}

function checkPayload(x: PayloadInput): Verdict {
  let json: unknown;
  try {
    json = JSON.parse(x.body);
  } catch {
    // The client rejects the whole body: 'malformed JSON' (provider-data-client.ts), located at the body.
    return { kind: 'ok', outcome: 'malformed-json' };
  }
  const r = DIALECTS[x.dialect].parse(x.route, x.kind, json, x.priceDecimals);
  if (!r.ok) {
    const gap = reasonGap(r.reason, json);
    return gap === null ? { kind: 'ok', outcome: `${x.dialect}/rejected` } : crash(gap);
  }
  const list = rawItems(x, json);
  if (list.length !== r.items.length) return { kind: 'violation', message: `${list.length} items in the body, ${r.items.length} handed on` };
  for (let i = 0; i < r.items.length; i++) {
    const gap = itemGap(x, list[i]!, r.items[i]!);
    if (gap !== null) return { kind: 'violation', message: `item ${i} accepted: ${gap}` };
  }
  return { kind: 'ok', outcome: `${x.dialect}/accepted` };
}

/** The items of an accepted body as written (to compare what was read with what was said). */
function rawItems(x: PayloadInput, json: unknown): Record<string, unknown>[] {
  const o = json as Record<string, unknown>;
  const singular = { bars: 'bar', quotes: 'quote', trades: 'trade' } as const;
  if (x.dialect === 'stocks-v2') {
    if (x.route === 'latest') { const one = o[singular[x.kind]]; return one === null ? [] : [one as Record<string, unknown>]; }
    return o[x.kind] as Record<string, unknown>[];
  }
  if (x.route === 'latest') return o.results === null ? [] : [o.results as Record<string, unknown>];
  return o.results as Record<string, unknown>[];
}

/** Fuzzes the dialects' payload parsing with `runs` bodies. */
export async function fuzzProviderPayloads(opts: FuzzOptions): Promise<FuzzResult> {
  return runFuzz(payloadInputArb(), checkPayload, { ...opts, show: showPayloadInput });
}
