/** report.json's JSON Schema, generated from ReportSchema; committed as schemas/report.schema.json. */
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, ReportSchema } from './schema.ts';

export const REPORT_SCHEMA_ID = `https://gauntlet.dev/schemas/report-v${REPORT_SCHEMA_VERSION}.schema.json`;

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ReportSchema, { io: 'output', reused: 'ref', target: 'draft-2020-12' }),
    $id: REPORT_SCHEMA_ID,
    title: `Gauntlet report (schema version ${REPORT_SCHEMA_VERSION})`,
  };
}
