/**
 * The reference stack's snapshot state as a zod schema: what a restarted reference stack
 * validates before it restores. Books and execution (the orders: what must never be lost or
 * doubled) are checked field by field; agents, allocator and risk are plain objects whose own
 * restore checks what it reads (their shapes differ per kind).
 */
import { z } from 'zod';

const int = z.number().int();
const raw = z.number().int();

const OrderRequestSchema = z.looseObject({
  clientOrderId: z.string().min(1),
  instrumentIndex: int.nonnegative(),
  side: z.union([z.literal(1), z.literal(-1)]),
  quantityRaw: raw.positive(),
  type: z.enum(['market', 'limit', 'stop', 'stop-limit']),
  timeInForce: z.enum(['GTC', 'DAY', 'IOC']),
  limitPriceRaw: raw.optional(),
  stopPriceRaw: raw.optional(),
});

const ExecOrderSchema = z.strictObject({
  request: OrderRequestSchema,
  status: z.enum(['pending-new', 'accepted', 'partially-filled', 'pending-cancel', 'pending-replace', 'filled', 'cancelled', 'rejected', 'expired']),
  acked: z.boolean(),
  filledRaw: raw.nonnegative(),
  fillKeys: z.array(z.number()).refine((k) => k.length % 4 === 0, { error: 'fill keys come in fours (time, quantity, leaves, price)' }),
  outstanding: z.enum(['none', 'submit', 'cancel', 'replace']),
  sends: int.nonnegative(),
  deadlineUs: int,
  timerSeq: int.nonnegative(),
  cancelWanted: z.boolean(),
  replaceChanges: z.strictObject({ quantityRaw: raw.optional(), limitPriceRaw: raw.optional(), stopPriceRaw: raw.optional() }).nullable(),
});

export const ExecutionStateSchema = z.strictObject({
  seq: int.nonnegative(),
  orders: z.record(z.string(), ExecOrderSchema),
  open: z.array(z.string()),
  finished: z.array(z.string()),
  ignoredReports: int.nonnegative(),
  reportsHeard: int.nonnegative().optional(),
  waitingForVenue: z.boolean().optional(),
  probedAtReports: z.record(z.string(), int.nonnegative()).optional(),
}).superRefine((s, ctx) => {
  for (const [list, ids] of [['open', s.open], ['finished', s.finished]] as const) {
    ids.forEach((id, i) => {
      if (s.orders[id] === undefined) ctx.addIssue({ code: 'custom', path: [list, i], message: `order ${id} is not in orders` });
    });
  }
  for (const [id, o] of Object.entries(s.orders)) {
    if (o.request.clientOrderId !== id) ctx.addIssue({ code: 'custom', path: ['orders', id, 'request', 'clientOrderId'], message: `is ${o.request.clientOrderId}, under id ${id}` });
  }
});

export const BooksStateSchema = z.strictObject({
  startCash: int,
  flow: int,
  fees: int.nonnegative(),
  fills: int.nonnegative(),
  positionsRaw: z.array(raw),
  lastPriceRaw: z.array(raw.nonnegative()),
});

export const ReferenceStackStateSchema = z.strictObject({
  targets: z.array(z.number().min(-1).max(1)),
  has: z.array(z.boolean()),
  flattening: z.boolean(),
  flattenSentUs: z.array(int.nullable()).optional(),
  flattenSentPositionRaw: z.array(raw).optional(),
  books: BooksStateSchema,
  execution: ExecutionStateSchema,
  risk: z.record(z.string(), z.unknown()),
  allocator: z.unknown(),
  agents: z.record(z.string(), z.unknown()),
}).refine((s) => s.targets.length === s.has.length, { error: 'targets and has differ in length', path: ['has'] });
