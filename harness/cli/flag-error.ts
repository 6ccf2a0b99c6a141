/**
 * A bad command-line flag (bad input, exit 2). In its own module so that the CLI's entry point can
 * catch it without loading zod and the flag schemas (`--help` stays fast).
 */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}
