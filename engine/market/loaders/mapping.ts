/**
 * Declared CSV mappings: which file, which columns mean what, how time is written, how many
 * decimals prices carry and what to do with bad rows. A loader never guesses any of it. The field
 * descriptions end up in the user-facing JSON Schema of scenario files.
 */
import { z } from 'zod';
import { CalendarRefSchema, isValidTimeZone } from '../calendar.ts';
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND } from '../../kernel/time.ts';

export const ColumnRefSchema = z.union([z.string().min(1), z.number().int().min(1)])
  .describe('A column: its header name exactly as written (case and spaces count), or its 1-based position for an unnamed column.');
export type ColumnRef = z.infer<typeof ColumnRefSchema>;

const TimeZoneSchema = z.string().refine(isValidTimeZone, { message: 'unknown IANA time zone' }).default('UTC')
  .describe("IANA time zone the timestamps are written in (files record none). Default 'UTC'.");

export const TimeSpecSchema = z.discriminatedUnion('format', [
  z.strictObject({
    format: z.literal('date').describe("'YYYY-MM-DD' session dates: a bar opens at the calendar's session open and closes at its session close."),
    column: ColumnRefSchema,
    calendar: CalendarRefSchema.describe('The session calendar the dates belong to: a preset name or a full calendar.'),
  }),
  z.strictObject({
    format: z.literal('date+time').describe("Date 'YYYY-MM-DD' and time 'HH:MM[:SS[.ffffff]]' in two columns."),
    dateColumn: ColumnRefSchema,
    timeColumn: ColumnRefSchema,
    timeZone: TimeZoneSchema,
  }),
  z.strictObject({
    format: z.literal('iso').describe("'YYYY-MM-DDTHH:MM[:SS[.ffffff]]', local in timeZone; a trailing Z or +HH:MM offset, when written, wins."),
    column: ColumnRefSchema,
    timeZone: TimeZoneSchema,
  }),
  z.strictObject({
    format: z.literal('mdy').describe("'MM/DD/YYYY HH:MM:SS[.ffffff]' (US order)."),
    column: ColumnRefSchema,
    timeZone: TimeZoneSchema,
  }),
  z.strictObject({
    format: z.literal('datetime').describe("'YYYY-MM-DD HH:MM:SS[.ffffff]'."),
    column: ColumnRefSchema,
    timeZone: TimeZoneSchema,
  }),
]).describe('How timestamps are written, and where.');
export type TimeSpec = z.infer<typeof TimeSpecSchema>;

const common = {
  file: z.string().min(1).describe('Path of the data file, relative to the base directory the loader is given: CSV, or Parquet when it ends in .parquet (flat columns, read by name or position; issues then give the row, not the line). Issues name it as written here.'),
  instrumentId: z.string().min(1).describe("The instrument the rows are for, e.g. 'ORCL'."),
  priceDecimals: z.number().int().min(0).max(9)
    .describe('Decimals prices carry: raw = price * 10^priceDecimals, exactly. More non-zero decimals than this is a bad row (too-many-decimals); repair rounds half-even.'),
  delimiter: z.string().length(1).default(',').describe("Field delimiter. Default ','."),
  time: TimeSpecSchema,
  badRows: z.enum(['reject', 'skip', 'repair'])
    .describe('Bad-row policy. reject: stop at the first bad row with its location. skip: drop each bad row and report it. repair: fix what has a sound repair and report the change; skip and report the rest.'),
  maxJumpPct: z.number().positive().optional()
    .describe('A row whose price (bar close, trade price, quote mid) moves more than this percent from the last accepted row is a bad row (jump). Unset: no jump check.'),
};

export const BarMappingSchema = z.strictObject({
  ...common,
  dataType: z.literal('bar').describe('OHLC bars.'),
  columns: z.strictObject({
    open: ColumnRefSchema, high: ColumnRefSchema, low: ColumnRefSchema, close: ColumnRefSchema,
    adjClose: ColumnRefSchema.optional().describe('The dividend- and split-adjusted close, when the file has one.'),
    volume: ColumnRefSchema.optional().describe('Volume; when absent every bar has volume 0 (unknown).'),
  }).describe('Columns of the bar fields.'),
  closePrice: z.enum(['close', 'adjClose']).optional()
    .describe("Which close the bars carry; required when adjClose is declared. 'adjClose': close = AdjClose and Open/High/Low are each scaled by AdjClose/Close (exact rational, rounded half-even); volume is unchanged."),
  barInterval: z.string().regex(/^[1-9]\d*(?:s|m|h|d)$/, "expected e.g. '30s', '5m', '1h', '1d'")
    .describe("Bar length, e.g. '5m', '1h', '1d'. With date-only timestamps it must be '1d' and a bar spans its session."),
  timestampMarks: z.enum(['open', 'close']).optional()
    .describe("Whether a bar's timestamp is its open or its close time; required unless timestamps are date-only."),
}).superRefine((m, ctx) => {
  if (m.time.format === 'date' && m.barInterval !== '1d') {
    ctx.addIssue({ code: 'custom', path: ['barInterval'], message: "date-only bars are daily: barInterval must be '1d'" });
  }
  if (m.time.format !== 'date' && m.timestampMarks === undefined) {
    ctx.addIssue({ code: 'custom', path: ['timestampMarks'], message: "declare whether timestamps mark the bar's 'open' or 'close'" });
  }
  if (m.columns.adjClose !== undefined && m.closePrice === undefined) {
    ctx.addIssue({ code: 'custom', path: ['closePrice'], message: "an adjClose column is declared: choose closePrice 'close' or 'adjClose' explicitly" });
  }
  if (m.closePrice === 'adjClose' && m.columns.adjClose === undefined) {
    ctx.addIssue({ code: 'custom', path: ['columns', 'adjClose'], message: "closePrice 'adjClose' needs an adjClose column" });
  }
}).describe('A CSV file of OHLC bars.');

/** A tick stamped with a date alone has no instant: placing it anywhere in the session would be a guess. */
function noDateOnly(m: { time: { format: string } }, ctx: z.RefinementCtx): void {
  if (m.time.format === 'date') ctx.addIssue({ code: 'custom', path: ['time', 'format'], message: 'date-only timestamps are for bars; ticks need a time of day' });
}

export const TradeMappingSchema = z.strictObject({
  ...common,
  dataType: z.literal('trade').describe('Trades (ticks).'),
  columns: z.strictObject({
    price: ColumnRefSchema,
    size: ColumnRefSchema.optional().describe('Trade size; when absent every size is 0 (unknown).'),
  }).describe('Columns of the trade fields.'),
}).superRefine(noDateOnly).describe('A CSV file of trades, one a row; rows may share a timestamp (file order is kept).');

export const QuoteMappingSchema = z.strictObject({
  ...common,
  dataType: z.literal('quote').describe('Top-of-book bid/ask quotes.'),
  columns: z.strictObject({
    bid: ColumnRefSchema, ask: ColumnRefSchema,
    bidSize: ColumnRefSchema.optional().describe('Bid size; absent: 0 (unknown).'),
    askSize: ColumnRefSchema.optional().describe('Ask size; absent: 0 (unknown).'),
  }).describe('Columns of the quote fields.'),
  maxSpreadPct: z.number().positive().optional()
    .describe('A quote whose spread (ask - bid) / mid exceeds this percent is a bad row (wide-spread). Unset: no spread check.'),
}).superRefine(noDateOnly).describe('A CSV file of top-of-book quotes; rows may share a timestamp (file order is kept).');

export const CsvMappingSchema = z.discriminatedUnion('dataType', [BarMappingSchema, TradeMappingSchema, QuoteMappingSchema])
  .describe('A declared mapping from a CSV file to market data.');
export type CsvMapping = z.infer<typeof CsvMappingSchema>;
export type CsvMappingInput = z.input<typeof CsvMappingSchema>;
export type BarMapping = z.infer<typeof BarMappingSchema>;
export type TradeMapping = z.infer<typeof TradeMappingSchema>;
export type QuoteMapping = z.infer<typeof QuoteMappingSchema>;

const UNIT_US = { s: US_PER_SECOND, m: US_PER_MINUTE, h: US_PER_HOUR, d: US_PER_DAY } as const;

/** Microseconds of a bar interval such as '5m'. */
export function barIntervalUs(interval: string): number {
  const unit = interval.slice(-1) as keyof typeof UNIT_US;
  const n = Number(interval.slice(0, -1));
  const us = UNIT_US[unit];
  if (us === undefined || !Number.isSafeInteger(n) || n <= 0) throw new RangeError(`bad bar interval '${interval}'`);
  return n * us;
}
