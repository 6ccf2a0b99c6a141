/**
 * Milliseconds on a monotonic clock, for wall-time measurements (latency budgets, stack service
 * calls): process.hrtime, which needs no module, where node:perf_hooks' `performance` costs about
 * 1 ms to load in every run.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
