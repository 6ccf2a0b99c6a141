/**
 * What the HTML report charts for one scenario, taken from its full series: small, plain data (it
 * crosses from a pool worker to the thread that writes the reports). Series longer than a chart
 * can show are downsampled for the chart only, by min/max per time bucket, so every peak and
 * trough (and so the deepest drawdown) stays visible; the chart says so. The full series stays in
 * the Parquet sidecar.
 */
import type { ScenarioSeries } from '../../scenario/series.ts';

/** Points a line chart keeps at most (two per bucket: its minimum and its maximum). */
export const CHART_POINTS_MAX = 2_000;
/** Fill markers a price chart shows at most per instrument (evenly spaced when there are more). */
export const CHART_FILLS_MAX = 1_000;
/** Instruments charted at most per scenario (the sidecar has them all). */
export const CHART_INSTRUMENTS_MAX = 4;

export interface LineData {
  /** Epoch milliseconds (what the chart's time axis takes). */
  readonly timeMs: number[];
  readonly values: number[];
  /** Points in the full series (before downsampling). */
  readonly fullPoints: number;
}

export interface FillMarkers {
  /** [epoch ms, price] of each fill shown. */
  readonly buys: [number, number][];
  readonly sells: [number, number][];
  readonly total: number;
}

export interface InstrumentCharts {
  readonly id: string;
  readonly price: LineData;
  readonly position: LineData;
  readonly fills: FillMarkers;
}

export interface ScenarioCharts {
  readonly equity: LineData;
  readonly drawdown: LineData;
  readonly instruments: readonly InstrumentCharts[];
  /** Instruments in the run (only the first CHART_INSTRUMENTS_MAX are charted). */
  readonly instrumentsTotal: number;
}

export interface ChartFill {
  readonly timeUs: number;
  readonly instrument: string;
  readonly side: 'buy' | 'sell';
  readonly price: number;
}

/** Min/max-per-bucket downsampling of (time, value) to at most `maxPoints`; NaN values (no data yet) are left out. */
export function downsample(timeUs: ArrayLike<number>, values: ArrayLike<number>, maxPoints = CHART_POINTS_MAX): LineData {
  if (maxPoints < 2) throw new RangeError(`downsample: maxPoints must be >= 2, got ${maxPoints}`);
  const n = timeUs.length;
  const timeMs: number[] = [];
  const out: number[] = [];
  const push = (i: number): void => {
    timeMs.push(timeUs[i]! / 1000);
    out.push(values[i]!);
  };
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) if (!Number.isNaN(values[i]!)) push(i);
    return { timeMs, values: out, fullPoints: n };
  }
  const buckets = Math.floor(maxPoints / 2);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    if (lo < 0) continue;
    // In time order, once when the bucket is flat.
    if (lo === hi) push(lo);
    else if (lo < hi) { push(lo); push(hi); } else { push(hi); push(lo); }
  }
  return { timeMs, values: out, fullPoints: n };
}

function markers(fills: readonly ChartFill[], instrument: string): FillMarkers {
  const own = fills.filter((f) => f.instrument === instrument);
  const step = own.length <= CHART_FILLS_MAX ? 1 : own.length / CHART_FILLS_MAX;
  const buys: [number, number][] = [];
  const sells: [number, number][] = [];
  for (let k = 0; k * step < own.length && k < CHART_FILLS_MAX; k++) {
    const f = own[Math.floor(k * step)]!;
    (f.side === 'buy' ? buys : sells).push([f.timeUs / 1000, f.price]);
  }
  return { buys, sells, total: own.length };
}

export function scenarioCharts(series: ScenarioSeries, fills: readonly ChartFill[]): ScenarioCharts {
  return {
    equity: downsample(series.timeUs, series.equity),
    drawdown: downsample(series.timeUs, series.drawdown),
    instruments: series.instruments.slice(0, CHART_INSTRUMENTS_MAX).map((i) => ({
      id: i.id,
      price: downsample(series.timeUs, i.price),
      position: downsample(series.timeUs, i.position),
      fills: markers(fills, i.id),
    })),
    instrumentsTotal: series.instruments.length,
  };
}
