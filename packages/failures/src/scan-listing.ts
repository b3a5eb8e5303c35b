import type { GitHubClient, IncidentIssue, RunInfo } from '@sre-toolkit/github';
import { parseStreakState } from './decide';
import { listOwnRuns } from './runs';
import type { ScanConfig } from './scan';
import { enoughForStreak } from './streaks';
import { groupByBranch, streakKey } from './target-look';

/**
 * The scan's run listing of one workflow and branch: as few pages as the streak or failure-rate
 * analysis needs, and how far back it reached, which silent monitors judge from.
 */

/**
 * How far back a scan's listing held every completed run (ISO): the lookback's start when it read
 * to its end (a page of fewer than 100 is the last, even where `enough` stopped); past the oldest
 * run it read when it stopped early or at the cap (runs created with that one may be on the next
 * page). Undefined: stopped before any run of its own.
 */
export function listingReach(
  listing: { readonly runs: readonly RunInfo[]; readonly forkRuns: number; readonly capped: boolean },
  since: string,
  stoppedByEnough: boolean,
): string | undefined {
  const fetched = listing.runs.length + listing.forkRuns;
  if (!listing.capped && !(stoppedByEnough && fetched > 0 && fetched % 100 === 0)) return since;
  const oldest = listing.runs.at(-1);
  return oldest ? new Date(Date.parse(oldest.createdAt) + 1).toISOString() : undefined;
}

/**
 * One workflow's completed runs on one branch (or every branch) in the lookback (`since`), read
 * only as far as the analysis needs. From `from` when silent monitors want more of the default
 * branch: the listing then stops at its first page past the lookback. `reach`: how far back it
 * held every run; `older`: the newest scheduled run before the lookback it saw.
 */
export async function listGroup(
  client: GitHubClient,
  config: Pick<ScanConfig, 'owner' | 'repo' | 'failureRate' | 'failing'>,
  issues: ReadonlyMap<string, IncidentIssue>,
  workflowId: number,
  branch: string | undefined,
  window: { readonly since: string; readonly from: string },
) {
  const { since, from } = window;
  const knownFirst = (b: string) => {
    const issue = issues.get(streakKey(workflowId, b));
    const state = issue && parseStreakState(issue.state);
    return state?.first_failed_at;
  };
  const inWindow = (runs: RunInfo[]) => (from === since ? runs : runs.filter((r) => r.createdAt >= since));
  let stopped = false;
  const listing = await listOwnRuns(client, {
    owner: config.owner,
    repo: config.repo,
    workflowId,
    since: from,
    ...(branch ? { branch } : {}),
    enough: (fetched) => {
      const runs = inWindow([...fetched]);
      // Past the lookback the analysis has its whole window; older runs are for silent monitors only.
      if (runs.length < fetched.length) return (stopped = true);
      // A failure rate needs the whole window; a streak only needs to reach its end.
      if (config.failureRate !== undefined) return false;
      const byBranch = groupByBranch(runs, branch);
      return (stopped = [...byBranch].every(([b, list]) =>
        enoughForStreak(list, config.failing, knownFirst(b)),
      ));
    },
  });
  const older = listing.runs.find((r) => r.createdAt < since && r.event === 'schedule');
  return {
    runs: inWindow(listing.runs),
    capped: listing.capped,
    forkRuns: listing.forkRuns,
    reach: listingReach(listing, from, stopped),
    ...(older ? { older } : {}),
  };
}
