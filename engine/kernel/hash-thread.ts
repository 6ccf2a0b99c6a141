/**
 * SHA-256 of a long byte stream on a helper thread: a long run's journal hands its full chunks to
 * one worker thread, shared by every journal of the process, which hashes them in order while the
 * run goes on. Hashing 72 bytes per bar on the main thread was a sixth of a long backtest's time.
 *
 * No message per chunk and no copy: a journal writes its chunks in place, in a ring of
 * SharedArrayBuffer slots (a lane). It publishes a slot by bumping a counter, which the worker
 * looks at every POLL_MS while a lane is open; the worker hashes the slot and hands it back by
 * bumping another counter. A
 * journal that finds its next slot still being hashed waits for it (Atomics.wait), and so does the
 * fingerprint, for the digest: results are read synchronously, so the journal's API stays as it
 * is. Messages would not do: the kernel's loop runs synchronously, so the main thread would
 * never see a reply until the run ends.
 *
 * The worker starts at the first lane (a process that never runs long never starts it) and never
 * keeps the process alive. Finished lanes go back to a small pool for the next long run.
 */
import type { MessagePort } from 'node:worker_threads';

/**
 * Chunks a lane holds: the worker may fall this far behind before the journal waits. On a busy
 * machine the worker is descheduled for stretches of several chunks (2 ms each), though it hashes
 * far faster than the journal fills them: with 4 slots the main thread of a 1e6-bar backtest
 * waited 10-17 ms a run for free slots (of about 300), with 8 slots 4-9 ms, with 16 slots 3-5 ms.
 * Each slot is 512 KiB of shared memory (one lane is pooled); 16 slots took a 1e7-bar replay's
 * peak RSS from 142 to 155 MB, past its 150 MB target, so 8.
 */
export const LANE_SLOTS = 8;
/**
 * While a lane is open the worker looks for chunks this often, instead of being woken for each:
 * a thread woken by another runs where its waker ran, so on a busy machine every wake took the
 * journal's own core for the hashing. It is woken only when the journal must wait for it.
 */
const POLL_MS = 2;
// A chunk takes the journal about 2 ms to fill, and the ring holds LANE_SLOTS of them. Polling costs
// the worker about 2% of a core while a lane is open, a lane whose journal is kept but never
// finished included (one let go is dropped when its journal is collected).

// Control words of a lane (Int32Array over a SharedArrayBuffer).
const PUBLISHED = 0; // chunks the journal has published
const CONSUMED = 1; // chunks the worker has hashed (their slots are free again)
const STATE = 2; // OPEN, FINISHING (all published: digest wanted), DONE (digest written), ABANDONED
const LENGTHS = 4; // byte length of each slot's chunk, LANE_SLOTS words
const OPEN = 0;
const FINISHING = 1;
const DONE = 2;
const ABANDONED = 3;

/**
 * A wait that makes no progress for this long means the worker is gone (it crashed, or could not
 * start): a watchdog on real time, which no result depends on.
 */
const STALL_MS = 60_000;

/**
 * The worker, as source (no file to locate, whatever loads the engine). It sleeps on the doorbell,
 * takes new lanes from its port (synchronously: it never returns to an event loop), and hashes
 * what each lane has published, in order.
 */
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { bell, port } = workerData;
const lanes = [];
for (;;) {
  const rung = Atomics.load(bell, 0);
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    lanes.push({ ctl: m.message.ctl, slots: m.message.slots, digest: m.message.digest, hash: createHash('sha256') });
  }
  for (let i = 0; i < lanes.length; i++) {
    const l = lanes[i];
    const state = Atomics.load(l.ctl, ${STATE});
    if (state === ${ABANDONED}) { lanes.splice(i--, 1); continue; }
    const published = Atomics.load(l.ctl, ${PUBLISHED});
    for (let c = Atomics.load(l.ctl, ${CONSUMED}); c < published;) {
      const slot = c % ${LANE_SLOTS};
      l.hash.update(new Uint8Array(l.slots[slot], 0, l.ctl[${LENGTHS} + slot]));
      Atomics.store(l.ctl, ${CONSUMED}, ++c);
      Atomics.notify(l.ctl, ${CONSUMED});
    }
    if (state === ${FINISHING}) {
      l.digest.set(l.hash.digest());
      Atomics.store(l.ctl, ${STATE}, ${DONE});
      Atomics.notify(l.ctl, ${STATE});
      lanes.splice(i--, 1);
    }
  }
  Atomics.wait(bell, 0, rung, lanes.length > 0 ? ${POLL_MS} : Infinity);
}
`;

interface HashThread {
  readonly bell: Int32Array;
  readonly port: MessagePort;
}

let thread: HashThread | null = null;

function hashThread(): HashThread {
  if (thread !== null) return thread;
  const bell = new Int32Array(new SharedArrayBuffer(4));
  // node:worker_threads loads here, at the first long run (about 2 ms that most processes never need).
  const { MessageChannel, Worker } = process.getBuiltinModule('node:worker_threads');
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'gauntlet journal hash', workerData: { bell, port: port2 }, transferList: [port2] });
  // Never what keeps a process alive: it dies with the process, mid-wait or not.
  worker.unref();
  port1.unref();
  // A worker that dies leaves its lanes' waits to the stall watchdog, which names the cause.
  worker.on('error', () => { thread = null; });
  worker.on('exit', () => { thread = null; });
  thread = { bell, port: port1 };
  return thread;
}

/** Waits until ctl[index] >= target (it only grows), or throws after STALL_MS without progress. */
function waitFor(ctl: Int32Array, index: number, target: number, what: string): void {
  for (let v = Atomics.load(ctl, index); v < target; v = Atomics.load(ctl, index)) {
    if (Atomics.wait(ctl, index, v, STALL_MS) === 'timed-out' && Atomics.load(ctl, index) === v) {
      throw new Error(`journal hash thread: no progress in ${STALL_MS / 1000} s waiting for ${what} (the worker thread died or could not start)`);
    }
  }
}

/** Idle lanes kept for the next long run (a lane is LANE_SLOTS chunks of shared memory). */
const POOL_MAX = 1;
const pool: HashLane[] = [];

/** One journal's ring of chunk slots and its SHA-256 in the worker. */
export class HashLane {
  readonly chunkWords: number;
  private readonly ctl: Int32Array;
  private readonly slots: SharedArrayBuffer[];
  private readonly views: Float64Array[];
  private readonly digest: Uint8Array;
  private published = 0;
  private open = false;

  private constructor(chunkWords: number) {
    this.chunkWords = chunkWords;
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (LENGTHS + LANE_SLOTS)));
    this.slots = Array.from({ length: LANE_SLOTS }, () => new SharedArrayBuffer(8 * chunkWords));
    this.views = this.slots.map((s) => new Float64Array(s));
    this.digest = new Uint8Array(new SharedArrayBuffer(32));
  }

  /** A lane for chunks of `chunkWords` words, registered with the worker (started if need be). */
  static open(chunkWords: number): HashLane {
    const k = pool.findIndex((l) => l.chunkWords === chunkWords);
    const lane = k >= 0 ? pool.splice(k, 1)[0]! : new HashLane(chunkWords);
    lane.published = 0;
    lane.open = true;
    const ctl = lane.ctl;
    Atomics.store(ctl, PUBLISHED, 0);
    Atomics.store(ctl, CONSUMED, 0);
    Atomics.store(ctl, STATE, OPEN);
    const t = hashThread();
    t.port.postMessage({ ctl, slots: lane.slots, digest: lane.digest });
    ring(t);
    return lane;
  }

  /** Whether acquire() would return at once: the worker has handed the next slot back. */
  hasFreeSlot(): boolean {
    return Atomics.load(this.ctl, CONSUMED) > this.published - LANE_SLOTS;
  }

  /** The slot to write next (`chunkWords` words), once the worker has handed it back. */
  acquire(): Float64Array {
    if (Atomics.load(this.ctl, CONSUMED) <= this.published - LANE_SLOTS) ring(hashThread()); // it must be awake for what we wait on
    waitFor(this.ctl, CONSUMED, this.published - LANE_SLOTS + 1, 'a free chunk slot');
    return this.views[this.published % LANE_SLOTS]!;
  }

  /** Publishes the slot acquire() gave, holding `byteLength` bytes, for hashing. */
  publish(byteLength: number): void {
    this.ctl[LENGTHS + (this.published % LANE_SLOTS)] = byteLength;
    Atomics.store(this.ctl, PUBLISHED, ++this.published);
  }

  /** Waits for the SHA-256 (hex) of every published chunk; the lane then goes back to the pool. */
  finish(): string {
    Atomics.store(this.ctl, STATE, FINISHING);
    ring(hashThread());
    waitFor(this.ctl, STATE, DONE, 'the digest');
    const hex = Buffer.from(this.digest).toString('hex');
    this.open = false;
    if (pool.length < POOL_MAX) pool.push(this);
    return hex;
  }

  /** Drops an unfinished lane (its journal was let go before its fingerprint): the worker forgets it. */
  abandon(): void {
    if (!this.open) return;
    this.open = false;
    Atomics.store(this.ctl, STATE, ABANDONED);
    if (thread !== null) ring(thread);
  }
}

function ring(t: HashThread): void {
  Atomics.add(t.bell, 0, 1);
  Atomics.notify(t.bell, 0);
}
