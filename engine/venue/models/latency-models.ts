/**
 * Latency models: how long, in virtual microseconds, an order takes to reach the venue and a
 * report to reach the stack. Constant by default (zero: the order arrives at the instant it is
 * sent); a seeded distribution draws from the run's `latency` Rng stream.
 */
import { z } from 'zod';
import { parseMemo } from '../../config/parse-memo.ts';
import type { Rng } from '../../kernel/rng.ts';

export interface LatencyModel {
  /** Microseconds from the stack sending an order (or cancel) to the venue receiving it. */
  orderLatencyUs(): number;
  /** Microseconds from the venue sending a report to the stack receiving it. */
  reportLatencyUs(): number;
}

/**
 * A year: past it a latency is a mistake in the file, and draws (up to about 37 means from a
 * double's uniform) stay far inside the exact integer range.
 */
export const LATENCY_MAX_US = 31_557_600_000_000;

export const LatencyModelSchema = z.discriminatedUnion('model', [
  z.strictObject({
    model: z.literal('constant').describe('The same latency for every message.'),
    orderUs: z.number().int().nonnegative().max(LATENCY_MAX_US).default(0).describe('Order latency in microseconds (at most a year).'),
    reportUs: z.number().int().nonnegative().max(LATENCY_MAX_US).default(0).describe('Report latency in microseconds (at most a year).'),
  }),
  z.strictObject({
    model: z.literal('exponential').describe("minUs plus an exponential draw from the run's 'latency' Rng stream, per message."),
    minUs: z.number().int().nonnegative().max(LATENCY_MAX_US).default(0).describe('Fixed part of each latency, microseconds (at most a year).'),
    meanExtraUs: z.number().positive().max(LATENCY_MAX_US).describe('Mean of the exponential extra latency, microseconds (at most a year).'),
  }),
]).describe('Order and report latency in virtual time.');
export type LatencyModelConfig = z.input<typeof LatencyModelSchema>;

export class ConstantLatencyModel implements LatencyModel {
  private readonly orderUs: number;
  private readonly reportUs: number;
  constructor(orderUs = 0, reportUs = 0) {
    if (!Number.isSafeInteger(orderUs) || orderUs < 0 || !Number.isSafeInteger(reportUs) || reportUs < 0) {
      throw new RangeError(`latency must be non-negative integer microseconds, got ${orderUs}/${reportUs}`);
    }
    this.orderUs = orderUs;
    this.reportUs = reportUs;
  }
  orderLatencyUs(): number { return this.orderUs; }
  reportLatencyUs(): number { return this.reportUs; }
}

export class ExponentialLatencyModel implements LatencyModel {
  private readonly rng: Rng;
  private readonly minUs: number;
  private readonly meanExtraUs: number;
  constructor(params: { rng: Rng; minUs: number; meanExtraUs: number }) {
    if (!(params.meanExtraUs > 0) || !Number.isSafeInteger(params.minUs) || params.minUs < 0) throw new RangeError('exponential latency needs minUs >= 0 and meanExtraUs > 0');
    this.rng = params.rng;
    this.minUs = params.minUs;
    this.meanExtraUs = params.meanExtraUs;
  }
  private draw(): number { return this.minUs + Math.round(this.rng.nextExponential(this.meanExtraUs)); }
  orderLatencyUs(): number { return this.draw(); }
  reportLatencyUs(): number { return this.draw(); }
}

export function createLatencyModel(config: LatencyModelConfig | undefined, rng: Rng): LatencyModel {
  if (config === undefined) return new ConstantLatencyModel();
  const c = parseMemo(LatencyModelSchema, config);
  return c.model === 'constant' ? new ConstantLatencyModel(c.orderUs, c.reportUs) : new ExponentialLatencyModel({ rng, minUs: c.minUs, meanExtraUs: c.meanExtraUs });
}
