/**
 * Milliseconds on a monotonic clock, for durations. process.hrtime rather than the global
 * `performance`, whose first use loads node:perf_hooks (~1 ms of every run's start-up).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
