/**
 * The portfolio ledger: fills become positions, cash, realized and unrealized PnL (average cost),
 * fees and futures margin, all in integer money units (instruments/money.ts), so that the identity
 *
 *   equity = cash + market value of cash instruments + unrealized PnL of futures
 *          = start + realized + unrealized - fees
 *
 * holds exactly after every event. Each position keeps its cost basis as money (signed: negative
 * for a short). Closing part of a position releases cost basis pro rata (rounded half to even
 * once); realized PnL is the closing notional minus the released basis. Cash instruments move the
 * fill's notional through cash; futures move only realized PnL (settled at the close) and fees.
 * Futures margin is a reservation against cash: free cash = cash - margin in use.
 *
 * State is plain data (`LedgerState`) that snapshots and restores exactly.
 */
import { bigDivRoundHalfEven } from '../instruments/money.ts';
import { NumericRangeError } from '../kernel/errors.ts';
import { notionalMoney, type Instrument } from '../instruments/instrument.ts';

export interface PositionState {
  instrumentId: string;
  /** Signed raw quantity: positive long, negative short. */
  quantityRaw: number;
  /** Signed money paid to open what is held (negative when short). */
  costBasis: number;
  /** Last raw price seen, for marking; NaN before the first price. */
  lastPriceRaw: number;
  realized: number;
  fees: number;
}

export interface LedgerState {
  readonly currency: string;
  readonly moneyDecimals: number;
  readonly startCash: number;
  cash: number;
  realized: number;
  fees: number;
  fills: number;
  positions: PositionState[];
}

export interface FillParams {
  instrumentIndex: number;
  /** +1 buy, -1 sell. */
  side: 1 | -1;
  quantityRaw: number;
  priceRaw: number;
  /** Fee in money units, already rounded by the fee model. */
  fee: number;
}

/** What a fill did: the ledger refills one such object per fill (see Ledger.applyFill). */
export interface FillEffect {
  notional: number;
  realized: number;
}

export interface LedgerSummary {
  cash: number;
  equity: number;
  realized: number;
  unrealized: number;
  fees: number;
  marketValue: number;
  marginInUse: number;
  freeCash: number;
}

/** What a ledger is built from (BacktestParams.ledger builds one from it). */
export interface LedgerParams {
  readonly instruments: readonly Instrument[];
  readonly currency: string;
  readonly moneyDecimals: number;
  /** Start cash in money units. */
  readonly startCash: number;
}

export class Ledger {
  readonly instruments: readonly Instrument[];
  private state: LedgerState;
  /** Set by equity(): see grossExposureAtLastEquity. A number from the start, so V8 keeps it unboxed. */
  private lastGross = 0;
  /** What applyFill returns: one object, refilled by every call (an object per fill was 90 bytes of garbage). */
  private readonly effect: FillEffect = { notional: 0, realized: 0 };

  constructor(params: LedgerParams) {
    if (!Number.isSafeInteger(params.startCash)) throw new RangeError(`ledger start cash must be integer money units, got ${params.startCash}`);
    for (const inst of params.instruments) {
      if (inst.currency !== params.currency) {
        throw new RangeError(`instrument ${inst.id} is quoted in ${inst.currency} but the account is in ${params.currency}: multi-currency accounts are not supported yet`);
      }
    }
    this.instruments = params.instruments;
    this.state = {
      currency: params.currency, moneyDecimals: params.moneyDecimals, startCash: params.startCash,
      cash: params.startCash, realized: 0, fees: 0, fills: 0,
      positions: params.instruments.map((i) => ({ instrumentId: i.id, quantityRaw: 0, costBasis: 0, lastPriceRaw: Number.NaN, realized: 0, fees: 0 })),
    };
  }

  get moneyDecimals(): number {
    return this.state.moneyDecimals;
  }

  position(index: number): Readonly<PositionState> {
    return this.state.positions[index]!;
  }

  /** Marks an instrument at a raw price: O(1), no allocation (called once per market event). */
  mark(index: number, priceRaw: number): void {
    this.state.positions[index]!.lastPriceRaw = priceRaw;
  }

  /** Marks an instrument at a quote: its mid, rounded half up to a raw price. */
  markQuote(index: number, bidRaw: number, askRaw: number): void {
    this.mark(index, Math.round((bidRaw + askRaw) / 2));
  }

  /**
   * Books one fill. The effect returned is the ledger's own object, refilled by the next call:
   * read it at once (copy what you keep).
   */
  applyFill(f: FillParams): FillEffect {
    const inst = this.instruments[f.instrumentIndex];
    if (inst === undefined) throw new RangeError(`fill for unknown instrument index ${f.instrumentIndex}`);
    if (!Number.isSafeInteger(f.quantityRaw) || f.quantityRaw <= 0) throw new RangeError(`fill quantity must be a positive integer, got ${f.quantityRaw}`);
    if (!Number.isSafeInteger(f.priceRaw) || f.priceRaw <= 0) throw new RangeError(`fill price must be a positive integer, got ${f.priceRaw}`);
    if (!Number.isSafeInteger(f.fee) || f.fee < 0) throw new RangeError(`fill fee must be a non-negative integer, got ${f.fee}`);
    const s = this.state;
    const pos = s.positions[f.instrumentIndex]!;
    const notional = notionalMoney(inst, f.quantityRaw, f.priceRaw, s.moneyDecimals);
    let realized = 0;
    let openQty = f.quantityRaw;
    let openNotional = notional;
    if (pos.quantityRaw !== 0 && Math.sign(pos.quantityRaw) !== f.side) {
      // Reduces (and maybe flips) the position: close first, then open the remainder.
      const held = Math.abs(pos.quantityRaw);
      const closeQty = Math.min(held, f.quantityRaw);
      const closeNotional = closeQty === f.quantityRaw ? notional : Number(bigDivRoundHalfEven(BigInt(notional) * BigInt(closeQty), BigInt(f.quantityRaw)));
      const released = closeQty === held ? pos.costBasis : Number(bigDivRoundHalfEven(BigInt(pos.costBasis) * BigInt(closeQty), BigInt(held)));
      realized = -f.side * closeNotional - released;
      pos.costBasis -= released;
      pos.quantityRaw += f.side * closeQty;
      openQty = f.quantityRaw - closeQty;
      openNotional = notional - closeNotional;
    }
    if (openQty > 0) {
      pos.costBasis += f.side * openNotional;
      pos.quantityRaw += f.side * openQty;
    }
    if (inst.isCash) s.cash -= f.side * notional;
    else s.cash += realized;
    s.cash -= f.fee;
    s.fees += f.fee;
    s.realized += realized;
    pos.realized += realized;
    pos.fees += f.fee;
    pos.lastPriceRaw = Number.isNaN(pos.lastPriceRaw) ? f.priceRaw : pos.lastPriceRaw;
    s.fills++;
    if (!Number.isSafeInteger(s.cash)) throw new NumericRangeError('cash', `cash ${s.cash} money units is beyond 2^53: the account left the exact range`);
    if (!Number.isSafeInteger(pos.costBasis)) throw new NumericRangeError('cost basis', `cost basis of ${inst.id} ${pos.costBasis} money units is beyond 2^53`);
    const effect = this.effect;
    effect.notional = notional;
    effect.realized = realized;
    return effect;
  }

  /** Money value of a position at its last price (0 when flat or never priced). */
  private marketValue(index: number): number {
    const pos = this.state.positions[index]!;
    if (pos.quantityRaw === 0) return 0;
    const px = pos.lastPriceRaw;
    if (Number.isNaN(px)) return pos.costBasis; // never priced: carried at cost
    return notionalMoney(this.instruments[index]!, pos.quantityRaw, px, this.state.moneyDecimals);
  }

  /** Equity now, in money units: the sampling path (no allocation). */
  equity(): number {
    const s = this.state;
    let equity = s.cash;
    let gross = 0;
    for (let i = 0; i < s.positions.length; i++) {
      const pos = s.positions[i]!;
      if (pos.quantityRaw === 0) continue;
      const mv = this.marketValue(i);
      equity += this.instruments[i]!.isCash ? mv : mv - pos.costBasis;
      gross += mv < 0 ? -mv : mv;
    }
    this.lastGross = gross;
    return equity;
  }

  /**
   * Gross exposure in money units as of the last equity() call: the sum of |market value| over
   * positions (a future's is its notional, quantity x price x multiplier). equity() computes it
   * in the same pass, so sampling both costs one walk over the positions.
   */
  get grossExposureAtLastEquity(): number {
    return this.lastGross;
  }

  summary(): LedgerSummary {
    const s = this.state;
    let marketValue = 0;
    let unrealized = 0;
    let futuresUnrealized = 0;
    let marginInUse = 0;
    for (let i = 0; i < s.positions.length; i++) {
      const pos = s.positions[i]!;
      const inst = this.instruments[i]!;
      const mv = this.marketValue(i);
      const u = mv - pos.costBasis;
      unrealized += u;
      if (inst.isCash) marketValue += mv;
      else {
        futuresUnrealized += u;
        marginInUse += Math.abs(pos.quantityRaw) / 10 ** inst.quantityDecimals * inst.marginPerContractMoney;
      }
    }
    const equity = s.cash + marketValue + futuresUnrealized;
    return { cash: s.cash, equity, realized: s.realized, unrealized, fees: s.fees, marketValue, marginInUse, freeCash: s.cash - marginInUse };
  }

  /**
   * The ledger identity, exactly: null when it holds, else a description of the difference. Tests
   * and invariant checks call it after every event.
   */
  checkIdentity(): string | null {
    const s = this.state;
    const sum = this.summary();
    const rhs = s.startCash + sum.realized + sum.unrealized - sum.fees;
    if (sum.equity !== rhs) return `equity ${sum.equity} != start ${s.startCash} + realized ${sum.realized} + unrealized ${sum.unrealized} - fees ${sum.fees} = ${rhs}`;
    if (sum.equity !== this.equity()) return `equity() ${this.equity()} != summary equity ${sum.equity}`;
    return null;
  }

  snapshot(): LedgerState {
    return copyState(this.state);
  }

  restore(state: LedgerState): void {
    if (state.positions.length !== this.instruments.length) throw new RangeError('ledger snapshot is for another instrument list');
    this.state = structuredClone(state);
  }
}

/**
 * A deep copy of the ledger's own state: its fields and its positions' are all numbers and strings,
 * so a copy of each object is one. Not structuredClone: every run's result carries a snapshot, and
 * structuredClone serialises and deserialises it (about 25 us, a twentieth of a short check run).
 * `restore` still clones with it: a state from outside may hold what a copy would share.
 */
function copyState(s: LedgerState): LedgerState {
  return { ...s, positions: s.positions.map((p) => ({ ...p })) };
}
