import type { RunInfo } from '@sre-toolkit/github';

/** Runs newest first from conclusions given oldest first, one hour apart, ids 1…n. */
export function runsOf(
  conclusions: readonly (string | null)[],
  start = Date.parse('2026-11-20T00:00:00Z'),
): RunInfo[] {
  return conclusions
    .map((conclusion, i) => run(i + 1, conclusion, new Date(start + i * 3_600_000).toISOString()))
    .reverse();
}

export function run(
  id: number,
  conclusion: string | null,
  createdAt: string,
  extra: Partial<RunInfo> = {},
): RunInfo {
  return {
    id,
    workflowId: 7,
    workflowName: 'CI',
    branch: 'main',
    status: 'completed',
    conclusion,
    event: 'push',
    createdAt,
    updatedAt: createdAt,
    runAttempt: 1,
    runNumber: id,
    url: `https://github.com/acme/mara/actions/runs/${id}`,
    headSha: `${String(id).padStart(2, '0')}`.repeat(20),
    title: `Commit ${id}`,
    actor: 'octocat',
    ...extra,
  };
}

export const FAILING = new Set(['failure', 'timed_out', 'startup_failure']);
