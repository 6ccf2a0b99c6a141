/**
 * Volatility target: scales the position so that its expected annualised volatility is the
 * target. From each instrument's bar closes it keeps the sample standard deviation of simple
 * returns (close / previous close - 1) over `lookback` returns, annualised by sqrt(periodsPerYear);
 * the target notional is then
 *   signal x equity x min(maxLeverage, targetVolatility / realised volatility)
 * (maxLeverage when the realised volatility is 0), converted and rounded like fraction-of-equity:
 * toward zero to whole lots, never above the notional budget.
 *
 * Until `lookback` returns have been seen there is no estimate and the target is flat; when the
 * estimate becomes ready, onBar() says so and the reference stack re-allocates the instrument's
 * current signal, so a signal that came during warm-up (buy-and-hold's only one) is not lost.
 * Later changes of the estimate act at the next signal: positions are not resized every bar.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import { RollingStd, type RollingStdState } from '../indicators/rolling-std.ts';
import { capQuantityRaw, lotsWithinNotional, maxQuantityField, type AllocationParams, type Allocator } from './allocator.ts';

export const VolatilityTargetAllocatorSchema = z.strictObject({
  kind: z.literal('volatility-target').describe('Target notional = signal x equity x min(maxLeverage, targetVolatility / realised volatility).'),
  targetVolatility: z.number().positive().max(10).describe('Target annualised volatility as a fraction (0.15 = 15% a year).'),
  lookback: z.number().int().min(2).max(100_000).default(20).describe('Returns in the rolling standard deviation, in bars. Default 20.'),
  periodsPerYear: z.number().positive().max(1e8).default(252).describe('Bars per year, to annualise (252 for daily equity bars, 252 x 390 for minute bars). Default 252.'),
  maxLeverage: z.number().positive().max(100).default(1).describe('Cap on the notional as a multiple of equity (applies when realised volatility is low). Default 1.'),
  maxQuantity: maxQuantityField,
});
export type VolatilityTargetAllocatorConfig = Omit<z.input<typeof VolatilityTargetAllocatorSchema>, 'kind'>;

interface PerInstrument {
  /** Previous close (raw); 0 before the first. */
  prevClose: number;
  std: RollingStdState;
}

export interface VolatilityTargetState {
  /** Per instrument index; null for instruments not seen yet. */
  instruments: (PerInstrument | null)[];
}

export class VolatilityTargetAllocator implements Allocator {
  readonly needsEquity = true;
  private readonly c: z.output<typeof VolatilityTargetAllocatorSchema>;
  private readonly std: (RollingStd | undefined)[] = [];
  private prevClose: number[] = [];

  constructor(params: VolatilityTargetAllocatorConfig) {
    this.c = parseMemo(VolatilityTargetAllocatorSchema, { ...params, kind: 'volatility-target' });
  }

  private stdOf(index: number): RollingStd {
    let s = this.std[index];
    if (s === undefined) {
      while (this.std.length <= index) { this.std.push(undefined); this.prevClose.push(0); }
      s = new RollingStd(this.c.lookback);
      this.std[index] = s;
    }
    return s;
  }

  onBar(index: number, closeRaw: number): boolean {
    const std = this.stdOf(index);
    const prev = this.prevClose[index]!;
    this.prevClose[index] = closeRaw;
    if (prev === 0) return false;
    const wasReady = std.ready;
    std.update(closeRaw / prev - 1);
    return !wasReady && std.ready;
  }

  /** Annualised realised volatility of an instrument, NaN until ready. */
  realisedVolatility(index: number): number {
    const s = this.std[index];
    return s === undefined || !s.ready ? Number.NaN : s.value * Math.sqrt(this.c.periodsPerYear);
  }

  targetQuantityRaw(p: AllocationParams): number {
    if (p.target === 0) return 0;
    const vol = this.realisedVolatility(p.instrumentIndex);
    if (Number.isNaN(vol)) return 0;
    if (!(p.priceRaw > 0)) throw new RangeError(`volatility-target allocator: no price yet for ${p.instrument.id}`);
    if (Number.isNaN(p.equity)) throw new RangeError('volatility-target allocator: the stack has no account equity (StackEnv.account)');
    const leverage = vol > 0 ? Math.min(this.c.maxLeverage, this.c.targetVolatility / vol) : this.c.maxLeverage;
    const budget = Math.abs(p.target) * p.equity * leverage;
    const q = lotsWithinNotional(p.instrument, budget, p.priceRaw, p.moneyDecimals, Math.sign(p.target));
    return capQuantityRaw(q, p.instrument, this.c.maxQuantity);
  }

  snapshot(): VolatilityTargetState {
    return { instruments: this.std.map((s, i) => (s === undefined ? null : { prevClose: this.prevClose[i]!, std: s.snapshot() })) };
  }

  restore(state: unknown): void {
    const s = state as VolatilityTargetState;
    this.std.length = 0;
    this.prevClose = [];
    s.instruments.forEach((entry, i) => {
      if (entry === null) { this.std.push(undefined); this.prevClose.push(0); return; }
      const std = this.stdOf(i);
      std.restore(entry.std);
      this.prevClose[i] = entry.prevClose;
    });
  }
}
