/**
 * Seeded fuzzing of every input boundary: scenario YAML, CSV rows, provider payloads, fault
 * plans. Each module exports its fast-check arbitrary and a `fuzz<Boundary>({ runs, seed })`
 * returning the counts (fuzz-run.ts says what a crash, a violation and a hang are).
 * `npm run bench:fuzz` runs them all at 10,000 inputs each.
 */
import { fuzzCsvRows } from './csv-rows.ts';
import { fuzzFaultPlans } from './fault-plans.ts';
import type { FuzzOptions, FuzzResult } from './fuzz-run.ts';
import { fuzzProviderPayloads } from './provider-payloads.ts';
import { fuzzScenarioYaml } from './scenario-yaml.ts';

export { fuzzCsvRows, csvInputArb, type CsvInput } from './csv-rows.ts';
export { fuzzFaultPlans, faultPlanInputArb, type FaultPlanInput } from './fault-plans.ts';
export { fuzzProviderPayloads, payloadInputArb, type PayloadInput } from './provider-payloads.ts';
export { fuzzScenarioYaml, fuzzScenarioRuns, scenarioInputArb, mutatedBuiltinArb, type ScenarioInput } from './scenario-yaml.ts';
export { HANG_MS, runFuzz, type FuzzExample, type FuzzOptions, type FuzzResult, type Verdict } from './fuzz-run.ts';

/** The boundaries by the names the bench prints them under, in the order it runs them. */
export const BOUNDARIES = {
  scenarioYaml: fuzzScenarioYaml,
  csvRows: fuzzCsvRows,
  providerPayloads: fuzzProviderPayloads,
  faultPlans: fuzzFaultPlans,
} as const satisfies Record<string, (opts: FuzzOptions) => Promise<FuzzResult>>;
export type BoundaryName = keyof typeof BOUNDARIES;
export const BOUNDARY_NAMES = Object.keys(BOUNDARIES) as BoundaryName[];
