/**
 * Synthetic trade ticks: Poisson arrivals (exponential inter-arrival times) with the price moved
 * by the log-return process over each gap. Inside sessions the arrival clock runs on trading time
 * only: a gap that crosses a session close carries its remainder into the next session (the
 * exponential law is memoryless, so arrivals stay Poisson in trading time), and the price moves
 * by the in-session time of the gap alone.
 *
 * Draws per batch: BATCH_ROWS normals, then 2 * BATCH_ROWS exponentials (gap and size of each
 * trade), then the process's per-step extras (jumps, regime switches) trade by trade.
 */
import type { Rng } from '../../kernel/rng.ts';
import { US_PER_SECOND } from '../../kernel/time.ts';
import { BATCH_ROWS, newTradeBatch, priceScale, RAW_PRICE_MAX, type DataIssue, type MarketSource, type MarketSourceInfo, type TradeBatch } from '../types.ts';
import { RAW_PRICE_MIN } from './bars.ts';
import { Draws, expNear0, roundHalfUp } from './draws.ts';
import { createProcess, type LogReturnProcess } from './processes.ts';
import type { SyntheticParams, TradeOutputParams } from './schema.ts';
import { SessionSchedule } from './session.ts';

/** Sessions a single gap may cross before the parameters are judged absurd (a bug in the scenario). */
const SESSIONS_PER_GAP_MAX = 100_000;

/**
 * A seeded trade generator. The batch returned by `next()` is reused: it is valid only until the
 * following `next()` call, so a consumer copies what it keeps.
 */
export class SyntheticTradeSource implements MarketSource {
  readonly info: MarketSourceInfo;
  readonly issues: readonly DataIssue[] = [];
  readonly params: SyntheticParams;
  private readonly batch: TradeBatch = newTradeBatch(BATCH_ROWS);
  private readonly draws: Draws;
  private readonly normals = new Float64Array(BATCH_ROWS);
  /** Two Exp(1) per trade: the gap and the size. */
  private readonly exponentials = new Float64Array(2 * BATCH_ROWS);
  private readonly process: LogReturnProcess;
  private readonly session: SessionSchedule | null;
  // Numeric fields start at 0, not undefined: V8 then stores them as unboxed doubles, where a
  // field first defined as undefined would box every number stored into it (an allocation).
  private readonly meanGapUs: number = 0;
  private readonly sizeMean: number = 0;
  private readonly yearsPerUs: number = 0;
  private remaining = 0;
  private readonly rows: number;
  /** Unrounded raw price of the last trade. */
  private price = 0;
  /** Time of the last trade as an unrounded float, so rounding never biases the arrival rate. */
  private tUs = 0;
  private sessionCloseUs = 0;

  constructor(params: SyntheticParams, output: TradeOutputParams, rng: Rng) {
    this.params = params;
    this.draws = new Draws(rng);
    this.process = createProcess(params, this.draws);
    this.info = { instrumentId: params.instrumentId, dataType: 'trade', priceDecimals: params.priceDecimals, files: [] };
    this.meanGapUs = output.meanInterArrivalUs;
    this.sizeMean = output.sizeMean;
    this.yearsPerUs = 1 / (US_PER_SECOND * params.secondsPerYear);
    this.remaining = params.count;
    this.rows = params.count;
    this.price = params.startPrice * priceScale(params.priceDecimals);
    this.session = params.session !== undefined ? new SessionSchedule(params.session) : null;
    this.tUs = params.startTimeUs;
    this.sessionCloseUs = Infinity;
    if (this.session !== null) {
      this.session.seek(params.startTimeUs);
      this.tUs = Math.max(params.startTimeUs, this.session.openUs);
      this.sessionCloseUs = this.session.closeUs;
    }
    // Expected span with a wide margin; sessions stretch wall time by at most a week per session.
    const spanUs = params.count * this.meanGapUs * 4 * (this.session !== null ? (7 * 86_400e6) / this.session.lengthUs : 1);
    if (!Number.isSafeInteger(Math.ceil(params.startTimeUs + spanUs))) {
      throw new RangeError(`synthetic trades: ${params.count} trades ${this.meanGapUs} us apart may run past the largest exact time`);
    }
  }

  /** Advances the float clock by `gapUs` of trading time, crossing session closes as needed. */
  private advance(gapUs: number): void {
    let t = this.tUs + gapUs;
    for (let crossed = 0; t >= this.sessionCloseUs; crossed++) {
      const s = this.session;
      if (s === null || crossed >= SESSIONS_PER_GAP_MAX) {
        throw new RangeError(`synthetic trades: a ${gapUs} us gap crosses more than ${SESSIONS_PER_GAP_MAX} sessions`);
      }
      const carry = t - this.sessionCloseUs;
      s.seek(this.sessionCloseUs);
      this.sessionCloseUs = s.closeUs;
      t = s.openUs + carry;
    }
    this.tUs = t;
  }

  /** The whole count, known from the start (a sizing hint: MarketSource.expectedRows). */
  expectedRows(): number {
    return this.rows;
  }

  next(): TradeBatch | null {
    if (this.remaining <= 0) return null;
    const b = this.batch;
    const n = Math.min(this.remaining, b.price.length);
    const { timeUs, price: prices, size } = b;
    // Whole-batch draws even for a short last batch, so a path's prefix never depends on `count`.
    const zs = this.normals;
    const es = this.exponentials;
    this.draws.fillNormals(zs, zs.length);
    this.draws.fillExponentials(es, es.length);
    const proc = this.process;
    const meanGap = this.meanGapUs;
    const sizeMean = this.sizeMean;
    const yearsPerUs = this.yearsPerUs;
    let price = this.price;
    for (let i = 0; i < n; i++) {
      const gap = (es[2 * i] ?? 0) * meanGap;
      const tNext = this.tUs + gap;
      if (tNext < this.sessionCloseUs) this.tUs = tNext;
      else this.advance(gap);
      const dt = gap * yearsPerUs;
      // Math.min/max rather than assigning the constants keeps `price` unboxed (see bars.ts).
      price = Math.min(RAW_PRICE_MAX, Math.max(RAW_PRICE_MIN, price * expNear0(proc.step(dt, Math.sqrt(dt), zs[i] ?? 0))));
      timeUs[i] = Math.floor(this.tUs);
      prices[i] = Math.max(1, roundHalfUp(price));
      size[i] = Math.max(1, roundHalfUp((es[2 * i + 1] ?? 0) * sizeMean));
    }
    this.price = price;
    this.remaining -= n;
    b.length = n;
    return b;
  }
}
