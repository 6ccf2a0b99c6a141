/**
 * The scenario file's JSON Schema, generated from the zod schema (input side: what a user writes,
 * defaults optional). Committed as schemas/scenario.schema.json; a test fails when it is stale.
 */
import { z } from 'zod';
import { ScenarioSchema, SCENARIO_VERSION } from './schema.ts';
import type { JsonSchemaNode } from './unknown-keys.ts';

export const SCENARIO_SCHEMA_ID = `https://gauntlet.dev/schemas/scenario-v${SCENARIO_VERSION}.schema.json`;

let cached: Record<string, unknown> | null = null;

export function scenarioJsonSchema(): Record<string, unknown> {
  cached ??= {
    ...z.toJSONSchema(ScenarioSchema, { io: 'input', reused: 'ref', target: 'draft-2020-12' }),
    $id: SCENARIO_SCHEMA_ID,
    title: `Gauntlet scenario (version ${SCENARIO_VERSION})`,
  };
  return cached;
}

export function scenarioSchemaNode(): JsonSchemaNode {
  return scenarioJsonSchema() as JsonSchemaNode;
}
