// Readers take every report schema version this code knows and name the one they cannot read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './code-version.ts';
import { READABLE_REPORT_VERSIONS, readReportText } from './read-report.ts';
import { REPORT_SCHEMA_VERSION } from './schema.ts';

const v1 = readFileSync(join(packageRoot(), 'fixtures', 'reports', 'report-v1.json'), 'utf8');

describe('readReportText', () => {
  it('reads the current version and every earlier one', () => {
    expect(READABLE_REPORT_VERSIONS).toContain(REPORT_SCHEMA_VERSION);
    expect(READABLE_REPORT_VERSIONS).toContain(1);
  });

  it('reads a version 1 report (written by gauntlet 0.1.0 before version 2) with defaults for later fields', () => {
    const r = readReportText(v1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report).toMatchObject({ schemaVersion: 1, journalVersion: 1, complete: true });
    expect(r.report.scenarios[0]).toMatchObject({ name: 'synthetic-gbm-buy-and-hold-latency', seed: 7, overrides: [] });
  });

  it('names a version it cannot read, and says when it is newer', () => {
    const r = readReportText(JSON.stringify({ ...JSON.parse(v1), schemaVersion: 99 }));
    expect(r).toEqual({ ok: false, problems: [expect.stringMatching(/^report schema version 99 cannot be read.*newer gauntlet$/)] });
    expect(readReportText('{}')).toMatchObject({ ok: false, problems: ['not a Gauntlet report: no schemaVersion'] });
    expect(readReportText('{').ok).toBe(false);
  });

  it('validates the current version whole', () => {
    const current = { ...JSON.parse(v1), schemaVersion: REPORT_SCHEMA_VERSION };
    const r = readReportText(JSON.stringify(current));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).toMatch(/journalVersion/);
  });
});
