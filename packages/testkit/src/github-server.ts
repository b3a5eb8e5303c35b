import * as http from 'node:http';
import { actionsRoutes } from './github-actions-routes';
import { branchNames, contentsRoutes, putFile, readFile } from './github-contents-routes';
import { deploymentsRoutes } from './github-deployments-routes';
import { GitHubGate } from './github-gate';
import { jsonHandler } from './github-http';
import { issuesRoutes } from './github-issues-routes';
import type {
  Conclusion,
  FaultMatch,
  GitHubFault,
  GitHubSeed,
  IssueSeed,
  JobSeed,
  Permission,
  RequestRecord,
  RunSeed,
  StoredIssue,
  StoredLabel,
  StoredRepository,
  StoredRun,
  StoredWorkflow,
} from './github-model';
import { routeRequest } from './github-routing';
import { GitHubStore } from './github-store';
import { listenOnLoopback } from './loopback';

/**
 * A loopback stand-in for the parts of GitHub's REST API the toolkit uses: repositories, workflows,
 * workflow runs (filters, `Link` pagination, the 1,000-result cap), run attempts, jobs with steps,
 * issues with labels and comments, rate-limit headers and faults. Its bodies follow GitHub's
 * OpenAPI description (a test validates them against it), so what works here works on GitHub.
 *
 * This file wires the parts: the store (data and its changes), the gate (token, faults, rate
 * limit, request log), the routes (the REST surface) and the queries they filter and page with.
 */

export interface GitHubServer {
  readonly port: number;
  /** The REST API root to pass as GITHUB_API_URL. */
  readonly url: string;
  readonly token: string;
  readonly htmlBase: string;
  addRepository(fullName: string, options?: { defaultBranch?: string; private?: boolean }): StoredRepository;
  repository(fullName?: string): StoredRepository;
  addWorkflow(seed: {
    name: string;
    path?: string;
    state?: StoredWorkflow['state'];
    repository?: string;
  }): StoredWorkflow;
  workflow(idOrName: number | string, repository?: string): StoredWorkflow;
  addRun(seed: RunSeed): StoredRun;
  /** Adds an attempt to an existing run (a re-run), concluding `conclusion`. */
  rerun(runId: number, conclusion: Conclusion, jobs?: readonly JobSeed[]): StoredRun;
  addIssue(seed: IssueSeed): StoredIssue;
  addLabel(
    name: string,
    options?: { repository?: string; color?: string; description?: string },
  ): StoredLabel;
  readonly runs: StoredRun[];
  issues(repository?: string): StoredIssue[];
  labels(repository?: string): StoredLabel[];
  /** Every request received, in order (faulted ones too). */
  readonly requests: RequestRecord[];
  /** Queues one-shot faults for the next matching requests. */
  fail(faults: GitHubFault | GitHubFault[], match?: FaultMatch): void;
  /**
   * A file on a branch (default: the repository's default branch; a missing branch is created from
   * it), as a test seeds a workflow file or another writer changes a state file; returns its sha.
   */
  putFile(path: string, content: string | Buffer, options?: { branch?: string; repository?: string }): string;
  /** A file's text on a branch, `undefined` when the branch or file does not exist. */
  file(path: string, options?: { branch?: string; repository?: string }): string | undefined;
  /** The repository's branch names. */
  branches(repository?: string): string[];
  /**
   * The token's `issues`, `contents` or `deployments` permission: `read` makes writes 403, `none` reads too.
   */
  setPermission(scope: 'issues' | 'contents' | 'deployments', permission: Permission): void;
  /** Changes the accepted token (e.g. to make the action's token a bad one). */
  setToken(token: string): void;
  /** Remaining primary rate limit, reported in `x-ratelimit-remaining`. */
  rateLimitRemaining: number;
  /** Forgets the request log and queued faults; keeps the data. */
  resetLog(): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = 'ghs_standin0123456789';
const ROUTES = [...actionsRoutes, ...issuesRoutes, ...contentsRoutes, ...deploymentsRoutes];

export async function startGitHubServer(seed: GitHubSeed = {}): Promise<GitHubServer> {
  const store = new GitHubStore();
  const gate = new GitHubGate(seed.token ?? DEFAULT_TOKEN);
  const htmlBase = (seed.htmlBase ?? 'https://github.com').replace(/\/+$/, '');
  store.addRepository(seed.repository ?? 'acme/mara', { defaultBranch: seed.defaultBranch ?? 'main' });
  for (const w of seed.workflows ?? []) store.addWorkflow(w);

  let port = 0;
  const server = http.createServer(
    jsonHandler(
      (exchange) => {
        if (gate.admit(exchange)) routeRequest(exchange, ROUTES, store, gate, htmlBase);
      },
      {
        headers: () => gate.rateHeaders(),
        log: (record) => gate.requests.push(record),
        host: () => `127.0.0.1:${port}`,
      },
    ),
  );
  const listening = await listenOnLoopback(server);
  port = listening.port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get token() {
      return gate.token;
    },
    htmlBase,
    addRepository: (fullName, options) => store.addRepository(fullName, options),
    repository: (fullName) => store.repository(fullName),
    addWorkflow: (w) => store.addWorkflow(w),
    workflow: (idOrName, repository) => {
      const wf = store.findWorkflow(idOrName, store.repository(repository).fullName);
      if (!wf) throw new Error(`stand-in: no workflow ${String(idOrName)}`);
      return wf;
    },
    addRun: (r) => store.addRun(r),
    rerun: (runId, conclusion, jobs) => store.rerun(runId, conclusion, jobs),
    addIssue: (s) => store.addIssue(s),
    addLabel: (name, options = {}) =>
      store.ensureLabel(
        store.repository(options.repository).fullName,
        name,
        options.color,
        options.description ?? null,
      ),
    runs: store.runs,
    issues: (repository) => store.issues.filter((i) => !repository || i.repository === repository),
    labels: (repository) => store.labels.filter((l) => !repository || l.repository === repository),
    requests: gate.requests,
    fail: (faults, match) => gate.fail(faults, match),
    putFile: (path, content, options = {}) => {
      const repo = store.repository(options.repository);
      return putFile(store, repo, path, content, options.branch);
    },
    file: (path, options = {}) => readFile(store, store.repository(options.repository), path, options.branch),
    branches: (repository) => branchNames(store, store.repository(repository)),
    setPermission: (scope, permission) => {
      gate[scope] = permission;
    },
    setToken: (token) => {
      gate.token = token;
    },
    get rateLimitRemaining() {
      return gate.rateLimitRemaining;
    },
    set rateLimitRemaining(n: number) {
      gate.rateLimitRemaining = n;
    },
    resetLog: () => gate.resetLog(),
    close: listening.close,
  };
}

export const GITHUB_DEFAULTS = { token: DEFAULT_TOKEN, repository: 'acme/mara' };
