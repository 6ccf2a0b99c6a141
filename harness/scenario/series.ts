/**
 * A run's full series for the reports that chart it: equity, drawdown, and each instrument's
 * price and position, one row per equity mark (the last mark of each instant). Recorded by a run
 * extension that only watches (the journal and fingerprint are unchanged), then aligned to the
 * marks in one merge pass. Memory grows with the run: recorded only when a report asks for it.
 */
import type { FillRecord, Instrument, MarketEventView, RunExtension } from '../../engine/index.ts';

export interface InstrumentSeries {
  readonly id: string;
  /** Last price seen at or before each mark (bar close, trade price, quote mid); NaN before the first. */
  readonly price: Float64Array;
  /** Signed position (units) after every fill at or before each mark. */
  readonly position: Float64Array;
}

export interface ScenarioSeries {
  readonly timeUs: Float64Array;
  /** Equity in account currency. */
  readonly equity: Float64Array;
  /** Fraction below the running peak of equity, the start included (0 at a peak): its maximum is maxDrawdown. */
  readonly drawdown: Float64Array;
  readonly instruments: readonly InstrumentSeries[];
}

/** A Float64Array that doubles as it fills (no boxed numbers on the hot path). */
class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Records every price-bearing market event (time, instrument, raw price); barOpen events are the venue's, not a mark's. */
export class PriceRecorder implements RunExtension {
  private readonly time = new GrowableF64();
  private readonly instrument = new GrowableF64();
  private readonly priceRaw = new GrowableF64();

  onMarket(_ctx: unknown, e: Readonly<MarketEventView>): void {
    let raw: number;
    switch (e.kind) {
      case 'barOpen': return;
      case 'bar': raw = e.closeRaw; break;
      case 'trade': raw = e.priceRaw; break;
      case 'quote': raw = (e.bidRaw + e.askRaw) / 2; break;
    }
    this.time.push(e.timeUs);
    this.instrument.push(e.instrumentIndex);
    this.priceRaw.push(raw);
  }

  /** The series at each mark. Marks and the recorded events are both in time order. */
  series(marks: { readonly timeUs: Float64Array; readonly equity: Float64Array }, startEquity: number, instruments: readonly Instrument[], fills: readonly FillRecord[]): ScenarioSeries {
    const n = marks.timeUs.length;
    const index = new Map(instruments.map((inst, i) => [inst.id, i]));
    const scale = instruments.map((inst) => 10 ** -inst.priceDecimals);
    const lastPrice = new Float64Array(instruments.length).fill(Number.NaN);
    const position = new Float64Array(instruments.length);
    const out = instruments.map((inst) => ({ id: inst.id, price: new Float64Array(n), position: new Float64Array(n) }));
    const drawdown = new Float64Array(n);
    // The running peak starts at the starting equity, as maxDrawdown's does (docs/metrics.md).
    let peak = startEquity;
    let e = 0;
    let f = 0;
    for (let k = 0; k < n; k++) {
      const t = marks.timeUs[k]!;
      for (; e < this.time.length && this.time.data[e]! <= t; e++) {
        const i = this.instrument.data[e]!;
        lastPrice[i] = this.priceRaw.data[e]! * scale[i]!;
      }
      for (; f < fills.length && fills[f]!.timeUs <= t; f++) {
        const fill = fills[f]!;
        const i = index.get(fill.instrumentId);
        if (i !== undefined) position[i] = position[i]! + (fill.side === 'buy' ? fill.quantity : -fill.quantity);
      }
      for (let i = 0; i < out.length; i++) {
        out[i]!.price[k] = lastPrice[i]!;
        out[i]!.position[k] = position[i]!;
      }
      const eq = marks.equity[k]!;
      if (eq > peak) peak = eq;
      drawdown[k] = peak > 0 ? (peak - eq) / peak : 0;
    }
    return { timeUs: marks.timeUs, equity: marks.equity, drawdown, instruments: out };
  }
}
