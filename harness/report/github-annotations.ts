/**
 * GitHub Actions workflow commands for what failed (`::error file=...,line=...::message`), so a
 * failing gate, a broken regression budget or a bad scenario file shows on the line of the YAML in
 * the pull request. Printed by `gauntlet run` when GITHUB_ACTIONS is `true`. A changed fingerprint
 * under the `warn` policy is a `::warning`.
 */
import { describeBudget } from '../baseline/compare.ts';
import { describeThreshold } from '../gates/evaluate.ts';
import type { Report } from './schema.ts';

/** Escapes a command's message (GitHub's escapeData). */
const data = (text: string): string => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
/** Escapes a property value (GitHub's escapeProperty). */
const prop = (text: string): string => data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

function command(kind: 'error' | 'warning', where: { file: string; line?: number; column?: number } | null, title: string, message: string): string {
  const props = [
    ...(where === null ? [] : [`file=${prop(where.file)}`, ...(where.line === undefined ? [] : [`line=${where.line}`]), ...(where.column === undefined ? [] : [`col=${where.column}`])]),
    `title=${prop(title)}`,
  ];
  return `::${kind} ${props.join(',')}::${data(message)}`;
}

export function githubAnnotations(report: Report): string[] {
  const out: string[] = [];
  for (const s of report.scenarios) {
    for (const g of s.gates) {
      if (!g.pass) out.push(command('error', { file: s.file, line: g.line, column: g.column }, `gate ${g.name} failed (${s.name})`, `${g.metric} must be ${describeThreshold(g.threshold)}, actual ${g.actual ?? 'null'}${s.reproduce === null ? '' : `. Reproduce: ${s.reproduce}`}`));
    }
    for (const b of s.baseline?.budgets ?? []) {
      if (!b.pass) out.push(command('error', { file: s.file, line: b.line, column: b.column }, `regression ${b.name} (${s.name})`, `${b.metric}: baseline ${b.baseline ?? 'null'}, now ${b.actual ?? 'null'}, budget ${describeBudget(b)}`));
    }
    const f = s.baseline?.fingerprint;
    if (f?.changed === true) {
      out.push(command(f.pass ? 'warning' : 'error', { file: s.file, line: 1 }, `fingerprint changed since the baseline (${s.name})`, `${f.baseline ?? 'null'} in the baseline, ${s.fingerprint ?? 'null'} now (policy: ${f.onChange}); gauntlet diff shows where the journals diverge`));
    }
    for (const p of s.problems) {
      out.push(command('error', { file: p.file, line: p.line, column: p.column }, `bad input (${s.name})`, `${p.path === '' ? '' : `${p.path}: `}${p.message}${p.expected === undefined ? '' : ` (expected ${p.expected}${p.found === undefined ? '' : `, found ${p.found}`})`}`));
    }
    if (s.status === 'error') out.push(command('error', { file: s.file }, `internal error (${s.name})`, s.error?.message ?? 'internal error'));
  }
  return out;
}
