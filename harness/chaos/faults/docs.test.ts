// docs/faults.md documents every fault kind the schema accepts, and has an example of each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../cli/cli-helpers.ts';
import { FAULT_KINDS } from './schema.ts';

describe('docs/faults.md', () => {
  const text = readFileSync(join(REPO, 'docs', 'faults.md'), 'utf8');
  it.each(FAULT_KINDS)('documents %s with an example', (kind) => {
    expect(text).toContain(`| \`${kind}\` |`);
    expect(text).toContain(`{ kind: ${kind}`);
  });
});
