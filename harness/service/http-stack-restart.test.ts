// Crash and restart of a stack over HTTP, as the TradingStack adapter maps it: snapshot() returns a
// token at once and the snapshot message goes out before any later step; a fresh instance on the
// same link restores from it, and carries on exactly as a stack that never crashed (same orders,
// same client order ids).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALENDARS, Journal, makeInstrument, timersOver, type BarView, type DataClient, type KernelContext, type OrderRequest, type StackEnv } from '../../engine/index.ts';
import { HttpStack, StackLink } from './http-stack.ts';
import { ReferenceStackService } from './reference-service.ts';
import { serveMessages, type StackServer } from './server.ts';

let served: StackServer;
beforeAll(async () => { served = await serveMessages((json) => new Promise((resolve) => { resolve(service.handle(json)); })); });
afterAll(async () => { await served.close(); });
const service = new ReferenceStackService();

const DAY_US = 86_400_000_000;
const T0 = 1_704_067_200_000_000;
const instruments = [makeInstrument({ id: 'SIN', kind: 'equity', priceDecimals: 2 }, 2)];

function bar(i: number): BarView {
  const closeRaw = 10_000 + Math.round(500 * Math.sin(i / 4));
  const close = closeRaw / 100;
  return {
    instrumentId: 'SIN', instrumentIndex: 0, openTimeUs: T0 + i * DAY_US, closeTimeUs: T0 + (i + 1) * DAY_US, open: close, high: close, low: close, close,
    volume: 0, openRaw: closeRaw, highRaw: closeRaw, lowRaw: closeRaw, closeRaw, priceDecimals: 2,
  };
}

/** A bare environment: the kernel's lockstep I/O runs at once, background work is collected to be awaited. */
function env(clock: { t: number }, orders: string[], background: Promise<unknown>[]): StackEnv & { push(b: BarView): Promise<void> } {
  const handlers: ((b: BarView) => void | Promise<void>)[] = [];
  const c = { nowUs: () => clock.t };
  const never = (): never => { throw new Error('not used'); };
  const kernel: KernelContext = {
    clock: c, sleep: never, fetch: never, scheduleAt: never, post: never, schedule: () => () => {}, ...timersOver(() => () => {}),
    spawn: (_name, fn) => { background.push(fn()); }, external: (_what, run) => run(),
  };
  const data: DataClient = { onBar: (h) => { handlers.push(h); return () => {}; }, onTrade: () => () => {}, onQuote: () => () => {} };
  return {
    data, kernel, clock: c, instruments, journal: new Journal({ rootSeed: 1 }), calendar: CALENDARS.UTC_24H,
    account: { currency: 'USD', moneyDecimals: 2, startCash: 10_000_000 },
    venue: { submit: (o: OrderRequest) => { orders.push(`${o.clientOrderId} ${o.side} ${o.quantityRaw} @${clock.t}`); }, cancel: () => {}, replace: () => {} },
    push: async (b) => { clock.t = b.closeTimeUs; for (const h of handlers) await h(b); },
  };
}

const config = { agents: [{ kind: 'sma-crossover', instrument: 'SIN', period: 5, allowShort: true }], allocator: { kind: 'fixed-quantity', quantity: 3 } };
const options = () => ({ url: served.url, timeoutMs: 5000, retries: 0, config, seed: 1, calendar: CALENDARS.UTC_24H });

describe('an HTTP stack that crashes and restarts', () => {
  it('restores from its snapshot and decides as the stack that never crashed', async () => {
    const N = 80;
    const CRASH = 37;
    const clean: string[] = [];
    const bg: Promise<unknown>[] = [];
    const e0 = env({ t: T0 }, clean, bg);
    const never = new HttpStack(new StackLink(options(), 'never-crashed'));
    never.start(e0);
    for (let i = 0; i < N; i++) await e0.push(bar(i));

    const crashed: string[] = [];
    const link = new StackLink(options(), 'crashed');
    const clock = { t: T0 };
    const e1 = env(clock, crashed, bg);
    const first = new HttpStack(link);
    first.start(e1);
    for (let i = 0; i < CRASH; i++) await e1.push(bar(i));
    const token = first.snapshot();
    expect(token).toMatchObject({ protocol: 'gauntlet-stack', snapshot: 1 });
    first.stop();
    const e2 = env(clock, crashed, bg);
    const second = new HttpStack(link);
    second.start(e2);
    second.restore(structuredClone(token));
    for (let i = CRASH; i < N; i++) await e2.push(bar(i));
    await Promise.all(bg);

    expect(clean.length).toBeGreaterThan(5);
    expect(crashed).toEqual(clean);
    // The crashed session was stopped; the restarted one and the clean one are still open.
    expect(link.snapshots.size).toBe(1);
  });

  it('refuses to restore what is not its snapshot token', () => {
    const s = new HttpStack(new StackLink(options(), 'bad-token'));
    s.start(env({ t: T0 }, [], []));
    expect(() => s.restore({ books: {} })).toThrow(/restore takes what its snapshot\(\) returned/);
  });
});
