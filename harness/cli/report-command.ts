/**
 * `gauntlet report html <report.json>`: writes report.html again from a run's report and its
 * sidecars (series and fills, each checked against the SHA-256 the report recorded). Exit 0 when
 * written, 2 when the report or a sidecar cannot be read or was altered.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { chartsFromFiles } from '../report/html/from-files.ts';
import { htmlReport } from '../report/html/html-report.ts';
import { readReportText } from '../report/read-report.ts';
import { REPORT_SCHEMA_VERSION } from '../report/schema.ts';
import { parseFlags } from './flags.ts';
import { Output } from './output.ts';

const ReportHtmlFlagsSchema = z.strictObject({
  out: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});

export async function reportHtmlCommand(reportPath: string, rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(ReportHtmlFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: false });
  const abs = resolve(cwd, reportPath);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    out.error(`gauntlet report html: cannot read ${reportPath}: ${(e as Error).message}`);
    return 2;
  }
  const read = readReportText(text);
  if (!read.ok) {
    out.error(`gauntlet report html: ${reportPath}: ${read.problems.join('\n    ')}`);
    return 2;
  }
  const report = read.current;
  if (report === null) {
    out.error(`gauntlet report html: ${reportPath} is a schema version ${read.report.schemaVersion} report; report html reads version ${REPORT_SCHEMA_VERSION} (earlier reports have no series sidecar): run the scenarios again`);
    return 2;
  }
  const { charts, problems } = await chartsFromFiles(report, dirname(abs));
  if (problems.length > 0) {
    for (const p of problems) out.error(`gauntlet report html: ${p}`);
    return 2;
  }
  const target = resolve(cwd, flags.out ?? join(dirname(reportPath), 'report.html'));
  writeFileAtomic(target, htmlReport(report, { charts: (i) => charts[i] ?? null, memo: new WeakMap() }));
  out.info(`wrote ${target}`);
  return 0;
}
