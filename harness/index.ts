/**
 * The harness's public surface, for users who drive Gauntlet from code (`import ... from
 * 'gauntlet/harness'`): load and validate scenario files, run one (optionally with their own
 * stack in place of the reference stack), run a suite with reports, and the report types.
 */
export { ScenarioSchema, SCENARIO_VERSION, type Scenario, type ScenarioInput } from './scenario/schema.ts';
export { loadScenarioFile, loadScenarioText, type LoadedScenario, type LoadResult, type LoadOptions, type ScenarioOverride } from './scenario/load.ts';
export { formatProblem, type ScenarioProblem } from './scenario/problems.ts';
export { checkMarketData } from './scenario/check-data.ts';
export { discoverScenarioFiles } from './scenario/discover.ts';
export { runScenario, type RunOptions, type ScenarioRunResult, type ReportFill, type BadRowWarning } from './scenario/run.ts';
export { scenarioJsonSchema } from './scenario/json-schema.ts';
export { GateSchema, GATE_METRICS, HARNESS_METRIC_DEFINITIONS, gateName, type GateConfig } from './gates/schema.ts';
export { evaluateGate, evaluateGates, type GateResult, type MetricValue } from './gates/evaluate.ts';
export { ReportSchema, REPORT_SCHEMA_VERSION, reportableMetrics, type Report, type ScenarioReport, type ScenarioWarning } from './report/schema.ts';
export { reportJsonSchema } from './report/json-schema.ts';
export { junitXml } from './report/junit.ts';
export { markdownSummary } from './report/markdown.ts';
export { EXIT } from './report/report.ts';
export { createSuite, type SuiteOptions, type SeedPlan } from './suite/suite.ts';
export { runJob, executeJob, JobSpecSchema, type JobSpec, type JobOutcome, type SeedChoice } from './job/job.ts';
export { createJobPool, defaultWorkers, type JobPool } from './distributed/pool.ts';
export { DEFAULT_REPORTERS, REPORTERS, REPORTER_BY_NAME, emptyReportContext, type Reporter, type ReporterName, type ReportContext } from './report/reporters.ts';
export { htmlReport } from './report/html/html-report.ts';
export { chartsFromFiles } from './report/html/from-files.ts';
export { scenarioCharts, downsample, type ScenarioCharts } from './report/html/chart-data.ts';
export { seriesFromParquet, seriesToParquet, seriesColumns } from './report/series-file.ts';
export type { ScenarioSeries } from './scenario/series.ts';
export { readBaselineFile, type Baseline, type BaselineEntry } from './baseline/baseline-file.ts';
export { compareWithBaseline, withBaseline, type RegressionConfig } from './baseline/compare.ts';
export { RegressionSchema, type Regression } from './baseline/regression-schema.ts';
export { diffRuns, diffFills, loadRun, type RunDiff, type ScenarioDiff } from './diff/report-diff.ts';
export { firstDivergence, type JournalDiffResult, type JournalDivergence } from './diff/journal-diff.ts';
export { githubAnnotations } from './report/github-annotations.ts';
export { ReportWriter, PROGRESS_LOG } from './report/report-writer.ts';
export { readReportText, READABLE_REPORT_VERSIONS, type ReadableReport } from './report/read-report.ts';
export { DataCache, defaultCacheDir, DEFAULT_CACHE_MAX_BYTES, type DataCacheConfig, type CacheInfo } from './data-cache/store.ts';
export { main } from './cli/main.ts';
