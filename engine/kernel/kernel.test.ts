// Proves the kernel's contract: (time, priority, sequence) order, forward-only time, errors that
// name the event, budgets, and that async work settles before the clock moves, with a synchronous
// fast path when nothing awaits.
import { describe, expect, it } from 'vitest';
import { FetchTimeoutError, Kernel, timersOver, type ExternalStream, type LateResponse } from './kernel.ts';
import { PRIORITY } from './event-queue.ts';
import { VirtualClock } from './clock.ts';

/** A stream of given times that logs each dispatch; `asyncAt` times return a promise. */
function timesStream(times: number[], log: string[], opts: { asyncAt?: Set<number>; kernel?: () => Kernel } = {}): ExternalStream {
  let i = 0;
  const nextUs = new Float64Array(1);
  return {
    nextUs,
    peek: () => { nextUs[0] = i < times.length ? times[i]! : Number.POSITIVE_INFINITY; },
    load: async () => {},
    dispatch: () => {
      const t = times[i++]!;
      log.push(`market@${t}`);
      if (opts.asyncAt?.has(t)) {
        return (async () => {
          const k = opts.kernel!();
          await k.context.sleep(0);
          log.push(`market@${t}:after-sleep0`);
        })();
      }
      return undefined;
    },
  };
}

describe('VirtualClock', () => {
  it('moves forward only and rejects unsafe times', () => {
    const c = new VirtualClock(10);
    c.advanceTo(10, 'same');
    c.advanceTo(11, 'next');
    expect(() => c.advanceTo(5, 'fill X')).toThrow(/backwards for fill X/);
    expect(() => c.advanceTo(1.5, 'fractional')).toThrow(/safe integer/);
    expect(() => new VirtualClock(2 ** 60)).toThrow(/safe integer/);
  });
});

describe('Kernel ordering', () => {
  it('orders by time, then priority (market, timer, venue, stack), then sequence', async () => {
    const log: string[] = [];
    const k = new Kernel({ startUs: 0 });
    k.schedule(5, PRIORITY.stack, 'stack', () => { log.push('stack@5'); });
    k.schedule(5, PRIORITY.venue, 'venue-a', () => { log.push('venue-a@5'); });
    k.schedule(5, PRIORITY.venue, 'venue-b', () => { log.push('venue-b@5'); });
    k.schedule(5, PRIORITY.timer, 'timer', () => { log.push('timer@5'); });
    k.schedule(3, PRIORITY.stack, 'early', () => { log.push('stack@3'); });
    k.setStream(timesStream([1, 5, 7], log));
    const out = await k.run();
    expect(log).toEqual(['market@1', 'stack@3', 'market@5', 'timer@5', 'venue-a@5', 'venue-b@5', 'stack@5', 'market@7']);
    expect(out).toMatchObject({ stop: 'exhausted', events: 8, marketEvents: 3, endUs: 7 });
  });

  it('refuses to schedule in the past, naming the event', async () => {
    const k = new Kernel({ startUs: 100 });
    expect(() => k.schedule(99, PRIORITY.timer, 'order-timeout #7', () => {})).toThrow(/order-timeout #7/);
    expect(() => k.schedule(100, PRIORITY.market, 'x', () => {})).toThrow(/priority/);
  });

  it('stops at the event budget and at the time budget', async () => {
    const log: string[] = [];
    const k = new Kernel({ startUs: 0 });
    k.setStream(timesStream([1, 2, 3, 4, 5], log));
    expect((await k.run({ maxEvents: 2 })).stop).toBe('max-events');
    expect((await k.run({ untilUs: 4 })).stop).toBe('until');
    expect(log).toEqual(['market@1', 'market@2', 'market@3', 'market@4']);
    expect((await k.run()).stop).toBe('exhausted');
  });
});

describe('Kernel settling', () => {
  it('runs async handlers to completion before the next event, with virtual sleeps', async () => {
    const log: string[] = [];
    const k: Kernel = new Kernel({ startUs: 0 });
    k.setStream(timesStream([10, 20], log, { asyncAt: new Set([10]), kernel: () => k }));
    k.schedule(15, PRIORITY.timer, 'spawner', () => {
      k.context.spawn('slow', async () => {
        log.push(`slow start@${k.clock.nowUs()}`);
        await k.context.sleep(30_000_000); // 30 s of virtual time: costs no real second
        log.push(`slow resume@${k.clock.nowUs()}`);
      });
    });
    const out = await k.run();
    expect(log).toEqual(['market@10', 'market@10:after-sleep0', 'slow start@15', 'market@20', 'slow resume@30000015']);
    expect(out.parkedTasks).toEqual([]);
  });

  it('delivers fetch results in request order and settles them before time moves', async () => {
    const log: string[] = [];
    // The second request completes first in real time; the stack still sees request order.
    const delays: Record<string, number> = { '/a': 20, '/b': 1 };
    const k: Kernel = new Kernel({
      startUs: 0,
      fetch: (url) => new Promise((res) => setTimeout(() => res({ status: 200, headers: {}, body: url }), delays[url])),
    });
    k.schedule(1, PRIORITY.timer, 'poll', () => {
      k.context.spawn('a', async () => { const r = await k.context.fetch('/a'); log.push(`got ${r.body}@${k.clock.nowUs()}`); });
      k.context.spawn('b', async () => { const r = await k.context.fetch('/b'); log.push(`got ${r.body}@${k.clock.nowUs()}`); });
    });
    k.schedule(2, PRIORITY.timer, 'later', () => { log.push('later@2'); });
    await k.run();
    expect(log).toEqual(['got /a@1', 'got /b@1', 'later@2']);
  });

  it('names a task that waits on something untracked', async () => {
    const k = new Kernel({ startUs: 0 });
    k.schedule(1, PRIORITY.timer, 'stuck', () => new Promise<void>(() => {}));
    await expect(k.run()).rejects.toThrow(/stuck.*does not track/);
  });

  it('reports a failing background task with its name', async () => {
    const k = new Kernel({ startUs: 0 });
    k.schedule(1, PRIORITY.timer, 't', () => { k.context.spawn('boom-task', async () => { throw new Error('boom'); }); });
    await expect(k.run()).rejects.toThrow(/boom-task failed: boom/);
  });

  it('keeps the synchronous fast path: 10k sync events need no settle round', async () => {
    const log: string[] = [];
    const k = new Kernel({ startUs: 0 });
    const times = Array.from({ length: 10_000 }, (_, i) => i);
    k.setStream(timesStream(times, log));
    let turns = 0;
    // If the loop awaited per event, a macrotask scheduled now would run before it finished.
    const probe = setImmediate(() => { turns++; });
    const out = await k.run();
    clearImmediate(probe);
    expect(out.marketEvents).toBe(10_000);
    expect(turns).toBe(0);
  });
});

describe('Kernel pauses', () => {
  const times = Array.from({ length: 95 }, (_, i) => i + 1);

  it('awaits the caller every N events without changing what runs, and stops at a real budget', async () => {
    const plain: string[] = [];
    const k1 = new Kernel({ startUs: 0 });
    k1.setStream(timesStream(times, plain));
    const a = await k1.run();
    const paused: string[] = [];
    const at: number[] = [];
    const k2 = new Kernel({ startUs: 0 });
    k2.setStream(timesStream(times, paused));
    const b = await k2.run({ pauseEveryEvents: 10, pause: async () => { at.push(paused.length); } });
    expect(paused).toEqual(plain);
    expect(b).toEqual(a);
    expect(at).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const k3 = new Kernel({ startUs: 0 });
    k3.setStream(timesStream(times, []));
    expect(await k3.run({ maxEvents: 25, pauseEveryEvents: 10, pause: async () => {} })).toMatchObject({ stop: 'max-events', events: 25 });
  });

  it('a pause that throws stops the run with its error', async () => {
    const k = new Kernel({ startUs: 0 });
    k.setStream(timesStream(times, []));
    await expect(k.run({ pauseEveryEvents: 30, pause: async () => { throw new Error('interrupted'); } })).rejects.toThrow('interrupted');
    expect(k.clock.nowUs()).toBe(30);
    await expect(new Kernel({ startUs: 0 }).run({ pauseEveryEvents: 0, pause: async () => {} })).rejects.toThrow(/positive integer/);
  });
});

describe('Kernel virtual-time fetch', () => {
  const ok = (body: string, latencyUs?: number) => Promise.resolve({ status: 200, headers: {}, body, ...(latencyUs === undefined ? {} : { latencyUs }) });

  it('delivers a response at the request instant plus its latency, costing no real time', async () => {
    const log: string[] = [];
    const k: Kernel = new Kernel({ startUs: 0, fetch: (url) => ok(url, 30_000_000) });
    k.schedule(5, PRIORITY.timer, 'poll', () => {
      k.context.spawn('get', async () => { const r = await k.context.fetch('/slow'); log.push(`${r.body}@${k.clock.nowUs()}`); });
    });
    k.schedule(10_000_000, PRIORITY.timer, 'meanwhile', () => { log.push('meanwhile@10000000'); });
    const started = performance.now();
    await k.run();
    expect(log).toEqual(['meanwhile@10000000', '/slow@30000005']);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('times out at now + timeout, drops the late response and hands it to onLate', async () => {
    const log: string[] = [];
    const late: LateResponse[] = [];
    const k: Kernel = new Kernel({ startUs: 0, fetch: (url) => ok(url, 2_000) });
    k.schedule(1, PRIORITY.timer, 'poll', () => {
      k.context.spawn('get', async () => {
        try {
          await k.context.fetch('/x', { timeoutUs: 1_000, onLate: (l) => late.push(l) });
          log.push('got');
        } catch (e) {
          log.push(`${(e as Error).name}@${k.clock.nowUs()}`);
          expect(e).toBeInstanceOf(FetchTimeoutError);
        }
      });
    });
    await k.run();
    expect(log).toEqual(['FetchTimeoutError@1001']);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ url: '/x', requestUs: 1, arrivedUs: 2001, response: { body: '/x' } });
  });

  it('treats a response due exactly at the timeout as late', async () => {
    const k: Kernel = new Kernel({ startUs: 0, fetch: (url) => ok(url, 1_000) });
    let outcome = '';
    k.schedule(0, PRIORITY.timer, 'poll', () => {
      k.context.spawn('get', async () => {
        outcome = await k.context.fetch('/x', { timeoutUs: 1_000 }).then(() => 'ok', (e: Error) => e.name);
      });
    });
    await k.run();
    expect(outcome).toBe('FetchTimeoutError');
  });

  it('delivers a transport error at the latency it carries', async () => {
    const k: Kernel = new Kernel({ startUs: 0, fetch: () => Promise.reject(Object.assign(new Error('connection reset'), { latencyUs: 700 })) });
    let seen = '';
    k.schedule(100, PRIORITY.timer, 'poll', () => {
      k.context.spawn('get', async () => {
        seen = await k.context.fetch('/r').then(() => 'ok', (e: Error) => `${e.message}@${k.clock.nowUs()}`);
      });
    });
    await k.run();
    expect(seen).toBe('connection reset@800');
  });

  it('gives the transport the virtual instant and a request sequence', async () => {
    const seen: string[] = [];
    const k: Kernel = new Kernel({ startUs: 0, fetch: (url, _init, req) => { seen.push(`${url}:${req.nowUs}:${req.seq}`); return ok(url); } });
    k.schedule(7, PRIORITY.timer, 'poll', () => {
      k.context.spawn('a', async () => { await k.context.fetch('/a'); await k.context.fetch('/b'); });
    });
    await k.run();
    expect(seen).toEqual(['/a:7:0', '/b:7:1']);
  });

  it('fails a run whose handler never answers, naming the URL, after the real-time watchdog', async () => {
    const k: Kernel = new Kernel({ startUs: 0, ioWatchdogMs: 50, fetch: () => new Promise(() => {}) });
    k.schedule(1, PRIORITY.timer, 'poll', () => { k.context.spawn('get', async () => { await k.context.fetch('https://p.test/v2/hang'); }); });
    await expect(k.run()).rejects.toThrow(/no answer within 50 ms of real time from https:\/\/p\.test\/v2\/hang/);
  });
});

describe('the market stream contract', () => {
  it('refuses a stream without its one-slot time array', () => {
    const k = new Kernel({ startUs: 0 });
    const noSlot = { peek: () => {}, load: async () => {}, dispatch: () => undefined } as unknown as ExternalStream;
    expect(() => k.setStream(noSlot)).toThrow(/one-slot Float64Array nextUs/);
    expect(() => k.setStream({ ...noSlot, nextUs: new Float64Array(0) })).toThrow(/one-slot/);
  });

  it('moves the clock to each market time and refuses a stream that goes back in time', async () => {
    const k = new Kernel({ startUs: 0 });
    const seen: number[] = [];
    const times = [5, 7, 7, 9];
    let i = 0;
    const nextUs = new Float64Array(1);
    k.setStream({ nextUs, peek: () => { nextUs[0] = i < times.length ? times[i]! : Number.POSITIVE_INFINITY; }, load: async () => {}, dispatch: () => { seen.push(k.clock.nowUs()); i++; } });
    await k.run();
    expect(seen).toEqual([5, 7, 7, 9]);
    const back = new Kernel({ startUs: 0 });
    const t2 = [5, 3];
    let j = 0;
    const slot = new Float64Array(1);
    back.setStream({ nextUs: slot, peek: () => { slot[0] = j < t2.length ? t2[j]! : Number.POSITIVE_INFINITY; }, load: async () => {}, dispatch: () => { j++; } });
    await expect(back.run()).rejects.toThrow(/backwards for market data/);
    const frac = new Kernel({ startUs: 0 });
    const s3 = new Float64Array(1);
    let m = 0;
    frac.setStream({ nextUs: s3, peek: () => { s3[0] = m === 0 ? 2.5 : Number.POSITIVE_INFINITY; }, load: async () => {}, dispatch: () => { m++; } });
    await expect(frac.run()).rejects.toThrow(/safe integer/);
  });
});

describe('timer and cancelTimer', () => {
  it('run a timer at its time unless cancelled, and a stale cancel leaves the event that reused its object alone', async () => {
    const k = new Kernel({ startUs: 0 });
    const log: string[] = [];
    const a = k.context.timer(10, 'a', () => { log.push(`a@${k.clock.nowUs()}`); });
    const aSeq = a.seq;
    const b = k.context.timer(20, 'b', () => { log.push('b'); });
    const bSeq = b.seq;
    k.context.cancelTimer(b, bSeq);
    await k.run();
    expect(log).toEqual(['a@10']);
    // Both are done with: their objects serve the next events, which cancels with the old seqs must not touch.
    const c = k.context.timer(5, 'c', () => { log.push(`c@${k.clock.nowUs()}`); });
    expect([a, b]).toContain(c);
    k.context.cancelTimer(a, aSeq);
    k.context.cancelTimer(b, bSeq);
    await k.run();
    expect(log).toEqual(['a@10', 'c@15']);
  });

  it('timersOver makes them from a schedule function, cancel functions in the handles', () => {
    const cancelled: string[] = [];
    const t = timersOver((_delayUs, name) => () => { cancelled.push(name); });
    const h = t.timer(5, 'x', () => {});
    t.cancelTimer(h, h.seq);
    expect(cancelled).toEqual(['x']);
  });
});
