/**
 * The zod schema of a Metrics object, for reports that read metrics back from JSON. Numbers are
 * finite (zod 4's z.number() refuses NaN and Infinity), so a report that validates carries none.
 */
import { z } from 'zod';
import type { Metrics } from './types.ts';

const finite = z.number();
const optional = z.number().nullable();
const count = z.number().int().nonnegative();
const timeUs = z.number().int().nullable();

export const MetricsSchema = z.strictObject({
  periodsPerYear: finite.positive(),
  riskFreeRatePerYear: finite,
  sampleCount: count,
  startEquity: finite.positive(),
  endEquity: finite,
  elapsedYears: finite.nonnegative(),
  totalReturn: finite,
  cagr: optional,
  volatility: z.number().nonnegative().nullable(),
  sharpe: optional,
  sortino: optional,
  calmar: optional,
  maxDrawdown: finite.nonnegative(),
  maxDrawdownPeakTimeUs: timeUs,
  maxDrawdownTroughTimeUs: timeUs,
  maxDrawdownRecoveryTimeUs: timeUs,
  maxDrawdownDurationUs: count.nullable(),
  maxDrawdownDurationDays: finite.nonnegative(),
  maxDrawdownDurationBars: count,
  tradeCount: count,
  winningTrades: count,
  losingTrades: count,
  winRate: z.number().min(0).max(1).nullable(),
  grossProfit: finite.nonnegative(),
  grossLoss: finite.nonnegative(),
  profitFactor: z.union([z.number().nonnegative(), z.literal('Infinity'), z.null()]),
  averageWin: optional,
  averageLoss: optional,
  averageTradePnl: optional,
  exposure: z.number().min(0).max(1).nullable(),
  averageGrossExposure: z.number().nonnegative().nullable(),
  turnover: z.number().nonnegative().nullable(),
  turnoverAnnualised: z.number().nonnegative().nullable(),
});

// The schema and the Metrics interface must describe the same object: this fails to compile
// when a key is added to one and not the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const METRICS_SCHEMA_MATCHES_TYPE: Same<z.infer<typeof MetricsSchema>, Metrics> = true;
