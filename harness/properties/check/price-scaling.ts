/**
 * Price scaling: the same market quoted K times higher, with every amount in money scaled with it
 * (start cash, notional and loss limits, per-unit and minimum fees, margins), must give the same
 * trades (times, instruments, sides, quantities; prices K times) and K times the PnL.
 *
 * K is 4, a power of two: multiplying by it is exact in binary floating point and commutes with
 * every float rounding, so an agent's moving averages, EMAs and RSI ratios come out exactly K times
 * (or exactly equal) and no near-tie flips. (With K = 3 an EMA crossing at a tie could go either
 * way, and the property would blame the stack for float noise.)
 *
 * Prices are scaled under the run (RunOptions.priceScale: every source's raw prices and every
 * instrument's tick size, so slippage rounds on a grid K times coarser and stays exact); amounts
 * are scaled in the scenario text. Money is integer minor units, and some of it rounds: a notional
 * with more decimals than the account's money, bps fees, a futures position closed in part, a mark
 * at a quote's mid. Without any of those the PnL must be exactly K times; with them it may be off by
 * the rounding, bounded per fill and per open position (tolerance below), and limits that compare
 * rounded equity or notional with a threshold make the property not applicable (a decision right at
 * the limit could go either way in the two runs).
 */
import { parseDocument } from 'yaml';
import { makeInstrument, NumericRangeError, toMoney, type Instrument } from '../../../engine/index.ts';
import { marketSources } from '../../scenario/market.ts';
import type { ReportFill } from '../../scenario/run.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { effectiveInstruments } from '../../scenario/semantic.ts';
import type { MetamorphicProperty } from './metamorphic.ts';

/** The price factor (a power of two: see above). */
export const PRICE_SCALE = 4;

type Path = (string | number)[];

/** How a scenario is scaled, and how far its PnL may be from K times by rounding. */
export interface ScalingPlan {
  /** Amounts in money to multiply by K in the scenario text. */
  readonly edits: readonly { readonly path: Path; readonly value: number }[];
  /** Why money rounds here (empty: the PnL must be exactly K times). */
  readonly rounding: readonly string[];
  /** Largest |pnl_K - K * pnl_1| rounding allows, money units, for a run with these fills. */
  tolerance(fills: readonly ReportFill[]): number;
}

/** The plan for a scenario, or why the property does not apply to it. */
export function scalingPlan(s: Scenario): ScalingPlan | { readonly problem: string } {
  const k = PRICE_SCALE;
  if (s.providers !== undefined) return { problem: 'the scenario reads data over providers, which serve the market unscaled (priceScaling runs on the direct path only)' };
  if (s.stack.allocator.kind !== 'fixed-quantity') return { problem: `the allocator (${s.stack.allocator.kind}) sizes positions by equity, so quantities change with the price level` };
  const md = s.account.moneyDecimals;
  const risk = s.stack.risk;
  const fees = s.venue.fees;
  const amounts: [Path, number | undefined][] = [
    [['account', 'startCash'], s.account.startCash],
    [['stack', 'risk', 'maxPositionNotional'], risk.maxPositionNotional],
    [['stack', 'risk', 'maxOrderNotional'], risk.maxOrderNotional],
    [['stack', 'risk', 'maxDailyLoss'], risk.maxDailyLoss],
    [['venue', 'fees', 'perUnit'], fees.perUnit],
    [['venue', 'fees', 'minimum'], fees.minimum],
    ...(s.instruments ?? []).map((inst, i): [Path, number | undefined] => [['instruments', i, 'marginPerContract'], inst.marginPerContract]),
  ];
  // The loader refuses an amount finer than the money (toMoney), so each is a whole number of money
  // units and k times it is exactly k times as many.
  const edits = amounts.filter(([, x]) => x !== undefined && x !== 0).map(([path, x]) => ({ path, value: x! * k }));
  const instruments: Instrument[] = effectiveInstruments(s).map((c) => makeInstrument(c, md));
  const notionalRounds = instruments.filter((i) => i.priceDecimals + i.quantityDecimals > md).map((i) => i.id);
  const futures = instruments.filter((i) => i.kind === 'future').map((i) => i.id);
  const quotes = marketSources(s).some((d) => d.csv?.dataType === 'quote');
  const perUnitRounds = fees.perUnit > 0 && instruments.some((i) => i.quantityDecimals > 0);
  const rounding = [
    ...(notionalRounds.length > 0 ? [`notionals of ${notionalRounds.join(', ')} have more decimals than money`] : []),
    ...(fees.bps > 0 ? ['bps fees'] : []),
    ...(perUnitRounds ? ['per-unit fees on fractional quantities'] : []),
    ...(futures.length > 0 ? [`futures (${futures.join(', ')}) release cost in part on a partial close`] : []),
    ...(quotes ? ['marks at quote mids'] : []),
  ];
  const equityLimits = (['maxDailyLoss', 'killSwitchDrawdown', 'maxLeverage'] as const).filter((l) => risk[l] !== undefined);
  if (rounding.length > 0 && equityLimits.length > 0) {
    return { problem: `stack.risk.${equityLimits[0]} compares equity with a limit, and money rounds here (${rounding.join('; ')}): equity is k times only within rounding, so a decision at the limit could go either way` };
  }
  const notionalLimits = (['maxPositionNotional', 'maxOrderNotional'] as const).filter((l) => risk[l] !== undefined);
  if ((notionalRounds.length > 0 || quotes) && notionalLimits.length > 0) {
    return { problem: `stack.risk.${notionalLimits[0]} compares a notional at the last price with a limit, and that notional rounds here: a decision at the limit could go either way` };
  }
  const half = (k + 1) / 2; // |round(k x + e) - k round(x)| <= 1/2 + k/2 + |e|: each rounding adds at most this
  const perFill = (notionalRounds.length > 0 ? 1 : 0) + (fees.bps > 0 ? 1 + (notionalRounds.length > 0 ? 1 : 0) : 0) + (perUnitRounds ? 1 : 0) + (futures.length > 0 ? 2 : 0);
  const byId = new Map(instruments.map((i) => [i.id, i]));
  return {
    edits, rounding,
    tolerance(fills) {
      if (rounding.length === 0) return 0;
      // The final marks: the market value of each open position rounds once; a mark at a quote
      // mid (half up, at 1 raw unit) is off by up to k/2 raw units of price on the whole position.
      const open = new Map<string, number>();
      for (const f of fills) open.set(f.instrument, (open.get(f.instrument) ?? 0) + (f.side === 'buy' ? f.quantity : -f.quantity));
      let marks = 0;
      for (const [id, units] of open) {
        const inst = byId.get(id);
        if (units === 0 || inst === undefined) continue;
        marks += half + (quotes ? (k / 2) * Math.abs(units) * inst.multiplier * 10 ** (md - inst.priceDecimals) + half : 0);
      }
      return fills.length * perFill * half + marks;
    },
  };
}

function scaledText(text: string, plan: ScalingPlan): string {
  const doc = parseDocument(text);
  for (const e of plan.edits) doc.setIn(e.path, e.value);
  return doc.toString({ lineWidth: 0 });
}

/** A fill as the comparison sees it: everything but the price, then the raw price. */
function fillKey(f: ReportFill): string {
  return `${f.time} (${f.timeUs}) ${f.instrument} ${f.side} ${f.quantity}`;
}

export const priceScaling: MetamorphicProperty = {
  name: 'priceScaling',
  notApplicable(loaded) {
    const plan = scalingPlan(loaded.scenario);
    return 'problem' in plan ? plan.problem : null;
  },
  async check(ctx) {
    const k = PRICE_SCALE;
    const s = ctx.loaded.scenario;
    // A variation may have moved an amount or a model (check.vary): plan for the variation itself.
    const plan = scalingPlan(s);
    if ('problem' in plan) return { notApplicable: plan.problem };
    const scaledLoaded = ctx.load(scaledText(ctx.text, plan));
    if (scaledLoaded === null) throw new Error('priceScaling: the scenario with its amounts scaled does not load (a bug in the property)');
    let scaled;
    try {
      scaled = await ctx.run({ loaded: scaledLoaded, priceScale: k });
    } catch (e) {
      if (e instanceof NumericRangeError) return { notApplicable: `${k} times the prices or amounts leave the exact range: ${e.message}` };
      throw e;
    }
    const violation = (message: string, timeUs: number | null, records: string[]) => ({ property: 'priceScaling' as const, message, timeUs, journalPosition: 0, records });
    const a = ctx.base.fills;
    const b = scaled.fills;
    const n = Math.min(a.length, b.length);
    const decimals = new Map(effectiveInstruments(s).map((i) => [i.id, i.priceDecimals]));
    for (let i = 0; i <= n; i++) {
      const fa = a[i];
      const fb = b[i];
      if (fa === undefined && fb === undefined) break;
      const scale = 10 ** (decimals.get((fa ?? fb)!.instrument) ?? 0);
      const sameTrade = fa !== undefined && fb !== undefined && fillKey(fa) === fillKey(fb);
      if (sameTrade && Math.round(fb.price * scale) === k * Math.round(fa.price * scale)) continue;
      const show = (f: ReportFill | undefined) => (f === undefined ? '(no fill)' : `${fillKey(f)} @ ${f.price}`);
      return violation(
        `with prices x${k}, fill ${i + 1} is ${show(fb)} where the original run has ${show(fa)}${sameTrade ? ` (price should be x${k})` : ''}: scaling prices changed the trades (${a.length} fills vs ${b.length})`,
        (fa ?? fb)!.timeUs, [`original: ${show(fa)}`, `prices x${k}: ${show(fb)}`],
      );
    }
    const md = s.account.moneyDecimals;
    const pnl = (equity: number, startCash: number) => Math.round(equity * 10 ** md) - toMoney(startCash, md);
    const pnl1 = pnl(ctx.base.final.equity!, s.account.startCash);
    const pnlK = pnl(scaled.final.equity!, scaledLoaded.scenario.account.startCash);
    const tolerance = plan.tolerance(a);
    const off = Math.abs(pnlK - k * pnl1);
    if (off <= tolerance) return null;
    const money = (units: number) => (units / 10 ** md).toFixed(md);
    return violation(
      `with prices and amounts x${k} the PnL is ${money(pnlK)}, not ${k} x ${money(pnl1)} = ${money(k * pnl1)}: off by ${money(off)}, `
        + (tolerance === 0 ? 'where money does not round (it must be exact)' : `more than rounding allows (${money(tolerance)}: ${plan.rounding.join('; ')})`),
      null, [`original: final equity ${ctx.base.final.equity}, ${a.length} fills`, `prices x${k}: final equity ${scaled.final.equity}`],
    );
  },
};
