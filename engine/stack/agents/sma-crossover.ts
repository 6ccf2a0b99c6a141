/**
 * SMA crossover, price against its simple moving average: long when the close crosses above
 * SMA(n) (previous close <= previous SMA and close > SMA), flat when it crosses below (previous
 * close >= previous SMA and close < SMA). The signal is taken at a bar's close; the venue's fill
 * model decides when it trades (next bar's open by default).
 *
 * The rolling sum runs on raw integer prices, so "close > SMA" is the exact comparison
 * close * n > sum, with no floating-point drift over long runs.
 */
import { z } from 'zod';
import type { Agent, AgentContext, BarView } from '../types.ts';

export const SmaCrossoverParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id the agent trades.'),
  period: z.number().int().min(1).max(100_000).describe('SMA length in bars.'),
  allowShort: z.boolean().default(false).describe('Go short (-1) on a cross below instead of flat.'),
});
export type SmaCrossoverParams = z.input<typeof SmaCrossoverParamsSchema>;

interface SmaState {
  window: number[];
  head: number;
  count: number;
  sum: number;
  prevClose: number;
  prevSum: number;
  target: number;
}

export class SmaCrossoverAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof SmaCrossoverParamsSchema>;
  private s: SmaState;
  private instrumentIndex = -1;

  constructor(id: string, params: SmaCrossoverParams) {
    this.id = id;
    this.params = SmaCrossoverParamsSchema.parse(params);
    this.s = { window: new Array<number>(this.params.period).fill(0), head: 0, count: 0, sum: 0, prevClose: Number.NaN, prevSum: Number.NaN, target: 0 };
  }

  start(ctx: AgentContext): void {
    this.instrumentIndex = ctx.instruments.findIndex((i) => i.id === this.params.instrument);
    if (this.instrumentIndex < 0) throw new RangeError(`agent ${this.id}: unknown instrument ${this.params.instrument}`);
    const n = this.params.period;
    const shortTarget = this.params.allowShort ? -1 : 0;
    ctx.data.onBar((bar: BarView) => {
      if (bar.instrumentIndex !== this.instrumentIndex) return;
      const s = this.s;
      const close = bar.closeRaw;
      const evicted = s.window[s.head]!;
      s.window[s.head] = close;
      s.head = s.head + 1 === n ? 0 : s.head + 1;
      s.sum += close - (s.count >= n ? evicted : 0);
      if (s.count < n) s.count++;
      if (s.count === n && s.prevSum === s.prevSum) {
        const nowAbove = close * n > s.sum;
        const nowBelow = close * n < s.sum;
        const wasAtOrBelow = s.prevClose * n <= s.prevSum;
        const wasAtOrAbove = s.prevClose * n >= s.prevSum;
        if (wasAtOrBelow && nowAbove && s.target !== 1) {
          s.target = 1;
          ctx.signal(this.instrumentIndex, 1);
        } else if (wasAtOrAbove && nowBelow && s.target !== shortTarget) {
          s.target = shortTarget;
          ctx.signal(this.instrumentIndex, shortTarget);
        }
      }
      s.prevClose = close;
      s.prevSum = s.count === n ? s.sum : Number.NaN;
    });
  }

  snapshot(): SmaState {
    return structuredClone(this.s);
  }

  restore(state: unknown): void {
    this.s = structuredClone(state as SmaState);
  }
}
