/**
 * The `gauntlet` command line: run, check, validate, replay, report html, baseline save, diff,
 * list (and schema). Exit codes: 0 every gate passed, 1 a gate or regression budget failed (or a
 * replay mismatched, or diff found a difference), 2 bad input (a scenario file, its data, a flag,
 * a baseline), 3 internal error; 130/143 when interrupted by SIGINT/SIGTERM.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { codeVersion } from '../report/code-version.ts';
import { DEFAULT_REPORTERS, REPORTERS } from '../report/reporter-names.ts';
import { commandOf } from './commands.ts';
import { FlagError } from './flag-error.ts';
import { exitOnSignal, ownSignals } from './signals.ts';
import type { SchemaName } from './schemas.ts';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The data cache's flags, for the commands that read market data files (run, check). */
const CACHE_OPTIONS = {
  dir: () => new Option('--cache-dir <dir>', 'data cache folder: parsed data files, reused while file and mapping are unchanged (default $XDG_CACHE_HOME/gauntlet or ~/.cache/gauntlet)'),
  maxSize: () => new Option('--cache-max-size <size>', 'data cache size bound, e.g. 2GiB (least recently used entries go first; default 1GiB)'),
  off: () => new Option('--no-cache', 'read every data file, neither using nor filling the data cache'),
};

function program(cwd: string, setCode: (code: number) => void): Command {
  const p = new Command('gauntlet')
    .description('Deterministic backtesting and chaos validation of trading stacks: run YAML scenarios, gate CI on the reports.')
    .version(codeVersion().version, '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', `
Exit codes: 0 every gate passed, 1 a gate failed, 2 bad input, 3 internal error (130/143: interrupted).

Examples:
  gauntlet run                          run the built-in suite in scenarios/, reports in reports/latest/
  gauntlet run my-scenario.yaml --seed 7
  gauntlet validate scenarios/
  gauntlet replay reports/latest/report.json
  gauntlet run --reporter html          report.html with charts (and series/*.parquet)
  gauntlet baseline save && gauntlet run --baseline reports/baselines/baseline.json
  gauntlet diff before/report.json after/report.json
  gauntlet list
  gauntlet cache info                   the data cache of parsed market files (run --no-cache bypasses it)`);

  p.command('run')
    .description('run scenario files and folders (default: scenarios/) and write reports')
    .argument('[paths...]', 'scenario files or folders (searched for .yaml/.yml)')
    .option('--seed <n>', "one scenario: run with this seed; a suite: the root seed each scenario's seed derives from (with its name)")
    .option('--out <dir>', 'folder for the reports', 'reports/latest')
    .addOption(new Option('--reporter <name>', `a report to write (repeatable: ${REPORTERS.join(', ')}; default ${DEFAULT_REPORTERS.join(', ')}); html: report.html with charts, one file that opens offline`).choices([...REPORTERS]).argParser(collect))
    .option('--json', 'print the JSON report to stdout (other output goes to stderr)')
    .option('-q, --quiet', 'print failures only')
    .option('--journal', "also write each scenario's journal (every input and decision) as JSON Lines to <out>/journals/<name>.jsonl")
    .option('--record-providers <dir>', 'provider path: write what each provider answered to <dir>/<name>.<provider>.json (secrets redacted), for replay with a provider\'s `recording:`')
    .option('--series', "write each scenario's full series (equity, drawdown, prices, positions) to series/<n>-<file>.parquet (always with --reporter html)")
    .option('--inline-fills', "keep each scenario's fills in report.json (default: fills/<n>-<file>.jsonl beside it, named with its SHA-256 in the report)")
    .option('--workers <n>', 'worker threads for a suite (default: one fewer than the cores, at most one per scenario; 1 runs in the main thread)')
    .option('--set <path=value>', 'run with this value in place of the file\'s (YAML value; repeatable), e.g. --set stack.agents[0].period=20', collect)
    .addOption(CACHE_OPTIONS.dir())
    .addOption(CACHE_OPTIONS.maxSize())
    .addOption(CACHE_OPTIONS.off())
    .option('--baseline <file>', "compare each scenario with this baseline report (gauntlet baseline save): its `regression:` budgets and fingerprint policy; a broken budget exits 1; a missing, corrupt or newer baseline exits 2")
    .option('--stack-url <url>', "run the scenarios' stack as a service at this URL (the stack protocol; = --set stack.service={url: <url>}); a reference stack's keys are sent to it")
    .option('--allow-remote', 'a stack service may be on another machine (default: loopback URLs only)')
    .addHelpText('after', `
Examples:
  gauntlet run                                   the built-in suite
  gauntlet run scenarios/demo-sp500-sma-crossover.yaml --journal   and read reports/latest/journals/*.jsonl
  gauntlet run scenarios/demo-sp500-sma-crossover.yaml --seed 42
  gauntlet run scenarios/ --seed 7               suite seeds derive from 7 and each scenario's name
  gauntlet run scenarios/ --workers 2            on two worker threads (same reports as --workers 1)
  gauntlet run scenarios/demo-sp500-sma-crossover.yaml --set stack.agents[0].period=20
  gauntlet run --reporter junit --reporter md --out ci-reports
  gauntlet run --json --quiet > report.json
  gauntlet run --baseline reports/baselines/baseline.json   against a saved baseline
  gauntlet serve-stack --port 8787 &  gauntlet run scenarios/demo-sp500-sma-crossover.yaml --stack-url http://127.0.0.1:8787/`)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { runCommand } = await import('./run-command.ts');
      setCode(await runCommand(paths, flags, cwd));
    });

  p.command('check')
    .description('search variations of scenarios (seeds, markets, swarm fault plans, declared parameter ranges) for a run that breaks a property; shrink it and write it to scenarios/regressions/')
    .argument('[paths...]', 'scenario files or folders (default: scenarios/)')
    .option('--runs <n>', 'runs per scenario (default 100)')
    .option('--seed <n|random>', "fast-check's seed (default: derived from each scenario's seed and name; random: draw one and print it)")
    .option('--time-budget <duration>', "stop drawing runs after this much real time, e.g. 60s (the runs done are reported: --runs N --seed S replays them)")
    .option('--shrink-budget <duration>', 'stop shrinking a failure after this much real time and report the smallest failing run found so far (default 2m)')
    .option('--out <dir>', 'folder for check.json, junit.xml and summary.md', 'reports/check')
    .option('--regressions <dir>', 'where counterexamples are written as scenario files', 'scenarios/regressions')
    .addOption(CACHE_OPTIONS.dir())
    .addOption(CACHE_OPTIONS.maxSize())
    .addOption(CACHE_OPTIONS.off())
    .addOption(new Option('--reporter <name>', 'a report to write (repeatable; default all: json, junit, md)').choices(['json', 'junit', 'md']).argParser(collect))
    .option('--json', 'print check.json to stdout (other output goes to stderr)')
    .option('-q, --quiet', 'print failures only')
    .addHelpText('after', `
A scenario declares its properties under \`properties:\` (always / sometimes / optional) and what
may vary under \`check:\`; without \`properties:\` every property is checked, always.
Exit codes as run: 0 every property held, 1 one failed (or a sometimes property was never reached),
2 bad input, 3 internal error.

Examples:
  gauntlet check scenarios/chaos/venue-lost-ack.yaml --runs 200
  gauntlet check scenarios/ --seed random --time-budget 5m
  gauntlet run scenarios/regressions/          rerun every counterexample found so far`)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { checkCommand } = await import('./check-command.ts');
      setCode(await checkCommand(paths, flags, cwd));
    });

  p.command('validate')
    .description('check scenario files: schema, cross-references, data mappings and every data row (nothing is run)')
    .argument('[paths...]', 'scenario files or folders (default: scenarios/)')
    .option('--json', 'print the results as JSON to stdout')
    .option('-q, --quiet', 'print problems only')
    .addHelpText('after', `
Examples:
  gauntlet validate
  gauntlet validate my-scenario.yaml`)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { validateCommand } = await import('./inspect-commands.ts');
      setCode(await validateCommand(paths, flags, cwd));
    });

  p.command('replay')
    .description("rerun what a report recorded (same files, same seeds) and check the fingerprints match; exit 1 when they don't")
    .argument('<report>', 'a report.json written by gauntlet run')
    .option('--json', 'print the comparison as JSON to stdout')
    .option('-q, --quiet', 'print mismatches only')
    .addHelpText('after', `
Run it from the folder the run was started in (report paths are relative to it).

Examples:
  gauntlet replay reports/latest/report.json`)
    .action(async (report: string, flags: Record<string, unknown>) => {
      const { replayCommand } = await import('./replay-command.ts');
      setCode(await replayCommand(report, flags, cwd));
    });

  p.command('report')
    .description('write a report again from a run\'s report.json and its sidecars')
    .command('html')
    .description('write report.html (charts, gates, faults; one file that opens offline) from a report.json and the series and fills files beside it')
    .argument('<report>', 'a report.json written by gauntlet run (schema version 4 or later)')
    .option('--out <file>', 'where to write it (default: report.html beside the report)')
    .option('-q, --quiet', 'print problems only')
    .addHelpText('after', `
Examples:
  gauntlet report html reports/latest/report.json
  gauntlet report html ci-reports/report.json --out public/index.html`)
    .action(async (report: string, flags: Record<string, unknown>) => {
      const { reportHtmlCommand } = await import('./report-command.ts');
      setCode(await reportHtmlCommand(report, flags, cwd));
    });

  const baseline = p.command('baseline').description('store a run\'s report as a baseline for regression budgets');
  baseline.command('save')
    .description('store a finished run\'s report under reports/baselines/<name>.json, for gauntlet run --baseline')
    .argument('[report]', 'the report.json to store', 'reports/latest/report.json')
    .option('--name <name>', 'the baseline\'s name (the file name without .json)', 'baseline')
    .option('--dir <dir>', 'where baselines are kept', 'reports/baselines')
    .option('-q, --quiet', 'print problems only')
    .addHelpText('after', `
Examples:
  gauntlet run && gauntlet baseline save                  reports/latest/report.json -> reports/baselines/baseline.json
  gauntlet baseline save ci-reports/report.json --name release-1.2
  gauntlet run --baseline reports/baselines/release-1.2.json`)
    .action((report: string, flags: Record<string, unknown>) => {
      // Loaded here, as every command is: nothing of it on the other commands' path.
      return import('./baseline-command.ts').then(({ baselineSaveCommand }) => setCode(baselineSaveCommand(report, flags, cwd)));
    });

  p.command('diff')
    .description('compare two reports scenario by scenario: fingerprints, metric deltas, fills added/removed/changed, and the first journal record where the runs diverge')
    .argument('<a>', 'a report.json')
    .argument('<b>', 'another report.json')
    .option('--journal-a <path>', "a's journals: a folder of <name>.jsonl, or one journal file when one scenario is compared (default: journals/ beside the report)")
    .option('--journal-b <path>', "b's journals, as --journal-a")
    .option('--context <n>', 'journal records shown around the first divergence', '3')
    .option('--json', 'print the comparison as JSON to stdout')
    .option('-q, --quiet', 'print differences only')
    .addHelpText('after', `
Exit codes: 0 the runs are the same, 1 they differ, 2 a report or journal cannot be read.

Examples:
  gauntlet run --journal --out before && gauntlet run --journal --out after && gauntlet diff before/report.json after/report.json
  gauntlet diff reports/baselines/baseline.json reports/latest/report.json
  gauntlet diff a.json b.json --journal-a a-journals/ --journal-b b-journals/`)
    .action(async (a: string, b: string, flags: Record<string, unknown>) => {
      const { diffCommand } = await import('./diff-command.ts');
      setCode(await diffCommand(a, b, flags, cwd));
    });

  p.command('list')
    .description('list scenarios with their descriptions')
    .argument('[paths...]', 'scenario files or folders (default: scenarios/)')
    .option('--json', 'print the list as JSON to stdout')
    .addHelpText('after', `
Examples:
  gauntlet list
  gauntlet list scenarios/ --json`)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { listCommand } = await import('./inspect-commands.ts');
      setCode(await listCommand(paths, flags, cwd));
    });

  p.command('cache')
    .description('the data cache of parsed market files: info (where, entries, size) or clear')
    .addArgument(new Argument('<action>', 'info or clear').choices(['info', 'clear']))
    .option('--cache-dir <dir>', 'the cache folder (default $XDG_CACHE_HOME/gauntlet or ~/.cache/gauntlet)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
gauntlet run reads CSV and Parquet market files through the cache: an entry is the parsed columns
and the bad-row warnings, keyed by the file's content (SHA-256), its mapping and the loader's code,
so a warm run's report equals a cold one's. --no-cache on run bypasses it.

Examples:
  gauntlet cache info
  gauntlet cache clear --cache-dir /tmp/gauntlet-cache`)
    .action(async (action: 'info' | 'clear', flags: Record<string, unknown>) => {
      const { cacheCommand } = await import('./cache-command.ts');
      setCode(await cacheCommand(action, flags, cwd));
    });

  p.command('bench')
    .description('time the decision path per component (tinybench), and load a stack service (autocannon) against a bare node:http calibration')
    .argument('[paths...]', 'scenario files or folders whose reference stacks are timed (default: scenarios/, or none with --load/--url)')
    .option('--time <duration>', 'real time per component timing', '500ms')
    .option('--load', 'load the reference stack served in this process')
    .option('--url <url>', 'load a stack service at this URL (gauntlet serve-stack, or yours)')
    .option('--allow-remote', '--url may be on another machine')
    .option('--connections <n>', 'concurrent connections of the load', '10')
    .option('--duration <duration>', 'how long the load runs', '5s')
    .option('--rate <n>', 'fixed overall rate, requests per second (coordinated omission: a slow service shows as latency and missed sends)')
    .option('--amount <n>', 'stop the load after this many requests')
    .option('--json', 'print the figures as JSON to stdout')
    .option('-q, --quiet', 'print problems only')
    .addHelpText('after', `
Component timings replay what each component was given in a real run of the scenario, in
batches of calls that each take at least 50 µs (most calls are far below a timer's resolution);
percentiles are of the per-call batch means. Load figures are wall time on this machine: they
vary from run to run and never enter a journal or fingerprint.

Examples:
  gauntlet bench scenarios/demo-sp500-two-agents-risk.yaml
  gauntlet bench --load --connections 10 --duration 10s
  gauntlet bench --url http://127.0.0.1:8788/ --rate 1000 --duration 30s`)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { benchCommand } = await import('./bench-command.ts');
      setCode(await benchCommand(paths, flags, cwd));
    });

  p.command('serve-stack')
    .description('serve the reference stack over the stack protocol (HTTP, lockstep on virtual time) until interrupted')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one, printed)', '8787')
    .option('--allow-remote', 'listen on an address other than loopback')
    .addHelpText('after', `
Every POST is one protocol message (schemas/stack-protocol.schema.json). A run's start message
carries the stack's configuration: a scenario's reference-stack keys (agents, allocator, risk, ...)
when it is run with --stack-url or stack.service.

Examples:
  gauntlet serve-stack --port 8787
  gauntlet run scenarios/synthetic-gbm-sma-crossover.yaml --stack-url http://127.0.0.1:8787/`)
    .action(async (flags: Record<string, unknown>) => {
      const { serveStackCommand } = await import('./serve-stack-command.ts');
      setCode(await serveStackCommand(flags));
    });

  p.command('schema')
    .description('print the JSON Schema of scenario files, reports or the stack protocol (--write: regenerate schemas/)')
    .addArgument(new Argument('[which]', 'scenario, report or stack-protocol').choices(['scenario', 'report', 'stack-protocol']).default('scenario'))
    .option('--write', 'write every schema into the package folder schemas/')
    .action(async (which: SchemaName, flags: { write?: boolean }) => {
      const { schemaText, writeSchemas } = await import('./schemas.ts');
      if (flags.write === true) for (const path of writeSchemas()) process.stdout.write(`wrote ${path}\n`);
      else process.stdout.write(schemaText(which));
      setCode(0);
    });
  return p;
}

/**
 * A reader that goes away (`gauntlet list | head`) is not an error of ours: output to it is
 * dropped and the command finishes (a run still writes its reports and exits with its own code).
 */
function quietOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') > 0) continue;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

/** Runs the CLI; resolves with the exit code (never calls process.exit but on a signal). */
export async function main(argv: readonly string[], cwd: string = process.cwd()): Promise<number> {
  // Commands other than run have nothing to save: a signal (also one that came while modules
  // loaded) ends them with the conventional code. run takes the signals over itself.
  if (commandOf(argv) !== 'run') ownSignals(exitOnSignal);
  quietOnClosedPipes();
  let code = 0;
  const p = program(cwd, (c) => { code = c; });
  try {
    await p.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version "fail" with exit code 0; anything else commander refuses is a bad flag.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof FlagError) {
      process.stderr.write(`gauntlet: ${e.message.replaceAll('\n', '\ngauntlet: ')}\n`);
      return 2;
    }
    process.stderr.write(`gauntlet: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}

/** The top-level commands, as the program defines them (a test holds CLI_COMMANDS to these). */
export function commandNames(): string[] {
  return program(process.cwd(), () => {}).commands.map((c) => c.name());
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
// Not a top-level await: the CLI's bundle is one classic script (see bundle/build.ts), which has none.
if (invokedDirectly) void main(process.argv).then((code) => { process.exitCode = code; });
