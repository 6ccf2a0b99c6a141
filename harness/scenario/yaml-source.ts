/**
 * YAML text -> plain data, keeping where every node is: yaml's LineCounter turns node offsets into
 * 1-based line and column, so a problem at a field path can name its place in the file.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

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
  // logLevel 'error': the yaml package would otherwise print a process warning of its own (a
  // mapping or list used as a key, stringified) that names no file or line; such a key is
  // reported as an unknown key at its place instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
  const syntaxProblems: YamlSyntaxProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const at = lineCounter.linePos(e.pos[0]);
    syntaxProblems.push({ line: at.line, column: at.col, message: `YAML: ${firstLine(e.message)}` });
  }
  let data: unknown;
  if (doc.errors.length === 0) {
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
  return { data, syntaxProblems, locate: (path, at = 'value') => locateIn(doc, path, at, pos) };
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
function locateIn(doc: Document, path: readonly PropertyKey[], at: 'value' | 'key', pos: (offset: number) => Position): Position {
  let node = doc.contents as Node | null;
  let best: Position = node?.range ? pos(node.range[0]) : { line: 1, column: 1 };
  for (let i = 0; i < path.length && node !== null; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
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
