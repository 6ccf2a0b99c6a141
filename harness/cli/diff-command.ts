/**
 * `gauntlet diff <a> <b>`: two reports, scenario by scenario: status and fingerprint, metric
 * deltas, fills added, removed and changed, and, given the journals (`--journal-a/--journal-b`, or
 * the journals/ folders beside the reports), the first journal record where the two runs diverge
 * with the records around it. Exit 0 when the runs are the same, 1 when they differ, 2 when a
 * report or journal cannot be read.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { firstDivergence, type JournalDiffResult } from '../diff/journal-diff.ts';
import { diffRuns, loadRun, type DiffFill, type LoadedRun, type ScenarioDiff } from '../diff/report-diff.ts';
import { signed } from '../report/format.ts';
import { JOURNALS_DIR } from '../report/report-writer.ts';
import { parseFlags } from './flags.ts';
import { Output } from './output.ts';

const DiffFlagsSchema = z.strictObject({
  journalA: z.string().min(1).optional(),
  journalB: z.string().min(1).optional(),
  context: z.string().regex(/^\d+$/, 'expected a non-negative integer').transform(Number).pipe(z.number().int().max(1000)).default(3),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

/** A scenario's journal: the given file, `<given folder>/<name>.jsonl`, or journals/<name>.jsonl beside the report; null when there is none. */
function journalOf(given: string | undefined, run: LoadedRun, name: string, cwd: string, single: boolean): string | null {
  if (given !== undefined) {
    const p = resolve(cwd, given);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory() === true) return existsSync(join(p, `${name}.jsonl`)) ? join(p, `${name}.jsonl`) : null;
    // A file names the journal of the one scenario compared.
    return st !== undefined && single ? p : null;
  }
  const beside = join(run.dir, JOURNALS_DIR, `${name}.jsonl`);
  return existsSync(beside) ? beside : null;
}

const short = (fp: string | null): string => (fp === null ? 'none' : fp.slice(0, 16));
const clip = (text: string, max = 240): string => (text.length > max ? `${text.slice(0, max)}…` : text);
const fillText = (f: DiffFill): string => `${f.time ?? f.timeUs} ${f.instrument} ${f.side} ${f.quantity} @ ${f.price} fee ${f.fee} (${f.clientOrderId})`;

function printScenario(out: Output, d: ScenarioDiff, journal: JournalDiffResult | null, journalNote: string | null): void {
  if (d.same && (journal === null || journal.kind === 'identical')) {
    out.info(`same  ${d.name}  fingerprint ${short(d.fingerprintA)}`);
    return;
  }
  out.line(`DIFF  ${d.name}  ${d.statusA === d.statusB ? d.statusA : `${d.statusA} -> ${d.statusB}`}  fingerprint ${d.fingerprintA === d.fingerprintB ? `${short(d.fingerprintA)} (same)` : `${short(d.fingerprintA)} -> ${short(d.fingerprintB)}`}`);
  for (const m of d.metrics) out.line(`    ${m.metric}: ${String(m.a ?? 'absent')} -> ${String(m.b ?? 'absent')}${m.delta === null ? '' : ` (${signed(m.delta)})`}`);
  if (d.fills === null) out.line(`    fills: not compared (${d.fillsProblem ?? 'not available'})`);
  else {
    const f = d.fills;
    out.line(`    fills: ${f.added.length} added, ${f.removed.length} removed, ${f.changed.length} changed, ${f.unchanged} unchanged`);
    for (const x of f.removed.slice(0, 5)) out.line(`      - ${fillText(x)}`);
    for (const x of f.added.slice(0, 5)) out.line(`      + ${fillText(x)}`);
    for (const c of f.changed.slice(0, 5)) out.line(`      ~ ${fillText(c.a)} -> ${c.fields.map((k) => `${k} ${String(c.b[k])}`).join(', ')}`);
  }
  if (journal === null) out.line(`    journal: ${journalNote ?? 'not compared'}`);
  else if (journal.kind === 'identical') out.line(`    journal: identical (${journal.records} records)`);
  else {
    const j = journal.divergence;
    const kind = (r: string | null): string => (r === null ? 'end of journal' : (/"kind":"([^"]+)"/.exec(r)?.[1] ?? 'record'));
    const what = j.fields.length === 0 ? '' : `: ${j.fields.map((x) => `${x.field} ${JSON.stringify(x.a)} -> ${JSON.stringify(x.b)}`).join(', ')}`;
    out.line(`    journal: first divergence at record ${j.line} (a ${kind(j.a)} record${kind(j.a) === kind(j.b) ? '' : ` against a ${kind(j.b)} record`})${what}`);
    for (const r of j.before) out.line(`        ${String(r.line).padStart(7)}  ${clip(r.record)}`);
    out.line(`      a ${String(j.line).padStart(7)}  ${clip(j.a ?? '(end of journal)')}`);
    out.line(`      b ${String(j.line).padStart(7)}  ${clip(j.b ?? '(end of journal)')}`);
    j.afterA.forEach((r, k) => out.line(`      a ${String(j.line + k + 1).padStart(7)}  ${clip(r)}`));
    j.afterB.forEach((r, k) => out.line(`      b ${String(j.line + k + 1).padStart(7)}  ${clip(r)}`));
  }
}

export async function diffCommand(pathA: string, pathB: string, rawFlags: Record<string, unknown>, cwd: string): Promise<number> {
  const flags = parseFlags(DiffFlagsSchema, rawFlags);
  const out = new Output({ quiet: flags.quiet, json: flags.json });
  const a = loadRun(resolve(cwd, pathA), pathA);
  const b = loadRun(resolve(cwd, pathB), pathB);
  for (const r of [a, b]) {
    if (!r.ok) {
      out.error(`gauntlet diff: ${r.problem}`);
      return 2;
    }
  }
  if (!a.ok || !b.ok) return 2;
  for (const [flag, given] of [['--journal-a', flags.journalA], ['--journal-b', flags.journalB]] as const) {
    if (given !== undefined && !existsSync(resolve(cwd, given))) {
      out.error(`gauntlet diff: ${flag} ${given}: no such file or folder`);
      return 2;
    }
  }
  const diff = diffRuns(a.run, b.run);
  const single = diff.scenarios.length === 1;
  const journals: (JournalDiffResult | null)[] = [];
  const notes: (string | null)[] = [];
  for (const d of diff.scenarios) {
    const ja = journalOf(flags.journalA, a.run, d.name, cwd, single);
    const jb = journalOf(flags.journalB, b.run, d.name, cwd, single);
    if (ja === null || jb === null) {
      journals.push(null);
      notes.push(`not compared (no journal for ${ja === null ? 'a' : 'b'}: run with --journal, or give --journal-a/--journal-b)`);
      continue;
    }
    journals.push(await firstDivergence(ja, jb, flags.context));
    notes.push(null);
  }
  const journalsDiffer = journals.some((j) => j?.kind === 'diverged');
  const same = diff.same && !journalsDiffer;
  out.info(`gauntlet diff ${pathA} ${pathB}: ${diff.scenarios.length} scenario${diff.scenarios.length === 1 ? '' : 's'} in both`);
  diff.scenarios.forEach((d, k) => printScenario(out, d, journals[k]!, notes[k]!));
  if (diff.onlyA.length > 0) out.line(`only in ${pathA}: ${diff.onlyA.join(', ')}`);
  if (diff.onlyB.length > 0) out.line(`only in ${pathB}: ${diff.onlyB.join(', ')}`);
  const differing = diff.scenarios.filter((d, k) => !d.same || journals[k]?.kind === 'diverged').length;
  const summary = same ? 'the runs are the same' : `${differing} scenario${differing === 1 ? ' differs' : 's differ'}${diff.onlyA.length + diff.onlyB.length > 0 ? `, ${diff.onlyA.length + diff.onlyB.length} in one run only` : ''}`;
  if (same) out.info(summary);
  else out.line(summary);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ same, scenarios: diff.scenarios.map((d, k) => ({ ...d, journal: journals[k] })), onlyA: diff.onlyA, onlyB: diff.onlyB }, null, 2)}\n`);
  }
  return same ? 0 : 1;
}
