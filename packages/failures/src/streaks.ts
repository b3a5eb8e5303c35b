import type { RunInfo } from '@sre-toolkit/github';

/**
 * What a run means for a streak: a failure (its conclusion is one of `failure-conclusions`), a
 * success, or neither (cancelled, skipped, neutral, stale, action_required, or a failing conclusion
 * the workflow author chose not to count), which neither breaks nor extends a streak.
 */
export type Outcome = 'failure' | 'success' | 'neutral';

export const CONCLUSIONS = [
  'success',
  'failure',
  'cancelled',
  'skipped',
  'neutral',
  'timed_out',
  'action_required',
  'stale',
  'startup_failure',
] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];

export function outcomeOf(run: Pick<RunInfo, 'conclusion'>, failing: ReadonlySet<string>): Outcome {
  if (run.conclusion === 'success') return 'success';
  if (run.conclusion !== null && failing.has(run.conclusion)) return 'failure';
  return 'neutral';
}

/** Consecutive failed runs; identified by its first (oldest) failing run. */
export interface Streak {
  readonly count: number;
  /** The oldest failure: the streak's identity. */
  readonly first: RunInfo;
  /** The newest failure. */
  readonly last: RunInfo;
  /** The failures, newest first. */
  readonly runs: readonly RunInfo[];
  /** True when the runs ran out before a success: the streak may be longer than `count`. */
  readonly unbounded: boolean;
}

export interface StreakAnalysis {
  /** The streak going on now: the newest run that counts is a failure. */
  readonly current?: Streak;
  /** The newest success, if the runs hold one. */
  readonly lastSuccess?: RunInfo;
  /** The streak that `lastSuccess` ended, when the newest run that counts is that success. */
  readonly ended?: { readonly streak: Streak; readonly fixedBy: RunInfo };
}

/** Failures from `start` (newest first) up to the first success. */
function collect(runs: readonly RunInfo[], start: number, failing: ReadonlySet<string>) {
  const failures: RunInfo[] = [];
  let i = start;
  for (; i < runs.length; i++) {
    const run = runs[i] as RunInfo;
    const outcome = outcomeOf(run, failing);
    if (outcome === 'success') break;
    if (outcome === 'failure') failures.push(run);
  }
  return { failures, stop: i };
}

function streakOf(failures: RunInfo[], unbounded: boolean): Streak | undefined {
  const first = failures[failures.length - 1];
  const last = failures[0];
  if (!first || !last) return undefined;
  return { count: failures.length, first, last, runs: failures, unbounded };
}

/** Reads the streak state of one workflow and branch from its runs, newest first. */
export function analyzeStreak(runs: readonly RunInfo[], failing: ReadonlySet<string>): StreakAnalysis {
  const head = collect(runs, 0, failing);
  const lastSuccess = runs[head.stop];
  const current = streakOf(head.failures, head.stop >= runs.length);
  if (current) return { current, ...(lastSuccess ? { lastSuccess } : {}) };
  if (!lastSuccess) return {};
  const before = collect(runs, head.stop + 1, failing);
  const ended = streakOf(before.failures, before.stop >= runs.length);
  return { lastSuccess, ...(ended ? { ended: { streak: ended, fixedBy: lastSuccess } } : {}) };
}

/**
 * Whether a listing (newest first) holds enough runs to judge a streak: a success below the
 * newest failures, and, when `keepUntil` is given (the first failure of a streak we alerted on),
 * runs at least as old as it, so that the run which ended it is among them.
 */
export function enoughForStreak(
  runs: readonly RunInfo[],
  failing: ReadonlySet<string>,
  keepUntil?: string,
): boolean {
  const head = collect(runs, 0, failing);
  if (head.stop >= runs.length) return false;
  if (!keepUntil) return true;
  const oldest = runs[runs.length - 1];
  return oldest !== undefined && oldest.createdAt <= keepUntil;
}

/**
 * The run that ended a streak that began at `firstFailedAt`: the oldest success created at or
 * after that time (a re-run of the first failure that succeeded counts). Undefined while it goes on.
 */
export function fixOf(runs: readonly RunInfo[], firstFailedAt: string): RunInfo | undefined {
  let fix: RunInfo | undefined;
  for (const run of runs) {
    if (run.createdAt < firstFailedAt) break;
    if (run.conclusion === 'success') fix = run;
  }
  return fix;
}

/** Failures created from `from` (inclusive) up to `to` (exclusive), for recovery counts. */
export function failuresBetween(
  runs: readonly RunInfo[],
  failing: ReadonlySet<string>,
  from: string,
  to: string,
): number {
  return runs.filter((r) => r.createdAt >= from && r.createdAt < to && outcomeOf(r, failing) === 'failure')
    .length;
}
