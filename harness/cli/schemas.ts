/**
 * The committed JSON Schemas (schemas/scenario.schema.json, schemas/report.schema.json): their
 * expected text, generated from the zod schemas, and the writer behind `gauntlet schema --write`.
 * A test compares the committed files with this text, so a schema change without a regenerated
 * file fails.
 */
import { join } from 'node:path';
import { reportJsonSchema } from '../report/json-schema.ts';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { packageRoot } from '../report/code-version.ts';
import { scenarioJsonSchema } from '../scenario/json-schema.ts';
import { stackProtocolJsonSchema } from '../service/protocol.ts';

export const SCHEMA_FILES = {
  scenario: 'schemas/scenario.schema.json',
  report: 'schemas/report.schema.json',
  'stack-protocol': 'schemas/stack-protocol.schema.json',
} as const;
export type SchemaName = keyof typeof SCHEMA_FILES;

export function schemaText(name: SchemaName): string {
  const schema = name === 'scenario' ? scenarioJsonSchema() : name === 'report' ? reportJsonSchema() : stackProtocolJsonSchema();
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes both schemas into the package's schemas/ folder; returns the paths written. */
export function writeSchemas(root: string = packageRoot()): string[] {
  return (Object.keys(SCHEMA_FILES) as SchemaName[]).map((name) => {
    const path = join(root, SCHEMA_FILES[name]);
    writeFileAtomic(path, schemaText(name));
    return path;
  });
}
