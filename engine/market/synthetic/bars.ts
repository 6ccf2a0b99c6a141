/**
 * Synthetic OHLCV bars from a log-return process, generated lazily one batch at a time.
 *
 * Open, high, low, close: each bar opens at the previous close (closed session time adds no
 * variance) and closes at open * e^r, r drawn from the process. High and low are sampled from the
 * exact marginal laws of the maximum and minimum of a Brownian bridge between the open and close
 * log prices with the step's diffusion variance v:
 *   max = (a + b + sqrt((b - a)^2 + 2 v E1)) / 2,  min = (a + b - sqrt((b - a)^2 + 2 v E2)) / 2
 * with E1, E2 independent Exp(1) (inverting the bridge law P(max > m) = exp(-2 (m - a)(m - b) / v)).
 * Drawing max and min independently approximates their joint law (each marginal is exact) and
 * costs two exponential draws a bar instead of sub-steps; a jump counts as part of the move from
 * open to close. Prices are rounded to raw integers, floored at one tick, and high/low widened to
 * contain open and close after rounding, so low <= open, close <= high and low >= 1 always hold.
 *
 * Draws per batch: BATCH_ROWS normals, then 2 * BATCH_ROWS exponentials, then the process's
 * per-step extras (jumps, regime switches) bar by bar.
 *
 * Volume is volumeMean * (high - low in log units) / E[range], E[range] = sqrt(8 v_ref / pi) for
 * the reference volatility (regimes: the first regime's): its mean is volumeMean under GBM, and it
 * rises with realised range (jumps, high-volatility regimes), as real volume does, capped at a
 * million times the mean. It costs no extra draw.
 */
import type { Rng } from '../../kernel/rng.ts';
import { US_PER_SECOND } from '../../kernel/time.ts';
import { BATCH_ROWS, newBarBatch, priceScale, RAW_PRICE_MAX, type BarBatch, type DataIssue, type MarketSource, type MarketSourceInfo } from '../types.ts';
import { Draws, expNear0, roundHalfUp } from './draws.ts';
import { createProcess, type LogReturnProcess } from './processes.ts';
import { lastBarTimeBoundUs, type BarOutputParams, type SyntheticParams } from './schema.ts';
import { SessionSchedule } from './session.ts';

/** Floor on the unrounded raw price (below it, it would never recover); the ceiling is RAW_PRICE_MAX. */
export const RAW_PRICE_MIN = 1e-9;
/** Cap on one bar's volume as a multiple of the mean, so an extreme range cannot leave exact integers. */
const VOLUME_MAX_RATIO = 1e6;

/** A generator's batch and draw buffers: every element is written before it is read, so they are reused. */
interface BarBuffers {
  readonly batch: BarBatch;
  readonly normals: Float64Array;
  readonly exponentials: Float64Array;
}

function newBuffers(): BarBuffers {
  return { batch: newBarBatch(BATCH_ROWS), normals: new Float64Array(BATCH_ROWS), exponentials: new Float64Array(2 * BATCH_ROWS) };
}

/**
 * Buffers of closed generators, for the next one: a check or a sweep runs thousands of short
 * markets, and each would otherwise allocate (and zero, and collect) ~360 KB. Bounded.
 */
const BUFFER_POOL: BarBuffers[] = [];
const BUFFER_POOL_MAX = 4;

/**
 * A seeded bar generator. The batch returned by `next()` is reused: it is valid only until the
 * following `next()` call, so a consumer copies what it keeps. Memory stays one batch however
 * many bars are generated.
 */
export class SyntheticBarSource implements MarketSource {
  readonly info: MarketSourceInfo;
  readonly issues: readonly DataIssue[] = [];
  readonly params: SyntheticParams;
  private readonly buffers: BarBuffers = BUFFER_POOL.pop() ?? newBuffers();
  private readonly batch: BarBatch = this.buffers.batch;
  private readonly draws: Draws;
  private readonly normals = this.buffers.normals;
  /** Two Exp(1) per bar: the bridge maximum and minimum. */
  private readonly exponentials = this.buffers.exponentials;
  private closed = false;
  private readonly process: LogReturnProcess;
  private readonly session: SessionSchedule | null;
  // Numeric fields start at 0, not undefined: V8 then stores them as unboxed doubles, where a
  // field first defined as undefined would box every number stored into it (an allocation).
  private readonly intervalUs: number = 0;
  private readonly dt: number = 0;
  private readonly sqrtDt: number = 0;
  private readonly volumeBase: number = 0;
  private readonly volumePerRange: number = 0;
  private readonly volumeMax: number = 0;
  private remaining = 0;
  private readonly rows: number;
  /** Unrounded raw price of the last close: the path itself, of which the batch holds roundings. */
  private price = 0;
  private lastCloseRaw = 0;
  private nextOpenUs = 0;
  /** Close of the current session (Infinity when continuous). */
  private sessionCloseUs = 0;

  constructor(params: SyntheticParams, output: BarOutputParams, rng: Rng) {
    this.params = params;
    this.draws = new Draws(rng);
    this.process = createProcess(params, this.draws);
    this.intervalUs = output.intervalUs;
    this.info = { instrumentId: params.instrumentId, dataType: 'bar', priceDecimals: params.priceDecimals, barIntervalUs: output.intervalUs, files: [] };
    this.dt = output.periodsPerYear !== undefined ? 1 / output.periodsPerYear : output.intervalUs / US_PER_SECOND / params.secondsPerYear;
    this.sqrtDt = Math.sqrt(this.dt);
    const refStd = this.process.referenceVolatility * this.sqrtDt;
    // Below a part per billion a bar's range is rounding noise, not activity: volume is then constant.
    this.volumeBase = refStd > 1e-9 ? 0 : output.volumeMean;
    this.volumePerRange = refStd > 1e-9 ? output.volumeMean / (refStd * Math.sqrt(8 / Math.PI)) : 0;
    this.volumeMax = output.volumeMean * VOLUME_MAX_RATIO;
    this.remaining = params.count;
    this.rows = params.count;
    this.price = params.startPrice * priceScale(params.priceDecimals);
    this.lastCloseRaw = Math.max(1, roundHalfUp(this.price));
    this.session = params.session !== undefined ? new SessionSchedule(params.session) : null;
    this.nextOpenUs = params.startTimeUs;
    this.sessionCloseUs = Infinity;
    if (this.session !== null) this.enterSessionAtOrAfter(params.startTimeUs);
    const endBoundUs = lastBarTimeBoundUs(params.startTimeUs, params.count, this.intervalUs, params.session);
    if (!Number.isSafeInteger(endBoundUs)) {
      throw new RangeError(`synthetic bars: ${params.count} bars of ${this.intervalUs} us from ${params.startTimeUs} may run past the largest exact time`);
    }
  }

  /** Places nextOpenUs on the first bar slot (aligned to the session open) starting at or after t. */
  private enterSessionAtOrAfter(t: number): void {
    const s = this.session;
    if (s === null) return;
    this.nextOpenUs = s.seekSlot(t, this.intervalUs);
    this.sessionCloseUs = s.closeUs;
  }

  /** Done: the buffers go back to the pool (the last batch must not be read after this). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.remaining = 0;
    if (BUFFER_POOL.length < BUFFER_POOL_MAX) BUFFER_POOL.push(this.buffers);
  }

  /** The whole count, known from the start (a sizing hint: MarketSource.expectedRows). */
  expectedRows(): number {
    return this.rows;
  }

  next(): BarBatch | null {
    if (this.remaining <= 0) return null;
    const b = this.batch;
    const n = Math.min(this.remaining, b.open.length);
    const { openTimeUs, closeTimeUs, open, high, low, close, volume } = b;
    // Whole-batch draws even for a short last batch, so a path's prefix never depends on `count`:
    // where the exponentials start depends on every normal's rejections. Only the last batch of a
    // process that draws nothing per step stops after the exponentials its rows use: the rest would
    // only move the stream on for draws that never come (the source ends with this batch), so every
    // value is the same. A 252-bar run draws 4,600 words instead of 12,300.
    const zs = this.normals;
    const es = this.exponentials;
    const proc = this.process;
    this.draws.fillNormals(zs, zs.length);
    this.draws.fillExponentials(es, n === this.remaining && !proc.drawsPerStep ? 2 * n : es.length);
    const dt = this.dt;
    const sqrtDt = this.sqrtDt;
    const interval = this.intervalUs;
    const volumeBase = this.volumeBase;
    const volumePerRange = this.volumePerRange;
    const volumeMax = this.volumeMax;
    let price = this.price;
    let prevRaw = this.lastCloseRaw;
    let t = this.nextOpenUs;
    for (let i = 0; i < n; i++) {
      if (t + interval > this.sessionCloseUs) {
        this.enterSessionAtOrAfter(this.sessionCloseUs);
        t = this.nextOpenUs;
      }
      // Everything is relative to the open, so the exponentials take small arguments (expNear0).
      const r = proc.step(dt, sqrtDt, zs[i] ?? 0);
      const v2 = 2 * proc.variance;
      const r2 = r * r;
      const up = 0.5 * (r + Math.sqrt(r2 + v2 * (es[2 * i] ?? 0)));
      const down = 0.5 * (r - Math.sqrt(r2 + v2 * (es[2 * i + 1] ?? 0)));
      const p0 = price;
      // Math.min/max, not an `if` assigning the module constant: that would make `price` a tagged
      // value in optimised code and box (allocate) every price.
      price = Math.min(RAW_PRICE_MAX, Math.max(RAW_PRICE_MIN, p0 * expNear0(r)));
      let closeRaw = roundHalfUp(price);
      if (closeRaw < 1) closeRaw = 1;
      openTimeUs[i] = t;
      closeTimeUs[i] = t + interval;
      open[i] = prevRaw;
      close[i] = closeRaw;
      // up >= max(0, r) and down <= min(0, r), so the repairs below almost never run: a branch the
      // CPU predicts is cheaper than three-way max/min on every bar.
      let hi = roundHalfUp(p0 * expNear0(up));
      if (hi < closeRaw || hi < prevRaw || hi > RAW_PRICE_MAX) hi = Math.min(RAW_PRICE_MAX, Math.max(hi, prevRaw, closeRaw));
      let lo = roundHalfUp(p0 * expNear0(down));
      if (lo > closeRaw || lo > prevRaw || lo < 1) lo = Math.max(1, Math.min(lo, prevRaw, closeRaw));
      high[i] = hi;
      low[i] = lo;
      let vol = roundHalfUp(volumeBase + volumePerRange * (up - down));
      if (vol < 1 || vol > volumeMax) vol = Math.min(volumeMax, Math.max(1, vol));
      volume[i] = vol;
      prevRaw = closeRaw;
      t += interval;
    }
    this.price = price;
    this.lastCloseRaw = prevRaw;
    this.nextOpenUs = t;
    this.remaining -= n;
    b.length = n;
    return b;
  }
}
