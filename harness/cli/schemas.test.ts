// Proves the committed JSON Schemas (schemas/*.schema.json) are what the zod schemas generate
// now: a change to the scenario or report format (or to an engine schema a scenario composes,
// such as a new agent kind) fails here until `node bin/gauntlet.js schema --write` regenerates
// them. Also proves the scenario schema lists every built-in agent kind and the version field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../report/code-version.ts';
import { SCHEMA_FILES, schemaText, type SchemaName } from './schemas.ts';

describe('committed JSON Schemas', () => {
  for (const name of Object.keys(SCHEMA_FILES) as SchemaName[]) {
    it(`${SCHEMA_FILES[name]} is up to date`, () => {
      const committed = readFileSync(join(packageRoot(), SCHEMA_FILES[name]), 'utf8');
      expect(committed === schemaText(name), `${SCHEMA_FILES[name]} is stale: run \`node bin/gauntlet.js schema --write\` and commit it`).toBe(true);
    });
  }

  it('the scenario schema requires a version and names every agent kind', () => {
    const text = schemaText('scenario');
    const schema = JSON.parse(text) as { required: string[] };
    expect(schema.required).toContain('version');
    for (const kind of ['sma-crossover', 'buy-and-hold']) expect(text).toContain(`"const": "${kind}"`);
  });
});
