/** Execution settings, as a scenario file states them. */
import { z } from 'zod';

export const ExecutionConfigSchema = z.strictObject({
  orderTimeoutUs: z.number().int().positive().default(5_000_000)
    .describe('Virtual microseconds (stack clock) to wait for the venue to answer an order, cancel or replace before re-sending it with the same client order id. Default 5 s.'),
  maxRetries: z.number().int().min(0).max(100).default(3)
    .describe('Re-sends per request after a timeout, one every orderTimeoutUs. Default 3.'),
  reconcileRetries: z.number().int().min(0).max(20).default(8)
    .describe("After maxRetries, further re-sends of a submit the venue never answered, at doubling intervals (2, 4, 8 ... x orderTimeoutUs): an order lost while the venue link was down reaches the venue once it is back (the same client order id, so never twice). Then the stack journals that it gave up; the order stays open until a report settles it. Meanwhile a new order re-sends it once if the venue has answered anything since its last such re-send, and so does the first report after a submit timed out or such a re-send went out (the link is back): these re-sends count as sends of the order and restart nothing, so a long outage costs sends in proportion to the orders lost in it. Default 8."),
}).describe('Order lifecycle settings of the reference stack.');
export type ExecutionConfig = z.input<typeof ExecutionConfigSchema>;
export type ExecutionConfigParsed = z.output<typeof ExecutionConfigSchema>;
