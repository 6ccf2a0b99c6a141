/** Durations as people write them in scenario files ('250ms', '30s', '5m', '1h', '1d'), to microseconds. */
import { z } from 'zod';
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_MS, US_PER_SECOND } from './time.ts';

const UNIT_US = { us: 1, ms: US_PER_MS, s: US_PER_SECOND, m: US_PER_MINUTE, h: US_PER_HOUR, d: US_PER_DAY } as const;
const DURATION = /^(\d{1,12})(us|ms|s|m|h|d)$/;

/** Microseconds of `text` ('30s'); null when malformed or beyond `maxUs`. */
function parseUs(text: string, maxUs: number): number | null {
  const m = DURATION.exec(text);
  if (m === null) return null;
  const us = Number(m[1]) * UNIT_US[m[2] as keyof typeof UNIT_US];
  return us <= maxUs ? us : null;
}

/** Microseconds of '30s'; null when malformed or beyond a year. */
export function durationUs(text: string): number | null {
  return parseUs(text, 366 * US_PER_DAY);
}

/**
 * Microseconds of an offset into a market ('90m', '1200d'): a duration's syntax, up to a century,
 * since a fault window or crash may fall years into a long daily history. Null when malformed.
 */
export function offsetUs(text: string): number | null {
  return parseUs(text, 36_525 * US_PER_DAY);
}

/** A duration field: text in, microseconds out. */
export function durationSchema(description: string): z.ZodPipe<z.ZodString, z.ZodTransform<number, string>> {
  return z.string()
    .refine((s) => durationUs(s) !== null, { error: "expected a duration such as '250ms', '30s', '5m', '1h' or '1d' (at most a year)" })
    .transform((s) => durationUs(s)!)
    .describe(description);
}
