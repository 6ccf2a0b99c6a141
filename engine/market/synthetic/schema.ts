/**
 * Parameters of the synthetic market generators. Every field is described: the descriptions become
 * the user-facing scenario JSON Schema (`z.toJSONSchema(syntheticParamsSchema, { io: 'input' })`).
 * Cross-field rules (transition matrix shape, bar interval within the session, start price at
 * least one tick) are checked by `superRefine`, so `safeParse` reports every problem at once.
 */
import { z } from 'zod';
import { POW10 } from '../types.ts';

/** 365.25 days: the default seconds of trading time per year, for markets open around the clock. */
export const SECONDS_PER_YEAR_CONTINUOUS = 31_557_600;

const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const HH_MM_OR_24 = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export const sessionSchema = z
  .strictObject({
    open: z.string().regex(HH_MM, 'expected HH:MM').describe('Session open as local wall time HH:MM, e.g. "09:30".'),
    close: z
      .string()
      .regex(HH_MM_OR_24, 'expected HH:MM (24:00 allowed)')
      .describe('Session close as local wall time HH:MM, e.g. "16:00". A close at or before the open ends on the next day.'),
    utcOffsetMinutes: z
      .int()
      .min(-840)
      .max(840)
      .default(0)
      .describe('Local time minus UTC in minutes, fixed for the whole run (no daylight saving), e.g. -300 for New York winter time.'),
    weekdays: z
      .array(z.int().min(0).max(6))
      .min(1)
      .max(7)
      .superRefine((days, ctx) => {
        const twice = days.find((d, i) => days.indexOf(d) !== i);
        if (twice !== undefined) ctx.addIssue({ code: 'custom', message: `weekday ${twice} is listed twice` });
      })
      .default([1, 2, 3, 4, 5])
      .describe('Local weekdays on which a session opens, each listed once: 0 = Sunday ... 6 = Saturday. Default Monday to Friday.'),
  })
  .describe('Trading hours: events only inside sessions. Closed time adds no variance: a session opens at the previous close.');

export const barOutputSchema = z
  .strictObject({
    type: z.literal('bar').describe('Emit OHLCV bars.'),
    intervalUs: z.int().positive().describe('Bar length in microseconds, e.g. 60000000 for one-minute bars.'),
    periodsPerYear: z
      .number()
      .positive()
      .optional()
      .describe('When set, each bar is 1/periodsPerYear of a year (e.g. 252 for daily bars), overriding secondsPerYear.'),
    volumeMean: z.number().min(1).max(1e9).default(1_000).describe('Mean bar volume in units (shares, contracts, lots); volumes are integers >= 1.'),
  })
  .describe('Bars on a fixed grid (inside sessions: from each session open; a partial last slot is not emitted).');

export const tradeOutputSchema = z
  .strictObject({
    type: z.literal('trade').describe('Emit trade ticks.'),
    meanInterArrivalUs: z.number().positive().describe('Mean time between trades in microseconds (inter-arrival times are exponential).'),
    sizeMean: z.number().min(1).max(1e9).default(100).describe('Mean trade size in units; sizes are integers >= 1 (exponentially distributed).'),
  })
  .describe('Trade ticks with Poisson arrivals; several may share a microsecond.');

const common = {
  instrumentId: z.string().min(1).describe('Instrument id the generated data belongs to, e.g. "SYN-GBM".'),
  priceDecimals: z.int().min(0).max(9).default(2).describe('Price decimals: raw price = price * 10^priceDecimals; one tick is one raw unit.'),
  startTimeUs: z.int().min(0).describe('Epoch microseconds (UTC) of the first bar open or the earliest possible trade.'),
  startPrice: z.number().positive().describe('Price at startTimeUs, in price units (not raw); at least one tick.'),
  count: z.int().positive().max(1e12).describe('Number of bars or trades to generate.'),
  drift: z.number().min(-10).max(10).default(0).describe('Annualised drift mu of the log price process, e.g. 0.05 for 5% a year.'),
  secondsPerYear: z
    .number()
    .positive()
    .default(SECONDS_PER_YEAR_CONTINUOUS)
    .describe('Seconds of trading time per year: converts in-session elapsed time to a year fraction. 31557600 (365.25 days) for 24/7 markets; 5896800 (252 sessions of 6.5 h) for US equities.'),
  session: sessionSchema.optional().describe('Restrict events to trading sessions; omitted means continuous 24/7.'),
  output: z.discriminatedUnion('type', [barOutputSchema, tradeOutputSchema]).describe('What to emit: bars or trade ticks.'),
};

const volatility = z.number().min(0).max(10).describe('Annualised volatility sigma of the diffusion, e.g. 0.2 for 20% a year.');

export const gbmParamsSchema = z
  .strictObject({
    process: z.literal('gbm').describe('Geometric Brownian motion.'),
    ...common,
    volatility,
  })
  .describe('Geometric Brownian motion: d ln S = (mu - sigma^2/2) dt + sigma dW.');

export const jumpDiffusionParamsSchema = z
  .strictObject({
    process: z.literal('jump-diffusion').describe('Merton jump diffusion.'),
    ...common,
    volatility,
    jumpIntensity: z.number().min(0).max(1e6).describe('Expected number of jumps per year (Poisson intensity lambda).'),
    jumpMean: z.number().min(-5).max(5).describe('Mean of the log jump size, e.g. -0.05 for jumps of about -5%.'),
    jumpStd: z.number().min(0).max(5).describe('Standard deviation of the log jump size.'),
  })
  .describe('Merton jump diffusion: GBM plus compound Poisson jumps with normal log sizes; the drift is compensated so E[S_t] = S_0 e^(mu t).');

export const regimeParamsSchema = z
  .strictObject({
    process: z.literal('regime').describe('Markov-switching volatility.'),
    ...common,
    volatilities: z.array(volatility).min(2).max(16).describe('Annualised volatility of each regime, e.g. [0.1, 0.5].'),
    transition: z
      .array(z.array(z.number().min(0).max(1).describe('Probability in [0, 1].')))
      .describe('Per-step transition matrix: transition[i][j] is the probability of moving from regime i to j after a bar or trade; each row sums to 1.'),
    initialRegime: z.int().min(0).default(0).describe('Index of the regime of the first step.'),
  })
  .describe('GBM whose volatility follows a Markov chain over regimes, switching between steps.');

export const syntheticParamsSchema = z
  .discriminatedUnion('process', [gbmParamsSchema, jumpDiffusionParamsSchema, regimeParamsSchema])
  .superRefine((p, ctx) => {
    const scale = POW10[p.priceDecimals] ?? 1;
    const startRaw = p.startPrice * scale;
    if (Math.round(startRaw) < 1) {
      ctx.addIssue({ code: 'custom', path: ['startPrice'], message: `startPrice ${p.startPrice} is below one tick (${1 / scale}) at ${p.priceDecimals} decimals` });
    }
    if (startRaw > 2 ** 50) {
      ctx.addIssue({ code: 'custom', path: ['startPrice'], message: `startPrice ${p.startPrice} at ${p.priceDecimals} decimals is too large for exact raw integers` });
    }
    if (p.process === 'regime') checkRegimes(p.volatilities.length, p.transition, p.initialRegime, ctx);
    // Bars past the exact time range would stop a run midway (trade ticks have random gaps: they are checked as they run).
    if (p.output.type === 'bar') {
      const end = lastBarTimeBoundUs(p.startTimeUs, p.count, p.output.intervalUs, p.session);
      if (end > Number.MAX_SAFE_INTEGER) {
        const year = Math.round(end / (365.25 * 86_400_000_000)) + 1970;
        ctx.addIssue({ code: 'custom', path: ['count'], message: `${p.count} bars of ${p.output.intervalUs} us from startTimeUs run to about the year ${year}, past the last exact time (about 2255): use fewer bars or a shorter interval` });
      }
    }
    if (p.session !== undefined) {
      const lengthMin = sessionLengthMinutes(p.session.open, p.session.close);
      if (p.output.type === 'bar' && p.output.intervalUs > lengthMin * 60_000_000) {
        ctx.addIssue({
          code: 'custom',
          path: ['output', 'intervalUs'],
          message: `bar interval ${p.output.intervalUs} us is longer than the ${lengthMin}-minute session ${p.session.open}-${p.session.close}`,
        });
      }
    }
  });

/**
 * An upper bound of the last bar's close: the schema refuses a market past the last exact time by
 * it, and the generator checks it again (one rule, so what the schema accepts the generator
 * builds). With sessions it counts whole calendar weeks for the sessions needed, one for a partial
 * week, and one for the first session, which may open up to a week after the start.
 */
export function lastBarTimeBoundUs(startTimeUs: number, count: number, intervalUs: number, session: SessionParams | undefined): number {
  if (session === undefined) return startTimeUs + count * intervalUs;
  const perSession = Math.max(1, Math.floor((sessionLengthMinutes(session.open, session.close) * 60_000_000) / intervalUs));
  const weeks = Math.ceil(Math.ceil(count / perSession) / Math.max(1, session.weekdays.length)) + 2;
  return startTimeUs + weeks * 7 * 86_400_000_000;
}

function checkRegimes(n: number, transition: readonly (readonly number[])[], initial: number, ctx: z.RefinementCtx): void {
  if (transition.length !== n) {
    ctx.addIssue({ code: 'custom', path: ['transition'], message: `transition must have ${n} rows (one per regime), got ${transition.length}` });
  }
  transition.forEach((row, i) => {
    if (row.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['transition', i], message: `transition row ${i} must have ${n} entries, got ${row.length}` });
      return;
    }
    const sum = row.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['transition', i], message: `transition row ${i} sums to ${sum}, expected 1` });
    }
  });
  if (initial >= n) {
    ctx.addIssue({ code: 'custom', path: ['initialRegime'], message: `initialRegime ${initial} is not a regime index (0..${n - 1})` });
  }
}

/** Minutes since local midnight for "HH:MM" (already validated by the schema). */
export function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Session length in minutes; a close at or before the open ends on the next day. */
export function sessionLengthMinutes(open: string, close: string): number {
  const o = minutesOfDay(open);
  const c = minutesOfDay(close);
  return c > o ? c - o : c + 1440 - o;
}

export type SyntheticParams = z.output<typeof syntheticParamsSchema>;
export type SyntheticParamsInput = z.input<typeof syntheticParamsSchema>;
export type SessionParams = z.output<typeof sessionSchema>;
export type BarOutputParams = z.output<typeof barOutputSchema>;
export type TradeOutputParams = z.output<typeof tradeOutputSchema>;

/** Bad generator parameters: the message lists every problem with its path. */
export class SyntheticParamsError extends Error {
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(error: z.ZodError) {
    super(`invalid synthetic market parameters:\n${z.prettifyError(error)}`);
    this.name = 'SyntheticParamsError';
    this.issues = error.issues;
  }
}

/** Validates raw parameters (fail fast): returns the parsed params with defaults, or throws SyntheticParamsError. */
export function parseSyntheticParams(raw: unknown): SyntheticParams {
  const r = syntheticParamsSchema.safeParse(raw);
  if (!r.success) throw new SyntheticParamsError(r.error);
  return r.data;
}
