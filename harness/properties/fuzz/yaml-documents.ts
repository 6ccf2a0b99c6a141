/**
 * YAML documents for fuzzing, generated rather than mutated: a tree of nodes written out as text
 * in random styles (block and flow, anchors and aliases, indents of 1 to 4), with values from
 * edge-case scalars (numbers past every limit, YAML 1.1 look-alikes, tags, impossible times,
 * unicode) and keys from the scenario's JSON Schema (real keys, typos of them, anything at all).
 * schemaValue() walks the JSON Schema itself, so documents have the scenario's shape and reach
 * its deepest checks, straying from it as often as their wildness says.
 */
import fc from 'fast-check';
import { scenarioSchemaNode } from '../../scenario/json-schema.ts';
import type { JsonSchemaNode } from '../../scenario/unknown-keys.ts';

type Gen = fc.GeneratorValue;

interface Vocabulary {
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}
let vocabulary: Vocabulary | null = null;
/** Every key and every constant or enum value of the scenario's JSON Schema. */
export function vocab(): Vocabulary {
  if (vocabulary !== null) return vocabulary;
  const keys = new Set<string>();
  const values = new Set<unknown>();
  const walk = (n: unknown, depth: number): void => {
    if (depth > 64 || typeof n !== 'object' || n === null) return;
    if (Array.isArray(n)) { for (const x of n) walk(x, depth + 1); return; }
    const o = n as Record<string, unknown>;
    if (typeof o.properties === 'object' && o.properties !== null) for (const k of Object.keys(o.properties)) keys.add(k);
    if ('const' in o) values.add(o.const);
    if (Array.isArray(o.enum)) for (const e of o.enum) values.add(e);
    for (const v of Object.values(o)) walk(v, depth + 1);
  };
  walk(scenarioSchemaNode(), 0);
  vocabulary = { keys: [...keys].sort(), values: [...values] };
  return vocabulary;
}

// ---- scalars ----

/** Scalars as YAML text: numbers at and past every edge, YAML 1.1 look-alikes, tags, times, durations. */
export const SCALAR_TEXTS: readonly string[] = [
  '0', '-0', '1', '-1', '2', '1.5', '-1.5', '0.1', '1e3', '1E-3', '1e309', '-1e309', '1e-400', '4.9e-324', '1.7976931348623157e308',
  '9007199254740991', '9007199254740993', '-9007199254740993', '0x1F', '0o17', '0b101', '1_000', '+1', '.5', '5.', '1..2',
  '.inf', '-.inf', '.nan', '.NaN', 'NaN', 'Infinity', '-Infinity',
  'true', 'false', 'True', 'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', 'Null', 'NULL', '',
  "''", '""', '" "', '"\\t"', '"\\0"', '"\\uD800"', '"\\uFFFF"', '"\\x00"', '"\\U0001F600"', '"a\\nb"', "'it''s'",
  '!!str 1', '!!int 1', '!!int x', '!!float 1', '!!float x', '!!bool yes', '!!null x', '!!binary aGVsbG8=', '!!timestamp 2001-12-14',
  '!!map {}', '!!seq []', '!!set {a}', '!!omap [a: 1]', '!!pairs [a: 1]', '!foo bar', '!<tag:yaml.org,2002:str> x', '!!str', '! x',
  '2020-01-01', '2020-02-30', '2020-01-01T00:00:00Z', '2020-02-30T00:00:00Z', '0050-01-01T00:00:00Z', '2020-01-01T24:00:00Z',
  '2020-01-01T00:00:00.1234567Z', '2020-01-01 00:00:00', '1577836800000000', '-62135596800000000', '253402300800000000',
  '5m', '+30m', '-1s', '0s', '250ms', '1us', '366d', '367d', '999999999999us', '1y', '1.5s', '5S', ' 5s', '+', '-',
  'missing.csv', '../fixtures/market/fx-demo-eurusd-h1.csv', '../fixtures/market/fx-demo-eurusd-quotes.csv', '.', '..', '/', '/dev/null',
  'X', 'SYN', 'SPX', 'EURUSD', 'alpha', 'beta', 'USD', 'EUR', 'US', 'x'.repeat(101), 'UTC', 'Europe/Berlin', 'Mars/Olympus',
  '<<', '*', '&', '?', '-', '- -', ': :', '#', '%', '@x', '`x', '|', '>', '[', ']', '{', '}', ',', 'a: b', '- a', '"unclosed', "'unclosed",
  '\u00e9', '\u202e', '\u200b', '\u2028', '\u0085', '\uFEFF', '\u0000', '\uD800', '\uDFFF', '\uFFFE', '\u{1F600}', 'Ω≈ç√∫',
];

/** A YAML text for `v` (plain when safe, else double-quoted JSON, which YAML reads the same). */
export function scalarText(g: Gen, v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return g(fc.constantFrom, '.nan', '.NaN', 'NaN');
    if (v === Infinity) return '.inf';
    if (v === -Infinity) return '-.inf';
    return Object.is(v, -0) ? '-0' : String(v);
  }
  if (typeof v === 'string') return /^[A-Za-z_][\w./+-]*$/.test(v) && g(fc.boolean) ? v : JSON.stringify(v);
  if (v === null) return g(fc.constantFrom, 'null', '~', '');
  return JSON.stringify(v) ?? 'null';
}

export function weirdScalarText(g: Gen): string {
  switch (g(fc.nat, { max: 9 })) {
    case 0: return String(g(fc.double));
    case 1: return String(g(fc.integer, { min: -(2 ** 31), max: 2 ** 31 }));
    case 2: return `${g(fc.constantFrom, '', '-', '+')}${'9'.repeat(g(fc.integer, { min: 16, max: 400 }))}`;
    case 3: return `1e${g(fc.integer, { min: -1000, max: 1000 })}`;
    case 4: return JSON.stringify(g(fc.string, { unit: 'binary', maxLength: 20 }));
    case 5: return JSON.stringify(vocabValue(g));
    default: return g(fc.constantFrom, ...SCALAR_TEXTS);
  }
}

export function vocabValue(g: Gen): unknown {
  const { values } = vocab();
  return values[g(fc.nat, { max: values.length - 1 })];
}

function vocabKey(g: Gen): string {
  const { keys } = vocab();
  return keys[g(fc.nat, { max: keys.length - 1 })]!;
}

/** A key: mostly real ones, sometimes a typo of one, or anything at all. */
export function keyText(g: Gen): string {
  switch (g(fc.nat, { max: 9 })) {
    case 0: return JSON.stringify(g(fc.string, { maxLength: 12 }));
    case 1: { const k = vocabKey(g); return `${k.slice(0, -1)}${g(fc.constantFrom, '', 's', 'S', '_')}`; }
    case 2: return g(fc.constantFrom, '__proto__', 'constructor', 'prototype', 'toString', '<<', '? x', '"a.b"', '"[0]"', '1', '-1', 'null', 'true', '"\\u0000"', '""');
    default: return vocabKey(g);
  }
}

// ---- documents: a tree, then text with random styles ----

type YNode =
  | { readonly t: 'scalar'; readonly text: string }
  | { readonly t: 'map'; readonly entries: readonly (readonly [string, YNode])[]; readonly flow: boolean; readonly anchor: string | null }
  | { readonly t: 'seq'; readonly items: readonly YNode[]; readonly flow: boolean; readonly anchor: string | null }
  | { readonly t: 'alias'; readonly name: string };

const ANCHORS = ['a', 'b', 'c', 'x'];

function anchorOf(g: Gen): string | null {
  return g(fc.nat, { max: 39 }) === 0 ? g(fc.constantFrom, ...ANCHORS) : null;
}

function isInline(n: YNode): boolean {
  return n.t === 'scalar' || n.t === 'alias' || n.flow || (n.t === 'map' ? n.entries.length === 0 : n.items.length === 0);
}

function inline(n: YNode): string {
  switch (n.t) {
    case 'scalar': return n.text;
    case 'alias': return `*${n.name}`;
    case 'map': return `${n.anchor === null ? '' : `&${n.anchor} `}{${n.entries.map(([k, v]) => `${k}: ${inline(v)}`).join(', ')}}`;
    case 'seq': return `${n.anchor === null ? '' : `&${n.anchor} `}[${n.items.map(inline).join(', ')}]`;
  }
}

/** Block YAML of a map or list at `indent` spaces; nested collections go `step` further. */
function block(n: YNode, indent: number, step: number): string {
  const pad = ' '.repeat(indent);
  if (n.t === 'map' && !isInline(n)) {
    return n.entries.map(([k, v]) => (isInline(v)
      ? `${pad}${k}: ${inline(v)}`
      : `${pad}${k}:${anchorText(v)}\n${block(v, indent + step, step)}`)).join('\n');
  }
  if (n.t === 'seq' && !isInline(n)) {
    return n.items.map((v) => (isInline(v) ? `${pad}- ${inline(v)}` : `${pad}-${anchorText(v)}\n${block(v, indent + step, step)}`)).join('\n');
  }
  return `${pad}${inline(n)}`;
}

function anchorText(n: YNode): string {
  return (n.t === 'map' || n.t === 'seq') && n.anchor !== null ? ` &${n.anchor}` : '';
}

export function render(g: Gen, root: YNode): string {
  const step = g(fc.constantFrom, 2, 2, 2, 4, 1, 3);
  const text = isInline(root) ? inline(root) : block(root, 0, step);
  return `${text}\n`;
}

/** A tree of any keys and values (no schema), `depth` levels at most. */
export function randomTree(g: Gen, depth: number): YNode {
  const choice = depth <= 0 ? 0 : g(fc.nat, { max: 5 });
  if (choice <= 2) return g(fc.nat, { max: 24 }) === 0 ? { t: 'alias', name: g(fc.constantFrom, ...ANCHORS) } : { t: 'scalar', text: weirdScalarText(g) };
  const n = g(fc.nat, { max: 5 });
  if (choice <= 4) {
    const entries: [string, YNode][] = [];
    for (let i = 0; i < n; i++) entries.push([keyText(g), randomTree(g, depth - 1)]);
    return { t: 'map', entries, flow: g(fc.nat, { max: 3 }) === 0, anchor: anchorOf(g) };
  }
  const items: YNode[] = [];
  for (let i = 0; i < n; i++) items.push(randomTree(g, depth - 1));
  return { t: 'seq', items, flow: g(fc.nat, { max: 3 }) === 0, anchor: anchorOf(g) };
}

// ---- documents shaped by the JSON Schema ----

function resolveRef(root: JsonSchemaNode, node: JsonSchemaNode): JsonSchemaNode {
  let n = node;
  for (let i = 0; i < 16 && n.$ref !== undefined; i++) {
    const m = /^#\/\$defs\/(.+)$/.exec(n.$ref);
    const target = m === null ? undefined : root.$defs?.[decodeURIComponent(m[1]!)];
    if (target === undefined) return {};
    n = target;
  }
  return n;
}

interface SchemaBits extends JsonSchemaNode {
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

/**
 * How often a generated document strays from its schema: 0 never on purpose (a file that may
 * load), up to 3 (a wrong value every few fields). One level a document.
 */
export type Wildness = 0 | 1 | 2 | 3;

/** True about `perThousand` times in a thousand at wildness 3, never at 0. */
function stray(g: Gen, w: Wildness, perThousand: number): boolean {
  return w > 0 && g(fc.nat, { max: 2999 }) < perThousand * w;
}

/** A value for a schema node: mostly one it allows, now and then (by wildness) one it does not. */
export function schemaValue(g: Gen, w: Wildness, root: JsonSchemaNode, node: JsonSchemaNode, depth: number): YNode {
  if (depth > 14 || stray(g, w, 30)) return randomTree(g, 2);
  const n = resolveRef(root, node) as SchemaBits;
  const alternatives = n.anyOf ?? n.oneOf ?? n.allOf;
  if (alternatives !== undefined && alternatives.length > 0) return schemaValue(g, w, root, alternatives[g(fc.nat, { max: alternatives.length - 1 })]!, depth + 1);
  if (n.const !== undefined) return { t: 'scalar', text: scalarText(g, n.const) };
  if (n.enum !== undefined && n.enum.length > 0) return { t: 'scalar', text: scalarText(g, n.enum[g(fc.nat, { max: n.enum.length - 1 })]) };
  const type = Array.isArray(n.type) ? n.type[g(fc.nat, { max: n.type.length - 1 })] : n.type;
  if (type === 'object' || n.properties !== undefined) {
    const entries: [string, YNode][] = [];
    const required = new Set(n.required ?? []);
    for (const [k, child] of Object.entries(n.properties ?? {})) {
      const p = required.has(k) ? 19 : 4;
      if (g(fc.nat, { max: 19 }) < p) entries.push([k, schemaValue(g, w, root, child, depth + 1)]);
    }
    if (typeof n.additionalProperties === 'object') {
      for (let i = g(fc.nat, { max: 2 }); i > 0; i--) entries.push([keyText(g), schemaValue(g, w, root, n.additionalProperties, depth + 1)]);
    }
    if (stray(g, w, 60)) entries.push([keyText(g), randomTree(g, 1)]);
    if (entries.length > 1 && g(fc.nat, { max: 9 }) === 0) entries.reverse();
    return { t: 'map', entries, flow: depth > 1 && g(fc.nat, { max: 2 }) === 0, anchor: anchorOf(g) };
  }
  if (type === 'array') {
    const items: YNode[] = [];
    const count = stray(g, w, 60) ? g(fc.nat, { max: 120 }) : g(fc.integer, { min: 1, max: 3 });
    for (let i = 0; i < count; i++) items.push(n.items === undefined ? randomTree(g, 1) : schemaValue(g, w, root, n.items, depth + 1));
    return { t: 'seq', items, flow: depth > 1 && g(fc.nat, { max: 2 }) === 0, anchor: anchorOf(g) };
  }
  if (type === 'number' || type === 'integer') return { t: 'scalar', text: numberNear(g, w, n, type === 'integer') };
  if (type === 'boolean') return { t: 'scalar', text: g(fc.constantFrom, 'true', 'false') };
  if (type === 'null') return { t: 'scalar', text: 'null' };
  return { t: 'scalar', text: stray(g, w, 80) ? weirdScalarText(g) : scalarText(g, g(fc.constantFrom, ...STRINGS)) };
}

/** Strings a scenario's string fields take (names, times, durations, files, symbols). */
const STRINGS = [
  'X', 'SYN', 'SPX', 'EURUSD', 'alpha', 'beta', 'USD', 'a-name', '5m', '30s', '+30m', '+1d', '-1s', '1d', '2m', '10m', '3m', '250ms',
  '2024-01-02T09:30:00Z', '2020-02-30T00:00:00Z', 'UTC', 'America/New_York', 'Nowhere/City', 'date', 'Open', 'Close', 'High', 'Low',
  '../fixtures/market/fx-demo-eurusd-h1.csv', 'missing.csv', '', 'x'.repeat(300), 'secret', '${ENV_VAR}',
];

function numberNear(g: Gen, w: Wildness, n: SchemaBits, integer: boolean): string {
  const edges = [n.minimum, n.maximum, n.exclusiveMinimum, n.exclusiveMaximum].filter((x): x is number => x !== undefined);
  if (edges.length > 0 && stray(g, w, 80)) return String(edges[g(fc.nat, { max: edges.length - 1 })]! + g(fc.constantFrom, -1, 0, 1, 0.5, -1e-9));
  if (stray(g, w, 60)) return weirdScalarText(g);
  if (g(fc.nat, { max: 3 }) === 0) return String(g(fc.integer, { min: 1, max: 100 }));
  const lo = n.minimum ?? n.exclusiveMinimum ?? 0;
  const hi = Math.min(n.maximum ?? n.exclusiveMaximum ?? lo + 1000, lo + 1e6);
  const x = lo + (hi - lo) * g(fc.double, { min: 0, max: 1, noNaN: true });
  return String(integer ? Math.round(x) : x);
}
