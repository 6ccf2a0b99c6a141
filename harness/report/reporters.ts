/**
 * Reporters: each turns a report (complete or not) into the whole text of one file. The suite
 * writes them through report-writer.ts; a new format is one more entry here.
 */
import type { ScenarioCharts } from './html/chart-data.ts';
import { htmlReport } from './html/html-report.ts';
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { serializeReport } from './report.ts';
import type { Report, ScenarioReport } from './schema.ts';

import type { ReporterName } from './reporter-names.ts';

export { DEFAULT_REPORTERS, REPORTERS, type ReporterName } from './reporter-names.ts';

/** What a reporter may use besides the report: the reports of one run share it. */
export interface ReportContext {
  /** What the HTML report charts for scenario `index` (its place in the report); null when there is nothing. */
  readonly charts: (index: number) => ScenarioCharts | null;
  /**
   * Rendered parts kept between rewrites of one run's reports (a finished scenario's section does
   * not change): keyed by the scenario's report object, which the suite replaces, never mutates.
   */
  readonly memo: WeakMap<ScenarioReport, { readonly index: number; readonly charted: boolean; readonly html: string }>;
}

export function emptyReportContext(): ReportContext {
  return { charts: () => null, memo: new WeakMap() };
}

export interface Reporter {
  readonly name: ReporterName;
  /** The file it writes in the reports folder. */
  readonly fileName: string;
  /** The file's whole text. An incomplete report must read as incomplete, never as a pass. */
  render(report: Report, context: ReportContext): string;
}

export const REPORTER_BY_NAME: Readonly<Record<ReporterName, Reporter>> = {
  json: { name: 'json', fileName: 'report.json', render: serializeReport },
  junit: { name: 'junit', fileName: 'junit.xml', render: junitXml },
  md: { name: 'md', fileName: 'summary.md', render: markdownSummary },
  html: { name: 'html', fileName: 'report.html', render: htmlReport },
};
