/**
 * EMA momentum, a regime rule rather than a cross: the agent wants to be long while EMA(fast) is
 * above EMA(slow), and flat (or short, with allowShort) while it is below; when the two are equal
 * it keeps what it has. It signals whenever what it wants changes, including at the first bar
 * both EMAs are defined (the slow one's period-th close) if the market is already trending up
 * then: unlike the crossover agents, it does not wait for a cross to join a trend. EMAs are
 * SMA-seeded (indicators/ema.ts) and run on raw prices.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { Ema, type EmaState } from '../indicators/ema.ts';
import type { Agent, AgentContext, BarView } from '../types.ts';
import { instrumentIndexOf } from './resolve.ts';

export const EmaMomentumParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id the agent trades.'),
  fast: z.number().int().min(1).max(100_000).describe('Fast EMA length in bars (alpha = 2 / (fast + 1)); shorter than slow.'),
  slow: z.number().int().min(2).max(100_000).describe('Slow EMA length in bars.'),
  allowShort: z.boolean().default(false).describe('Short (-1) while the fast EMA is below the slow one, instead of flat.'),
}).refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
export type EmaMomentumParams = z.input<typeof EmaMomentumParamsSchema>;

export interface EmaMomentumState {
  fast: EmaState;
  slow: EmaState;
  target: number;
}

export class EmaMomentumAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof EmaMomentumParamsSchema>;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private target = 0;

  constructor(id: string, params: EmaMomentumParams) {
    this.id = id;
    this.params = parseMemo(EmaMomentumParamsSchema, params);
    this.fast = new Ema(this.params.fast);
    this.slow = new Ema(this.params.slow);
  }

  start(ctx: AgentContext): void {
    const index = instrumentIndexOf(ctx, this.params.instrument, this.id);
    const shortTarget = this.params.allowShort ? -1 : 0;
    ctx.data.onBar((bar: BarView) => {
      if (bar.instrumentIndex !== index) return;
      const f = this.fast.update(bar.closeRaw);
      const s = this.slow.update(bar.closeRaw);
      if (!this.slow.ready) return;
      const want = f > s ? 1 : f < s ? shortTarget : this.target;
      if (want !== this.target) {
        this.target = want;
        ctx.signal(index, want);
      }
    });
  }

  snapshot(): EmaMomentumState {
    return { fast: this.fast.snapshot(), slow: this.slow.snapshot(), target: this.target };
  }

  restore(state: unknown): void {
    const s = state as EmaMomentumState;
    this.fast.restore(s.fast);
    this.slow.restore(s.slow);
    this.target = s.target;
  }
}
