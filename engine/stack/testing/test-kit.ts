/**
 * Small tools for testing stacks and agents: drive an agent by hand with a series of closes and
 * collect its signals by bar index; a scripted agent that emits given targets at given bars; a
 * journal sink that keeps the bytes for decodeJournal; and a wrapper that adds members to the
 * StackEnv a stack is started with. Used by the stack's tests and usable by users testing their
 * own agents and stacks (docs/plug-in.md).
 */
import { subscribe } from '../data-client/subscriptions.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { JournalSink } from '../../kernel/journal.ts';
import { decodeJournal, type JournalRecord } from '../../kernel/journal-view.ts';
import { makeInstrument, type Instrument } from '../../instruments/instrument.ts';
import type { Agent, AgentContext, BarHandler, BarView, DataClient, StackEnv, TradingStack } from '../types.ts';

export interface SignalAt {
  /** Index of the bar (in the fed series) at whose close the signal came. */
  bar: number;
  instrumentIndex: number;
  target: number;
}

/** A started agent that is fed bars by hand. */
export interface AgentDriver {
  readonly signals: SignalAt[];
  /** Feeds closes (raw integer prices) as consecutive one-minute bars. */
  feed(closesRaw: readonly number[]): void;
}

const MINUTE_US = 60_000_000;

/** Starts `agent` on one instrument (id 'X', 0 price decimals unless given) and returns its driver. */
export function driveAgent(agent: Agent, instruments: readonly Instrument[] = [makeInstrument({ id: 'X', kind: 'equity', priceDecimals: 0 }, 2)]): AgentDriver {
  const handlers: BarHandler[] = [];
  const data: DataClient = { onBar: (h) => subscribe(handlers, h), onTrade: () => () => {}, onQuote: () => () => {} };
  let barIndex = 0;
  let nowUs = 0;
  const clock: Clock = { nowUs: () => nowUs };
  const signals: SignalAt[] = [];
  agent.start({ data, clock, instruments, signal: (instrumentIndex, target) => { signals.push({ bar: barIndex, instrumentIndex, target }); } });
  const inst = instruments[0]!;
  const scale = 10 ** inst.priceDecimals;
  const bar: BarView = { instrumentId: inst.id, instrumentIndex: 0, openTimeUs: 0, closeTimeUs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, openRaw: 0, highRaw: 0, lowRaw: 0, closeRaw: 0, priceDecimals: inst.priceDecimals };
  return {
    signals,
    feed(closesRaw) {
      for (const c of closesRaw) {
        bar.openTimeUs = barIndex * MINUTE_US;
        nowUs = bar.closeTimeUs = bar.openTimeUs + MINUTE_US;
        bar.openRaw = bar.highRaw = bar.lowRaw = bar.closeRaw = c;
        bar.open = bar.high = bar.low = bar.close = c / scale;
        for (const h of handlers) void h(bar);
        barIndex++;
      }
    },
  };
}

/**
 * Emits fixed targets at fixed bars of its instrument: `script` maps a bar index (0-based, counted
 * on that instrument's bars) to a target. For tests that need a stack to try something exactly.
 */
export class ScriptedAgent implements Agent {
  readonly id: string;
  private readonly instrument: string;
  private readonly script: ReadonlyMap<number, number>;
  private bars = 0;

  constructor(id: string, instrument: string, script: Record<number, number>) {
    this.id = id;
    this.instrument = instrument;
    this.script = new Map(Object.entries(script).map(([k, v]) => [Number(k), v]));
  }

  start(ctx: AgentContext): void {
    const index = ctx.instruments.findIndex((i) => i.id === this.instrument);
    if (index < 0) throw new RangeError(`agent ${this.id}: unknown instrument ${this.instrument}`);
    ctx.data.onBar((bar) => {
      if (bar.instrumentIndex !== index) return;
      const target = this.script.get(this.bars++);
      if (target !== undefined) ctx.signal(index, target);
    });
  }

  snapshot(): { bars: number } { return { bars: this.bars }; }
  restore(state: unknown): void { this.bars = (state as { bars: number }).bars; }
}

/** Keeps a journal's bytes (the sink's view is reused, so it copies) and decodes them. */
export class JournalCollector implements JournalSink {
  private chunks: Uint8Array[] = [];

  write(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
  }

  /** The whole encoding so far. */
  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.byteLength, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) { all.set(c, at); at += c.byteLength; }
    return all;
  }

  records(): JournalRecord[] {
    return [...decodeJournal(this.bytes())];
  }
}

/** Starts `stack` with extra StackEnv members (an account, a calendar, a skewed clock). */
export function withEnv(stack: TradingStack, extra: Partial<StackEnv>): TradingStack {
  return {
    start: (env) => stack.start({ ...env, ...extra }),
    onReport: (r) => stack.onReport(r),
    snapshot: () => stack.snapshot(),
    restore: (s) => stack.restore(s),
    stop: () => stack.stop?.(),
  };
}
