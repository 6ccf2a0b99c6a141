/**
 * report.json, version 1: what a run did and what reproduces it. Validated by this zod schema on
 * write and on read (replay), and committed as schemas/report.schema.json.
 *
 * Determinism: two runs of the same scenarios, seeds and code write byte-identical reports but
 * for the fields whose names start with `wallClock` or `wallTime` (real time, stated as such).
 */
import { z } from 'zod';
import { int, ScenarioMetricsSchema } from './metrics-schema.ts';
import { REPORT_SCHEMA_VERSION } from './schema-version.ts';

export { REPORT_SCHEMA_VERSION };

export type JsonValue = z.output<ReturnType<typeof z.json>>;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256, lowercase hex.');
export const MetricValueSchema = z.union([z.number(), z.literal('Infinity'), z.null()]);

export const CodeVersionSchema = z.strictObject({
  package: z.string().describe('Package name.'),
  version: z.string().describe('Package version.'),
  gitCommit: z.string().nullable().describe('Commit of the checkout the code ran from; null when not a git checkout (e.g. installed from npm).'),
});

export const ProblemSchema = z.strictObject({
  file: z.string(), line: int.positive(), column: int.positive(),
  path: z.string().describe('Field path in the scenario, e.g. stack.agents[0].period; empty for the whole file.'),
  message: z.string(),
  expected: z.string().optional(), found: z.string().optional(), hint: z.string().optional(),
}).describe('Bad input, with where it is.');

export const GateResultSchema = z.strictObject({
  name: z.string().describe('Unique within the scenario.'),
  metric: z.string(),
  threshold: z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
  actual: MetricValueSchema.describe('The metric of the run; null when undefined for it (which fails the gate).'),
  pass: z.boolean(),
  message: z.string(),
  line: int.positive().describe('Line of the gate in the scenario file.'),
  column: int.positive(),
});

export const FillSchema = z.strictObject({
  time: z.string().describe('ISO-8601 UTC with microseconds.'),
  timeUs: int.describe('Epoch microseconds (UTC).'),
  instrument: z.string(),
  side: z.enum(['buy', 'sell']),
  quantity: z.number().positive().describe('Shares, contracts or base-currency units.'),
  price: z.number(),
  fee: z.number().nonnegative().describe('In account currency.'),
  notional: z.number().describe('quantity * price * multiplier, in account currency.'),
  clientOrderId: z.string(),
});

export const BadRowWarningSchema = z.strictObject({
  kind: z.literal('bad-row'),
  file: z.string(), line: int.positive(), column: z.string(),
  reason: z.string(), detail: z.string(), action: z.enum(['rejected', 'skipped', 'repaired']),
}).describe('A bad market data row, handled under the declared bad-row policy.');

export const MetricWarningSchema = z.strictObject({
  kind: z.literal('metric'),
  metric: z.string().describe('The metric reported as null.'),
  reason: z.string().describe('Why it could not be reported, with the value computed.'),
}).describe('A figure that could not be computed or represented: null in metrics, the rest still reported.');

export const AnnualisationWarningSchema = z.strictObject({
  kind: z.literal('annualisation'),
  basis: z.enum(['default-calendar', 'observed-marks'])
    .describe('default-calendar: no calendar declared, so the UTC_24H default (24 hours a day, 365 days a year) decided; observed-marks: the marks observed were extrapolated to a 365.25-day year.'),
  periodsPerYear: z.number().positive().describe('The periods a year the annualised metrics (volatility, Sharpe, Sortino) used.'),
  message: z.string().describe('The assumption and how to declare the figure instead.'),
}).describe('Annualised metrics rest on an assumption the scenario did not declare.');

export const WarningSchema = z.discriminatedUnion('kind', [BadRowWarningSchema, MetricWarningSchema, AnnualisationWarningSchema])
  .describe('Something the reader of a report must know: a bad data row handled under its policy, a figure that could not be computed (then null), or an assumption behind the metrics.');
export type ScenarioWarning = z.output<typeof WarningSchema>;

export { ScenarioMetricsSchema, reportableMetrics } from './metrics-schema.ts';

export const SCENARIO_STATUSES = ['passed', 'failed', 'invalid', 'error', 'not-run'] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

export const PropertyResultSchema = z.strictObject({
  name: z.string().describe('The property (scenario `properties:` key).'),
  expect: z.enum(['always', 'sometimes']),
  optional: z.boolean(),
  held: z.boolean().describe('Never violated in the run.'),
  reached: z.boolean().describe("The run reached the property's interesting state (what a `sometimes` property needs)."),
  violation: z.strictObject({
    message: z.string(),
    time: z.string().nullable().describe('Virtual time of the violating event (ISO-8601 UTC); null when found after the run.'),
    timeUs: int.nullable(),
    journalPosition: int.nonnegative().describe('Journal records before the violating event: its line in `--journal` output.'),
    records: z.array(z.string()).describe('The events that show it, oldest first.'),
  }).nullable().describe('The first violation; null when the property held.'),
});

export const BudgetResultSchema = z.strictObject({
  name: z.string().describe('The metric and its budget, e.g. "sharpe maxDrop" (JUnit testcase name).'),
  metric: z.string(),
  maxDrop: z.number().optional().describe('The largest fall allowed below the baseline figure, in the metric\'s units.'),
  maxRise: z.number().optional().describe('The largest rise allowed above the baseline figure, in the metric\'s units.'),
  baseline: MetricValueSchema.describe('The figure in the baseline report.'),
  actual: MetricValueSchema.describe('The figure of this run.'),
  delta: z.number().nullable().describe('actual - baseline; null when either is null.'),
  pass: z.boolean(),
  message: z.string(),
  line: int.positive().describe('Line of the budget in the scenario file.'),
  column: int.positive(),
});

export const BaselineComparisonSchema = z.strictObject({
  status: z.enum(['compared', 'new']).describe('compared: the baseline has this scenario (by name) with figures; new: it has not, so nothing was compared.'),
  fingerprint: z.strictObject({
    baseline: sha256.nullable(),
    changed: z.boolean().nullable().describe('The fingerprint differs from the baseline\'s; null when they cannot be compared (another journal version).'),
    onChange: z.enum(['warn', 'fail']).describe("The scenario's `regression.fingerprint` policy."),
    pass: z.boolean(),
  }).nullable().describe('null for a new scenario.'),
  budgets: z.array(BudgetResultSchema).describe("The scenario's regression budgets, each checked against the baseline."),
  pass: z.boolean().describe('Every budget held and the fingerprint policy was met.'),
}).describe('This scenario against the baseline report (`gauntlet run --baseline`).');
export type BaselineComparison = z.output<typeof BaselineComparisonSchema>;

export const BaselineInfoSchema = z.strictObject({
  file: z.string().describe('The baseline report, as given.'),
  sha256: sha256.describe('SHA-256 of the baseline file.'),
  schemaVersion: int.positive(),
  tool: z.strictObject({ version: z.string(), gitCommit: z.string().nullable() }).describe('The gauntlet that wrote the baseline.'),
  wallClockStartedAt: z.string().nullable().describe('When the baseline run started (not deterministic).'),
});

export type BaselineInfo = z.output<typeof BaselineInfoSchema>;
const LatencyFiguresSchema = z.strictObject({
  p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number(),
  ratePerSecond: z.number().describe('Decisions (calibration: requests) per second of real time.'),
  errors: int.nonnegative(), count: int.nonnegative().describe('Decisions (requests) per run.'),
});
const LatencySpreadSchema = z.strictObject({ p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number(), ratePerSecond: z.number() })
  .describe('(max - min) / median of each figure over the repeats.');

export const LatencyReportSchema = z.strictObject({
  deterministic: z.literal(false).describe('Wall time: the figures and the verdict vary from run to run; never part of a fingerprint.'),
  repeats: int.positive(),
  measured: LatencyFiguresSchema.describe('Medians over the repeats (errors summed).'),
  spread: LatencySpreadSchema,
  calibration: z.strictObject({ what: z.string(), measured: LatencyFiguresSchema, spread: LatencySpreadSchema })
    .describe('A bare node:http server measured in the same run: the budgets of a calibrated scenario are relative to it.'),
  gates: z.array(z.strictObject({
    name: z.string(), figure: z.enum(['p50Ms', 'p95Ms', 'p99Ms', 'ratePerSecond', 'errors']), kind: z.enum(['max', 'min']),
    budget: z.number().describe('As written in the scenario.'), limit: z.number().describe('The limit it stands for (calibrated: budget x the calibration figure).'),
    actual: z.number(), spread: z.number().nullable(), pass: z.boolean(), message: z.string(), line: int.positive(), column: int.positive(),
  })),
}).describe("The scenario's latency budgets (`latency:`) and what was measured: real time per decision.");

export const ScenarioReportSchema = z.strictObject({
  name: z.string(),
  description: z.string().nullable(),
  file: z.string().describe('The scenario file, relative to the working directory.'),
  fileSha256: sha256.nullable().describe('SHA-256 of the scenario file; null when it could not be read.'),
  status: z.enum(SCENARIO_STATUSES).describe('passed: every gate passed; failed: a gate failed; invalid: bad input (the file or its data); error: an internal error; not-run: the run was interrupted first.'),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  seed: int.nonnegative().nullable().describe('The root seed the scenario ran with.'),
  seedSource: z.enum(['scenario', 'cli', 'derived']).nullable().describe('scenario: its own seed; cli: --seed; derived: from the suite root seed and the scenario name.'),
  overrides: z.array(z.strictObject({ path: z.string(), value: z.json() })).describe('Values run in place of the file\'s (gauntlet run --set), in the order given.'),
  reproduce: z.string().nullable().describe('The command that reruns this scenario exactly.'),
  code: CodeVersionSchema,
  node: z.string().describe('Node.js version.'),
  marketData: z.array(z.strictObject({ file: z.string(), sha256 })).describe('Market data files read (relative to the working directory) and their SHA-256.'),
  dataPath: z.enum(['direct', 'providers']).nullable().describe('How the stack read market data: handed by the engine (direct) or pulled over HTTP from providers; null when it did not run.'),
  fingerprint: sha256.nullable().describe("SHA-256 of the run's journal: every input and decision in order, transport included."),
  faults: z.strictObject({
    total: int.nonnegative(),
    byKind: z.record(z.string(), int.nonnegative()).describe('Faults applied, by kind.'),
    list: z.array(z.strictObject({ time: z.string(), timeUs: int, kind: z.string(), target: z.string(), detail: z.string() }))
      .describe('The faults applied, in order (the first 1000): when, which kind, what it hit.'),
  }).nullable().describe('The fault plan as it applied; null when the scenario has none or did not run.'),
  decisionFingerprint: sha256.nullable().describe('SHA-256 of the journal without market data and transport records (requests, responses, retries, breaker, failover, rejected data): what was decided. Equal on the direct and the provider path when no fault is injected.'),
  journalRecords: int.nonnegative().nullable(),
  events: int.nonnegative().nullable().describe('Kernel events processed.'),
  account: z.strictObject({ currency: z.string(), startCash: z.number() }).nullable(),
  final: z.record(z.string(), z.number()).nullable().describe('The final ledger in account currency: cash, equity, realized, unrealized, fees, marketValue, marginInUse, freeCash.'),
  metrics: ScenarioMetricsSchema.nullable(),
  fills: z.array(FillSchema).describe('The fills, when kept inline (--inline-fills, or no reports folder); empty when they are in fillsFile.'),
  fillsFile: z.strictObject({
    path: z.string().describe('Relative to the reports folder: one fill per line (JSON, the fields of a fill here).'),
    sha256: sha256.describe('SHA-256 of the file as written.'),
    count: int.nonnegative(),
  }).nullable().describe('The sidecar file holding the fills (the default when reports are written); null when inline or none ran.'),
  seriesFile: z.strictObject({
    path: z.string().describe('Relative to the reports folder: a Parquet file, one row per equity mark (timeUs, equity, drawdown, price:<id> and position:<id> per instrument).'),
    sha256: sha256.describe('SHA-256 of the file as written.'),
    rows: int.nonnegative(),
  }).nullable().describe('The full series (equity, drawdown, prices, positions) in a Parquet sidecar; null unless written (--series, --reporter html) and the scenario ran.'),
  gates: z.array(GateResultSchema),
  baseline: BaselineComparisonSchema.nullable().describe('The comparison with the baseline report; null when run without one.'),
  properties: z.array(PropertyResultSchema).optional().describe('The online properties the scenario declares (`properties:`), as checked in this run; a violated one also fails its gate.'),
  warnings: z.array(WarningSchema),
  problems: z.array(ProblemSchema).describe('Bad input found in the scenario file or its data.'),
  error: z.strictObject({ message: z.string() }).nullable().describe('An internal error (a bug): its message.'),
  wallTimeMs: z.number().nonnegative().describe('Real time the scenario took (not deterministic).'),
  measuredStackLatencyUs: z.array(int.nonnegative()).nullable().optional()
    .describe("A stack over HTTP in measured-latency mode: each step's measured response time as the virtual delay of its actions (microseconds, step order). An input of the run: replay feeds it back, so the replay's fingerprint matches."),
  wallTimeLatency: LatencyReportSchema.nullable().optional().describe('Latency budgets and measured figures; absent when the scenario states none. Wall time: not deterministic, never in a fingerprint; a failed budget fails the scenario.'),
});
export type ScenarioReport = z.output<typeof ScenarioReportSchema>;

export const ReportSchema = z.strictObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  journalVersion: int.positive().describe('Version of the journal encoding whose SHA-256 is each scenario\'s fingerprint: fingerprints compare only within one journal version.'),
  tool: CodeVersionSchema,
  node: z.string(),
  command: z.enum(['run', 'replay']),
  complete: z.boolean().describe('false while running, and when the run was interrupted: the scenarios not run are marked not-run.'),
  interrupted: z.enum(['SIGINT', 'SIGTERM']).nullable(),
  status: z.enum(['running', 'passed', 'failed', 'invalid', 'error', 'interrupted']),
  exitCode: int.nullable().describe('0 every gate passed, 1 a gate failed, 2 bad input, 3 internal error; 130/143 when interrupted; null while the run is still going (or was killed before it ended).'),
  rootSeed: int.nonnegative().nullable().describe('--seed of a suite: each scenario seed derives from it and the scenario name.'),
  summary: z.strictObject({
    scenarios: int, passed: int, failed: int, invalid: int, errors: int, notRun: int, gates: int, gatesFailed: int,
    regressionsFailed: int.describe('Regression budgets broken, and fingerprint changes a scenario fails on, against the baseline.'),
  }),
  baseline: BaselineInfoSchema.nullable().describe('The baseline report compared against (`--baseline`); null without one.'),
  wallClockStartedAt: z.string().describe('Real time the run started, ISO-8601 UTC (not deterministic).'),
  wallClockFinishedAt: z.string().nullable().describe('Real time the run ended (not deterministic); null while running.'),
  wallTimeMs: z.number().nonnegative().describe('Real duration in milliseconds (not deterministic).'),
  scenarios: z.array(ScenarioReportSchema),
}).describe('A Gauntlet run report.');
export type Report = z.output<typeof ReportSchema>;
