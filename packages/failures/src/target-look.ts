import type { IncidentIssue, RunInfo } from '@sre-toolkit/github';
import { decideStreak, parseStreakState } from './decide';
import type { Flake } from './flaky';
import { failureRate, parseRateState, rateFiring, type RateState } from './rate';
import type { RateLook, ScanConfig, Target, WorkflowRef } from './scan';
import { analyzeStreak } from './streaks';

/** One workflow and branch, looked at: its streak and failure rate against what its issues remember. */

export const streakKey = (workflowId: number, branch: string) =>
  `repeated-failure/streak/${workflowId}@${branch}`;
export const rateKey = (workflowId: number, branch: string) =>
  `repeated-failure/rate/${workflowId}@${branch}`;

export function withRun(runs: readonly RunInfo[], run: RunInfo): RunInfo[] {
  const i = runs.findIndex((r) => r.createdAt < run.createdAt);
  return i < 0 ? [...runs, run] : [...runs.slice(0, i), run, ...runs.slice(i)];
}

export function groupByBranch(runs: readonly RunInfo[], only?: string): Map<string, RunInfo[]> {
  const map = new Map<string, RunInfo[]>();
  if (only) map.set(only, []);
  for (const run of runs) {
    const branch = only ?? run.branch;
    if (!branch) continue;
    const list = map.get(branch) ?? [];
    list.push(run);
    map.set(branch, list);
  }
  return map;
}

export function look(
  config: ScanConfig,
  workflow: WorkflowRef,
  branch: string,
  runs: RunInfo[],
  issues: ReadonlyMap<string, IncidentIssue>,
  flakes: Flake[],
  capped: boolean,
  windowStart: string | undefined,
): Target {
  const analysis = analyzeStreak(runs, config.failing);
  const where = { workflow: workflow.name, workflowId: workflow.id, branch };
  const streakIssue = issues.get(streakKey(workflow.id, branch));
  const known = streakIssue ? parseStreakState(streakIssue.state) : undefined;
  const trigger = config.trigger?.run;
  const isNew = config.issue
    ? undefined
    : trigger
      ? (run: RunInfo) => run.id === trigger.id
      : (run: RunInfo) => !windowStart || run.updatedAt >= windowStart;
  const events = decideStreak({
    analysis,
    runs,
    failing: config.failing,
    threshold: config.threshold,
    ...(config.remindEvery ? { remindEvery: config.remindEvery } : {}),
    where,
    ...(known ? { known } : {}),
    ...(isNew ? { isNew } : {}),
  });
  let rate: RateLook | undefined;
  if (config.failureRate !== undefined) {
    const rule = { threshold: config.failureRate, minRuns: config.minRuns };
    const stats = failureRate(runs, config.failing);
    const rateIssue = issues.get(rateKey(workflow.id, branch));
    const knownRate = rateIssue ? parseRateState(rateIssue.state) : undefined;
    let wasFiring: boolean;
    if (config.issue) wasFiring = knownRate !== undefined;
    else {
      // Without state, compare with the runs the previous look saw (those before the new ones).
      const older = runs.filter((r) =>
        trigger ? r.id !== trigger.id : windowStart && r.updatedAt < windowStart,
      );
      wasFiring =
        !trigger && !windowStart ? false : rateFiring(failureRate(older, config.failing), rule, false);
    }
    const firing = rateFiring(stats, rule, wasFiring);
    const state: RateState = {
      kind: 'rate',
      workflow: workflow.name,
      workflow_id: workflow.id,
      branch,
      rate: Math.round(stats.rate * 1000) / 1000,
      failed: stats.failed,
      passed: stats.passed,
      since: knownRate?.since ?? config.now.toISOString(),
    };
    rate = {
      stats,
      firing,
      change: firing && !wasFiring ? 'fire' : !firing && wasFiring ? 'clear' : 'none',
      state,
      ...(rateIssue ? { issue: rateIssue } : {}),
    };
  }
  return {
    workflow,
    branch,
    runs,
    analysis,
    events,
    ...(streakIssue ? { streakIssue } : {}),
    ...(rate ? { rate } : {}),
    flakes,
    capped,
  };
}
