import type { RunInfo } from '@sre-toolkit/github';
import { failuresBetween, fixOf, type Streak, type StreakAnalysis } from './streaks';

/**
 * What the detector remembers about an alerted streak, in the marker of its GitHub issue (and what
 * the `streaks` output reports). Snake case: it is JSON a person may read.
 */
export interface StreakState {
  readonly kind: 'streak';
  readonly workflow: string;
  readonly workflow_id: number;
  readonly branch: string;
  readonly count: number;
  readonly first_run_id: number;
  readonly first_failed_at: string;
  readonly first_run_url: string;
  readonly first_sha: string;
  readonly first_title: string;
  readonly last_run_id: number;
  readonly last_failed_at: string;
  readonly last_run_url: string;
  /** The count at the last alert or reminder; reminders count from it. */
  readonly notified_count: number;
}

export function streakState(
  streak: Streak,
  where: { workflow: string; workflowId: number; branch: string },
  notifiedCount: number,
): StreakState {
  return {
    kind: 'streak',
    workflow: where.workflow,
    workflow_id: where.workflowId,
    branch: where.branch,
    count: streak.count,
    first_run_id: streak.first.id,
    first_failed_at: streak.first.createdAt,
    first_run_url: streak.first.url,
    first_sha: streak.first.headSha,
    first_title: streak.first.title,
    last_run_id: streak.last.id,
    last_failed_at: streak.last.createdAt,
    last_run_url: streak.last.url,
    notified_count: notifiedCount,
  };
}

/** Reads a state back from an issue marker; undefined when it is not one of ours or is damaged. */
export function parseStreakState(value: Record<string, unknown>): StreakState | undefined {
  const str = (k: string) => typeof value[k] === 'string';
  const num = (k: string) => typeof value[k] === 'number' && Number.isFinite(value[k]);
  if (value.kind !== 'streak') return undefined;
  const ok =
    [
      'workflow',
      'branch',
      'first_failed_at',
      'first_run_url',
      'first_sha',
      'last_failed_at',
      'last_run_url',
    ].every(str) && ['workflow_id', 'count', 'first_run_id', 'last_run_id', 'notified_count'].every(num);
  if (!ok) return undefined;
  return { first_title: '', ...value } as unknown as StreakState;
}

export type StreakEvent =
  /** A streak reached the threshold: alert and open its issue. */
  | { readonly kind: 'new'; readonly streak: Streak; readonly state: StreakState }
  /** An alerted streak grew by `remind-every` more failures: remind. */
  | { readonly kind: 'reminder'; readonly streak: Streak; readonly state: StreakState }
  /** An alerted streak grew: record it silently. */
  | { readonly kind: 'grown'; readonly streak: Streak; readonly state: StreakState }
  /** An alerted streak, unchanged since the last look, or (without issues) not new in this window. */
  | { readonly kind: 'ongoing'; readonly streak: Streak; readonly state: StreakState }
  /** A success ended an alerted streak. */
  | {
      readonly kind: 'recovered';
      readonly state: StreakState;
      readonly fixedBy?: RunInfo;
    };

export interface StreakDecision {
  readonly analysis: StreakAnalysis;
  /** The runs the analysis came from, newest first. */
  readonly runs: readonly RunInfo[];
  readonly failing: ReadonlySet<string>;
  readonly threshold: number;
  readonly remindEvery?: number;
  readonly where: { workflow: string; workflowId: number; branch: string };
  /**
   * Issue mode: the state of the open issue for this workflow and branch (undefined: none open).
   * Stateless mode: pass `isNew` instead.
   */
  readonly known?: StreakState;
  /**
   * Stateless mode (no issues): which runs are new to this look. `workflow_run` passes "is the
   * triggering run", a scheduled scan "was created since the previous scan".
   */
  readonly isNew?: (run: RunInfo) => boolean;
}

/** Decides what a look at one workflow and branch means. Pure: state in, events out. */
export function decideStreak(d: StreakDecision): StreakEvent[] {
  return d.isNew ? decideStateless(d, d.isNew) : decideWithState(d);
}

function decideWithState(d: StreakDecision): StreakEvent[] {
  const { current } = d.analysis;
  const known = d.known;
  const events: StreakEvent[] = [];
  if (known) {
    // Any success at or after the alerted streak's first failure ended it.
    const fix = fixOf(d.runs, known.first_failed_at);
    if (!fix) {
      if (!current) return [];
      // The same streak (its oldest runs may have left the lookback window): keep its identity.
      // Count on from what the issue recorded: its oldest runs may be older than the lookback.
      const newer = current.runs.filter((r) => r.createdAt > known.last_failed_at).length;
      const count = known.count + newer;
      if (!newer) return [{ kind: 'ongoing', streak: { ...current, count }, state: known }];
      const state: StreakState = {
        ...known,
        count,
        last_run_id: current.last.id,
        last_failed_at: current.last.createdAt,
        last_run_url: current.last.url,
      };
      const streak = { ...current, count };
      if (d.remindEvery && count >= known.notified_count + d.remindEvery)
        return [{ kind: 'reminder', streak, state: { ...state, notified_count: count } }];
      return [{ kind: 'grown', streak, state }];
    }
    const count = Math.max(
      known.count,
      failuresBetween(d.runs, d.failing, known.first_failed_at, fix.createdAt),
    );
    events.push({ kind: 'recovered', state: { ...known, count }, fixedBy: fix });
  }
  if (current && current.count >= d.threshold)
    events.push({ kind: 'new', streak: current, state: streakState(current, d.where, current.count) });
  return events;
}

function decideStateless(d: StreakDecision, isNew: (run: RunInfo) => boolean): StreakEvent[] {
  const { current, ended } = d.analysis;
  if (current && current.count >= d.threshold) {
    // runs are newest first: the n-th failure from the oldest is runs[count - n].
    const nth = (n: number) => current.runs[current.count - n];
    const crossing = nth(d.threshold);
    if (crossing && isNew(crossing))
      return [{ kind: 'new', streak: current, state: streakState(current, d.where, current.count) }];
    if (d.remindEvery) {
      for (let n = current.count; n > d.threshold; n--) {
        const run = nth(n);
        if ((n - d.threshold) % d.remindEvery === 0 && run && isNew(run))
          return [{ kind: 'reminder', streak: current, state: streakState(current, d.where, n) }];
      }
    }
    return [{ kind: 'ongoing', streak: current, state: streakState(current, d.where, current.count) }];
  }
  if (ended && ended.streak.count >= d.threshold && isNew(ended.fixedBy)) {
    return [
      {
        kind: 'recovered',
        state: streakState(ended.streak, d.where, ended.streak.count),
        fixedBy: ended.fixedBy,
      },
    ];
  }
  return [];
}
