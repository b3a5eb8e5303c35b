import type { components } from '@octokit/openapi-types';
import type { GitHubClient } from './client';
import type { RepoRef } from './incident-issues';

export type ApiWorkflowRun = components['schemas']['workflow-run'];
export type ApiWorkflow = components['schemas']['workflow'];
export type ApiJob = components['schemas']['job'];

/** The fields of a workflow run the failure logic needs, from the REST body or a webhook payload. */
export interface RunInfo {
  readonly id: number;
  readonly workflowId: number;
  readonly workflowName: string;
  readonly branch: string | null;
  readonly status: string | null;
  readonly conclusion: string | null;
  readonly event: string;
  readonly createdAt: string;
  /** When the run last changed: for a completed run, about when it completed. */
  readonly updatedAt: string;
  readonly runAttempt: number;
  readonly runNumber: number;
  readonly url: string;
  readonly headSha: string;
  /** First line of the head commit message (or the run's display title). */
  readonly title: string;
  readonly actor: string;
  /** Where the run's code came from (`head_repository`): a fork's pull request shows the fork. */
  readonly headRepository?: RepositoryOfRun;
  /** The id of the repository the run belongs to (`repository.id`), to compare with headRepository's. */
  readonly repositoryId?: number;
}

/** The parts of a repository a run names that tell where its code came from. Either may be missing. */
export interface RepositoryOfRun {
  readonly id?: number;
  readonly fullName?: string;
}

/** Narrows a run body (REST or `workflow_run` payload) to `RunInfo`. */
export function toRunInfo(run: {
  id: number;
  workflow_id: number;
  name?: string | null;
  head_branch: string | null;
  status: string | null;
  conclusion: string | null;
  event: string;
  created_at: string;
  updated_at?: string;
  run_attempt?: number;
  run_number: number;
  html_url: string;
  head_sha: string;
  display_title?: string;
  head_commit?: { message?: string } | null;
  actor?: { login?: string } | null;
  repository?: { id?: number } | null;
  head_repository?: { id?: number; full_name?: string } | null;
}): RunInfo {
  const message = run.head_commit?.message ?? run.display_title ?? '';
  const head = run.head_repository;
  const repositoryId = run.repository?.id;
  return {
    id: run.id,
    workflowId: run.workflow_id,
    workflowName: run.name ?? '',
    branch: run.head_branch,
    status: run.status,
    conclusion: run.conclusion,
    event: run.event,
    createdAt: run.created_at,
    updatedAt: run.updated_at ?? run.created_at,
    runAttempt: run.run_attempt ?? 1,
    runNumber: run.run_number,
    url: run.html_url,
    headSha: run.head_sha,
    title: (message.split(/\r?\n/)[0] ?? '').trim(),
    actor: run.actor?.login ?? '',
    ...(head
      ? {
          headRepository: {
            ...(typeof head.id === 'number' ? { id: head.id } : {}),
            ...(typeof head.full_name === 'string' ? { fullName: head.full_name } : {}),
          },
        }
      : {}),
    ...(typeof repositoryId === 'number' ? { repositoryId } : {}),
  };
}

/** Every workflow of a repository (one request for up to 100 workflows). */
export async function listWorkflows(client: GitHubClient, repo: RepoRef): Promise<ApiWorkflow[]> {
  return client.paginate(client.rest.actions.listRepoWorkflows, { ...repo, per_page: 100 });
}

export interface ListRunsOptions extends RepoRef {
  readonly workflowId: number | string;
  /** Omitted: every branch. */
  readonly branch?: string;
  /** ISO time: only runs created at or after it (`created=>=…`). */
  readonly since?: string;
  /**
   * Called with every run fetched so far (newest first) after each page; return true to stop
   * paginating. Listings stop anyway at GitHub's 1,000-result cap.
   */
  readonly enough?: (runs: readonly RunInfo[]) => boolean;
  /** Counts pages, for budget reporting. */
  readonly onPage?: () => void;
}

export interface ListRunsResult {
  /** Completed runs, newest first. */
  readonly runs: RunInfo[];
  /** True when the listing ended before `enough` said so: no more runs in the window, or the cap. */
  readonly exhausted: boolean;
  /** True when GitHub's 1,000-result cap cut the listing short. */
  readonly capped: boolean;
}

const RESULT_CAP = 1000;

/**
 * Completed runs of one workflow, newest first, 100 per page, following `Link` only as far as
 * `enough` needs. In-progress runs are left out by the `status=completed` filter: they neither
 * break nor extend anything yet.
 */
export async function listCompletedRuns(
  client: GitHubClient,
  options: ListRunsOptions,
): Promise<ListRunsResult> {
  const runs: RunInfo[] = [];
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
    options.onPage?.();
    // octokit's paginate turns `{ total_count, workflow_runs }` into the array, keeping total_count.
    total = page.data.total_count ?? 0;
    for (const run of page.data) runs.push(toRunInfo(run));
    if (options.enough?.(runs)) return { runs, exhausted: false, capped: false };
    if (runs.length >= RESULT_CAP) break;
  }
  return { runs, exhausted: true, capped: runs.length >= RESULT_CAP && total > runs.length };
}

/** One earlier attempt of a run: its conclusion (e.g. to tell a flaky re-run from a plain one). */
export async function getRunAttempt(
  client: GitHubClient,
  repo: RepoRef,
  runId: number,
  attempt: number,
): Promise<RunInfo> {
  const { data } = await client.rest.actions.getWorkflowRunAttempt({
    ...repo,
    run_id: runId,
    attempt_number: attempt,
    exclude_pull_requests: true,
  });
  return toRunInfo(data);
}

export interface FailedStep {
  readonly job: string;
  readonly jobUrl: string;
  /** Undefined when the job failed outside any step (e.g. could not start). */
  readonly step?: string;
}

/** The failing jobs of a run's latest attempt and, in each, the first failing step. */
export async function failedSteps(
  client: GitHubClient,
  repo: RepoRef,
  runId: number,
  failing: ReadonlySet<string>,
): Promise<FailedStep[]> {
  const { data } = await client.rest.actions.listJobsForWorkflowRun({
    ...repo,
    run_id: runId,
    filter: 'latest',
    per_page: 100,
  });
  return data.jobs
    .filter((j) => j.conclusion !== null && failing.has(j.conclusion))
    .map((j) => {
      const step = j.steps?.find((s) => s.conclusion !== null && failing.has(s.conclusion));
      return { job: j.name, jobUrl: j.html_url ?? '', ...(step ? { step: step.name } : {}) };
    });
}
