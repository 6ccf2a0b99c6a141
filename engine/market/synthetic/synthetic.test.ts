// Proves the generators are reproducible and isolated: the same seed gives identical batches, a
// different seed a different path, a path's prefix does not depend on `count`, drawing the market
// from the 'market' stream leaves the 'venue' stream untouched, and bad parameters are refused at
// construction with a message naming the field. Also checks every schema field is described.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Rng, RngRegistry } from '../../kernel/rng.ts';
import { US_PER_MINUTE, utcTimeUs } from '../../kernel/time.ts';
import { createSyntheticSource, SyntheticParamsError, syntheticParamsSchema, type SyntheticParamsInput } from './index.ts';
import { collectRows, rowCount } from './memory.ts';

const START = utcTimeUs(2024, 1, 2, 0, 0);

const gbmBars: SyntheticParamsInput = {
  process: 'gbm',
  instrumentId: 'SYN',
  priceDecimals: 2,
  startTimeUs: START,
  startPrice: 100,
  count: 10_000,
  volatility: 0.3,
  output: { type: 'bar', intervalUs: US_PER_MINUTE },
};

const variants: Record<string, SyntheticParamsInput> = {
  gbm: gbmBars,
  jumps: { ...gbmBars, process: 'jump-diffusion', jumpIntensity: 5000, jumpMean: -0.001, jumpStd: 0.002 },
  regimes: { ...withoutVolatility(gbmBars), process: 'regime', volatilities: [0.1, 0.6], transition: [[0.99, 0.01], [0.02, 0.98]] },
  trades: { ...gbmBars, output: { type: 'trade', meanInterArrivalUs: 250_000 } },
};

async function rows(params: SyntheticParamsInput, seed: number) {
  return collectRows(createSyntheticSource(params, Rng.derive(seed, 'market')));
}

describe('synthetic determinism', () => {
  for (const [name, params] of Object.entries(variants)) {
    it(`${name}: same seed gives identical rows, another seed a different path`, async () => {
      const a = await rows(params, 42);
      const b = await rows(params, 42);
      const c = await rows(params, 43);
      expect(rowCount(a)).toBe(10_000);
      expect(b).toEqual(a);
      const close = (r: typeof a) => (r.type === 'bar' ? r.close : r.type === 'trade' ? r.price : r.bid);
      expect(close(c)).not.toEqual(close(a));
    });
  }

  it("drawing the market from 'market' leaves the 'venue' stream unchanged", async () => {
    const quiet = new RngRegistry(2024);
    const expected = Array.from({ length: 100 }, () => quiet.stream('venue').nextFloat());

    const busy = new RngRegistry(2024);
    const venue = busy.stream('venue');
    const first = Array.from({ length: 50 }, () => venue.nextFloat());
    await collectRows(createSyntheticSource({ ...variants.jumps!, count: 20_000 } as SyntheticParamsInput, busy.stream('market')));
    const rest = Array.from({ length: 50 }, () => venue.nextFloat());
    expect([...first, ...rest]).toEqual(expected);
  });
});

describe('synthetic parameters', () => {
  const refuse = (params: unknown, field: RegExp) => {
    expect(() => createSyntheticSource(params as SyntheticParamsInput, Rng.derive(1, 'market'))).toThrow(SyntheticParamsError);
    expect(() => createSyntheticSource(params as SyntheticParamsInput, Rng.derive(1, 'market'))).toThrow(field);
  };

  it('refuses negative volatility, probabilities outside [0, 1], zero count', () => {
    refuse({ ...gbmBars, volatility: -0.1 }, /volatility/);
    refuse({ ...gbmBars, count: 0 }, /count/);
    refuse({ ...variants.regimes, transition: [[1.2, -0.2], [0.5, 0.5]] }, /transition/);
  });

  it('refuses inconsistent regimes, sub-tick prices, bars longer than the session', () => {
    refuse({ ...variants.regimes, transition: [[0.5, 0.4], [0.5, 0.5]] }, /row 0 sums to 0\.9/);
    refuse({ ...variants.regimes, transition: [[1, 0]] }, /2 rows/);
    refuse({ ...variants.regimes, initialRegime: 2 }, /initialRegime/);
    refuse({ ...gbmBars, startPrice: 0.001 }, /below one tick/);
    refuse({ ...gbmBars, session: { open: '09:30', close: '16:00' }, output: { type: 'bar', intervalUs: 86_400_000_000 } }, /longer than the 390-minute session/);
    refuse({ ...gbmBars, session: { open: '9:30', close: '16:00' } }, /HH:MM/);
    refuse({ ...gbmBars, process: 'brownian' }, /process/);
  });

  it('lists every problem at once', () => {
    const r = syntheticParamsSchema.safeParse({ ...gbmBars, volatility: -1, count: 0, priceDecimals: 12 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['count', 'priceDecimals', 'volatility']);
  });

  it('describes every field of the user-facing JSON Schema', () => {
    const schema = z.toJSONSchema(syntheticParamsSchema, { io: 'input' });
    const undescribed: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      const props = o.properties as Record<string, Record<string, unknown>> | undefined;
      if (props !== undefined) {
        for (const [k, v] of Object.entries(props)) {
          if (typeof v.description !== 'string' || v.description.length === 0) undescribed.push(`${path}.${k}`);
          visit(v, `${path}.${k}`);
        }
      }
      for (const key of ['anyOf', 'oneOf', 'allOf', 'items']) {
        const sub = o[key];
        if (Array.isArray(sub)) sub.forEach((s, i) => visit(s, `${path}.${key}[${i}]`));
        else visit(sub, `${path}.${key}`);
      }
    };
    visit(schema, '$');
    expect(undescribed).toEqual([]);
  });
});

/** A regime process takes volatilities, not one volatility: strict schemas refuse the extra key. */
function withoutVolatility<T extends { volatility?: number }>(p: T): Omit<T, 'volatility'> {
  const { volatility: _v, ...rest } = p;
  return rest;
}

describe('the exact-time bound of a market in sessions', () => {
  const WEEK_US = 7 * 86_400_000_000;
  // Near the last exact time (about the year 2255), where the schema and the generator must agree.
  it('a market the schema accepts is one the generator builds (weekdays listed twice, a start before the first session)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
      fc.integer({ min: 0, max: 30 * WEEK_US / 3_600_000_000 }),
      fc.integer({ min: 1, max: 30 * 7 * 24 }),
      fc.constantFrom('00:00', '09:30', '22:00'),
      (weekdays, hoursBeforeEnd, count, open) => {
        const params = {
          ...gbmBars, count, startTimeUs: Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % 3_600_000_000) - hoursBeforeEnd * 3_600_000_000,
          session: { open, close: '24:00', weekdays }, output: { type: 'bar' as const, intervalUs: 3_600_000_000 },
        };
        if (!syntheticParamsSchema.safeParse(params).success) return;
        expect(() => createSyntheticSource(params, Rng.derive(1, 'market'))).not.toThrow();
      },
    ), { numRuns: 2000, seed: 20261129 });
  });

  it('refuses a weekday listed twice, naming it', () => {
    const r = syntheticParamsSchema.safeParse({ ...gbmBars, session: { open: '09:30', close: '16:00', weekdays: [1, 2, 2] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['session.weekdays: weekday 2 is listed twice']);
  });
});

describe('the last batch of a market', () => {
  // A short last batch of a process that draws nothing per step stops drawing after the values its
  // rows use; the rows must be those of the same bars in a longer market (which draws the whole
  // batch), for GBM (stops early) and jump diffusion (draws the whole batch: its steps draw after).
  it.each([['gbm', gbmBars], ['jumps', variants.jumps!]])('%s: a market of any length is the prefix of a longer one', async (_name, params) => {
    const bars = async (count: number) => {
      const r = await rows({ ...params, count }, 11);
      if (r.type !== 'bar') throw new Error('expected bars');
      return r;
    };
    const long = await bars(4096 + 300);
    for (const count of [1, 2, 3, 251, 4095, 4096, 4097, 4096 + 299]) {
      const short = await bars(count);
      expect(rowCount(short)).toBe(count);
      for (const k of ['open', 'high', 'low', 'close', 'volume', 'openTimeUs'] as const) expect(short[k]).toEqual(long[k].slice(0, count));
    }
  });
});
