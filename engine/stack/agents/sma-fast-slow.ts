/**
 * SMA crossover, fast against slow: long when SMA(fast) crosses above SMA(slow) (previously at or
 * below, now above), flat (or short) when it crosses below (previously at or above, now below).
 * Signals at a bar's close, only on a cross: no signal while warming up, and none until both SMAs
 * have been ready for two bars. Sums run on raw integer prices, so the comparison of the two means
 * is exact (cross-multiplied).
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { Sma, type SmaState } from '../indicators/sma.ts';
import type { Agent, AgentContext, BarView } from '../types.ts';
import { compareMeans, crossoverTarget, instrumentIndexOf, NO_RELATION } from './resolve.ts';

export const SmaFastSlowParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id the agent trades.'),
  fast: z.number().int().min(1).max(100_000).describe('Fast SMA length in bars (shorter than slow).'),
  slow: z.number().int().min(2).max(100_000).describe('Slow SMA length in bars.'),
  allowShort: z.boolean().default(false).describe('Go short (-1) when the fast SMA crosses below the slow one, instead of flat.'),
}).refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] })
  .describe('Long when the fast SMA crosses above the slow one, flat (or short) when it crosses below. Equal averages carry the last side: touching is not a cross.');
export type SmaFastSlowParams = z.input<typeof SmaFastSlowParamsSchema>;

export interface SmaFastSlowState {
  fast: SmaState;
  slow: SmaState;
  /** Sign of SMA(fast) - SMA(slow) at the previous bar; 2 before both were ready. */
  prevRelation: number;
  target: number;
}

export class SmaFastSlowAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof SmaFastSlowParamsSchema>;
  private readonly fast: Sma;
  private readonly slow: Sma;
  private prevRelation = NO_RELATION;
  private target = 0;

  constructor(id: string, params: SmaFastSlowParams) {
    this.id = id;
    this.params = parseMemo(SmaFastSlowParamsSchema, params);
    this.fast = new Sma(this.params.fast);
    this.slow = new Sma(this.params.slow);
  }

  start(ctx: AgentContext): void {
    const index = instrumentIndexOf(ctx, this.params.instrument, this.id);
    const { fast: nf, slow: ns } = this.params;
    const shortTarget = this.params.allowShort ? -1 : 0;
    ctx.data.onBar((bar: BarView) => {
      if (bar.instrumentIndex !== index) return;
      this.fast.add(bar.closeRaw);
      this.slow.add(bar.closeRaw);
      if (!this.slow.ready) return;
      const rel = compareMeans(this.fast.sum, nf, this.slow.sum, ns);
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

  snapshot(): SmaFastSlowState {
    return { fast: this.fast.snapshot(), slow: this.slow.snapshot(), prevRelation: this.prevRelation, target: this.target };
  }

  restore(state: unknown): void {
    const s = state as SmaFastSlowState;
    this.fast.restore(s.fast);
    this.slow.restore(s.slow);
    this.prevRelation = s.prevRelation;
    this.target = s.target;
  }
}
