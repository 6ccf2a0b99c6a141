/**
 * YAML text -> plain data, keeping where every node is: yaml's LineCounter turns node offsets into
 * 1-based line and column, so a problem at a field path can name its place in the file.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlSyntaxProblem extends Position {
  readonly message: string;
}

export interface ParsedYaml {
  /** The document as plain data (undefined when it could not be parsed or is empty). */
  readonly data: unknown;
  readonly syntaxProblems: readonly YamlSyntaxProblem[];
  /** Where a field path is in the file; see locate(). */
  locate(path: readonly PropertyKey[], at?: 'value' | 'key'): Position;
}

/** Largest alias expansion accepted: a "billion laughs" file is bad input, not a hang. */
const MAX_ALIAS_COUNT = 1_000;

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys false: the yaml package compares each key with every key before it (minutes for
  // a mapping of 100,000 keys); keyProblems() finds duplicates in one pass instead.
  // logLevel 'error': the yaml package prints no process warning of its own (they name no file or line).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error' });
  const syntaxProblems: YamlSyntaxProblem[] = [];
  const problemAt = (offset: number, message: string): void => {
    const at = lineCounter.linePos(offset);
    syntaxProblems.push({ line: at.line, column: at.col, message });
  };
  for (const e of [...doc.errors, ...doc.warnings]) problemAt(e.pos[0], `YAML: ${firstLine(e.message)}`);
  const keys = doc.errors.length === 0 ? keyProblems(doc) : [];
  for (const k of keys) problemAt(k.offset, k.message);
  syntaxProblems.sort((a, b) => a.line - b.line || a.column - b.column);
  let data: unknown;
  if (doc.errors.length === 0 && keys.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      syntaxProblems.push({ line: 1, column: 1, message: `YAML: ${(e as Error).message}` });
    }
  }
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const index = new WeakMap<YAMLMap, Map<string, Pair>>();
  return { data, syntaxProblems, locate: (path, at = 'value') => locateIn(doc, path, at, pos, index) };
}

/** The key a pair has in the plain data: what toJS names the property (null and missing keys are ''). */
function dataKey(doc: Document, key: unknown): string | null {
  const target = isAlias(key) ? key.resolve(doc) : key;
  if (target === null || target === undefined) return '';
  if (isScalar(target)) return target.value === null || target.value === undefined ? '' : String(target.value);
  return null;
}

/**
 * Keys the plain data cannot hold, in one pass over the document: a key met twice in a mapping
 * (as the data sees keys: `1` and `"1"` are one property), and a key that is a mapping or list
 * (`? [a, b]`, `{x: 1}: 2`, or an alias to one). No scenario key is one, and turning such keys into
 * data is costly: the yaml package writes each out as text, nested ones within it again, which
 * takes minutes for a few hundred nested `{? ` (a file of 3 KB). The walk keeps its own stack, so
 * a deep document cannot overflow the call stack.
 */
function keyProblems(doc: Document): { offset: number; message: string }[] {
  const out: { offset: number; message: string }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const offset = key?.range?.[0] ?? (node.range?.[0] ?? 0);
        const name = dataKey(doc, key);
        if (name === null) out.push({ offset, message: 'YAML: a mapping or list used as a key (scenario keys are names)' });
        else if (seen.has(name)) out.push({ offset, message: `YAML: Map keys must be unique: '${name}' is here again` });
        else seen.add(name);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out;
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}

/**
 * The position of `path` in the document: the value's node (or, with at = 'key', the key naming
 * it). A path that does not exist in the file (a missing key) resolves to its nearest existing
 * parent, which is where the user has to add it.
 */
function locateIn(
  doc: Document, path: readonly PropertyKey[], at: 'value' | 'key', pos: (offset: number) => Position, index: WeakMap<YAMLMap, Map<string, Pair>>,
): Position {
  let node = doc.contents as Node | null;
  let best: Position = node?.range ? pos(node.range[0]) : { line: 1, column: 1 };
  for (let i = 0; i < path.length && node !== null; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (isMap(node)) {
      const pair = pairOf(node, String(seg), index);
      if (pair === undefined) break;
      const keyNode = pair.key as Node;
      const valueNode = (pair.value as Node | null) ?? null;
      const keyPos = keyNode.range ? pos(keyNode.range[0]) : best;
      // A missing value (`key:` with nothing after it) is reported at its key.
      best = (last && at === 'key') || valueNode?.range == null ? keyPos : pos(valueNode.range[0]);
      node = valueNode;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = (node.items[seg] as Node | null | undefined) ?? null;
      if (item === null) break;
      if (item.range) best = pos(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return best;
}

/**
 * The pair of `map` whose scalar key is `key` (the first, as a search would find it), from an
 * index built on the first lookup: a file with thousands of keys gets thousands of problems, each
 * located, and a search per problem would make that quadratic.
 */
function pairOf(map: YAMLMap, key: string, index: WeakMap<YAMLMap, Map<string, Pair>>): Pair | undefined {
  let byKey = index.get(map);
  if (byKey === undefined) {
    byKey = new Map();
    for (const p of map.items) {
      if (isPair(p) && isScalar(p.key) && !byKey.has(String(p.key.value))) byKey.set(String(p.key.value), p);
    }
    index.set(map, byKey);
  }
  return byKey.get(key);
}
