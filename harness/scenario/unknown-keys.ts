/**
 * Unknown keys, found by walking the data along the scenario's JSON Schema. zod's own check only
 * covers strict objects and stops at the first failing branch; this walk covers every object
 * (some engine schemas strip unknown keys silently, which would hide a typo) and knows the
 * candidate names at each place, for a "did you mean".
 *
 * Unions are narrowed by their constant-valued keys (`kind: sma-crossover`, `dataType: bar`):
 * an object is checked against the branches its discriminators match, or all branches when none
 * match (zod reports the bad discriminator itself).
 */

export interface JsonSchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly additionalProperties?: boolean | JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly oneOf?: readonly JsonSchemaNode[];
  readonly allOf?: readonly JsonSchemaNode[];
  readonly const?: unknown;
  readonly $defs?: Readonly<Record<string, JsonSchemaNode>>;
}

export interface UnknownKey {
  readonly path: readonly (string | number)[];
  readonly key: string;
  readonly known: readonly string[];
}

/** Bound on nesting: a scenario is a few levels deep; a deeper walk is a cycle or a hostile file. */
const MAX_DEPTH = 64;

export function findUnknownKeys(root: JsonSchemaNode, data: unknown): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(root, [root], data, [], out, 0);
  return out;
}

function resolve(root: JsonSchemaNode, node: JsonSchemaNode): JsonSchemaNode {
  let n = node;
  for (let i = 0; i < 32 && n.$ref !== undefined; i++) {
    const m = /^#\/\$defs\/(.+)$/.exec(n.$ref);
    const target = m === null ? undefined : root.$defs?.[decodeURIComponent(m[1]!)];
    if (target === undefined) return {};
    n = target;
  }
  return n;
}

/** The alternatives a node stands for, unions flattened, references resolved. */
function expand(root: JsonSchemaNode, nodes: readonly JsonSchemaNode[]): JsonSchemaNode[] {
  const out: JsonSchemaNode[] = [];
  const stack = [...nodes];
  for (let guard = 0; stack.length > 0 && guard < 10_000; guard++) {
    const n = resolve(root, stack.shift()!);
    const alternatives = n.anyOf ?? n.oneOf;
    if (alternatives !== undefined) stack.push(...alternatives);
    if (n.allOf !== undefined) stack.push(...n.allOf);
    if (alternatives === undefined) out.push(n);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Branches whose constant-valued properties agree with the data; all of them when none agree. */
function narrow(candidates: JsonSchemaNode[], root: JsonSchemaNode, data: Record<string, unknown>): JsonSchemaNode[] {
  const matching = candidates.filter((c) => Object.entries(c.properties ?? {}).every(([k, p]) => {
    const r = resolve(root, p);
    return r.const === undefined || data[k] === undefined || data[k] === r.const;
  }));
  return matching.length > 0 ? matching : candidates;
}

function walk(root: JsonSchemaNode, nodes: readonly JsonSchemaNode[], data: unknown, path: (string | number)[], out: UnknownKey[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  const candidates = expand(root, nodes);
  if (Array.isArray(data)) {
    const items = candidates.flatMap((c) => (c.items === undefined ? [] : [c.items]));
    if (items.length > 0) data.forEach((v, i) => walk(root, items, v, [...path, i], out, depth + 1));
    return;
  }
  if (!isPlainObject(data)) return;
  const objects = narrow(candidates.filter((c) => c.properties !== undefined || c.additionalProperties !== undefined), root, data);
  if (objects.length === 0) return;
  // An object that declares extra keys allowed (a record, a loose object) is not checked for them.
  const open = objects.filter((c) => typeof c.additionalProperties === 'object' || c.additionalProperties === true);
  const known = [...new Set(objects.flatMap((c) => Object.keys(c.properties ?? {})))];
  for (const [key, value] of Object.entries(data)) {
    const declared = objects.flatMap((c) => (c.properties?.[key] === undefined ? [] : [c.properties[key]]));
    if (declared.length > 0) {
      walk(root, declared, value, [...path, key], out, depth + 1);
    } else if (open.length > 0) {
      const extra = open.flatMap((c) => (typeof c.additionalProperties === 'object' ? [c.additionalProperties] : []));
      if (extra.length > 0) walk(root, extra, value, [...path, key], out, depth + 1);
    } else {
      out.push({ path, key, known });
    }
  }
}
