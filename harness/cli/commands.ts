/**
 * The CLI's top-level commands, for code that must know the command before the CLI loads
 * (bin/gauntlet.js keeps a code cache per command). This module imports nothing. main.test.ts
 * holds the list to the commands the program defines.
 */
export const CLI_COMMANDS = ['run', 'check', 'validate', 'replay', 'report', 'baseline', 'diff', 'list', 'cache', 'bench', 'serve-stack', 'schema'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

/** The command `argv` (process.argv: node, script, ...) asks for, as main reads it: the first argument that is not a flag; null when that is none of CLI_COMMANDS. */
export function commandOf(argv: readonly string[]): CliCommand | null {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  return (CLI_COMMANDS as readonly string[]).includes(first ?? '') ? (first as CliCommand) : null;
}
