/**
 * Reporters: each turns a report (complete or not) into the whole text of one file. The suite
 * writes them through report-writer.ts; a new format is one more entry here.
 */
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { serializeReport } from './report.ts';
import type { Report } from './schema.ts';

import type { ReporterName } from './reporter-names.ts';

export { REPORTERS, type ReporterName } from './reporter-names.ts';

export interface Reporter {
  readonly name: ReporterName;
  /** The file it writes in the reports folder. */
  readonly fileName: string;
  /** The file's whole text. An incomplete report must read as incomplete, never as a pass. */
  render(report: Report): string;
}

export const REPORTER_BY_NAME: Readonly<Record<ReporterName, Reporter>> = {
  json: { name: 'json', fileName: 'report.json', render: serializeReport },
  junit: { name: 'junit', fileName: 'junit.xml', render: junitXml },
  md: { name: 'md', fileName: 'summary.md', render: markdownSummary },
};
