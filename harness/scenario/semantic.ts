/**
 * Checks across sections that a schema cannot express: every market source trades a declared
 * instrument at the same price precision, agents name declared instruments, ids and gate names
 * are unique, CSV files exist. Each problem carries the field path it is about.
 */
import { resolveProviders } from './providers-schema.ts';
import { accessSync, constants, statSync } from 'node:fs';
import { gateName } from '../gates/schema.ts';
import { marketSources, csvPath } from './market.ts';
import type { Scenario } from './schema.ts';
import { createAgent, createAllocator, createVenueModels, makeInstrument, RiskEngine, RngRegistry, toMoney, type InstrumentConfig } from './engine-parts.ts';

export interface SemanticProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly at?: 'key' | 'value';
}

/** The instruments of a run: as declared, or one equity per market instrument id. */
export function effectiveInstruments(scenario: Scenario): InstrumentConfig[] {
  if (scenario.instruments !== undefined) return scenario.instruments;
  const seen = new Map<string, InstrumentConfig>();
  for (const s of marketSources(scenario)) {
    if (!seen.has(s.instrumentId)) seen.set(s.instrumentId, { id: s.instrumentId, kind: 'equity', priceDecimals: s.priceDecimals, currency: scenario.account.currency });
  }
  return [...seen.values()];
}

export function semanticProblems(scenario: Scenario, scenarioDir: string): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const instruments = effectiveInstruments(scenario);
  const byId = new Map<string, InstrumentConfig>();
  instruments.forEach((inst, i) => {
    if (byId.has(inst.id)) problems.push({ path: ['instruments', i, 'id'], message: `instrument id '${inst.id}' is declared twice` });
    byId.set(inst.id, inst);
    if (scenario.instruments === undefined) return;
    const currency = inst.currency ?? 'USD';
    if (currency !== scenario.account.currency) {
      problems.push({ path: ['instruments', i, 'currency'], message: `instrument ${inst.id} is quoted in ${currency} but the account is in ${scenario.account.currency} (multi-currency accounts are not supported yet)` });
    }
    try {
      makeInstrument(inst, scenario.account.moneyDecimals);
    } catch (e) {
      problems.push({ path: ['instruments', i], message: (e as Error).message });
    }
  });
  const declared = [...byId.keys()].join(', ');
  for (const s of marketSources(scenario)) {
    const inst = byId.get(s.instrumentId);
    const idPath = s.config.demo !== undefined ? [...s.path, 'demo'] : [...s.path, s.config.csv !== undefined ? 'csv' : 'synthetic', 'instrumentId'];
    if (inst === undefined) {
      problems.push({ path: idPath, message: `the market source trades '${s.instrumentId}', which is not among the instruments (${declared})` });
    } else if (inst.priceDecimals !== s.priceDecimals) {
      problems.push({ path: idPath, message: `instrument ${s.instrumentId} has priceDecimals ${inst.priceDecimals} but its market source has ${s.priceDecimals}` });
    }
    if (s.config.csv !== undefined) {
      const why = dataFileProblem(csvPath(s.config.csv, scenarioDir));
      if (why !== null) problems.push({ path: [...s.path, 'csv', 'file'], message: why });
    }
  }
  const agentIds = new Set<string>();
  (scenario.stack.agents ?? []).forEach((agent, i) => {
    const id = agent.id ?? agent.kind;
    if (agentIds.has(id)) problems.push({ path: ['stack', 'agents', i], message: `agent id '${id}' is used twice: give each agent of the same kind an id` });
    agentIds.add(id);
    const instrument = (agent as { instrument?: unknown }).instrument;
    if (typeof instrument === 'string' && !byId.has(instrument)) {
      problems.push({ path: ['stack', 'agents', i, 'instrument'], message: `agent trades '${instrument}', which is not among the instruments (${declared})` });
    }
  });
  problems.push(...constructionProblems(scenario));
  const providerNames = resolveProviders(scenario.providers).map((p) => p.name);
  if (new Set(providerNames).size !== providerNames.length) problems.push({ path: ['providers'], message: 'provider names must be unique' });
  (scenario.faults ?? []).forEach((f, i) => {
    if (!('provider' in f)) return;
    if (providerNames.length === 0) {
      problems.push({ path: ['faults', i, 'kind'], message: `${f.kind} hits a provider, but this scenario reads market data directly (add providers:, e.g. providers: standard)` });
    } else if (!providerNames.includes(f.provider)) {
      problems.push({ path: ['faults', i, 'provider'], message: `no provider '${f.provider}' in providers: (${providerNames.join(', ')})` });
    }
  });
  const names = new Set<string>();
  scenario.gates.forEach((g, i) => {
    const name = gateName(g);
    if (names.has(name)) problems.push({ path: ['gates', i], message: `gate name '${name}' is used twice: give one of them a name` });
    names.add(name);
  });
  return problems;
}

/**
 * The engine's components validate their configuration when built (fail fast: a fee with more
 * decimals than money has, a latency of fractional microseconds). Building each once here turns
 * such a refusal into a problem at its place in the file instead of an error mid-run.
 */
function constructionProblems(scenario: Scenario): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const attempt = (path: readonly (string | number)[], build: () => unknown): void => {
    try {
      build();
    } catch (e) {
      problems.push({ path, message: (e as Error).message });
    }
  };
  // Amounts the run converts to integer money units: each must be exact there.
  const md = scenario.account.moneyDecimals;
  attempt(['account', 'startCash'], () => {
    if (toMoney(scenario.account.startCash, md) < 1) throw new RangeError(`start cash ${scenario.account.startCash} is less than one money unit at ${md} decimals`);
  });
  for (const key of ['maxPositionNotional', 'maxOrderNotional', 'maxDailyLoss'] as const) {
    const v = scenario.stack.risk[key];
    if (v !== undefined) attempt(['stack', 'risk', key], () => toMoney(v, md));
  }
  (scenario.stack.agents ?? []).forEach((a, i) => attempt(['stack', 'agents', i], () => createAgent(a)));
  attempt(['stack', 'allocator'], () => createAllocator(scenario.stack.allocator));
  attempt(['stack', 'risk'], () => new RiskEngine(scenario.stack.risk));
  const { fillAtBarOpen: _fillAtBarOpen, ...models } = scenario.venue;
  attempt(['venue'], () => createVenueModels(models, new RngRegistry(scenario.seed), scenario.account.moneyDecimals));
  return problems;
}

/** Why a market data path cannot be read as a file (missing, a folder, a pipe or device, unreadable), or null. */
function dataFileProblem(path: string): string | null {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    // ENAMETOOLONG, ENOTDIR (a part of the path is a file), ELOOP...: still bad input, named.
    return `${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  if (st === undefined) return `file not found: ${path} (paths are relative to the scenario file)`;
  if (st.isDirectory()) return `${path} is a folder, not a data file`;
  // A FIFO or a device would block a reader or never end: only regular files are market data.
  if (!st.isFile()) return `${path} is not a regular file (a pipe, socket or device): market data must be a file`;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return `${path} cannot be read (permission denied)`;
  }
  return null;
}
