/**
 * SMA crossover, price against its simple moving average: long when the close crosses above
 * SMA(n) (previous close <= previous SMA and close > SMA), flat when it crosses below (previous
 * close >= previous SMA and close < SMA). The signal is taken at a bar's close; the venue's fill
 * model decides when it trades (next bar's open by default). No signal before a first cross:
 * warming up with the price already above its SMA is not a cross.
 *
 * The rolling sum runs on raw integer prices, so "close > SMA" is the exact comparison
 * close * n > sum, with no floating-point drift over long runs.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { Sma, type SmaState } from '../indicators/sma.ts';
import type { Agent, AgentContext, BarView } from '../types.ts';
import { compareMeans, crossoverTarget, instrumentIndexOf, NO_RELATION } from './resolve.ts';

export const SmaCrossoverParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id the agent trades.'),
  period: z.number().int().min(1).max(100_000).describe('SMA length in bars.'),
  allowShort: z.boolean().default(false).describe('Go short (-1) on a cross below instead of flat.'),
}).describe('Long when the close crosses above its SMA, flat (or short) when it crosses below. A close exactly equal to its SMA carries the last side: touching the average and leaving on the same side is not a cross.');
export type SmaCrossoverParams = z.input<typeof SmaCrossoverParamsSchema>;

export interface SmaCrossoverState {
  sma: SmaState;
  /** Sign of close - SMA at the previous bar; 2 before the SMA was first ready. */
  prevRelation: number;
  target: number;
}

export class SmaCrossoverAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof SmaCrossoverParamsSchema>;
  private readonly sma: Sma;
  private prevRelation = NO_RELATION;
  private target = 0;

  constructor(id: string, params: SmaCrossoverParams) {
    this.id = id;
    this.params = parseMemo(SmaCrossoverParamsSchema, params);
    this.sma = new Sma(this.params.period);
  }

  start(ctx: AgentContext): void {
    const index = instrumentIndexOf(ctx, this.params.instrument, this.id);
    const n = this.params.period;
    const shortTarget = this.params.allowShort ? -1 : 0;
    ctx.data.onBar((bar: BarView) => {
      if (bar.instrumentIndex !== index) return;
      const sma = this.sma;
      sma.add(bar.closeRaw);
      if (!sma.ready) return;
      const rel = compareMeans(bar.closeRaw, 1, sma.sum, n);
      // A tie carries the last side through: touching the average and leaving on the same side
      // is not a cross (crossoverTarget).
      if (rel === 0) return;
      const prev = this.prevRelation;
      this.prevRelation = rel;
      const next = crossoverTarget(prev, rel, this.target, shortTarget);
      if (next !== null) {
        this.target = next;
        ctx.signal(index, next);
      }
    });
  }

  snapshot(): SmaCrossoverState {
    return { sma: this.sma.snapshot(), prevRelation: this.prevRelation, target: this.target };
  }

  restore(state: unknown): void {
    const s = state as SmaCrossoverState;
    this.sma.restore(s.sma);
    this.prevRelation = s.prevRelation;
    this.target = s.target;
  }
}
