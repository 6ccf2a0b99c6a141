/**
 * Metric definitions where users read results: the Markdown summary ends with the definitions of
 * the metrics it shows, and docs/metrics.md lists them all (regenerate with
 * `node harness/report/metric-docs.ts --write`; a test fails when it is stale).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METRIC_DEFINITIONS } from '../../engine/index.ts';
import { HARNESS_METRIC_DEFINITIONS } from '../gates/schema.ts';

export const ALL_METRIC_DEFINITIONS: Readonly<Record<string, string>> = { ...HARNESS_METRIC_DEFINITIONS, ...METRIC_DEFINITIONS };

/** Escapes a definition for a Markdown table cell. */
const cell = (text: string): string => text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');

/** A Markdown table of the given metrics' definitions (unknown names are skipped). */
export function definitionsTable(metrics: readonly string[]): string[] {
  const rows = metrics.filter((m) => ALL_METRIC_DEFINITIONS[m] !== undefined).map((m) => `| \`${m}\` | ${cell(ALL_METRIC_DEFINITIONS[m]!)} |`);
  return rows.length === 0 ? [] : ['| metric | definition |', '|---|---|', ...rows];
}

export function metricsDoc(): string {
  return [
    '# Metrics',
    '',
    'Every metric a report carries and a gate may name. Generated from the code',
    '(`engine/metrics/definitions.ts`, `harness/gates/schema.ts`) by `node harness/report/metric-docs.ts --write`.',
    'Undefined values (for example Sharpe with zero variance) are `null`; a gate on a `null` metric fails.',
    '',
    ...definitionsTable(Object.keys(ALL_METRIC_DEFINITIONS)),
    '',
  ].join('\n');
}

export const METRICS_DOC_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'metrics.md');

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(METRICS_DOC_PATH, metricsDoc());
  console.log(`wrote ${METRICS_DOC_PATH}`);
}
