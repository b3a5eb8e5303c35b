import { createHash } from 'node:crypto';
import type { Exchange } from './github-http';
import type { StoredRepository } from './github-model';
import type { GitHubObjects, JsonObject } from './github-objects';
import { validationFailed, type Route } from './github-routing';
import type { GitHubStore } from './github-store';

/**
 * The Deployments API: deployments (listed newest first, filtered by `environment`, `ref`, `sha`,
 * `task`) and their statuses (newest first). Created through the REST API as a deploy workflow
 * does; a test seeds history with two fields GitHub does not take: `created_at` (when it
 * happened) and `creator` (who did it; default the job token's `github-actions[bot]`).
 */

interface StoredDeployment {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly environment: string;
  readonly description: string | null;
  readonly payload: unknown;
  readonly creator: string;
  readonly createdAt: string;
  readonly statuses: StoredStatus[];
}

interface StoredStatus {
  readonly id: number;
  readonly state: string;
  readonly description: string;
  readonly environmentUrl: string;
  readonly logUrl: string;
  readonly creator: string;
  readonly createdAt: string;
}

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const deployments = new WeakMap<GitHubStore, Map<string, StoredDeployment[]>>();
let nextId = 1_200_000_000;

function listOf(store: GitHubStore, repo: StoredRepository): StoredDeployment[] {
  let byRepo = deployments.get(store);
  if (!byRepo) deployments.set(store, (byRepo = new Map()));
  let list = byRepo.get(repo.fullName);
  if (!list) byRepo.set(repo.fullName, (list = []));
  return list;
}

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const time = (v: unknown): string =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v))
    ? new Date(v).toISOString()
    : new Date().toISOString();
const newestFirst = <T extends { createdAt: string; id: number }>(a: T, b: T) =>
  b.createdAt.localeCompare(a.createdAt) || b.id - a.id;

function deploymentJson(
  d: StoredDeployment,
  repo: StoredRepository,
  o: GitHubObjects,
  api: string,
): JsonObject {
  const url = `${api}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: `DE_kwDO${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: o.user(d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: `${api}/repos/${repo.fullName}`,
    transient_environment: false,
    production_environment: d.environment === 'production',
  };
}

function statusJson(
  s: StoredStatus,
  d: StoredDeployment,
  repo: StoredRepository,
  o: GitHubObjects,
  api: string,
) {
  const url = `${api}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url: `${url}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_kwDO${s.id}`,
    state: s.state,
    creator: o.user(s.creator),
    description: s.description,
    environment: d.environment,
    target_url: s.logUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: url,
    repository_url: `${api}/repos/${repo.fullName}`,
    // GitHub leaves out the URLs a status was not given (they are `uri`s when present).
    ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
    ...(s.logUrl ? { log_url: s.logUrl } : {}),
  };
}

const find = (store: GitHubStore, repo: StoredRepository, id: string | undefined) =>
  listOf(store, repo).find((d) => String(d.id) === id);

const apiOf = (exchange: Exchange) => exchange.base;

export const deploymentsRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: /^\/deployments$/,
    deployments: 'read',
    handle: ({ exchange, store, repo, objects, page }) => {
      const q = exchange.query;
      const list = listOf(store, repo)
        .filter(
          (d) =>
            (!q.environment || d.environment === q.environment) &&
            (!q.ref || d.ref === q.ref) &&
            (!q.sha || d.sha === q.sha) &&
            (!q.task || d.task === q.task),
        )
        .sort(newestFirst);
      const { slice, headers } = page(list);
      exchange.send(
        200,
        slice.map((d) => deploymentJson(d, repo, objects, apiOf(exchange))),
        headers,
      );
    },
  },
  {
    method: 'POST',
    path: /^\/deployments$/,
    deployments: 'write',
    handle: ({ exchange, store, repo, objects }) => {
      const { body } = exchange;
      const ref = text(body.ref);
      if (!ref) return validationFailed(exchange, 'Deployment', 'ref', 'missing_field');
      const d: StoredDeployment = {
        id: ++nextId,
        // GitHub resolves the ref to its commit; the stand-in has no git, so a ref names a stable fake one.
        sha:
          text(body.sha) || (/^[0-9a-f]{40}$/.test(ref) ? ref : createHash('sha1').update(ref).digest('hex')),
        ref,
        task: text(body.task, 'deploy'),
        environment: text(body.environment, 'production'),
        description: typeof body.description === 'string' ? body.description : null,
        payload: body.payload ?? {},
        creator: text(body.creator, 'github-actions[bot]'),
        createdAt: time(body.created_at),
        statuses: [],
      };
      listOf(store, repo).push(d);
      exchange.send(201, deploymentJson(d, repo, objects, apiOf(exchange)));
    },
  },
  {
    method: 'GET',
    path: /^\/deployments\/(\d+)\/statuses$/,
    deployments: 'read',
    handle: ({ exchange, store, repo, objects, params, page }) => {
      const d = find(store, repo, params[0]);
      if (!d) return exchange.error(404, 'Not Found');
      const { slice, headers } = page([...d.statuses].sort(newestFirst));
      exchange.send(
        200,
        slice.map((s) => statusJson(s, d, repo, objects, apiOf(exchange))),
        headers,
      );
    },
  },
  {
    method: 'POST',
    path: /^\/deployments\/(\d+)\/statuses$/,
    deployments: 'write',
    handle: ({ exchange, store, repo, objects, params }) => {
      const d = find(store, repo, params[0]);
      if (!d) return exchange.error(404, 'Not Found');
      const { body } = exchange;
      const state = text(body.state);
      if (!STATES.includes(state)) return validationFailed(exchange, 'DeploymentStatus', 'state', 'invalid');
      const s: StoredStatus = {
        id: ++nextId,
        state,
        description: text(body.description),
        environmentUrl: text(body.environment_url),
        logUrl: text(body.log_url) || text(body.target_url),
        creator: text(body.creator, d.creator),
        createdAt: time(body.created_at),
      };
      d.statuses.push(s);
      exchange.send(201, statusJson(s, d, repo, objects, apiOf(exchange)));
    },
  },
];
