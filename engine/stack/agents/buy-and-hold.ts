/**
 * Buy and hold: long at the first bar it sees (from `fromTimeUs` on, when given), held to the end.
 * The benchmark every strategy is compared with.
 */
import { z } from 'zod';
import type { Agent, AgentContext } from '../types.ts';

export const BuyAndHoldParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id to buy.'),
});
export type BuyAndHoldParams = z.input<typeof BuyAndHoldParamsSchema>;

export class BuyAndHoldAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof BuyAndHoldParamsSchema>;
  private s = { bought: false };

  constructor(id: string, params: BuyAndHoldParams) {
    this.id = id;
    this.params = BuyAndHoldParamsSchema.parse(params);
  }

  start(ctx: AgentContext): void {
    const index = ctx.instruments.findIndex((i) => i.id === this.params.instrument);
    if (index < 0) throw new RangeError(`agent ${this.id}: unknown instrument ${this.params.instrument}`);
    ctx.data.onBar((bar) => {
      if (bar.instrumentIndex !== index || this.s.bought) return;
      this.s.bought = true;
      ctx.signal(index, 1);
    });
  }

  snapshot(): { bought: boolean } { return { ...this.s }; }
  restore(state: unknown): void { this.s = { ...(state as { bought: boolean }) }; }
}
