/**
 * The report's metrics recomputed from what a run produced (its equity marks and fills), from the
 * documented definitions (docs/metrics.md, engine/metrics/definitions.ts) and nothing of
 * engine/metrics, which is the code under test. Written differently on purpose where the
 * definition allows it (Welford's running mean and variance, log1p/expm1 for compounding, drawdown
 * episodes listed before they are measured), so that agreement is not one code path agreeing with
 * itself; each figure says how closely it must agree.
 *
 * Not recomputed, because RunEnd does not carry what they count (each comes from a component
 * other than the equity series and the fills): dataWarnings (the market loaders' bad rows),
 * riskRejections, dailyLossHalts and killSwitchTrips (the reference stack's risk counters), the
 * provider metrics (providerRequests .. skewRejections, breakerCloses: the data client's counters),
 * faultsApplied (the fault injector), ordersOnStaleData and requestsInRetryAfter (the chaos
 * watcher, the provider path) and duplicateOrders (the venue's books against the journal).
 * periodsPerYear and riskFreeRatePerYear are the inputs of annualisation, from the scenario and
 * its calendar: they are compared with the figures RunEnd says the report used, not derived.
 */
import type { RunEnd } from '../property.ts';
import { describeFill, finite, roundTrips, tradeStats } from './recompute-trades.ts';

/** How closely a reported figure must agree with its recomputation. */
export type Tolerance =
  /** Counts, bar counts and times in microseconds: the same integer. */
  | { readonly kind: 'exact' }
  /** Money in account currency: within half a money unit (half a cent at 2 decimals). */
  | { readonly kind: 'money' }
  /**
   * Ratios: within 1e-9 of the largest of the two values and `magnitude`, the size of the terms
   * the figure was computed from (a Sharpe ratio of a mean near 0 is the difference of large
   * returns: its rounding error scales with them, not with the result).
   */
  | { readonly kind: 'relative'; readonly magnitude: number };

export const RELATIVE_TOLERANCE = 1e-9;

export interface Recomputed {
  /** The report's key. */
  readonly metric: string;
  readonly value: number | null;
  readonly tolerance: Tolerance;
  /** What it was recomputed from, as the violation's message says it ("from 2520 marks (periodsPerYear 252)"). */
  readonly basis: string;
  /** The figures a reader needs to check it by hand, one line each. */
  readonly evidence: readonly string[];
}

const US_PER_DAY = 86_400_000_000;
/** Years of 365.25 days, as the definitions measure elapsed time. */
const YEAR_US = 365.25 * US_PER_DAY;
/** A per-period std at or below this is floating-point noise, not risk (the definition of sharpe). */
const NOISE_STD = 1e-12;

const exact: Tolerance = { kind: 'exact' };
const money: Tolerance = { kind: 'money' };
/** A magnitude that is not finite (a ratio of a zero deviation: the metric is null then) counts for nothing. */
const relative = (magnitude = 0): Tolerance => ({ kind: 'relative', magnitude: Number.isFinite(magnitude) ? magnitude : 0 });

/**
 * Every metric this module recomputes, in the report's order; a metric recomputed two ways
 * (finalEquity) appears twice.
 */
export function recomputeMetrics(end: RunEnd): Recomputed[] {
  const out: Recomputed[] = [];
  const put = (metric: string, r: Omit<Recomputed, 'metric'>): void => { out.push({ metric, ...r }); };
  const scale = 10 ** end.moneyDecimals;
  const e0 = Math.round(end.startCash * scale) / scale;
  const times = end.equity.timeUs;
  const marks = end.equity.equity;
  const n = marks.length;
  const ppy = end.periodsPerYear;
  const curve = `from ${n} marks`;
  const curveLines = [
    `start equity E0 ${e0} at ${end.startTimeUs} us`,
    ...(n === 0 ? [] : [`first mark ${marks[0]} at ${times[0]} us`, `last mark ${marks[n - 1]} at ${times[n - 1]} us`]),
  ];

  // The curve itself.
  const en = n === 0 ? e0 : marks[n - 1]!;
  const years = n === 0 ? 0 : (times[n - 1]! - end.startTimeUs) / YEAR_US;
  put('sampleCount', { value: n, tolerance: exact, basis: curve, evidence: curveLines });
  put('startEquity', { value: e0, tolerance: money, basis: `from start cash ${end.startCash}`, evidence: curveLines });
  put('endEquity', { value: en, tolerance: money, basis: curve, evidence: curveLines });
  put('elapsedYears', { value: years, tolerance: relative(), basis: curve, evidence: curveLines });
  put('totalReturn', { value: (en - e0) / e0, tolerance: relative(Math.abs(en / e0) + 1), basis: curve, evidence: curveLines });
  const growth = cagr(e0, en, years);
  put('cagr', { value: growth, tolerance: relative(1 + Math.abs(growth ?? 0)), basis: `${curve} over ${years} years`, evidence: curveLines });

  // Per-period returns, annualised with the report's periods per year.
  put('riskFreeRatePerYear', { value: end.riskFreeRatePerYear, tolerance: exact, basis: 'as the scenario gives it', evidence: [] });
  if (ppy !== null) {
    put('periodsPerYear', { value: ppy, tolerance: exact, basis: 'as the run annualised with it', evidence: [] });
    const annual = `${curve} (periodsPerYear ${ppy})`;
    const r = returnStats(e0, marks, ppy, end.riskFreeRatePerYear);
    const lines = [...curveLines, ...r.evidence];
    const root = Math.sqrt(ppy);
    put('volatility', { value: r.volatility, tolerance: relative(NOISE_STD * root), basis: annual, evidence: lines });
    put('sharpe', { value: r.sharpe, tolerance: relative(r.absMean / r.std * root), basis: annual, evidence: lines });
    put('sortino', { value: r.sortino, tolerance: relative(r.absMean / r.downside * root), basis: annual, evidence: lines });
  }

  // Drawdowns, the start point included.
  const dd = drawdowns(e0, end.startTimeUs, times, marks);
  const ddLines = [...curveLines, ...dd.evidence];
  put('maxDrawdown', { value: dd.maxDrawdown, tolerance: relative(), basis: curve, evidence: ddLines });
  put('maxDrawdownPeakTimeUs', { value: dd.peakTimeUs, tolerance: exact, basis: curve, evidence: ddLines });
  put('maxDrawdownTroughTimeUs', { value: dd.troughTimeUs, tolerance: exact, basis: curve, evidence: ddLines });
  put('maxDrawdownRecoveryTimeUs', { value: dd.recoveryTimeUs, tolerance: exact, basis: curve, evidence: ddLines });
  put('maxDrawdownDurationUs', { value: Number.isSafeInteger(dd.longestUs) ? dd.longestUs : null, tolerance: exact, basis: curve, evidence: ddLines });
  put('maxDrawdownDurationDays', { value: dd.longestUs / US_PER_DAY, tolerance: relative(), basis: curve, evidence: ddLines });
  put('maxDrawdownDurationBars', { value: dd.longestBars, tolerance: exact, basis: curve, evidence: ddLines });
  const calmar = growth === null || dd.maxDrawdown === 0 ? null : finite(growth / dd.maxDrawdown);
  put('calmar', {
    value: calmar, tolerance: relative((1 + Math.abs(growth ?? 0)) / dd.maxDrawdown), basis: `${curve}: cagr ${growth} / maxDrawdown ${dd.maxDrawdown}`, evidence: ddLines,
  });

  // Exposure at each mark.
  const x = exposure(marks, end.equity.grossExposure);
  const xBasis = `${curve} and their gross exposure`;
  put('exposure', { value: x.exposure, tolerance: relative(), basis: xBasis, evidence: [...curveLines, ...x.evidence] });
  put('averageGrossExposure', { value: x.average, tolerance: relative(), basis: xBasis, evidence: [...curveLines, ...x.evidence] });

  // Fills: counts, fees, turnover, the end of the account.
  const fills = end.fills;
  let fees = 0;
  let notional = 0;
  let cashFlow = 0;
  for (const f of fills) {
    fees += f.fee;
    notional += Math.abs(f.notional);
    cashFlow += (f.side === 'buy' ? -1 : 1) * f.notional;
  }
  const fillBasis = `from ${fills.length} fills`;
  const fillLines = fills.slice(-3).map(describeFill);
  put('fills', { value: fills.length, tolerance: exact, basis: fillBasis, evidence: fillLines });
  // The report cannot carry a negative total (rebates): it is null there.
  put('fees', { value: fees < 0 ? null : fees, tolerance: money, basis: fillBasis, evidence: fillLines });
  let equitySum = e0;
  for (let i = 0; i < n; i++) equitySum += marks[i]!;
  const meanEquity = equitySum / (n + 1);
  const turnover = fills.length === 0 || !(meanEquity > 0) ? null : finite(notional / meanEquity);
  const turnoverLines = [`sum |notional| ${notional} over mean equity ${meanEquity} of E0 and ${n} marks`];
  put('turnover', { value: turnover, tolerance: relative(), basis: fillBasis, evidence: turnoverLines });
  put('turnoverAnnualised', {
    value: turnover === null || years === 0 ? null : finite(turnover / years), tolerance: relative(), basis: `${fillBasis} over ${years} years`, evidence: turnoverLines,
  });

  // Round trips and their statistics.
  const trips = roundTrips(fills, end.multipliers);
  const t = tradeStats(trips.pnl);
  const tripBasis = `${fillBasis} (${trips.pnl.length} round trips)`;
  const tripLines = [
    `${t.wins} winning, ${t.losses} losing of ${trips.pnl.length}; gross profit ${t.grossProfit}, gross loss ${t.grossLoss}`,
    ...trips.described.slice(-3),
  ];
  const trade = (key: string, value: number | null, tolerance: Tolerance): void => { put(key, { value, tolerance, basis: tripBasis, evidence: tripLines }); };
  trade('trades', trips.pnl.length, exact);
  trade('tradeCount', trips.pnl.length, exact);
  trade('winningTrades', t.wins, exact);
  trade('losingTrades', t.losses, exact);
  trade('winRate', t.winRate, relative());
  trade('grossProfit', t.grossProfit, money);
  trade('grossLoss', t.grossLoss, money);
  trade('profitFactor', t.profitFactor, relative());
  trade('averageWin', t.averageWin, money);
  trade('averageLoss', t.averageLoss, money);
  trade('averageTradePnl', t.averageTradePnl, money);

  // The final equity is the ledger's; when every position is closed it is also start cash plus the
  // fills' cash flows less their fees, which does not rest on the ledger at all.
  const ledger = end.final['equity'];
  if (ledger !== undefined) {
    const flat = trips.flat;
    const tally = e0 + cashFlow - fees;
    put('finalEquity', {
      value: ledger, tolerance: money, basis: flat ? `from the ledger, and from start cash and ${fills.length} fills (every position closed: ${tally})` : 'from the ledger',
      evidence: [`ledger final equity ${ledger}`, ...(flat ? [`start cash ${e0} + fills' cash flow ${cashFlow} - fees ${fees} = ${tally}`] : [])],
    });
    if (flat) put('finalEquity', { value: tally, tolerance: money, basis: `start cash ${e0} + fills' cash flow ${cashFlow} - fees ${fees}, every position closed`, evidence: fillLines });
  }
  return out;
}

/** (E_n / E0)^(1 / years) - 1; -1 when the account ended at or below zero; null with no elapsed time or past a double. */
function cagr(e0: number, en: number, years: number): number | null {
  if (!(years > 0)) return null;
  const ratio = en / e0;
  if (ratio <= 0) return -1;
  return finite(Math.expm1(Math.log(ratio) / years));
}

interface ReturnStats {
  readonly volatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** Mean |r_i - rf| and the two deviations: the scale of the rounding error in the ratios. */
  readonly absMean: number;
  readonly std: number;
  readonly downside: number;
  readonly evidence: readonly string[];
}

/**
 * r_i = E_i / E_(i-1) - 1, the first against E0. Volatility, Sharpe and Sortino are undefined once
 * the equity has been at or below zero before the last mark (a later return divides by it).
 */
function returnStats(e0: number, marks: Float64Array, ppy: number, riskFreePerYear: number): ReturnStats {
  const n = marks.length;
  const rf = Math.expm1(Math.log1p(riskFreePerYear) / ppy);
  let ruinedAt = -1;
  for (let i = 0; i + 1 < n; i++) if (!(marks[i]! > 0)) { ruinedAt = i; break; }
  // Welford's running mean and sum of squared deviations; the downside over all n periods.
  let mean = 0;
  let m2 = 0;
  let absSum = 0;
  let downSq = 0;
  let negatives = 0;
  let prev = e0;
  for (let i = 0; i < n; i++) {
    const r = marks[i]! / prev - 1;
    prev = marks[i]!;
    const delta = r - mean;
    mean += delta / (i + 1);
    m2 += delta * (r - mean);
    absSum += Math.abs(r - rf);
    if (r < 0) { downSq += r * r; negatives++; }
  }
  const std = n >= 2 ? Math.sqrt(m2 / (n - 1)) : 0;
  const downside = n >= 1 ? Math.sqrt(downSq / n) : 0;
  const root = Math.sqrt(ppy);
  const ruined = ruinedAt >= 0;
  const volatility = ruined || n < 2 ? null : finite(std * root);
  const sharpe = ruined || n < 2 || std <= NOISE_STD ? null : finite(((mean - rf) / std) * root);
  const sortino = ruined || n < 1 || negatives === 0 ? null : finite(((mean - rf) / downside) * root);
  return {
    volatility, sharpe, sortino, absMean: n === 0 ? 0 : absSum / n, std, downside,
    evidence: [
      `${n} returns: mean ${mean}, sample std ${std}, downside deviation ${downside} (${negatives} negative), risk-free per period ${rf}`,
      ...(ruined ? [`equity ${marks[ruinedAt]} at mark ${ruinedAt}, not positive: later returns undefined`] : []),
    ],
  };
}

interface Drawdowns {
  readonly maxDrawdown: number;
  readonly peakTimeUs: number | null;
  readonly troughTimeUs: number | null;
  readonly recoveryTimeUs: number | null;
  readonly longestUs: number;
  readonly longestBars: number;
  readonly evidence: readonly string[];
}

/** One stretch below a running peak: from the last point at the peak to the first back at or above it. */
interface Episode {
  /** Index into the curve: 0 the start point, i + 1 mark i. */
  readonly peakIndex: number;
  readonly peak: number;
  troughIndex: number;
  recoveryIndex: number | null;
}

/**
 * The curve is the start point (E0 at startTimeUs) then the marks. The episodes are listed first,
 * then measured: the deepest is the first to reach the largest (peak - trough) / peak, at its
 * first lowest mark; durations run from the peak point to the recovery, or to the last mark.
 */
function drawdowns(e0: number, startTimeUs: number, times: Float64Array, marks: Float64Array): Drawdowns {
  const n = marks.length;
  const value = (k: number): number => (k === 0 ? e0 : marks[k - 1]!);
  const time = (k: number): number => (k === 0 ? startTimeUs : times[k - 1]!);
  const episodes: Episode[] = [];
  let peakIndex = 0;
  let open: Episode | null = null;
  for (let k = 1; k <= n; k++) {
    const v = value(k);
    if (open === null) {
      if (v >= value(peakIndex)) peakIndex = k;
      else {
        open = { peakIndex, peak: value(peakIndex), troughIndex: k, recoveryIndex: null };
        episodes.push(open);
      }
    } else if (v >= open.peak) {
      open.recoveryIndex = k;
      open = null;
      peakIndex = k;
    } else if (v < value(open.troughIndex)) open.troughIndex = k;
  }
  let deepest: Episode | null = null;
  let maxDrawdown = 0;
  let longestUs = 0;
  let longestBars = 0;
  for (const ep of episodes) {
    const depth = (ep.peak - value(ep.troughIndex)) / ep.peak;
    if (depth > maxDrawdown) { maxDrawdown = depth; deepest = ep; }
    const endIndex = ep.recoveryIndex ?? n;
    longestUs = Math.max(longestUs, time(endIndex) - time(ep.peakIndex));
    longestBars = Math.max(longestBars, endIndex - ep.peakIndex);
  }
  const describe = (ep: Episode): string => `deepest drawdown ${maxDrawdown}: peak ${ep.peak} at ${time(ep.peakIndex)} us, trough ${value(ep.troughIndex)} at ${time(ep.troughIndex)} us, `
    + (ep.recoveryIndex === null ? 'never recovered' : `recovered at ${time(ep.recoveryIndex)} us`);
  return {
    maxDrawdown,
    peakTimeUs: deepest === null ? null : time(deepest.peakIndex),
    troughTimeUs: deepest === null ? null : time(deepest.troughIndex),
    recoveryTimeUs: deepest?.recoveryIndex == null ? null : time(deepest.recoveryIndex),
    longestUs,
    longestBars,
    evidence: [`${episodes.length} drawdowns; longest ${longestUs} us, ${longestBars} bars`, ...(deepest === null ? [] : [describe(deepest)])],
  };
}

/** In the market at a mark: a gross exposure other than 0. The average is undefined where equity is 0 or below with a position held. */
function exposure(marks: Float64Array, gross: Float64Array): { exposure: number | null; average: number | null; evidence: string[] } {
  const n = marks.length;
  if (n === 0) return { exposure: null, average: null, evidence: [] };
  let held = 0;
  let sum = 0;
  let undefinedAt = -1;
  for (let i = 0; i < n; i++) {
    const g = gross[i]!;
    if (g === 0) continue;
    held++;
    if (marks[i]! <= 0) { if (undefinedAt < 0) undefinedAt = i; } else sum += Math.abs(g / marks[i]!);
  }
  return {
    exposure: held / n,
    average: undefinedAt >= 0 ? null : sum / n,
    evidence: [`a position held at ${held} of ${n} marks; sum of |gross / equity| ${sum}`, ...(undefinedAt >= 0 ? [`equity ${marks[undefinedAt]} (0 or below) with a position held at mark ${undefinedAt}`] : [])],
  };
}
