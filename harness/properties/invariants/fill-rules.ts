/**
 * fillRules: every fill obeys the venue's documented fill rules for the bar, trade or quote it
 * filled on. The rules are re-derived here from their documentation (the doc comments and schema
 * descriptions of engine/venue/models/{fill,slippage,fee,latency}-models.ts, time-in-force.ts,
 * market/halts.ts and the README's venue sections); nothing here calls the venue's matching, fill,
 * slippage or fee code. What a fill must satisfy, for the scenario's `venue` configuration:
 * - the order: sent by the stack, accepted by the venue, not ended (rejected, cancelled, expired,
 *   filled); same instrument and side; an IOC order fills at most once;
 * - time: not before the order could arrive (first send + the latency model's least order
 *   latency) nor before its acceptance; not inside a halt window of its instrument; a DAY order
 *   only on prices before the close of its session (a bar's prices belong to its open time);
 * - the event: the market event of the instrument being matched at that instant, which arrived
 *   after the order did; a bar only when the order was working at the bar's open (known when the
 *   feed delivers bar opens); never at a bar's open event when bars are matched at their close
 *   (participation cap, volume slippage); or, with 'same-bar-close', the close of the bar that
 *   closed at the instant a market order arrived;
 * - the price before slippage, exactly where the rule fixes it: a market order at the open point
 *   (next-open), the close ('same-bar-close'), the print or the touch (buy at the ask, sell at the
 *   bid); a limit at the open when it gaps through, else exactly at its limit when the bar's range
 *   reaches it, or at the print or touch when that satisfies it; a stop at the open when it gaps
 *   through (or already triggered), else at the stop when the range reaches it; a stop-limit at
 *   one of open, stop or limit, never beyond its limit; an IOC order only at the open of a bar;
 * - slippage only on market and stop fills, exact for 'fixed-ticks' and 'bps' (against the order,
 *   on the tick grid, a sell never at or below zero), bounded for 'volume' (between the impact of
 *   the booked quantity and of the order's remaining quantity, within maxBps, a hundredth of a bps
 *   of slack for its rounding);
 * - quantity: a positive whole number of lots, at most what remains, leaves = remaining - fill;
 *   with a participation cap, the fills on one side of one event at most the documented fraction
 *   of its volume in whole lots;
 * - fee: perUnit x quantity + bps of the fill's notional (itself rounded half to even once),
 *   rounded half to even once, at least the minimum: exact;
 * - liveness of market orders (no cap configured, GTC or IOC): a market order working at an event
 *   that gives it a price (a print, its side of the quote, a bar's open it saw) is filled by the
 *   end of that event, or ended by the venue.
 * Where a rule leaves freedom the check takes the bound: a stop's trigger is taken from every event
 * after acceptance (a superset of the events the venue lets it see), and a stop-limit's choice
 * between its stop and its limit along the bar path is not replayed.
 */
import {
  formatTimeUs, isTradingDay, nextSessionOpenUs, sessionCloseUs, sessionDateOf,
  type FillReport, type Instrument, type MarketEventView, type OrderRequest, type RunContext, type SessionCalendar, type StatusReport,
} from '../../../engine/index.ts';
import { marketSources } from '../../scenario/market.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { FirstViolation, type InvariantFactory, type InvariantSetup, type OnlineInvariant } from '../property.ts';
import { describeFill, describeOrder } from './describe.ts';

const NONE = 0;
const OPEN = 1;
const BAR = 2;
const TRADE = 3;
const QUOTE = 4;
const KIND_NAMES = ['none', 'bar open', 'bar', 'trade', 'quote'];

/** Ended orders kept for the "filled after it ended" check; beyond twice this the oldest are forgotten. */
const ENDED_KEPT = 16_384;

interface Tracked {
  /** The order's current terms (a replace changes them). */
  request: OrderRequest;
  /** First send by the stack (venue time). */
  readonly sentUs: number;
  state: 'sent' | 'working' | 'ended';
  endedAs: string;
  acceptedUs: number;
  /** Market events seen before the acceptance (global count): the order trades only on later ones. */
  acceptedSeq: number;
  /** Acceptance, or a replace that moved the order: bars opening before this are not seen. */
  activeFromUs: number;
  /** DAY orders: the session close they expire at; Infinity otherwise. */
  expireUs: number;
  filledRaw: number;
  fills: number;
  /** Stops: global count of the first event after acceptance that reached the stop (Infinity: none yet). */
  stopReachedSeq: number;
  /** Market orders: an event gave it a price, so it must be filled or ended by the event's end. */
  due: boolean;
}

type VenueConfig = Scenario['venue'];

/** A decimal number as an exact fraction num / 10^scale (from its shortest decimal text). */
function decimal(x: number): { num: bigint; scale: number } {
  const [mantissa, exp] = x.toString().split('e') as [string, string | undefined];
  const [whole, frac = ''] = mantissa.split('.') as [string, string | undefined];
  const scale = frac.length - Number(exp ?? 0);
  const num = BigInt(whole + frac);
  return scale >= 0 ? { num, scale } : { num: num * 10n ** BigInt(-scale), scale: 0 };
}

const POW10: bigint[] = Array.from({ length: 48 }, (_, k) => 10n ** BigInt(k));

function pow10(k: number): bigint {
  return POW10[k] ?? 10n ** BigInt(k);
}

function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = 2n * (num - q * den);
  if (r2 < den) return q;
  if (r2 > den) return q + 1n;
  return q % 2n === 0n ? q : q + 1n;
}

/** Smallest multiple of `tick` at or above num / den (all positive). */
function gridUp(num: bigint, den: bigint, tick: number): number {
  const d = den * BigInt(tick);
  return Number((num + d - 1n) / d) * tick;
}

/** Largest multiple of `tick` at or below num / den. */
function gridDown(num: bigint, den: bigint, tick: number): number {
  return Number(num / (den * BigInt(tick))) * tick;
}

/** A sell pushed to zero or below stops at one tick, or at its price when that is below one tick. */
function sellFloor(candidate: number, base: number, tick: number): number {
  return candidate > 0 ? candidate : tick <= base ? tick : base;
}

/** base moved against the order by e2 hundredths of a basis point, on the grid against the order. */
function moveBps(side: number, base: number, e2: number, tick: number): number {
  if (side === 1) return gridUp(BigInt(base) * BigInt(1_000_000 + e2), 1_000_000n, tick);
  return sellFloor(gridDown(BigInt(base) * BigInt(Math.max(0, 1_000_000 - e2)), 1_000_000n, tick), base, tick);
}

/** Halt windows per instrument id, from the scenario's halt overlays. */
function haltWindows(scenario: Scenario): Map<string, { fromUs: number; toUs: number }[]> {
  const out = new Map<string, { fromUs: number; toUs: number }[]>();
  for (const d of marketSources(scenario)) {
    for (const o of d.config.overlays ?? []) {
      if (o.kind !== 'halt') continue;
      const list = out.get(d.instrumentId) ?? [];
      list.push({ fromUs: o.fromUs, toUs: o.toUs });
      out.set(d.instrumentId, list);
    }
  }
  return out;
}

/** time-in-force.ts: a DAY order lives to the close of the session it arrives in, or of the next one. */
function dayExpiryUs(calendar: SessionCalendar, arrivalUs: number): number {
  const date = sessionDateOf(calendar, arrivalUs);
  if (isTradingDay(calendar, date)) {
    const closeUs = sessionCloseUs(calendar, date);
    if (closeUs > arrivalUs) return closeUs;
  }
  return sessionCloseUs(calendar, sessionDateOf(calendar, nextSessionOpenUs(calendar, arrivalUs)));
}

function leastOrderLatencyUs(venue: VenueConfig): number {
  const l = venue.latency;
  return l.model === 'constant' ? l.orderUs : l.minUs;
}

export const fillRules: InvariantFactory = (setup: InvariantSetup): OnlineInvariant => {
  const first = new FirstViolation('fillRules');
  const venue = setup.scenario.venue;
  const sameBarClose = venue.fill.marketOnBars === 'same-bar-close';
  const participation = venue.fill.participation ?? 0;
  const slip = venue.slippage;
  // Bars are matched at their open event unless a bar's volume is needed (cap, volume slippage).
  const matchAtOpen = participation === 0 && slip.model !== 'volume';
  const minLatencyUs = leastOrderLatencyUs(venue);
  const fees = { perUnit: decimal(venue.fees.perUnit), bps: decimal(venue.fees.bps), minimum: decimal(venue.fees.minimum) };
  const md = setup.scenario.account.moneyDecimals;
  const minimumFee = roundHalfEven(fees.minimum.num * pow10(md), pow10(fees.minimum.scale));
  const slipBpsE2 = slip.model === 'bps' ? Math.round(slip.bps * 100) : 0;
  const haltsById = haltWindows(setup.scenario);

  const orders = new Map<string, Tracked>();
  let ended = 0;
  let forgot = false;
  let instruments: readonly Instrument[] = [];
  let halts: { fromUs: number; toUs: number }[][] = [];
  let working: Tracked[][] = [];
  const dueList: Tracked[] = [];
  let seq = 0;
  let checked = 0;
  // The instrument's current market event (the one being matched), and what earlier events left.
  let kind = new Int8Array(0);
  let evTimeUs = new Float64Array(0);
  let evSeq = new Float64Array(0);
  let open = new Float64Array(0);
  let high = new Float64Array(0);
  let low = new Float64Array(0);
  let close = new Float64Array(0);
  let volume = new Float64Array(0);
  let price = new Float64Array(0);
  let size = new Float64Array(0);
  let bid = new Float64Array(0);
  let ask = new Float64Array(0);
  let bidSize = new Float64Array(0);
  let askSize = new Float64Array(0);
  /** Time and price of the last bar open event; the current bar's open time when it is known (NaN: not). */
  let barOpenUs = new Float64Array(0);
  let barOpenPx = new Float64Array(0);
  let curBarOpenUs = new Float64Array(0);
  let lastBarCloseUs = new Float64Array(0);
  let lastBarClose = new Float64Array(0);
  let lastBarVolume = new Float64Array(0);
  /** Quantity filled on each side of the current event (participation cap). */
  let takenBuy = new Float64Array(0);
  let takenSell = new Float64Array(0);
  // Admissible prices before slippage of the fill being checked (reused, no allocation).
  const candBase = new Float64Array(4);
  const candMarketable = new Uint8Array(4);
  const candArrival = new Uint8Array(4);
  const candVolume = new Float64Array(4);
  const candWhat: string[] = ['', '', '', ''];
  let nCand = 0;
  let eventProblem = '';

  function halted(i: number, t: number): boolean {
    for (const w of halts[i]!) if (t >= w.fromUs && t < w.toUs) return true;
    return false;
  }

  function px(inst: Instrument, raw: number): string {
    return (raw / 10 ** inst.priceDecimals).toFixed(inst.priceDecimals);
  }

  function describeEvent(i: number): string {
    const inst = instruments[i]!;
    const k = kind[i]!;
    const at = formatTimeUs(evTimeUs[i]!);
    if (k === OPEN) return `${at} bar open ${inst.id} ${px(inst, open[i]!)}`;
    if (k === BAR) return `${at} bar ${inst.id} (opened ${Number.isNaN(curBarOpenUs[i]!) ? 'at an unknown time' : formatTimeUs(curBarOpenUs[i]!)}) open ${px(inst, open[i]!)} high ${px(inst, high[i]!)} low ${px(inst, low[i]!)} close ${px(inst, close[i]!)} volume ${volume[i]}`;
    if (k === TRADE) return `${at} trade ${inst.id} ${px(inst, price[i]!)} size ${size[i]}`;
    if (k === QUOTE) return `${at} quote ${inst.id} bid ${px(inst, bid[i]!)} ask ${px(inst, ask[i]!)} sizes ${bidSize[i]}/${askSize[i]}`;
    return `no market event of ${inst.id} yet`;
  }

  function records(ctx: RunContext, o: Tracked | undefined, f: FillReport | null, i: number): string[] {
    const out: string[] = [];
    if (o !== undefined) out.push(describeOrder(o.request, ctx.env.instruments, o.sentUs));
    if (i >= 0) out.push(describeEvent(i));
    if (f !== null) out.push(describeFill(f, ctx.env.instruments));
    return out;
  }

  function end(o: Tracked, as: string): void {
    if (o.state === 'working') {
      const list = working[o.request.instrumentIndex]!;
      const k = list.indexOf(o);
      if (k >= 0) { list[k] = list[list.length - 1]!; list.pop(); }
    }
    o.state = 'ended';
    o.endedAs = as;
    if (++ended > 2 * ENDED_KEPT) forgetEnded();
  }

  /** Bounds memory on long runs: forgets the oldest ended orders down to ENDED_KEPT. */
  function forgetEnded(): void {
    for (const [id, o] of orders) {
      if (ended <= ENDED_KEPT) break;
      if (o.state === 'ended') { orders.delete(id); ended--; forgot = true; }
    }
  }

  function addCandidate(base: number, marketable: boolean, arrival: boolean, vol: number, what: string): void {
    if (nCand === candBase.length) return;
    candBase[nCand] = base;
    candMarketable[nCand] = marketable ? 1 : 0;
    candArrival[nCand] = arrival ? 1 : 0;
    candVolume[nCand] = vol;
    candWhat[nCand] = what;
    nCand++;
  }

  /** A single price x the order may take as it is (an open, a print, a touch). */
  function point(o: Tracked, x: number, reachedBefore: boolean, vol: number, what: string): void {
    const r = o.request;
    const s = r.side;
    if (r.type === 'market') return addCandidate(x, true, false, vol, what);
    const triggered = reachedBefore || s * (x - r.stopPriceRaw!) >= 0;
    if (r.type === 'stop') { if (triggered) addCandidate(x, true, false, vol, what); return; }
    if (r.type === 'stop-limit' && !triggered) return;
    if (s * (r.limitPriceRaw! - x) >= 0) addCandidate(x, false, false, vol, what);
  }

  /** The prices a non-IOC order may get from a bar along its path (open, then every price in [low, high]). */
  function path(o: Tracked, i: number, reachedBefore: boolean): void {
    const r = o.request;
    const s = r.side;
    const O = open[i]!;
    const v = volume[i]!;
    const reaches = (p: number): boolean => (s === 1 ? low[i]! <= p : high[i]! >= p); // a limit's side of the range
    const reachesStop = (p: number): boolean => (s === 1 ? high[i]! >= p : low[i]! <= p);
    if (r.type === 'market') return addCandidate(O, true, false, v, 'the open');
    if (r.type === 'limit') {
      const L = r.limitPriceRaw!;
      if (s * (L - O) >= 0) addCandidate(O, false, false, v, 'the open, through the limit');
      else if (reaches(L)) addCandidate(L, false, false, v, 'the limit, inside the bar');
      return;
    }
    const S = r.stopPriceRaw!;
    const openTriggers = s * (O - S) >= 0;
    if (r.type === 'stop') {
      if (reachedBefore || openTriggers) addCandidate(O, true, false, v, 'the open (stop triggered)');
      if (!openTriggers && reachesStop(S)) addCandidate(S, true, false, v, 'the stop, inside the bar');
      return;
    }
    const L = r.limitPriceRaw!;
    const within = (p: number): boolean => s * (L - p) >= 0;
    if ((reachedBefore || openTriggers) && within(O)) addCandidate(O, false, false, v, 'the open (stop-limit triggered)');
    if (!openTriggers && reachesStop(S) && within(S)) addCandidate(S, false, false, v, 'the stop (stop-limit), inside the bar');
    if ((reachedBefore || openTriggers || reachesStop(S)) && reaches(L)) addCandidate(L, false, false, v, 'the limit (stop-limit), inside the bar');
  }

  /** Fills nCand with the fill's admissible prices before slippage; eventProblem says why there are none. */
  function candidates(o: Tracked, i: number, t: number): void {
    nCand = 0;
    eventProblem = '';
    const r = o.request;
    const current = evTimeUs[i] === t && kind[i] !== NONE;
    // 'same-bar-close': a market order arriving at the instant a bar closed trades at that close.
    if (sameBarClose && r.type === 'market' && o.acceptedUs === t && lastBarCloseUs[i] === t) {
      addCandidate(lastBarClose[i]!, true, true, lastBarVolume[i]!, 'the close of the bar that closed as it arrived');
    }
    if (!current) { if (nCand === 0) eventProblem = 'no market event of the instrument at the fill\'s instant'; return; }
    if (o.acceptedSeq >= evSeq[i]!) { if (nCand === 0) eventProblem = 'the order reached the venue after the event it filled on'; return; }
    const reachedBefore = o.stopReachedSeq < evSeq[i]!;
    const k = kind[i]!;
    const ioc = r.timeInForce === 'IOC';
    if (k === TRADE) return point(o, price[i]!, reachedBefore, size[i]!, 'the print');
    if (k === QUOTE) {
      const touch = r.side === 1 ? ask[i]! : bid[i]!;
      if (touch > 0) point(o, touch, reachedBefore, r.side === 1 ? askSize[i]! : bidSize[i]!, r.side === 1 ? 'the ask' : 'the bid');
      else if (nCand === 0) eventProblem = `the quote has no ${r.side === 1 ? 'ask' : 'bid'}`;
      return;
    }
    if (k === OPEN) {
      if (!matchAtOpen) { if (nCand === 0) eventProblem = 'bars are matched at their close here (participation cap or volume slippage), not at their open event'; return; }
      if (sameBarClose && r.type === 'market') { if (nCand === 0) eventProblem = "'same-bar-close' fills market orders at a bar's close, not its open"; return; }
      return point(o, open[i]!, reachedBefore, 0, 'the open');
    }
    // A whole bar at its close.
    if (sameBarClose && r.type === 'market') {
      if (o.activeFromUs < t) addCandidate(close[i]!, true, false, volume[i]!, "the bar's close ('same-bar-close')");
      else if (nCand === 0) eventProblem = 'the order arrived at the bar\'s close instant, after the bar was matched';
      return;
    }
    const openUs = curBarOpenUs[i]!;
    if (openUs === openUs && o.activeFromUs > openUs) {
      if (nCand === 0) eventProblem = `the order was not working at the bar's open (active from ${formatTimeUs(o.activeFromUs)}): matching the bar's path would be look-ahead`;
      return;
    }
    if (ioc) return point(o, open[i]!, reachedBefore, volume[i]!, 'the open (IOC takes only the first price)');
    path(o, i, reachedBefore);
  }

  /** Whether `priceRaw` is what candidate k gives, after the configured slippage for marketable fills. */
  function priceFits(k: number, side: number, priceRaw: number, inst: Instrument, fillRaw: number, remainingRaw: number): boolean {
    const base = candBase[k]!;
    if (candMarketable[k] === 0 || slip.model === 'none') return priceRaw === base;
    const tick = inst.tickSizeRaw;
    if (slip.model === 'fixed-ticks') {
      const want = side === 1 ? gridUp(BigInt(base), 1n, tick) + slip.ticks * tick : sellFloor(gridDown(BigInt(base), 1n, tick) - slip.ticks * tick, base, tick);
      return priceRaw === want;
    }
    if (slip.model === 'bps') return priceRaw === moveBps(side, base, slipBpsE2, tick);
    // Volume impact: coefficient x (quantity / volume)^(1/2 or 1) bps, at most maxBps, none when the volume is unknown.
    const vol = candVolume[k]!;
    const scale = 10 ** inst.quantityDecimals;
    const impact = (q: number): number => {
      if (!(vol > 0) || !(q > 0)) return 0;
      const bps = slip.coefficientBps * (q / scale / vol) ** (slip.impact === 'sqrt' ? 0.5 : 1);
      return bps < slip.maxBps ? bps : slip.maxBps;
    };
    const loE2 = Math.max(0, Math.floor(impact(fillRaw) * 100) - 1);
    const hiE2 = Math.ceil(impact(remainingRaw) * 100) + 1;
    const a = moveBps(side, base, loE2, tick);
    const b = moveBps(side, base, hiE2, tick);
    return side === 1 ? priceRaw >= a && priceRaw <= b : priceRaw <= a && priceRaw >= b;
  }

  /** perUnit x quantity + bps x notional, rounded half to even once, at least the minimum (money units). */
  function expectedFee(inst: Instrument, quantityRaw: number, priceRaw: number): bigint {
    const pu = fees.perUnit;
    const bp = fees.bps;
    const unitScale = pu.scale + inst.quantityDecimals;
    const bpsScale = bp.scale + 4;
    let num = 0n;
    if (pu.num !== 0n) num += pu.num * BigInt(quantityRaw) * pow10(md + bpsScale);
    if (bp.num !== 0n) {
      // The fill's notional, money units, rounded half to even once.
      const notional = roundHalfEven(BigInt(quantityRaw) * BigInt(inst.multiplier) * BigInt(priceRaw) * pow10(md), pow10(inst.priceDecimals + inst.quantityDecimals));
      num += bp.num * notional * pow10(unitScale);
    }
    const fee = num === 0n ? 0n : roundHalfEven(num, pow10(unitScale + bpsScale));
    return fee < minimumFee ? minimumFee : fee;
  }

  function checkFill(ctx: RunContext, f: FillReport): void {
    const id = f.clientOrderId;
    const o = orders.get(id);
    const t = f.timeUs;
    const i = f.instrumentIndex;
    const inst = instruments[i];
    const bad = (message: string, withEvent = true): void => {
      first.report(ctx, t, `fill of ${id} at ${formatTimeUs(t)}: ${message}`, records(ctx, o, f, withEvent && inst !== undefined ? i : -1));
    };
    if (o === undefined) { if (!forgot) bad('the stack never sent this order', false); return; }
    if (o.state === 'sent') return bad('the venue never accepted the order', false);
    if (o.state === 'ended') return bad(`the order had already ended (${o.endedAs})`, false);
    const r = o.request;
    if (inst === undefined || i !== r.instrumentIndex || f.side !== r.side) return bad(`instrument ${i} side ${f.side}, but the order is instrument ${r.instrumentIndex} side ${r.side}`, false);
    const q = f.quantityRaw;
    const remaining = r.quantityRaw - o.filledRaw;
    if (!Number.isSafeInteger(q) || q <= 0 || q % inst.lotSizeRaw !== 0) return bad(`quantity ${q} raw is not a positive whole number of lots (lot ${inst.lotSizeRaw} raw)`, false);
    if (q > remaining) return bad(`quantity ${q} raw is more than the ${remaining} raw that remained`, false);
    if (f.leavesQuantityRaw !== remaining - q) return bad(`leaves ${f.leavesQuantityRaw} raw, but ${remaining} - ${q} = ${remaining - q} raw remain`, false);
    if (t < o.sentUs + minLatencyUs) return bad(`before the order could arrive: sent at ${formatTimeUs(o.sentUs)} with at least ${minLatencyUs} us of order latency`, false);
    if (t < o.acceptedUs) return bad(`before the venue accepted the order at ${formatTimeUs(o.acceptedUs)}`, false);
    if (halted(i, t)) return bad(`inside a trading halt of ${inst.id}`, false);
    if (r.timeInForce === 'IOC' && o.fills > 0) return bad('a second fill of an IOC order (it takes only its first opportunity)');
    candidates(o, i, t);
    if (nCand === 0) return bad(`no price is admissible: ${eventProblem || `the ${KIND_NAMES[kind[i]!]} does not satisfy the order`}`);
    let hit = -1;
    for (let k = 0; k < nCand && hit < 0; k++) if (priceFits(k, r.side, f.priceRaw, inst, q, remaining)) hit = k;
    if (hit < 0) {
      const what: string[] = [];
      for (let k = 0; k < nCand; k++) what.push(`${px(inst, candBase[k]!)} (${candWhat[k]}${candMarketable[k] === 1 && slip.model !== 'none' ? `, plus ${slip.model} slippage` : ''})`);
      return bad(`price ${px(inst, f.priceRaw)}, but the rules allow only ${what.join(' or ')}`);
    }
    const arrival = candArrival[hit] === 1;
    // A DAY order trades only on prices of its session: a bar's prices belong to its open time.
    const priceTimeUs = !arrival && kind[i] === BAR ? curBarOpenUs[i]! : t;
    if (priceTimeUs === priceTimeUs && priceTimeUs >= o.expireUs) return bad(`a DAY order on prices of ${formatTimeUs(priceTimeUs)}, at or after its session close ${formatTimeUs(o.expireUs)}`);
    // Participation cap: the venue's fills on one side of one event share floor(fraction x volume) in lots.
    if (participation > 0 && (!arrival || (kind[i] === BAR && evTimeUs[i] === t))) {
      const vol = arrival ? lastBarVolume[i]! : candVolume[hit]!;
      const taken = (r.side === 1 ? takenBuy[i]! : takenSell[i]!) + q;
      if (r.side === 1) takenBuy[i] = taken; else takenSell[i] = taken;
      if (vol > 0) {
        const capRaw = Math.floor((participation * vol * 10 ** inst.quantityDecimals) / inst.lotSizeRaw + 1e-6) * inst.lotSizeRaw;
        if (taken > capRaw) return bad(`the venue's ${r.side === 1 ? 'buys' : 'sells'} took ${taken} raw of this event, beyond ${participation} of its volume ${vol} (${capRaw} raw in whole lots)`);
      }
    }
    const fee = expectedFee(inst, q, f.priceRaw);
    if (BigInt(f.fee) !== fee) return bad(`fee ${f.fee} money units, but the schedule (perUnit ${venue.fees.perUnit}, bps ${venue.fees.bps}, minimum ${venue.fees.minimum}) gives ${fee}`, false);
  }

  /** Updates the stop trigger tracker and marks market orders that this event must fill. */
  function watchOrders(i: number, t: number): void {
    const list = working[i]!;
    const k = kind[i]!;
    const haltedNow = halted(i, t);
    for (let n = 0; n < list.length; n++) {
      const o = list[n]!;
      const r = o.request;
      if ((r.type === 'stop' || r.type === 'stop-limit') && o.stopReachedSeq === Number.POSITIVE_INFINITY) {
        const S = r.stopPriceRaw!;
        const s = r.side;
        const reached = k === TRADE ? s * (price[i]! - S) >= 0
          : k === QUOTE ? (s === 1 ? ask[i]! > 0 && ask[i]! >= S : bid[i]! > 0 && bid[i]! <= S)
            : k === OPEN ? s * (open[i]! - S) >= 0
              : s === 1 ? high[i]! >= S : low[i]! <= S;
        if (reached) o.stopReachedSeq = seq;
      }
      if (r.type !== 'market' || r.timeInForce === 'DAY' || participation > 0 || haltedNow || o.due) continue;
      let gives = false;
      if (k === TRADE) gives = true;
      else if (k === QUOTE) gives = (r.side === 1 ? ask[i]! : bid[i]!) > 0;
      else if (k === OPEN) gives = matchAtOpen && !sameBarClose;
      else if (sameBarClose) gives = o.activeFromUs < t;
      else gives = curBarOpenUs[i] === curBarOpenUs[i] && o.activeFromUs <= curBarOpenUs[i]!;
      if (gives) { o.due = true; dueList.push(o); }
    }
  }

  return {
    name: 'fillRules',
    beforeStart(ctx) {
      instruments = ctx.env.instruments;
      const n = instruments.length;
      halts = instruments.map((inst) => haltsById.get(inst.id) ?? []);
      working = instruments.map(() => []);
      kind = new Int8Array(n);
      const f64 = () => new Float64Array(n);
      const nan = () => new Float64Array(n).fill(Number.NaN);
      evTimeUs = nan(); evSeq = f64(); open = f64(); high = f64(); low = f64(); close = f64(); volume = f64(); price = f64(); size = f64();
      bid = f64(); ask = f64(); bidSize = f64(); askSize = f64(); barOpenUs = nan(); barOpenPx = nan(); curBarOpenUs = nan();
      lastBarCloseUs = nan(); lastBarClose = nan(); lastBarVolume = nan(); takenBuy = f64(); takenSell = f64();
    },
    onMarket(_ctx, e: Readonly<MarketEventView>) {
      const i = e.instrumentIndex;
      const t = e.timeUs;
      seq++;
      evSeq[i] = seq;
      evTimeUs[i] = t;
      takenBuy[i] = 0;
      takenSell[i] = 0;
      switch (e.kind) {
        case 'barOpen':
          kind[i] = OPEN; open[i] = e.openRaw; barOpenUs[i] = t; barOpenPx[i] = e.openRaw;
          break;
        case 'bar': {
          kind[i] = BAR; open[i] = e.openRaw; high[i] = e.highRaw; low[i] = e.lowRaw; close[i] = e.closeRaw; volume[i] = e.size;
          // The bar's open time is the last bar open event's, when that one belongs to this bar.
          const o = barOpenUs[i]!;
          const prev = lastBarCloseUs[i]!;
          curBarOpenUs[i] = o <= t && barOpenPx[i] === e.openRaw && !(o < prev) ? o : Number.NaN;
          lastBarCloseUs[i] = t; lastBarClose[i] = e.closeRaw; lastBarVolume[i] = e.size;
          break;
        }
        case 'trade':
          kind[i] = TRADE; price[i] = e.priceRaw; size[i] = e.size;
          break;
        case 'quote':
          kind[i] = QUOTE; bid[i] = e.bidRaw; ask[i] = e.askRaw; bidSize[i] = e.bidSize; askSize[i] = e.askSize;
          break;
      }
      if (working[i]!.length > 0) watchOrders(i, t);
    },
    onOrder(_ctx, order: OrderRequest, timeUs: number) {
      if (orders.has(order.clientOrderId)) return; // a re-send of the same order
      orders.set(order.clientOrderId, {
        request: order, sentUs: timeUs, state: 'sent', endedAs: '', acceptedUs: Number.NaN, acceptedSeq: Number.POSITIVE_INFINITY, activeFromUs: Number.NaN,
        expireUs: Number.POSITIVE_INFINITY, filledRaw: 0, fills: 0, stopReachedSeq: Number.POSITIVE_INFINITY, due: false,
      });
    },
    onStatus(_ctx, r: StatusReport) {
      const o = orders.get(r.clientOrderId);
      if (o === undefined) return;
      switch (r.kind) {
        case 'accepted':
          // A new booking (an id the venue had forgotten starts over).
          if (o.state === 'working') end(o, 'booked again');
          if (o.state === 'ended') ended--;
          o.state = 'working'; o.endedAs = ''; o.acceptedUs = r.timeUs; o.acceptedSeq = seq; o.activeFromUs = r.timeUs;
          o.expireUs = o.request.timeInForce === 'DAY' ? dayExpiryUs(setup.calendar, r.timeUs) : Number.POSITIVE_INFINITY;
          o.filledRaw = 0; o.fills = 0; o.stopReachedSeq = Number.POSITIVE_INFINITY;
          working[o.request.instrumentIndex]?.push(o);
          return;
        case 'rejected': case 'cancelled': case 'expired':
          if (o.state !== 'ended') end(o, r.kind);
          return;
        case 'replaced': {
          if (r.request === undefined || o.state !== 'working') return;
          const before = o.request;
          const next = r.request;
          // A larger quantity or a new price loses priority and starts over with the next bar.
          if (next.quantityRaw > before.quantityRaw || next.limitPriceRaw !== before.limitPriceRaw || next.stopPriceRaw !== before.stopPriceRaw) o.activeFromUs = r.timeUs;
          o.request = next;
          if (next.quantityRaw === o.filledRaw) end(o, 'filled (replaced down to its filled quantity)');
          return;
        }
      }
    },
    onFill(ctx, f: FillReport) {
      checked++;
      if (first.value === null) checkFill(ctx, f);
      const o = orders.get(f.clientOrderId);
      if (o === undefined || o.state !== 'working') return;
      o.filledRaw += f.quantityRaw;
      o.fills++;
      if (o.filledRaw >= o.request.quantityRaw) end(o, 'filled');
    },
    afterEvent(ctx, timeUs) {
      // One market event per kernel event: the instrument's current event is still the one that was due.
      while (dueList.length > 0) {
        const o = dueList.pop()!;
        o.due = false;
        if (o.state === 'working' && first.value === null) {
          first.report(ctx, timeUs, `market order ${o.request.clientOrderId} was working at an event that gave it a price (its first after arrival), and is neither filled nor ended after it`, records(ctx, o, null, o.request.instrumentIndex));
        }
      }
    },
    violation: () => first.value,
    reached: () => checked > 0,
  };
};
