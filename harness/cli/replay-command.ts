/**
 * `gauntlet replay <report.json>`: reruns every scenario a report ran, from the same file (its
 * SHA-256 checked) with the seed the report recorded, and compares the run's fingerprint (and the
 * market data hashes) with the report's. Exit 0 when all match, 1 on any mismatch, 2 when the
 * report or a scenario file cannot be read.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { codeVersion } from '../report/code-version.ts';
import { readReportText, type ScenarioRecord } from '../report/read-report.ts';
import { JOURNAL_VERSION } from '../scenario/engine-parts.ts';
import { createSuite } from '../suite/suite.ts';
import { OutputFlagsSchema, parseFlags } from './flags.ts';
import { Output } from './output.ts';
import type { ScenarioReport } from '../report/schema.ts';

interface Comparison {
  readonly name: string;
  readonly file: string;
  readonly seed: number;
  readonly match: boolean;
  readonly expectedFingerprint: string;
  readonly actualFingerprint: string | null;
  readonly differences: string[];
}

export async function replayCommand(reportPath: string, rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(OutputFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  let reportText: string;
  try {
    reportText = readFileSync(resolve(cwd, reportPath), 'utf8');
  } catch (e) {
    out.error(`gauntlet replay: cannot read ${reportPath}: ${(e as Error).message}`);
    return 2;
  }
  const parsed = readReportText(reportText);
  if (!parsed.ok) {
    out.error(`gauntlet replay: ${reportPath}: ${parsed.problems[0]}`);
    for (const p of parsed.problems.slice(1)) out.error(`    ${p}`);
    return 2;
  }
  if (parsed.report.journalVersion !== JOURNAL_VERSION) {
    // A different journal encoding gives different fingerprints for the same run: nothing to compare.
    out.error(`gauntlet replay: ${reportPath} has fingerprints of journal version ${parsed.report.journalVersion}; this gauntlet writes version ${JOURNAL_VERSION}: fingerprints cannot be compared`);
    return 2;
  }
  const entries = parsed.report.scenarios.filter((s): s is ScenarioRecord & { seed: number; fingerprint: string } => s.seed !== null && s.fingerprint !== null);
  if (entries.length === 0) {
    out.error(`gauntlet replay: ${reportPath} has no scenario that ran (nothing to replay)`);
    return 2;
  }
  out.info(`gauntlet replay ${reportPath} · ${entries.length} scenario${entries.length === 1 ? '' : 's'} · each with the seed the report recorded`);
  const was = parsed.report.tool;
  const now = codeVersion();
  if (was.version !== now.version || was.gitCommit !== now.gitCommit) {
    // Different code may legitimately change a fingerprint: say so before comparing.
    out.info(`note: the report was written by ${was.package} ${was.version} (commit ${was.gitCommit ?? 'unknown'}); this is ${now.version} (commit ${now.gitCommit ?? 'unknown'})`);
  }
  const replayed = await replayEntries(entries, cwd, out);
  out.stopProgress();
  let worst = 0;
  const comparisons: Comparison[] = entries.map((e, i) => {
    const now = replayed.scenarios[i]!;
    const differences: string[] = [];
    if (now.fileSha256 !== e.fileSha256) differences.push(`scenario file changed: sha256 ${now.fileSha256 ?? 'unreadable'}, report has ${e.fileSha256}`);
    if (now.status === 'invalid' || now.status === 'error') {
      differences.push(...now.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`), ...(now.error === null ? [] : [`internal error: ${now.error.message}`]));
    }
    const before = new Map(e.marketData.map((m) => [m.file, m.sha256]));
    for (const m of now.marketData) {
      if (before.get(m.file) !== m.sha256) differences.push(`market data ${m.file} changed: sha256 ${m.sha256}, report has ${before.get(m.file) ?? 'none'}`);
    }
    if (now.fingerprint !== e.fingerprint) differences.push(`fingerprint ${now.fingerprint ?? 'none'}, report has ${e.fingerprint}`);
    const match = differences.length === 0;
    worst = Math.max(worst, match ? 0 : now.status === 'invalid' ? 2 : now.status === 'error' ? 3 : 1);
    return { name: e.name, file: e.file, seed: e.seed, match, expectedFingerprint: e.fingerprint, actualFingerprint: now.fingerprint, differences };
  });
  for (const c of comparisons) {
    const line = `${c.match ? out.style('green', 'MATCH   ') : out.style('red', 'MISMATCH')}  seed=${String(c.seed).padEnd(17)} ${c.name}  ${out.style('dim', c.file)}`;
    if (c.match) out.info(line);
    else {
      out.line(line);
      for (const d of c.differences) out.line(`    ${d}`);
    }
  }
  const bad = comparisons.filter((c) => !c.match).length;
  const text = `${comparisons.length} replayed: ${comparisons.length - bad} match, ${bad} mismatch · exit ${worst}`;
  if (worst === 0) out.info(text);
  else out.line(text);
  if (flags.json) process.stdout.write(`${JSON.stringify({ report: reportPath, exitCode: worst, scenarios: comparisons }, null, 2)}\n`);
  return worst;
}

/** Reruns each entry; entries with the same overrides share one suite (overrides are per suite). */
async function replayEntries(entries: readonly (ScenarioRecord & { seed: number })[], cwd: string, out: Output): Promise<{ scenarios: ScenarioReport[] }> {
  const groups = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const key = JSON.stringify(e.overrides);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const scenarios: ScenarioReport[] = new Array<ScenarioReport>(entries.length);
  let started = 0;
  for (const indices of groups.values()) {
    const suite = createSuite({
      files: indices.map((i) => entries[i]!.file), cwd, seeds: { kind: 'fixed', seeds: indices.map((i) => entries[i]!.seed) },
      command: 'replay', outDir: null, reporters: [], overrides: entries[indices[0]!]!.overrides,
      // A stack over HTTP in measured-latency mode: its recorded delays are inputs, fed back.
      stackLatencyUs: indices.map((i) => entries[i]!.measuredStackLatencyUs ?? null),
      hooks: { onScenarioStart: (_i, name) => out.startProgress(started++, entries.length, name), onProgress: (n) => out.progressEvents(n) },
    });
    const r = await suite.run();
    indices.forEach((i, k) => { scenarios[i] = r.scenarios[k]!; });
  }
  return { scenarios };
}
