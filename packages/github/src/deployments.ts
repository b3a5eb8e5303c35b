import type { GitHubClient } from './client';
import type { RepoRef } from './incident-issues';

/**
 * The deploy before an event: the first question of every on-call ("did we just ship something?").
 * Reads the Deployments API: one listing of the environment's newest deployments per run, then the
 * statuses of the few inside the window, newest first, until one that succeeded. Cached per run,
 * so an action with many alerts pays once. Shared by the detector, health-probe and crash-digest.
 */

export interface DeployInfo {
  readonly id: number;
  readonly environment: string;
  readonly ref: string;
  readonly sha: string;
  /** `payload.version` (or `payload.app_version`) when the deploy step set one. */
  readonly version?: string;
  /** `payload.app`, else the repository name. */
  readonly app: string;
  readonly creator: string;
  /** When it reached `success` (its success status), else when it was created. */
  readonly succeededAt: string;
  readonly url?: string;
}

export interface DeployLookupOptions extends RepoRef {
  /** The environment's name (`production`). */
  readonly environment: string;
  /** How long before an event a deploy still counts. */
  readonly windowMs: number;
  /** Deployments listed (one request). Default 10. */
  readonly listSize?: number;
  /** Status listings at most per run (one request each). Default 3. */
  readonly maxStatusReads?: number;
}

export type DeployLookup = (start: Date) => Promise<DeployInfo | undefined>;

type Json = Record<string, unknown>;
const object = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/**
 * A lookup of the deploy that succeeded within `windowMs` before a time. Errors propagate (the
 * caller decides: an alert is still worth sending without its deploy context).
 */
export function deployLookup(client: GitHubClient, o: DeployLookupOptions): DeployLookup {
  let listing: Promise<Json[]> | undefined;
  const statuses = new Map<number, Promise<Json[]>>();
  let statusReads = 0;
  const list = () =>
    (listing ??= client.rest.repos
      .listDeployments({
        owner: o.owner,
        repo: o.repo,
        environment: o.environment,
        per_page: o.listSize ?? 10,
      })
      .then(({ data }) => data as unknown as Json[]));
  const statusesOf = (id: number): Promise<Json[]> | undefined => {
    const known = statuses.get(id);
    if (known) return known;
    if (statusReads >= (o.maxStatusReads ?? 3)) return undefined;
    statusReads++;
    const read = client.rest.repos
      .listDeploymentStatuses({ owner: o.owner, repo: o.repo, deployment_id: id, per_page: 10 })
      .then(({ data }) => data as unknown as Json[]);
    statuses.set(id, read);
    return read;
  };
  return async (start) => {
    const from = start.getTime() - o.windowMs;
    const candidates = (await list()).filter((d) => {
      const created = Date.parse(str(d.created_at) ?? '');
      return created <= start.getTime() && created >= from - o.windowMs;
    });
    for (const d of candidates) {
      const id = typeof d.id === 'number' ? d.id : undefined;
      const pending = id !== undefined ? statusesOf(id) : undefined;
      if (!pending) break;
      const success = (await pending).find((s) => s.state === 'success');
      const at = Date.parse(str(success?.created_at) ?? '');
      if (!success || !(at <= start.getTime() && at >= from)) continue;
      return toDeploy(d, success, o);
    }
    return undefined;
  };
}

function toDeploy(d: Json, success: Json, o: DeployLookupOptions): DeployInfo {
  const payload = object(d.payload) ?? {};
  const version = str(payload.version) ?? str(payload.app_version);
  const url = str(success.log_url) ?? str(success.target_url) ?? str(success.environment_url);
  return {
    id: d.id as number,
    environment: str(d.environment) ?? o.environment,
    ref: str(d.ref) ?? '',
    sha: str(d.sha) ?? '',
    ...(version ? { version } : {}),
    app: str(payload.app) ?? o.repo,
    creator: str(object(d.creator)?.login) ?? 'unknown',
    succeededAt: str(success.created_at) ?? str(d.created_at) ?? '',
    ...(url ? { url } : {}),
  };
}

/** Whether a crash report's app version is the one this deploy shipped (payload version or ref). */
export function deployedVersion(d: DeployInfo, appVersion: string): boolean {
  const v = appVersion.trim().replace(/^v/, '');
  return !!v && [d.version, d.ref.replace(/^refs\/tags\//, '')].some((x) => x?.replace(/^v/, '') === v);
}

/** How the parts of the sentence are shown: escaped for Discord, made inert for an issue, or plain. */
export interface DeployFormat {
  readonly text: (t: string) => string;
  readonly strong: (t: string) => string;
}

const PLAIN: DeployFormat = { text: (t) => t, strong: (t) => t };

/**
 * "began 12 min after mara 1.4.2 reached production (deploy #412 by @octocat, commit abc1234)";
 * `what` is the verb phrase ("began", "started failing").
 */
export function deploySentence(d: DeployInfo, start: Date, what = 'began', f: DeployFormat = PLAIN): string {
  const minutes = Math.max(0, Math.round((start.getTime() - Date.parse(d.succeededAt)) / 60_000));
  const gap = minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 6) / 10} h`;
  const name = `${d.app} ${d.version ?? d.ref}`;
  return `${f.text(what)} ${gap} after ${f.strong(name)} reached ${f.text(d.environment)} (${f.text(
    `deploy #${d.id} by @${d.creator}, commit ${d.sha.slice(0, 7)}`,
  )})`;
}
