/** report.json's schema version (schema.ts describes the report): its own module, so that writing a report does not build the whole report schema. */

/**
 * The policy: any change that adds or changes a report field bumps this version; readers of
 * reports (replay, and later diff and baselines) read every earlier version through
 * read-report.ts, or exit 2 naming the version they cannot read.
 * 1: the first report. 2: journalVersion, per-scenario overrides, a running report's exitCode
 * null, the risk metrics (riskRejections, dailyLossHalts, killSwitchTrips), fills in a sidecar
 * file (fillsFile) unless --inline-fills. 3: the data path (direct or providers), the decision
 * fingerprint, the provider-path metrics (providerRequests ... skewRejections). 4: the series
 * sidecar (seriesFile); the comparison with a baseline report (per scenario `baseline`, the run's
 * `baseline` and `summary.regressionsFailed`); latency budgets (per scenario `wallTimeLatency`, optional).
 */
export const REPORT_SCHEMA_VERSION = 4;
