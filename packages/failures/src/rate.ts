import type { RunInfo } from '@sre-toolkit/github';
import { outcomeOf } from './streaks';

export interface RateStats {
  readonly failed: number;
  readonly passed: number;
  /** failed / (failed + passed); 0 without runs. */
  readonly rate: number;
}

/** Failure rate over runs that count (neutral ones are left out of both sides). */
export function failureRate(runs: readonly RunInfo[], failing: ReadonlySet<string>): RateStats {
  let failed = 0;
  let passed = 0;
  for (const run of runs) {
    const outcome = outcomeOf(run, failing);
    if (outcome === 'failure') failed++;
    else if (outcome === 'success') passed++;
  }
  return { failed, passed, rate: failed + passed ? failed / (failed + passed) : 0 };
}

export interface RateRule {
  /** Fire at or above this rate (0-1]. */
  readonly threshold: number;
  /** ... over at least this many runs that count. */
  readonly minRuns: number;
}

/**
 * Hysteresis: a rate incident fires at `threshold` over at least `minRuns` runs and clears only
 * below half of it, so a rate hovering around the threshold does not flap.
 */
export function rateFiring(stats: RateStats, rule: RateRule, wasFiring: boolean): boolean {
  if (wasFiring) return stats.rate >= rule.threshold / 2;
  return stats.failed + stats.passed >= rule.minRuns && stats.rate >= rule.threshold;
}

export interface RateState {
  readonly kind: 'rate';
  readonly workflow: string;
  readonly workflow_id: number;
  readonly branch: string;
  readonly rate: number;
  readonly failed: number;
  readonly passed: number;
  readonly since: string;
}

export function parseRateState(value: Record<string, unknown>): RateState | undefined {
  if (value.kind !== 'rate') return undefined;
  const ok =
    ['workflow', 'branch', 'since'].every((k) => typeof value[k] === 'string') &&
    ['workflow_id', 'rate', 'failed', 'passed'].every((k) => typeof value[k] === 'number');
  return ok ? (value as unknown as RateState) : undefined;
}
