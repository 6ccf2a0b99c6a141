/**
 * Raw scenario text for fuzzing, as fast-check arbitraries: YAML a person or a tool could write
 * and YAML nobody should. The built-in scenario files mutated as text (lines deleted, duplicated
 * or re-indented, values replaced, tokens and bytes inserted, the file cut short), random YAML
 * documents shaped by the scenario's JSON Schema (real keys and values, some wrong), random trees
 * of any keys, token soup, and hostile files (deep nesting, alias bombs, thousands of duplicate
 * keys, numbers of thousands of digits, BOMs, tabs, NULs, lone surrogates, CR line ends).
 *
 * harness/scenario/fuzz.test.ts mutates the built-in files as data and runs them; these mutate
 * and generate text, which is where a parser or a locator breaks.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { scenarioSchemaNode } from '../../scenario/json-schema.ts';
import { MAX_SCENARIO_BYTES } from '../../scenario/load.ts';
import type { JsonSchemaNode } from '../../scenario/unknown-keys.ts';

type Gen = fc.GeneratorValue;

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCENARIOS_DIR = join(REPO, 'scenarios');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'regressions' ? [] : yamlFiles(p);
    return name.endsWith('.yaml') ? [p] : [];
  });
}

let builtins: readonly string[] | null = null;
/** The texts of the built-in scenario files (scenarios/ and scenarios/chaos/), read once. */
export function builtinTexts(): readonly string[] {
  builtins ??= yamlFiles(SCENARIOS_DIR).map((p) => readFileSync(p, 'utf8'));
  return builtins;
}

interface Vocabulary {
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}
let vocabulary: Vocabulary | null = null;
/** Every key and every constant or enum value of the scenario's JSON Schema. */
function vocab(): Vocabulary {
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
const SCALAR_TEXTS: readonly string[] = [
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
function scalarText(g: Gen, v: unknown): string {
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

function weirdScalarText(g: Gen): string {
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

function vocabValue(g: Gen): unknown {
  const { values } = vocab();
  return values[g(fc.nat, { max: values.length - 1 })];
}

function vocabKey(g: Gen): string {
  const { keys } = vocab();
  return keys[g(fc.nat, { max: keys.length - 1 })]!;
}

/** A key: mostly real ones, sometimes a typo of one, or anything at all. */
function keyText(g: Gen): string {
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

function render(g: Gen, root: YNode): string {
  const step = g(fc.constantFrom, 2, 2, 2, 4, 1, 3);
  const text = isInline(root) ? inline(root) : block(root, 0, step);
  return `${text}\n`;
}

/** A tree of any keys and values (no schema), `depth` levels at most. */
function randomTree(g: Gen, depth: number): YNode {
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
type Wildness = 0 | 1 | 2 | 3;

/** True about `perThousand` times in a thousand at wildness 3, never at 0. */
function stray(g: Gen, w: Wildness, perThousand: number): boolean {
  return w > 0 && g(fc.nat, { max: 2999 }) < perThousand * w;
}

/** A value for a schema node: mostly one it allows, now and then (by wildness) one it does not. */
function schemaValue(g: Gen, w: Wildness, root: JsonSchemaNode, node: JsonSchemaNode, depth: number): YNode {
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

// ---- mutations of the built-in files ----

const TOKENS = [
  ':', ': ', '- ', '-', ' ', '  ', '\t', '\n', '\r\n', '\r', '#', '"', "'", '[', ']', '{', '}', ',', '&a ', '*a', '*nope', '!!str ', '!!int ',
  '!x ', '? ', '|', '>', '%YAML 1.2\n---\n', '---\n', '...\n', '<<: *a', '@', '`', '\uFEFF', '\u0000', '\uD800', '\u2028', '\u0085', '\u00a0',
  '1e999', '.nan', '9'.repeat(40), 'version: 1\n',
];

const VALUE_AT = /^(\s*(?:- )?[\w$-]+:[ \t]+)(\S.*)$/;
const FLOW_VALUE = /([\w$-]+): ([^,{}[\]\n#]+)/g;

/** Edits that keep a file YAML (a value replaced, a block deleted, an alias bomb): files that may run. */
const GENTLE = [7, 8, 13, 14, 16, 16, 16];

/** One text edit of a scenario file; `gentle`: one that keeps it YAML. */
function mutate(g: Gen, text: string, gentle: boolean): string {
  const lines = text.split('\n');
  const li = g(fc.nat, { max: Math.max(0, lines.length - 1) });
  const at = g(fc.nat, { max: text.length });
  switch (gentle ? g(fc.constantFrom, ...GENTLE) : g(fc.nat, { max: 15 })) {
    case 0: lines.splice(li, 1); return lines.join('\n');
    case 1: lines.splice(li, 0, lines[li] ?? ''); return lines.join('\n');
    case 2: { const lj = g(fc.nat, { max: lines.length - 1 }); const t = lines[li]!; lines[li] = lines[lj]!; lines[lj] = t; return lines.join('\n'); }
    case 3: lines[li] = `${g(fc.constantFrom, ' ', '  ', '\t', '   ', '    ')}${lines[li] ?? ''}`; return lines.join('\n');
    case 4: lines[li] = (lines[li] ?? '').replace(/^ {1,3}/, ''); return lines.join('\n');
    case 5: return text.slice(0, at);
    case 6: return `${text.slice(0, at)}${g(fc.constantFrom, ...TOKENS)}${text.slice(at)}`;
    case 7: case 8: case 9: return replaceValue(g, lines, li);
    case 10: { const c = String.fromCodePoint(g(fc.nat, { max: g(fc.boolean) ? 0xff : 0x10ffff })); return `${text.slice(0, at)}${c}${text.slice(at + 1)}`; }
    case 11: return text.replace(/\n/g, g(fc.constantFrom, '\r\n', '\r'));
    case 12: return `\uFEFF${text}`;
    case 13: return deleteBlock(lines, li);
    case 14: return aliasBomb(g, lines, li);
    case 15: lines.splice(li, 0, `${' '.repeat(g(fc.nat, { max: 6 }))}${keyText(g)}: ${weirdScalarText(g)}`); return lines.join('\n');
    default: return scaleNumber(g, text);
  }
}

/** Multiplies one number of the file by a factor: plausible files, far from home. */
function scaleNumber(g: Gen, text: string): string {
  const numbers = [...text.matchAll(/(?<=[:,[] )-?\d+(?:\.\d+)?(?=[,\]} \n])/g)];
  if (numbers.length === 0) return text;
  const m = numbers[g(fc.nat, { max: numbers.length - 1 })]!;
  const scaled = Number(m[0]) * g(fc.constantFrom, 2, 10, 1000, 0.5, 0.1, 0.001, -1, 0);
  return `${text.slice(0, m.index)}${scaled}${text.slice(m.index + m[0].length)}`;
}

/** Replaces one value: `key: value` at the start of a line, or one inside a flow mapping. */
function replaceValue(g: Gen, lines: string[], li: number): string {
  const line = lines[li] ?? '';
  const value = g(fc.nat, { max: 3 }) === 0 ? scalarText(g, vocabValue(g)) : weirdScalarText(g);
  const flows = [...line.matchAll(FLOW_VALUE)];
  const m = VALUE_AT.exec(line);
  if (flows.length > 0 && (m === null || g(fc.boolean))) {
    const f = flows[g(fc.nat, { max: flows.length - 1 })]!;
    const start = f.index + f[1]!.length + 2;
    lines[li] = `${line.slice(0, start)}${value}${line.slice(start + f[2]!.length)}`;
  } else if (m !== null) {
    lines[li] = `${m[1]}${value}`;
  }
  return lines.join('\n');
}

/** Deletes line `li` and the lines indented under it. */
function deleteBlock(lines: string[], li: number): string {
  const indent = (s: string): number => s.length - s.trimStart().length;
  const base = indent(lines[li] ?? '');
  let end = li + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || indent(lines[end]!) > base)) end++;
  lines.splice(li, end - li);
  return lines.join('\n');
}

/** Puts a "billion laughs" flow list in place of one value: each level aliases the last k times. */
function aliasBomb(g: Gen, lines: string[], li: number): string {
  const levels = g(fc.integer, { min: 2, max: 12 });
  const k = g(fc.integer, { min: 2, max: 12 });
  const parts = ['&l0 [lol, lol]'];
  for (let i = 1; i < levels; i++) parts.push(`&l${i} [${Array.from({ length: k }, () => `*l${i - 1}`).join(', ')}]`);
  const m = VALUE_AT.exec(lines[li] ?? '');
  const bomb = `[${parts.join(', ')}]`;
  if (m !== null) lines[li] = `${m[1]}${bomb}`;
  else lines.splice(li, 0, `description: ${bomb}`);
  return lines.join('\n');
}

// ---- hostile documents ----

function hostile(g: Gen): string {
  const base = builtinTexts()[g(fc.nat, { max: builtinTexts().length - 1 })]!;
  switch (g(fc.nat, { max: 11 })) {
    case 0: { const n = g(fc.integer, { min: 1, max: 4000 }); const open = g(fc.constantFrom, '[', '{a: ', '- [', '{? '); return `description: ${open.repeat(n)}${g(fc.boolean) ? (open === '[' ? ']' : '}').repeat(n) : ''}\n`; }
    case 1: { const n = g(fc.integer, { min: 1, max: 250 }); return Array.from({ length: n }, (_, i) => `${' '.repeat(i)}${g(fc.constantFrom, 'a:', 'market:', '-')}`).join('\n'); }
    case 2: { const n = g(fc.integer, { min: 1, max: 3000 }); return `${'- '.repeat(n)}x\n`; }
    case 3: { const n = g(fc.integer, { min: 2, max: 2000 }); const k = g(fc.constantFrom, 'version', 'market', 'seed', 'x'); return `${Array.from({ length: n }, (_, i) => `${k}: ${i}`).join('\n')}\n${base}`; }
    case 4: return base.replace(/^seed: .*$/m, `seed: ${g(fc.constantFrom, '', '-')}${'9'.repeat(g(fc.integer, { min: 1, max: 20_000 }))}`);
    case 5: return base.replace(/^description: .*$/m, `description: ${'x'.repeat(g(fc.integer, { min: 1900, max: 300_000 }))}`);
    case 6: return `${'# comment\n'.repeat(g(fc.integer, { min: 1, max: 50_000 }))}${base}`;
    case 7: return Array.from({ length: g(fc.integer, { min: 2, max: 50 }) }, () => base).join(g(fc.constantFrom, '---\n', '...\n---\n'));
    case 8: { const levels = g(fc.integer, { min: 3, max: 30 }); const k = g(fc.integer, { min: 2, max: 30 }); const lines = ['a0: &a0 [x]'];
      for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: k }, () => `*a${i - 1}`).join(', ')}]`);
      return `${lines.join('\n')}\n${base}`; }
    case 9: return `${base}\n${'x: '.repeat(g(fc.integer, { min: 1, max: 5000 }))}1\n`;
    case 10: return large(g, base);
    default: return Array.from({ length: g(fc.integer, { min: 1, max: 2000 }) }, () => g(fc.constantFrom, ...TOKENS)).join('');
  }
}

/**
 * A file near the loader's size limit (MAX_SCENARIO_BYTES, below and above it) made of the
 * constructs that cost the parser most per byte: one-character list items, empty collections,
 * distinct keys (each an unknown key to report), anchors, aliases.
 */
function large(g: Gen, base: string): string {
  const bytes = g(fc.integer, { min: MAX_SCENARIO_BYTES / 8, max: MAX_SCENARIO_BYTES + 1024 });
  const unit = g(fc.constantFrom, '1,', '[],', '{},', '"",', '*a,', 'key');
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = unit === 'key' ? `k${i}: 1\n` : unit;
    parts.push(p);
    size += p.length;
  }
  return unit === 'key' ? `${base}${parts.join('')}` : `${base}anchor: &a x\nlist: [${parts.join('')}1]\n`;
}

// ---- the arbitraries ----

/** A scenario as the loader meets it: text (loadScenarioText), or the bytes of a file (loadScenarioFile). */
export type ScenarioInput =
  | { readonly kind: 'text'; readonly how: string; readonly text: string }
  | { readonly kind: 'bytes'; readonly how: string; readonly bytes: Uint8Array };

const text = (how: string, t: string): ScenarioInput => ({ kind: 'text', how, text: t });

/** A built-in file with `min`..`max` text edits (`gentle`: edits that keep it YAML). */
export function mutatedBuiltinArb(min = 1, max = 4, gentle = false): fc.Arbitrary<ScenarioInput> {
  return fc.gen().map((g) => {
    const texts = builtinTexts();
    let t = texts[g(fc.nat, { max: texts.length - 1 })]!;
    for (let i = g(fc.integer, { min, max }); i > 0; i--) t = mutate(g, t, gentle);
    return text(gentle ? 'gently-mutated-builtin' : 'mutated-builtin', t);
  });
}

const schemaShapedArb: fc.Arbitrary<ScenarioInput> = fc.gen().map((g) => {
  const root = scenarioSchemaNode();
  const w = g(fc.constantFrom, 0, 1, 2, 3) as Wildness;
  return text('schema-shaped', render(g, schemaValue(g, w, root, root, 0)));
});

const randomTreeArb: fc.Arbitrary<ScenarioInput> = fc.gen().map((g) => text('random-tree', render(g, randomTree(g, g(fc.integer, { min: 0, max: 5 })))));

const tokenSoupArb: fc.Arbitrary<ScenarioInput> = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.constantFrom(...vocab().keys), fc.constantFrom(...SCALAR_TEXTS)), { maxLength: 80 }).map((ts) => text('token-soup', ts.join(''))),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => text('unicode', s)),
);

const hostileArb: fc.Arbitrary<ScenarioInput> = fc.gen().map((g) => text('hostile', hostile(g)));

/** File bytes: UTF-16 with and without a byte-order mark, invalid UTF-8, binary, a built-in file re-encoded. */
const bytesArb: fc.Arbitrary<ScenarioInput> = fc.gen().map((g): ScenarioInput => {
  const base = builtinTexts()[g(fc.nat, { max: builtinTexts().length - 1 })]!;
  const raw = g(fc.uint8Array, { maxLength: 300 });
  let bytes: Uint8Array;
  switch (g(fc.nat, { max: 7 })) {
    case 0: bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')]); break;
    case 1: { const b = Buffer.from(base, 'utf16le'); b.swap16(); bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), b]); break; }
    case 2: bytes = Buffer.from(base, 'utf16le'); break;
    case 3: bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(base, 'utf8')]); break;
    case 4: bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), raw]); break;
    case 5: { const b = Buffer.from(base, 'utf8'); const at = g(fc.nat, { max: b.length }); bytes = Buffer.concat([b.subarray(0, at), raw, b.subarray(at)]); break; }
    default: bytes = raw;
  }
  return { kind: 'bytes', how: 'bytes', bytes };
});

/** Every kind of scenario input, weighted toward texts that get past the YAML parser. */
export function scenarioInputArb(): fc.Arbitrary<ScenarioInput> {
  return fc.oneof(
    { weight: 5, arbitrary: mutatedBuiltinArb() },
    { weight: 4, arbitrary: schemaShapedArb },
    { weight: 2, arbitrary: randomTreeArb },
    { weight: 2, arbitrary: tokenSoupArb },
    { weight: 1, arbitrary: hostileArb },
    { weight: 1, arbitrary: bytesArb },
  );
}

export function showScenarioInput(x: ScenarioInput): string {
  return x.kind === 'text' ? `[${x.how}] ${JSON.stringify(x.text)}` : `[bytes] ${Buffer.from(x.bytes).toString('hex')}`;
}
