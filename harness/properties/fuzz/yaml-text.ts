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
import { MAX_SCENARIO_BYTES } from '../../scenario/load.ts';
import { scenarioSchemaNode } from '../../scenario/json-schema.ts';
import { keyText, randomTree, render, SCALAR_TEXTS, scalarText, schemaValue, vocab, vocabValue, weirdScalarText, type Wildness } from './yaml-documents.ts';

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
