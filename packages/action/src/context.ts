import { readFileSync } from 'node:fs';

/**
 * What the runner tells a step about its run, read from the GITHUB_* variables and the event file.
 * Reading them directly (rather than through @actions/github) keeps octokit out of actions that only
 * need the event payload.
 */
export interface RunContext {
  readonly eventName: string;
  readonly payload: Record<string, unknown>;
  readonly owner: string;
  readonly repo: string;
  /** `owner/repo` */
  readonly repository: string;
  readonly serverUrl: string;
  readonly apiUrl: string;
  readonly runId: string;
  readonly runAttempt: number;
  readonly runNumber: string;
  /** Link to this run (and attempt), or the repository when the run id is unknown. */
  readonly runUrl: string;
  readonly workflow: string;
  readonly job: string;
  readonly ref: string;
  readonly refName: string;
  readonly sha: string;
  readonly actor: string;
  readonly headRef: string;
}

export function readRunContext(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RunContext {
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      const parsed: unknown = JSON.parse(readFile(env.GITHUB_EVENT_PATH));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        payload = parsed as Record<string, unknown>;
    } catch {
      payload = {};
    }
  }
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID ?? '';
  const runAttempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1') || 1;
  const repoUrl = repository ? `${serverUrl}/${repository}` : serverUrl;
  const runUrl = runId
    ? `${repoUrl}/actions/runs/${runId}${runAttempt > 1 ? `/attempts/${runAttempt}` : ''}`
    : repoUrl;
  const ref = env.GITHUB_REF ?? '';
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    owner,
    repo,
    repository,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runId,
    runAttempt,
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    runUrl,
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    ref,
    refName: env.GITHUB_REF_NAME || ref.replace(/^refs\/(heads|tags)\//, ''),
    sha: env.GITHUB_SHA ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    headRef: env.GITHUB_HEAD_REF ?? '',
  };
}
