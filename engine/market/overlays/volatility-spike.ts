/**
 * Volatility spike: inside [fromUs, toUs) each price's log distance from a running anchor is
 * multiplied by `factor`: p' = A (p / A)^k, with A an exponential moving average of the log price
 * (half-life `anchorHalfLifeUs`) of the undisturbed data. Moves faster than the half-life are
 * scaled by about k; the slow trend is kept, and the data rejoin the original at the window's end
 * (a ramp of `rampUs` at each edge makes the joins continuous). The map is increasing for k > 0,
 * so OHLC order and bid <= ask survive; prices stay in [1 tick, RAW_PRICE_MAX] (a large factor, or
 * spikes stacked, can push a move past the ceiling).
 *
 * The anchor warms up from 20 half-lives before the window (its memory of older data is below
 * 1e-6); events before that pass through without any work.
 */
import { z } from 'zod';
import type { MarketBatch, MarketSource } from '../types.ts';
import { batchSpan, clampRawPrice, Overlay, parseOverlayParams, windowFields, windowOrdered } from './overlay.ts';

const WARMUP_HALF_LIVES = 20;

export const volatilitySpikeParamsSchema = z
  .strictObject({
    kind: z.literal('volatility-spike').describe('Returns inside the window are multiplied by factor.'),
    ...windowFields,
    factor: z.number().gt(0).max(100).describe('Multiplier of log moves around the anchor, e.g. 3 triples volatility (< 1 dampens it).'),
    anchorHalfLifeUs: z
      .int()
      .positive()
      .optional()
      .describe('Half-life of the moving-average anchor in microseconds; moves faster than this are scaled. Default: a quarter of the window.'),
    rampUs: z.int().min(0).default(0).describe('Time over which the factor ramps from 1 up at the start and back down at the end, in microseconds.'),
  })
  .superRefine((p, ctx) => {
    windowOrdered(p, ctx);
    if (2 * p.rampUs > p.toUs - p.fromUs) ctx.addIssue({ code: 'custom', path: ['rampUs'], message: `two ramps of ${p.rampUs} us do not fit in the window` });
  })
  .describe('Volatility spike: log moves around a running anchor multiplied by a factor inside a window.');

export type VolatilitySpikeParams = z.output<typeof volatilitySpikeParamsSchema>;

export class VolatilitySpikeOverlay extends Overlay {
  readonly params: VolatilitySpikeParams;
  private readonly halfLifeUs: number = 0;
  private readonly warmFromUs: number = 0;
  /** Log of the anchor price; NaN until the first event after warmFromUs. */
  private anchor = NaN;
  private anchorTimeUs = 0;

  constructor(inner: MarketSource, params: z.input<typeof volatilitySpikeParamsSchema>) {
    super(inner);
    this.params = parseOverlayParams(volatilitySpikeParamsSchema, 'volatility-spike', params);
    this.halfLifeUs = this.params.anchorHalfLifeUs ?? Math.max(1, Math.floor((this.params.toUs - this.params.fromUs) / 4));
    this.warmFromUs = this.params.fromUs - WARMUP_HALF_LIVES * this.halfLifeUs;
  }

  /** The exponent at time t: 1 outside the window, `factor` inside, linear on the ramps. */
  private exponentAt(t: number): number {
    const { fromUs, toUs, factor, rampUs } = this.params;
    if (t < fromUs || t >= toUs) return 1;
    const w = rampUs > 0 ? Math.min(1, (t - fromUs) / rampUs, (toUs - t) / rampUs) : 1;
    return 1 + (factor - 1) * w;
  }

  /** Folds a price observed at t into the anchor (the undisturbed price, never the overlaid one). */
  private observe(t: number, price: number): void {
    if (!(price > 0)) return;
    const x = Math.log(price);
    if (Number.isNaN(this.anchor)) this.anchor = x;
    else this.anchor += (1 - Math.pow(2, -(t - this.anchorTimeUs) / this.halfLifeUs)) * (x - this.anchor);
    this.anchorTimeUs = t;
  }

  /** p' = A (p / A)^k, rounded to a raw price in [1 tick, RAW_PRICE_MAX]; unknown (<= 0) prices are kept. */
  private warp(price: number, k: number): number {
    if (!(price > 0)) return price;
    return clampRawPrice(Math.floor(Math.exp(this.anchor + k * (Math.log(price) - this.anchor)) + 0.5));
  }

  protected apply(batch: MarketBatch): MarketBatch {
    const { first, last } = batchSpan(batch);
    if (last < this.warmFromUs || first >= this.params.toUs) return batch;
    const out = this.copyOf(batch);
    if (out.type === 'bar') {
      for (let i = 0; i < out.length; i++) {
        const t = out.openTimeUs[i] ?? 0;
        const k = this.exponentAt(t);
        const close = out.close[i] ?? 0;
        if (k !== 1 && !Number.isNaN(this.anchor)) {
          const o = this.warp(out.open[i] ?? 0, k);
          const c = this.warp(close, k);
          out.open[i] = o;
          out.close[i] = c;
          out.high[i] = Math.max(this.warp(out.high[i] ?? 0, k), o, c);
          out.low[i] = Math.max(1, Math.min(this.warp(out.low[i] ?? 0, k), o, c));
        }
        if (t >= this.warmFromUs) this.observe((out.closeTimeUs[i] ?? 0) - 1, close);
      }
    } else if (out.type === 'trade') {
      for (let i = 0; i < out.length; i++) {
        const t = out.timeUs[i] ?? 0;
        const price = out.price[i] ?? 0;
        const k = this.exponentAt(t);
        if (k !== 1 && !Number.isNaN(this.anchor)) out.price[i] = this.warp(price, k);
        if (t >= this.warmFromUs) this.observe(t, price);
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        const t = out.timeUs[i] ?? 0;
        const bid = out.bid[i] ?? 0;
        const ask = out.ask[i] ?? 0;
        const k = this.exponentAt(t);
        if (k !== 1 && !Number.isNaN(this.anchor)) {
          out.bid[i] = this.warp(bid, k);
          out.ask[i] = this.warp(ask, k);
        }
        if (t >= this.warmFromUs && bid > 0 && ask > 0) this.observe(t, Math.sqrt(bid * ask));
      }
    }
    return out;
  }
}

export function volatilitySpike(source: MarketSource, params: z.input<typeof volatilitySpikeParamsSchema>): VolatilitySpikeOverlay {
  return new VolatilitySpikeOverlay(source, params);
}
