import type { GitHubServer } from './github-server';

const MINUTE = 60_000;

export interface RecordedDeployment {
  readonly id: number;
  readonly sha: string;
}

export interface DeploymentRecord {
  /** When the final status was posted (ms since the epoch); the deployment is created 4 minutes before. */
  readonly at: number;
  /** Tag `v<version>` and `payload.version`. Default 1.4.2. */
  readonly version?: string;
  readonly environment?: string;
  /** The final status. Default `success`. */
  readonly state?: string;
  /** Post an `in_progress` status a minute before the final one, as a deploy workflow does. */
  readonly inProgress?: boolean;
  readonly logUrl?: string;
}

async function post(
  gh: GitHubServer,
  path: string,
  body: Record<string, unknown>,
): Promise<RecordedDeployment> {
  const res = await fetch(`${gh.url}/repos/acme/mara${path}`, {
    method: 'POST',
    headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as RecordedDeployment;
}

/**
 * Records a deploy of acme/mara the way a deploy workflow does, through the stand-in's REST API
 * (so the bodies are checked like any client's): POST a deployment (by @octocat, tag
 * `v<version>`, payload `{app: 'mara', version}`), then its status(es), with past timestamps.
 */
export async function recordDeployment(gh: GitHubServer, d: DeploymentRecord): Promise<RecordedDeployment> {
  const version = d.version ?? '1.4.2';
  const created = await post(gh, '/deployments', {
    ref: `v${version}`,
    environment: d.environment ?? 'production',
    auto_merge: false,
    required_contexts: [],
    payload: { app: 'mara', version },
    creator: 'octocat',
    created_at: new Date(d.at - 4 * MINUTE).toISOString(),
  });
  if (d.inProgress)
    await post(gh, `/deployments/${created.id}/statuses`, {
      state: 'in_progress',
      created_at: new Date(d.at - MINUTE).toISOString(),
    });
  await post(gh, `/deployments/${created.id}/statuses`, {
    state: d.state ?? 'success',
    created_at: new Date(d.at).toISOString(),
    ...(d.logUrl ? { log_url: d.logUrl } : {}),
  });
  return created;
}
