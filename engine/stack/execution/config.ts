/** Execution settings, as a scenario file states them. */
import { z } from 'zod';

export const ExecutionConfigSchema = z.strictObject({
  orderTimeoutUs: z.number().int().positive().default(5_000_000)
    .describe('Virtual microseconds (stack clock) to wait for the venue to answer an order, cancel or replace before re-sending it with the same client order id. Default 5 s.'),
  maxRetries: z.number().int().min(0).max(100).default(3)
    .describe('Re-sends per request after a timeout; then the stack stops asking and journals that it gave up (the order stays open until a report settles it). Default 3.'),
}).describe('Order lifecycle settings of the reference stack.');
export type ExecutionConfig = z.input<typeof ExecutionConfigSchema>;
export type ExecutionConfigParsed = z.output<typeof ExecutionConfigSchema>;
