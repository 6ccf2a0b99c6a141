/**
 * Buy and hold: long (1) at the first bar it sees of its instrument, held to the end. The
 * benchmark every strategy is compared with.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import type { Agent, AgentContext } from '../types.ts';
import { instrumentIndexOf } from './resolve.ts';

export const BuyAndHoldParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id to buy.'),
});
export type BuyAndHoldParams = z.input<typeof BuyAndHoldParamsSchema>;

export interface BuyAndHoldState {
  bought: boolean;
}

export class BuyAndHoldAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof BuyAndHoldParamsSchema>;
  private s: BuyAndHoldState = { bought: false };

  constructor(id: string, params: BuyAndHoldParams) {
    this.id = id;
    this.params = parseMemo(BuyAndHoldParamsSchema, params);
  }

  start(ctx: AgentContext): void {
    const index = instrumentIndexOf(ctx, this.params.instrument, this.id);
    ctx.data.onBar((bar) => {
      if (bar.instrumentIndex !== index || this.s.bought) return;
      this.s.bought = true;
      ctx.signal(index, 1);
    });
  }

  snapshot(): BuyAndHoldState { return { ...this.s }; }
  restore(state: unknown): void { this.s = { ...(state as BuyAndHoldState) }; }
}
