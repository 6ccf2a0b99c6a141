/**
 * What the CLI prints: one summary line per scenario (with its seed), details under a failure
 * (failing gates, problems with file:line:column, how to reproduce), a progress bar on stderr
 * while a scenario runs (a terminal only), colour only on a terminal and never with NO_COLOR.
 * With --json, stdout carries only the JSON report and the lines go to stderr; --quiet prints
 * failures only.
 */
import type cliProgressModule from 'cli-progress';
import { createRequire } from 'node:module';
import type { ScenarioReport } from '../report/schema.ts';
import { faultText, riskText } from '../report/risk-text.ts';
import { formatProblem } from '../scenario/problems.ts';

/** cli-progress loads with the first bar (a terminal only): CI and piped runs never pay for it. */
let cliProgressLoaded: typeof cliProgressModule | null = null;
function cliProgress(): typeof cliProgressModule {
  cliProgressLoaded ??= createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  return cliProgressLoaded;
}

export interface OutputOptions {
  readonly quiet: boolean;
  readonly json: boolean;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly env?: NodeJS.ProcessEnv;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;
type Style = keyof typeof CODES;

export class Output {
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;
  private readonly quiet: boolean;
  private readonly color: boolean;
  private readonly progressEnabled: boolean;
  private bar: cliProgressModule.SingleBar | null = null;
  /** The file a byte bar is showing and when it started (real time: a display, not a result). */
  private bytesFile: string | null = null;
  private bytesStartNs = 0n;

  constructor(o: OutputOptions) {
    const env = o.env ?? process.env;
    this.err = o.stderr ?? process.stderr;
    // With --json, stdout is the report's: human lines go to stderr.
    this.out = o.json ? this.err : (o.stdout ?? process.stdout);
    this.quiet = o.quiet;
    const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
    this.color = !noColor && this.out.isTTY === true && env.TERM !== 'dumb';
    this.progressEnabled = !o.quiet && this.err.isTTY === true && env.TERM !== 'dumb' && env.CI === undefined;
  }

  style(s: Style, text: string): string {
    if (!this.color) return text;
    const [on, off] = CODES[s];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  /** A line shown unless --quiet. */
  info(line: string): void {
    if (!this.quiet) this.line(line);
  }

  /** A line shown even with --quiet (failures, errors). */
  line(line: string): void {
    this.stopProgress();
    this.out.write(`${line}\n`);
  }

  /** An error about the command itself (bad flags, unreadable report): always on stderr. */
  error(line: string): void {
    this.stopProgress();
    this.err.write(`${line}\n`);
  }

  startProgress(index: number, total: number, name: string): void {
    if (!this.progressEnabled) return;
    // A bar still shown (no line was printed since) moves on rather than being drawn anew.
    if (this.bar !== null && this.bar.getTotal() === total) {
      this.bar.update(index, { name, events: 0 });
      return;
    }
    this.stopProgress();
    const { SingleBar, Presets } = cliProgress();
    this.bar = new SingleBar({
      stream: this.err, clearOnComplete: true, hideCursor: true, barsize: 20, fps: 5,
      format: ' {bar} {value}/{total} {name} · {events} events',
    }, Presets.shades_classic);
    this.bar.start(total, index, { name, events: 0 });
  }

  progressEvents(events: number): void {
    this.bar?.update({ events });
  }

  /**
   * A bar of bytes read (validate's full read of each data file): percent, MB of MB and MB/s. A new
   * file starts a new bar; the first call for a file starts it.
   */
  progressBytes(file: string, readBytes: number, totalBytes: number): void {
    if (!this.progressEnabled) return;
    if (this.bytesFile !== file || this.bar === null) {
      this.stopProgress();
      this.bytesFile = file;
      this.bytesStartNs = process.hrtime.bigint();
      const { SingleBar, Presets } = cliProgress();
      this.bar = new SingleBar({
        stream: this.err, clearOnComplete: true, hideCursor: true, barsize: 20, fps: 5,
        format: ' {bar} {percentage}% {readMb}/{totalMb} MB · {rateMb} MB/s  {file}',
      }, Presets.shades_classic);
      this.bar.start(Math.max(1, totalBytes), 0, { file, readMb: '0.0', totalMb: mb(totalBytes), rateMb: '-' });
    }
    const seconds = Number(process.hrtime.bigint() - this.bytesStartNs) / 1e9;
    this.bar.update(Math.min(readBytes, Math.max(1, totalBytes)), { readMb: mb(readBytes), rateMb: seconds > 0 ? mb(readBytes / seconds) : '-' });
  }

  stopProgress(): void {
    if (this.bar !== null) {
      this.bar.stop();
      this.bar = null;
      this.bytesFile = null;
    }
  }

  /** The one summary line of a scenario, and under a failure what went wrong and how to rerun it. */
  scenario(s: ScenarioReport): void {
    const label = { passed: this.style('green', 'PASS'), failed: this.style('red', 'FAIL'), invalid: this.style('red', 'BAD '), error: this.style('red', 'ERR '), 'not-run': this.style('yellow', 'SKIP') }[s.status];
    const seed = `seed=${s.seed ?? '-'}`;
    const parts = [label, seed.padEnd(22), s.name];
    if (s.metrics !== null) {
      const passed = s.gates.filter((g) => g.pass).length;
      parts.push(`gates ${passed}/${s.gates.length}`, `equity ${s.metrics.finalEquity?.toFixed(2) ?? 'null'}`, `trades ${s.metrics.trades ?? 'null'}`);
      const risk = riskText(s);
      if (risk !== '') parts.push(this.style('yellow', risk));
      const faults = faultText(s);
      if (faults !== '') parts.push(this.style('yellow', faults));
      if (s.baseline?.status === 'new') parts.push(this.style('yellow', 'new (not in the baseline)'));
      if (s.baseline?.fingerprint?.changed === true) parts.push(this.style(s.baseline.fingerprint.pass ? 'yellow' : 'red', 'fingerprint changed since the baseline'));
    } else if (s.status === 'invalid') {
      parts.push(`${s.problems.length} problem(s)`);
    }
    parts.push(this.style('dim', `${(s.wallTimeMs / 1000).toFixed(2)}s  ${s.file}`));
    const text = parts.join('  ');
    const metricWarnings = s.warnings.filter((w) => w.kind === 'metric');
    if (s.status === 'passed' || s.status === 'not-run') {
      this.info(text);
      for (const w of metricWarnings) this.info(`    ${this.style('yellow', 'warning')}: ${w.metric} is null: ${w.reason}`);
      return;
    }
    this.line(text);
    for (const w of metricWarnings) this.line(`    ${this.style('yellow', 'warning')}: ${w.metric} is null: ${w.reason}`);
    for (const g of s.gates) if (!g.pass) this.line(`    ${this.style('red', 'x')} ${s.file}:${g.line}:${g.column}: gate '${g.name}': ${g.message}`);
    for (const b of s.baseline?.budgets ?? []) if (!b.pass) this.line(`    ${this.style('red', 'x')} ${s.file}:${b.line}:${b.column}: regression '${b.name}': ${b.message}`);
    for (const g of s.wallTimeLatency?.gates ?? []) if (!g.pass) this.line(`    ${this.style('red', 'x')} ${s.file}:${g.line}:${g.column}: budget '${g.name}': ${g.message}`);
    for (const p of s.problems) this.line(`    ${formatProblem(p)}`);
    if (s.error !== null) this.line(`    internal error: ${s.error.message}`);
    if (s.reproduce !== null && s.status !== 'invalid') this.line(`    reproduce: ${this.style('bold', s.reproduce)}`);
  }
}

