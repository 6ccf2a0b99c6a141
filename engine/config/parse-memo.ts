/**
 * Schema parses remembered by content. Every run builds its instruments, venue models, agents,
 * allocator and execution from configuration the scenario already validated, and each of those
 * parses it again with its zod schema: on a 252-bar check run, about 3% of the run. A `gauntlet
 * check` parses the same configuration thousands of times, in new objects each run.
 *
 * parseMemo(schema, input) returns what schema.parse(input) returns, as a new object graph each
 * call, so callers may keep or change what they get exactly as before. It remembers a parse only
 * when it can tell that parse from any later one by looking at the input:
 * - the input and the output are plain data: primitives, arrays without holes, and objects whose
 *   prototype is Object.prototype (or arrays') with only enumerable own properties, nested at
 *   most MAX_DEPTH deep, and the output's objects are extensible (not frozen or sealed);
 * - the output holds no object of the input (a schema that passes an object through, such as
 *   z.unknown(), is parsed every time: that object may change after the parse);
 * - the schema is a pure function of the input's data (a transform or refinement reading
 *   anything else must not use this).
 * A later input hits when it has the same own keys in the same order and the same values
 * (Object.is, so -0 and NaN are told apart from 0 and matched to themselves), at every level.
 * A failing parse throws as it did and is not remembered.
 */

/** What parseMemo needs of a schema: zod's parse. */
export interface Parser<T> {
  parse(input: unknown): T;
}

/**
 * Plain data as parseMemo keeps it, with each object's keys listed once: a comparison walks these
 * instead of asking every stored object for its keys. One class, so that the walk stays monomorphic.
 */
class Data {
  readonly kind: 'value' | 'array' | 'object';
  /** A primitive ('value'). */
  readonly value: unknown;
  /** Own keys in order ('object'). */
  readonly keys: readonly string[];
  /** Elements ('array') or the values of `keys` ('object'). */
  readonly items: readonly Data[];

  constructor(kind: Data['kind'], value: unknown, keys: readonly string[], items: readonly Data[]) {
    this.kind = kind;
    this.value = value;
    this.keys = keys;
    this.items = items;
  }
}

interface Entry {
  readonly input: Data;
  readonly output: Data;
}

/** Nesting beyond this is not remembered (configuration is a few levels deep). */
const MAX_DEPTH = 16;
/** Distinct inputs kept per schema, newest first: a check varies a few parameters at most. */
const MAX_ENTRIES = 8;
const NO_KEYS: readonly string[] = [];
const NO_ITEMS: readonly Data[] = [];

const memos = new WeakMap<object, Entry[]>();

export function parseMemo<T>(schema: Parser<T>, input: unknown): T {
  let entries = memos.get(schema);
  if (entries !== undefined) {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (sameData(e.input, input, 0)) return copyData(e.output) as T;
    }
  }
  const output = schema.parse(input);
  const inputData = toData(input, 0, false);
  const outputData = inputData === null ? null : toData(output, 0, true);
  if (inputData !== null && outputData !== null && !sharesObjects(output, input)) {
    if (entries === undefined) memos.set(schema, entries = []);
    entries.unshift({ input: inputData, output: outputData });
    if (entries.length > MAX_ENTRIES) entries.pop();
  }
  return output;
}

/**
 * `v` as Data when copyData reproduces it: primitives (no functions or symbols); arrays of
 * Array.prototype with no holes and no other own keys; objects of Object.prototype with only
 * enumerable own string keys, none '__proto__' (assigning which would set the prototype); no
 * deeper than MAX_DEPTH; extensible when asked (a frozen result must stay frozen). Else null.
 */
function toData(v: unknown, depth: number, mustBeExtensible: boolean): Data | null {
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? null : new Data('value', v, NO_KEYS, NO_ITEMS);
  if (depth >= MAX_DEPTH || (mustBeExtensible && !Object.isExtensible(v)) || Object.getOwnPropertySymbols(v).length !== 0) return null;
  const names = Object.getOwnPropertyNames(v);
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype || names.length !== v.length + 1) return null;
    const items: Data[] = [];
    for (let i = 0; i < v.length; i++) {
      if (!Object.hasOwn(v, i)) return null;
      const d = toData(v[i], depth + 1, mustBeExtensible);
      if (d === null) return null;
      items.push(d);
    }
    return new Data('array', undefined, NO_KEYS, items);
  }
  if (Object.getPrototypeOf(v) !== Object.prototype || Object.keys(v).length !== names.length || names.includes('__proto__')) return null;
  const items: Data[] = [];
  for (const k of names) {
    const d = toData((v as Record<string, unknown>)[k], depth + 1, mustBeExtensible);
    if (d === null) return null;
    items.push(d);
  }
  return new Data('object', undefined, names, items);
}

/**
 * True when a parse of `v` cannot differ from the parse of what `d` was made from: the same
 * primitives (Object.is), the same array elements, the same own keys in the same order, all
 * enumerable (what a schema reads by name or by enumeration). Symbol keys and an array's non-index
 * keys are not looked at: a schema reads neither.
 */
function sameData(d: Data, v: unknown, depth: number): boolean {
  if (d.kind === 'value') return Object.is(d.value, v);
  if (v === null || typeof v !== 'object' || depth >= MAX_DEPTH) return false;
  const items = d.items;
  if (d.kind === 'array') {
    if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype || v.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) if (!Object.hasOwn(v, i) || !sameData(items[i]!, v[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const keys = d.keys;
  const names = Object.getOwnPropertyNames(v);
  if (names.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (names[i] !== k || !Object.prototype.propertyIsEnumerable.call(v, k) || !sameData(items[i]!, (v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

/** A new object graph from Data: the same keys in the same order, the same values. */
function copyData(d: Data): unknown {
  if (d.kind === 'value') return d.value;
  const items = d.items;
  if (d.kind === 'array') {
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = copyData(items[i]!);
    return out;
  }
  const keys = d.keys;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) out[keys[i]!] = copyData(items[i]!);
  return out;
}

/** True when some object of `output` is an object of `input` (passed through by the schema). */
function sharesObjects(output: unknown, input: unknown): boolean {
  const seen = new Set<object>();
  const collect = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    for (const x of Object.values(v)) collect(x);
  };
  collect(input);
  const shared = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return false;
    return seen.has(v) || Object.values(v).some(shared);
  };
  return shared(output);
}
