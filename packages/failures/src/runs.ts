import {
  listCompletedRuns,
  type GitHubClient,
  type ListRunsOptions,
  type RunInfo,
} from '@sre-toolkit/github';

/**
 * Which runs count. A pull request from a fork runs with the fork's branch name as `head_branch`
 * (`someone/app:main` is `main`), so branch alone cannot tell; only runs whose code came from the
 * repository itself may open, extend or close an incident.
 */

/**
 * True when the run's head repository is `repository` (by id when both ids are known, so a
 * renamed repository still matches; else by name). A run without a head repository counts unless
 * a pull request triggered it: that is the only way fork code reaches a run.
 */
export function fromRepository(
  run: Pick<RunInfo, 'event' | 'headRepository' | 'repositoryId'>,
  repository: string,
): boolean {
  const head = run.headRepository;
  if (!head) return !/^pull_request/.test(run.event);
  if (typeof head.id === 'number' && typeof run.repositoryId === 'number')
    return head.id === run.repositoryId;
  return typeof head.fullName === 'string' && head.fullName.toLowerCase() === repository.toLowerCase();
}

export interface OwnRunsOptions extends Omit<ListRunsOptions, 'enough'> {
  /** Called with the runs that count so far (newest first) after each page; true stops paginating. */
  readonly enough?: (runs: readonly RunInfo[]) => boolean;
}

export interface OwnRuns {
  /** Completed runs from the repository itself, newest first. */
  readonly runs: RunInfo[];
  /** Runs left out because their code came from a fork. */
  readonly forkRuns: number;
  /** GitHub's 1,000-result cap cut the listing short. */
  readonly capped: boolean;
}

/** `listCompletedRuns`, with the runs from forks left out (and counted). */
export async function listOwnRuns(client: GitHubClient, options: OwnRunsOptions): Promise<OwnRuns> {
  const repository = `${options.owner}/${options.repo}`;
  const own = (runs: readonly RunInfo[]) => runs.filter((r) => fromRepository(r, repository));
  const { enough, ...rest } = options;
  const listing = await listCompletedRuns(client, {
    ...rest,
    ...(enough ? { enough: (runs) => enough(own(runs)) } : {}),
  });
  const runs = own(listing.runs);
  return { runs, forkRuns: listing.runs.length - runs.length, capped: listing.capped };
}
