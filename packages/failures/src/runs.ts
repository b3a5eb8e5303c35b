import { toRunInfo, type GitHubClient, type RepoRef, type RunInfo } from '@sre-toolkit/github';

/**
 * Which runs count. A pull request from a fork runs with the fork's branch name as `head_branch`
 * (`someone/app:main` is `main`), so branch alone cannot tell; only runs whose code came from the
 * repository itself may open, extend or close an incident.
 */

interface RepositoryFields {
  readonly id?: number;
  readonly full_name?: string;
}

/** The fields of a run (REST body or `workflow_run` payload) that say where its code came from. */
export interface RunOrigin {
  readonly event?: string;
  readonly repository?: RepositoryFields | null;
  readonly head_repository?: RepositoryFields | null;
}

/**
 * True when the run's head repository is `repository` (by id when both ids are known, so a
 * renamed repository still matches; else by name). A run without a head repository counts unless
 * a pull request triggered it: that is the only way fork code reaches a run.
 */
export function fromRepository(run: RunOrigin, repository: string): boolean {
  const head = run.head_repository;
  if (!head) return !/^pull_request/.test(run.event ?? '');
  if (typeof head.id === 'number' && typeof run.repository?.id === 'number')
    return head.id === run.repository.id;
  return typeof head.full_name === 'string' && head.full_name.toLowerCase() === repository.toLowerCase();
}

export interface OwnRunsOptions extends RepoRef {
  readonly workflowId: number;
  /** Omitted: every branch. */
  readonly branch?: string;
  /** ISO time: only runs created at or after it. */
  readonly since?: string;
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

const RESULT_CAP = 1000;

/**
 * Completed runs of one workflow, newest first, 100 per page, following `Link` only as far as
 * `enough` needs. Like `listCompletedRuns` of @sre-toolkit/github, but it keeps `head_repository`
 * long enough to leave fork runs out (its `RunInfo` does not carry it).
 */
export async function listOwnRuns(client: GitHubClient, options: OwnRunsOptions): Promise<OwnRuns> {
  const repository = `${options.owner}/${options.repo}`;
  const runs: RunInfo[] = [];
  let seen = 0;
  let total = 0;
  const pages = client.paginate.iterator(client.rest.actions.listWorkflowRuns, {
    owner: options.owner,
    repo: options.repo,
    workflow_id: options.workflowId,
    status: 'completed',
    per_page: 100,
    exclude_pull_requests: true,
    ...(options.branch ? { branch: options.branch } : {}),
    ...(options.since ? { created: `>=${options.since}` } : {}),
  });
  for await (const page of pages) {
    // octokit's paginate turns `{ total_count, workflow_runs }` into the array, keeping total_count.
    total = page.data.total_count ?? 0;
    for (const run of page.data) {
      seen++;
      if (fromRepository(run, repository)) runs.push(toRunInfo(run));
    }
    if (options.enough?.(runs)) return { runs, forkRuns: seen - runs.length, capped: false };
    if (seen >= RESULT_CAP) break;
  }
  return { runs, forkRuns: seen - runs.length, capped: seen >= RESULT_CAP && total > seen };
}
