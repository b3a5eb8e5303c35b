/**
 * What the GitHub stand-in stores and what tests seed it with: repositories, workflows, runs with
 * their attempts and jobs, issues, labels, the request log and the faults a test can queue. Plain
 * data, so the store, the routes and the REST body builders can share it without importing each other.
 */

export type Conclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'skipped'
  | 'neutral'
  | 'timed_out'
  | 'action_required'
  | 'stale'
  | 'startup_failure';
export type RunStatus = 'completed' | 'in_progress' | 'queued' | 'requested' | 'waiting' | 'pending';

export interface StoredRepository {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  defaultBranch: string;
  private: boolean;
}

export interface StoredWorkflow {
  readonly id: number;
  readonly repository: string;
  name: string;
  /** `.github/workflows/<file>` */
  path: string;
  state: 'active' | 'deleted' | 'disabled_fork' | 'disabled_inactivity' | 'disabled_manually';
  readonly createdAt: string;
}

export interface StoredStep {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  number: number;
  startedAt: string | null;
  completedAt: string | null;
}

export interface StoredJob {
  readonly id: number;
  readonly runId: number;
  readonly runAttempt: number;
  name: string;
  status: RunStatus;
  conclusion: Conclusion | null;
  startedAt: string;
  completedAt: string | null;
  steps: StoredStep[];
}

export interface StoredAttempt {
  readonly attempt: number;
  status: RunStatus;
  conclusion: Conclusion | null;
  startedAt: string;
  updatedAt: string;
}

export interface StoredRun {
  readonly id: number;
  readonly repository: string;
  readonly workflowId: number;
  readonly runNumber: number;
  headBranch: string | null;
  headSha: string;
  event: string;
  displayTitle: string;
  commitMessage: string;
  actor: string;
  createdAt: string;
  /** Where the run's code came from when that is not `repository`: a fork, for a pull request from one. */
  headRepository?: StoredRepository;
  /** Every attempt, oldest first; the last one is what the run shows. */
  attempts: StoredAttempt[];
  jobs: StoredJob[];
}

export interface StoredComment {
  readonly id: number;
  readonly body: string;
  readonly createdAt: string;
  readonly user: string;
}

export interface StoredIssue {
  readonly id: number;
  readonly repository: string;
  readonly number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | null;
  labels: string[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: StoredComment[];
  readonly user: string;
}

export interface StoredLabel {
  readonly id: number;
  readonly repository: string;
  name: string;
  color: string;
  description: string | null;
}

export interface StepSeed {
  readonly name: string;
  readonly conclusion?: string | null;
}
export interface JobSeed {
  readonly name: string;
  readonly conclusion?: Conclusion | null;
  readonly steps?: readonly (StepSeed | string)[];
}

export interface RunSeed {
  /** Workflow id, name or file name (`ci.yml`). */
  readonly workflow: number | string;
  readonly repository?: string;
  /** Default: the repository's default branch. `null` for runs without a branch (e.g. some tags). */
  readonly branch?: string | null;
  /** Conclusion of the latest attempt; `null` while it is not completed. Default `success`. */
  readonly conclusion?: Conclusion | null;
  readonly status?: RunStatus;
  readonly event?: string;
  /** Default: one minute after the previously added run. */
  readonly createdAt?: string | Date;
  readonly headSha?: string;
  readonly message?: string;
  readonly actor?: string;
  /**
   * `owner/name` of the repository the run's code came from (`head_repository`), e.g. the fork of a
   * pull request. Default: the run's own repository.
   */
  readonly headRepository?: string;
  /** Conclusions of earlier attempts, oldest first (makes `run_attempt` = length + 1). */
  readonly previousAttempts?: readonly Conclusion[];
  /**
   * Jobs of the latest attempt. Default: one job `build` with one step, concluding like the run.
   * Steps without a conclusion succeed, except the last, which concludes like its job.
   */
  readonly jobs?: readonly JobSeed[];
}

export interface IssueSeed {
  readonly repository?: string;
  readonly title: string;
  readonly body?: string;
  readonly labels?: readonly string[];
  readonly state?: 'open' | 'closed';
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly body?: unknown;
}

export type GitHubFault =
  /** An error status (5xx usually) with GitHub's error body. */
  | { kind: 'status'; status: number }
  /** A secondary rate limit: 403 or 429 with `retry-after` (seconds). */
  | { kind: 'secondary-rate-limit'; status?: 403 | 429; retryAfter?: number }
  /** The primary rate limit: 403 with `x-ratelimit-remaining: 0` and a reset `resetIn` seconds away. */
  | { kind: 'rate-limit'; resetIn?: number }
  /** The connection is closed without an answer. */
  | { kind: 'reset' }
  /** No answer at all (a GitHub that took the request and went silent) until the client gives up or the stand-in closes. */
  | { kind: 'hang' };

export interface FaultMatch {
  readonly method?: string;
  /** Matches the request path (without the query). */
  readonly path?: string | RegExp;
}

export type Permission = 'write' | 'read' | 'none';

export interface GitHubSeed {
  /** `owner/name` of the first repository. Default `acme/mara` (the runner harness's repository). */
  readonly repository?: string;
  readonly defaultBranch?: string;
  /** The token requests must carry. Default `ghs_standin0123456789`. */
  readonly token?: string;
  /** Used in `html_url`s. Default `https://github.com`. */
  readonly htmlBase?: string;
  readonly workflows?: readonly { name: string; path?: string; state?: StoredWorkflow['state'] }[];
}
