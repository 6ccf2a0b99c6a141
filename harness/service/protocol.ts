/**
 * The Gauntlet stack protocol, version 1: how a stack in any language is driven over HTTP in
 * lockstep on virtual time. Every message is a JSON POST to the stack's URL and gets a JSON answer.
 *
 * - `start` opens a session: instruments, account, calendar, the stack's clock and its config.
 * - `step` carries the events of one moment (market data, execution reports, timers the stack
 *   asked for) with a sequence number; the answer lists the stack's actions in the order it took
 *   them: orders, cancels, replaces, timers, and optionally the records behind its decisions.
 *   A repeated sequence number is answered from the last answer (a retry never doubles an order);
 *   an older one is an error.
 * - `snapshot` returns the stack's state as plain data; `restore` puts it into a fresh session
 *   (crash and restart). `stop` closes a session.
 *
 * Prices and quantities are raw integers of the instrument (price * 10^priceDecimals), money is in
 * integer units of the account (10^-moneyDecimals), time in epoch microseconds. These zod schemas
 * are both sides' validation (Gauntlet's adapter and the served reference stack) and the source of
 * schemas/stack-protocol.schema.json.
 */
import { z } from 'zod';
import { SessionCalendarSchema, type JOURNAL_KINDS } from '../../engine/index.ts';

import { PROTOCOL_NAME, PROTOCOL_VERSION } from './protocol-names.ts';

export { PROTOCOL_NAME, PROTOCOL_VERSION, STACK_PROTOCOL_HEADER } from './protocol-names.ts';

const Int = z.int().describe('An integer (JSON number without fraction, within +-2^53).');
const TimeUs = z.int().describe('Epoch microseconds.');
const Id = z.string().min(1).max(200);
const Version = z.literal(PROTOCOL_VERSION).describe(`Protocol version (${PROTOCOL_VERSION}).`);
const Session = Id.describe('The session this message belongs to (Gauntlet names it in start).');
const InstrumentId = Id.describe('An instrument id from the start message.');

export const InstrumentInfoSchema = z.strictObject({
  id: InstrumentId,
  kind: z.enum(['equity', 'fx', 'future']),
  currency: z.string(),
  priceDecimals: Int,
  quantityDecimals: Int,
  tickSizeRaw: Int,
  lotSizeRaw: Int,
  multiplier: z.number(),
  marginPerContract: Int.describe('Futures: money units held aside per open contract; 0 otherwise.'),
  baseCurrency: z.string().optional().describe('FX: the currency bought and sold.'),
}).describe('An instrument the stack may trade.');

export const StartRequestSchema = z.strictObject({
  protocol: z.literal(PROTOCOL_NAME),
  version: Version,
  type: z.literal('start'),
  session: Session,
  seed: Int.describe("The run's seed: a stack that draws random numbers seeds them from it, so the run replays."),
  clockUs: TimeUs.describe("The stack's clock at the start."),
  instruments: z.array(InstrumentInfoSchema).min(1),
  account: z.strictObject({ currency: z.string(), moneyDecimals: Int, startCash: Int.describe('Money units.') }),
  calendar: SessionCalendarSchema.describe('Session hours (daily limits).'),
  config: z.unknown().describe("The stack's configuration from the scenario (stack.config, or the reference stack's keys)."),
}).describe('Opens a session.');

export const StartAnswerSchema = z.strictObject({
  version: Version,
  type: z.literal('started'),
  session: Session,
  journal: z.enum(['actions', 'full']).default('actions')
    .describe("actions: Gauntlet journals an order record at each new client order id, and each cancel and replace (default). full: the stack reports every decision record itself (record actions), orders included."),
}).describe('The session is open.');

export const OrderJsonSchema = z.strictObject({
  clientOrderId: Id.describe('Unique per order; a re-sent submit reuses it, and the venue books it once.'),
  instrument: InstrumentId,
  side: z.union([z.literal(1), z.literal(-1)]).describe('1 buy, -1 sell.'),
  quantityRaw: Int,
  type: z.enum(['market', 'limit', 'stop', 'stop-limit']),
  timeInForce: z.enum(['GTC', 'DAY', 'IOC']).default('GTC'),
  limitPriceRaw: Int.optional(),
  stopPriceRaw: Int.optional(),
}).describe('An order.');

const ReportBase = { clientOrderId: Id, instrument: InstrumentId, timeUs: TimeUs };
export const ReportJsonSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fill'), ...ReportBase, side: z.union([z.literal(1), z.literal(-1)]), quantityRaw: Int, priceRaw: Int,
    fee: Int.describe('Money units.'), leavesQuantityRaw: Int,
  }),
  z.strictObject({
    kind: z.enum(['accepted', 'rejected', 'cancelled', 'expired', 'replaced', 'cancel-rejected', 'replace-rejected']), ...ReportBase,
    reason: z.string().optional(), request: OrderJsonSchema.optional().describe("'replaced': the order's terms as they now stand."),
    leavesQuantityRaw: Int.optional(),
  }),
]).describe('An execution report from the venue.');

export const EventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('bar'), instrument: InstrumentId, openTimeUs: TimeUs, closeTimeUs: TimeUs,
    openRaw: Int, highRaw: Int, lowRaw: Int, closeRaw: Int, open: z.number(), high: z.number(), low: z.number(), close: z.number(),
    volume: z.number().describe('0: unknown.'),
  }).describe('A closed bar.'),
  z.strictObject({ type: z.literal('trade'), instrument: InstrumentId, timeUs: TimeUs, priceRaw: Int, price: z.number(), size: z.number() }),
  z.strictObject({
    type: z.literal('quote'), instrument: InstrumentId, timeUs: TimeUs, bidRaw: Int, askRaw: Int, bid: z.number(), ask: z.number(),
    bidSize: z.number(), askSize: z.number(),
  }),
  z.strictObject({ type: z.literal('report'), report: ReportJsonSchema }),
  z.strictObject({ type: z.literal('timer'), id: Id.describe('A timer the stack asked for has fired.') }),
]);

export const StepRequestSchema = z.strictObject({
  version: Version,
  type: z.literal('step'),
  session: Session,
  seq: Int.min(1).describe('1, 2, 3... per session. A repeat of the last is answered from the last answer.'),
  clockUs: TimeUs.describe("The stack's clock now (chaos may skew it against venue time)."),
  events: z.array(EventSchema).min(1).describe('In the order they happened.'),
}).describe("The events of one moment.");

/** Decision records a stack may report (the journal's kinds that the stack, not the venue, writes). */
export const STACK_RECORD_KINDS = [
  'signal', 'order', 'riskReject', 'cancelRequest', 'replaceRequest', 'retry', 'giveUp', 'ignoredReport', 'duplicateReport', 'overfill',
  'dailyLossHalt', 'killSwitch', 'note',
] as const satisfies readonly (keyof typeof JOURNAL_KINDS)[];
export type StackRecordKind = (typeof STACK_RECORD_KINDS)[number];

export const ActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('submit'), order: OrderJsonSchema }),
  z.strictObject({ type: z.literal('cancel'), clientOrderId: Id }),
  z.strictObject({
    type: z.literal('replace'), clientOrderId: Id, quantityRaw: Int.optional(), limitPriceRaw: Int.optional(), stopPriceRaw: Int.optional(),
  }),
  z.strictObject({ type: z.literal('timer'), id: Id, delayUs: Int.min(0).describe("Virtual microseconds from now; a step with {type: 'timer', id} comes then.") }),
  z.strictObject({ type: z.literal('cancelTimer'), id: Id }),
  z.strictObject({
    type: z.literal('record'), kind: z.enum(STACK_RECORD_KINDS),
    fields: z.array(z.union([z.number(), z.string(), z.null()])).max(16)
      .describe("The record's fields in the journal's order (timeUs first); null for a number a replace leaves unset."),
  }).describe('A decision record for the journal (what the stack saw and decided), e.g. a signal.'),
]);
export type Action = z.output<typeof ActionSchema>;

export const StepAnswerSchema = z.strictObject({
  version: Version,
  type: z.literal('actions'),
  session: Session,
  seq: Int,
  actions: z.array(ActionSchema).max(100_000),
}).describe('What the stack did, in order.');

export const SnapshotRequestSchema = z.strictObject({ version: Version, type: z.literal('snapshot'), session: Session });
export const SnapshotAnswerSchema = z.strictObject({
  version: Version, type: z.literal('snapshot'), session: Session, state: z.unknown().describe("The stack's state as plain JSON data."),
});
export const RestoreRequestSchema = z.strictObject({
  version: Version, type: z.literal('restore'), session: Session, state: z.unknown().describe('A state a snapshot answer gave.'),
});
export const RestoreAnswerSchema = z.strictObject({ version: Version, type: z.literal('restored'), session: Session });
export const StopRequestSchema = z.strictObject({ version: Version, type: z.literal('stop'), session: Session });
export const StopAnswerSchema = z.strictObject({ version: Version, type: z.literal('stopped'), session: Session });
export const ErrorAnswerSchema = z.strictObject({
  version: z.number(), type: z.literal('error'), error: z.string().describe('What was wrong with the request (HTTP 4xx) or the stack (5xx).'),
});

export const RequestSchema = z.discriminatedUnion('type', [StepRequestSchema, StartRequestSchema, SnapshotRequestSchema, RestoreRequestSchema, StopRequestSchema]);
export type StackRequest = z.output<typeof RequestSchema>;
export type StartRequest = z.output<typeof StartRequestSchema>;
export type StepRequest = z.output<typeof StepRequestSchema>;
export type EventJson = z.input<typeof EventSchema>;
export type OrderJson = z.output<typeof OrderJsonSchema>;
export type ReportJson = z.output<typeof ReportJsonSchema>;

/** The answer schema for each request type. */
export const ANSWER_SCHEMAS = {
  start: StartAnswerSchema, step: StepAnswerSchema, snapshot: SnapshotAnswerSchema, restore: RestoreAnswerSchema, stop: StopAnswerSchema,
} as const;

export const STACK_PROTOCOL_SCHEMA_ID = `https://gauntlet.dev/schemas/stack-protocol-v${PROTOCOL_VERSION}.schema.json`;

/** The protocol's JSON Schema: every request and every answer. */
export function stackProtocolJsonSchema(): Record<string, unknown> {
  const all = z.object({
    requests: RequestSchema,
    answers: z.union([StartAnswerSchema, StepAnswerSchema, SnapshotAnswerSchema, RestoreAnswerSchema, StopAnswerSchema, ErrorAnswerSchema]),
  });
  const schema = z.toJSONSchema(all, { io: 'input', target: 'draft-2020-12' }) as { properties: Record<string, unknown> };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: STACK_PROTOCOL_SCHEMA_ID,
    title: `Gauntlet stack protocol (version ${PROTOCOL_VERSION}): a request is one of $defs.request, its answer one of $defs.answer`,
    $defs: { request: schema.properties['requests'], answer: schema.properties['answers'] },
    anyOf: [{ $ref: '#/$defs/request' }, { $ref: '#/$defs/answer' }],
  };
}
