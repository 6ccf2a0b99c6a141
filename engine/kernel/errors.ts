/**
 * A figure of the simulation left the range where it is exact (integers of microseconds or money
 * units beyond 2^53). Not a bug of the engine: the inputs (a start cash, a position size, a market
 * running for centuries) carried the run there. Harnesses report it as bad input naming the
 * figure and, once the backtest adds it, the virtual instant.
 */
export class NumericRangeError extends RangeError {
  /** What left the range, e.g. "equity", "cash", "fill notional", "time". */
  readonly figure: string;
  /** The virtual time it happened at, when known (epoch microseconds). */
  readonly timeUs: number | null;

  constructor(figure: string, message: string, options: { timeUs?: number | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NumericRangeError';
    this.figure = figure;
    this.timeUs = options.timeUs ?? null;
  }
}
