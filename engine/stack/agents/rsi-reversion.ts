/**
 * RSI mean reversion, with Wilder's RSI (indicators/rsi.ts), evaluated at each bar's close once
 * the RSI is defined (the (period + 1)-th close), one move per bar:
 * - flat: RSI < oversold -> long (1); else, with allowShort, RSI > overbought -> short (-1);
 * - long: RSI > exitLong -> flat (0);
 * - short: RSI < exitShort -> flat (0).
 * Strict inequalities throughout: an RSI exactly at a level does not act. A long exits to flat
 * and never flips straight to short in one bar.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { Rsi, type RsiState } from '../indicators/rsi.ts';
import type { Agent, AgentContext, BarView } from '../types.ts';
import { instrumentIndexOf } from './resolve.ts';

const level = z.number().min(0).max(100);

export const RsiReversionParamsSchema = z.strictObject({
  instrument: z.string().min(1).describe('Instrument id the agent trades.'),
  period: z.number().int().min(1).max(100_000).default(14).describe('RSI length in bars (Wilder smoothing). Default 14.'),
  oversold: level.default(30).describe('Enter long when the RSI falls below this level (0..100). Default 30.'),
  exitLong: level.default(50).describe('Exit a long when the RSI rises above this level. Default 50.'),
  overbought: level.default(70).describe('With allowShort: enter short when the RSI rises above this level. Default 70.'),
  exitShort: level.default(50).describe('Exit a short when the RSI falls below this level. Default 50.'),
  allowShort: z.boolean().default(false).describe('Also trade the overbought side (short above overbought).'),
}).refine((p) => p.oversold <= p.exitLong, { message: 'oversold must not be above exitLong', path: ['oversold'] })
  .refine((p) => p.exitShort <= p.overbought, { message: 'exitShort must not be above overbought', path: ['exitShort'] });
export type RsiReversionParams = z.input<typeof RsiReversionParamsSchema>;

export interface RsiReversionState {
  rsi: RsiState;
  target: number;
}

export class RsiReversionAgent implements Agent {
  readonly id: string;
  private readonly params: z.output<typeof RsiReversionParamsSchema>;
  private readonly rsi: Rsi;
  private target = 0;

  constructor(id: string, params: RsiReversionParams) {
    this.id = id;
    this.params = parseMemo(RsiReversionParamsSchema, params);
    this.rsi = new Rsi(this.params.period);
  }

  start(ctx: AgentContext): void {
    const index = instrumentIndexOf(ctx, this.params.instrument, this.id);
    const p = this.params;
    ctx.data.onBar((bar: BarView) => {
      if (bar.instrumentIndex !== index) return;
      const r = this.rsi.update(bar.closeRaw);
      if (!this.rsi.ready) return;
      let want = this.target;
      if (this.target === 0) {
        if (r < p.oversold) want = 1;
        else if (p.allowShort && r > p.overbought) want = -1;
      } else if (this.target === 1) {
        if (r > p.exitLong) want = 0;
      } else if (r < p.exitShort) {
        want = 0;
      }
      if (want !== this.target) {
        this.target = want;
        ctx.signal(index, want);
      }
    });
  }

  snapshot(): RsiReversionState {
    return { rsi: this.rsi.snapshot(), target: this.target };
  }

  restore(state: unknown): void {
    const s = state as RsiReversionState;
    this.rsi.restore(s.rsi);
    this.target = s.target;
  }
}
