// Proves that parseMemo(schema, x) is schema.parse(x): for the engine's per-run configuration
// schemas and for schemas that pass objects through, over random sequences of inputs (valid and
// not, with -0, NaN, undefined, extra and missing keys, reordered keys, the same input again,
// inputs mutated after they were parsed, results mutated by the caller), each call returns a new
// object graph equal to a fresh parse down to key order, -0 and undefined properties, or throws the
// same error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InstrumentSchema } from '../instruments/instrument.ts';
import { AgentConfigSchema } from '../stack/agents/registry.ts';
import { AllocatorConfigSchema } from '../stack/allocator/registry.ts';
import { ExecutionConfigSchema } from '../stack/execution/config.ts';
import { VenueModelsSchema } from '../venue/models/venue-models.ts';
import { parseMemo, type Parser } from './parse-memo.ts';

/** Everything a caller could tell apart: key order, -0, NaN, undefined properties, array holes, objects of the input passed through. */
function canon(v: unknown, own: ReadonlySet<object> = new Set()): string {
  if (v !== null && typeof v === 'object' && own.has(v)) return `input object ${canon(v)}`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return `${typeof v}:${String(v)}`;
  if (Array.isArray(v)) return `[${Array.from({ length: v.length }, (_, i) => (i in v ? canon(v[i], own) : 'hole')).join(',')}]`;
  const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : 'proto!';
  return `${proto}{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k], own)}`).join(',')}}${Object.isFrozen(v) ? 'frozen' : ''}`;
}

function outcome<T>(f: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

/** Objects reachable from a value (to check that a result shares nothing with an earlier one). */
function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (v !== null && typeof v === 'object' && !into.has(v)) {
    into.add(v);
    for (const x of Object.values(v)) objectsOf(x, into);
  }
  return into;
}

const num = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(-0, 0.5, Number.NaN, 1e-9, 100, 0.25));
const str = fc.constantFrom('SYN', 'ES', '', 'USD', 'EUR', 'x');
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** Inputs around each schema's domain: valid ones often, wrong ones too. */
const cases: readonly { name: string; schema: Parser<unknown>; input: fc.Arbitrary<unknown> }[] = [
  {
    name: 'instrument', schema: InstrumentSchema,
    input: fc.record({ id: str, kind: fc.constantFrom('equity', 'fx', 'future', 'bond'), priceDecimals: num, currency: maybe(str), quantityDecimals: maybe(num), tickSize: maybe(num), lotSize: maybe(num), multiplier: maybe(num), marginPerContract: maybe(num), extra: maybe(num) }, { requiredKeys: ['id', 'kind'] }),
  },
  {
    name: 'venue models', schema: VenueModelsSchema,
    input: fc.record({
      fees: fc.record({ bps: maybe(num), perUnit: maybe(num), minimum: maybe(num) }, { requiredKeys: [] }),
      fill: fc.record({ marketOnBars: maybe(fc.constantFrom('next-bar-open', 'same-bar-close', 'later')), participation: maybe(num) }, { requiredKeys: [] }),
      slippage: fc.oneof(fc.record({ model: fc.constant('none') }), fc.record({ model: fc.constant('fixed-ticks'), ticks: num }), fc.record({ model: fc.constant('bps'), bps: num })),
      latency: fc.oneof(fc.record({ model: fc.constant('constant'), orderUs: maybe(num), reportUs: maybe(num) }, { requiredKeys: ['model'] }), fc.record({ model: fc.constant('exponential'), minUs: num, meanExtraUs: num })),
    }, { requiredKeys: [] }),
  },
  {
    name: 'agent', schema: AgentConfigSchema,
    input: fc.oneof(
      fc.record({ kind: fc.constant('sma-crossover'), instrument: str, period: num, allowShort: maybe(fc.boolean()), id: maybe(str) }, { requiredKeys: ['kind', 'instrument', 'period'] }),
      fc.record({ kind: fc.constant('sma-fast-slow'), instrument: str, fast: num, slow: num }),
      fc.record({ kind: fc.constant('buy-and-hold'), instrument: str }),
    ),
  },
  {
    name: 'allocator', schema: AllocatorConfigSchema,
    input: fc.oneof(fc.record({ kind: fc.constant('fixed-quantity'), quantity: num }), fc.record({ kind: fc.constant('fraction-of-equity'), fraction: num })),
  },
  { name: 'execution', schema: ExecutionConfigSchema, input: fc.record({ timeoutUs: maybe(num), maxRetries: maybe(num) }, { requiredKeys: [] }) },
  // Passes its nested object through: must be parsed every time, since that object may change.
  { name: 'pass-through', schema: z.object({ a: z.unknown(), b: z.number().default(1) }), input: fc.record({ a: fc.record({ x: num }), b: maybe(num) }, { requiredKeys: ['a'] }) },
  { name: 'arrays and defaults', schema: z.strictObject({ xs: z.array(z.number()).default([1, 2]), tag: z.string().optional() }), input: fc.record({ xs: fc.array(num, { maxLength: 3 }), tag: maybe(str) }, { requiredKeys: [] }) },
];

/** One step of a sequence: parse a drawn input, or parse one seen before (maybe changed since), or change the last result. */
type Step = { kind: 'new'; input: unknown } | { kind: 'again'; pick: number; mutate: boolean } | { kind: 'scribble' };

describe('parseMemo', () => {
  for (const c of cases) {
    it(`is ${c.name} schema.parse, result by result`, () => {
      const step: fc.Arbitrary<Step> = fc.oneof(
        c.input.map((input) => ({ kind: 'new' as const, input })),
        fc.record({ kind: fc.constant('again' as const), pick: fc.nat(), mutate: fc.boolean() }),
        fc.constant({ kind: 'scribble' as const }),
      );
      fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
        const inputs: unknown[] = [];
        let last: unknown = null;
        for (const s of steps) {
          if (s.kind === 'scribble') {
            // A caller changing what it was given must not change what later calls get.
            if (last !== null && typeof last === 'object') (last as Record<string, unknown>).scribbled = true;
            continue;
          }
          let input: unknown;
          if (s.kind === 'new') input = structuredClone(s.input);
          else {
            if (inputs.length === 0) continue;
            input = inputs[s.pick % inputs.length];
            // The same object, changed after it was parsed: its nested parts too.
            if (s.mutate && input !== null && typeof input === 'object') {
              const o = input as Record<string, unknown>;
              const k = Object.keys(o)[0];
              if (k !== undefined && o[k] !== null && typeof o[k] === 'object') (o[k] as Record<string, unknown>).changed = 1;
              else o.changed = 1;
            }
          }
          inputs.push(input);
          const fresh = outcome(() => c.schema.parse(input));
          const before = last;
          const memo = outcome(() => parseMemo(c.schema, input));
          expect(memo.ok).toBe(fresh.ok);
          if (!memo.ok || !fresh.ok) {
            expect(memo.ok ? '' : memo.error).toBe(fresh.ok ? '' : fresh.error);
            continue;
          }
          // New objects, but for the input's own ones a schema passes through (as a parse does).
          const earlier = objectsOf(before);
          const own = objectsOf(input);
          expect(canon(memo.value, own)).toBe(canon(fresh.value, own));
          for (const o of objectsOf(memo.value)) expect(earlier.has(o) && !own.has(o)).toBe(false);
          last = memo.value;
        }
      }), { seed: 20261129, numRuns: 300 });
    });
  }

  it('parses again what it cannot tell apart by content (objects passed through, class instances, cycles)', () => {
    const schema = z.object({ a: z.unknown() });
    const shared = { x: 1 };
    const first = parseMemo(schema, { a: shared });
    expect(first.a).toBe(shared);
    shared.x = 2;
    expect(parseMemo(schema, { a: { x: 1 } }).a).toEqual({ x: 1 });
    const date = new Date(0);
    expect(parseMemo(z.object({ d: z.date() }), { d: date }).d).toBe(date);
    // Keys a schema reads by name though they are hidden from enumeration, or copies only when enumerable.
    const hidden = (o: object, k: string, value: unknown): object => Object.defineProperty(o, k, { value, enumerable: false });
    const loose = z.looseObject({ a: z.number() });
    expect(parseMemo(loose, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(canon(parseMemo(loose, hidden({ a: 1 }, 'b', 2)))).toBe(canon(loose.parse(hidden({ a: 1 }, 'b', 2))));
    const optional = z.object({ a: z.number(), b: z.number().optional() });
    expect(parseMemo(optional, { a: 1 })).toEqual({ a: 1 });
    expect(parseMemo(optional, hidden({ a: 1 }, 'b', 5))).toEqual({ a: 1, b: 5 });
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    expect(parseMemo(z.looseObject({ n: z.number() }), cyclic).self).toBe(cyclic);
  });
});
