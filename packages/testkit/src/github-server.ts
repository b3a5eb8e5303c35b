import * as http from 'node:http';
import { listenOnLoopback } from './loopback';
import { githubObjects, type JsonObject } from './github-objects';

/**
 * A loopback stand-in for the parts of GitHub's REST API the toolkit uses: repositories, workflows,
 * workflow runs (filters, `Link` pagination, the 1,000-result cap), run attempts, jobs with steps,
 * issues with labels and comments, rate-limit headers and faults. Its bodies follow GitHub's
 * OpenAPI description (a test validates them against it), so what works here works on GitHub.
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
  | { kind: 'reset' };

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
  /** The token's `issues` permission: `read` makes issue and label writes 403, `none` reads too. */
  setPermission(scope: 'issues', permission: Permission): void;
  /** Changes the accepted token (e.g. to make the action's token a bad one). */
  setToken(token: string): void;
  /** Remaining primary rate limit, reported in `x-ratelimit-remaining`. */
  rateLimitRemaining: number;
  /** Forgets the request log and queued faults; keeps the data. */
  resetLog(): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = 'ghs_standin0123456789';
const DOCS = 'https://docs.github.com/rest';
const RESULT_CAP = 1000;

export async function startGitHubServer(seed: GitHubSeed = {}): Promise<GitHubServer> {
  const repositories = new Map<string, StoredRepository>();
  const workflows: StoredWorkflow[] = [];
  const runs: StoredRun[] = [];
  const issues: StoredIssue[] = [];
  const labels: StoredLabel[] = [];
  const requests: RequestRecord[] = [];
  const faults: { match: FaultMatch; fault: GitHubFault }[] = [];
  const permissions: Record<'issues', Permission> = { issues: 'write' };
  let token = seed.token ?? DEFAULT_TOKEN;
  const htmlBase = (seed.htmlBase ?? 'https://github.com').replace(/\/+$/, '');
  let nextId = 1;
  const id = () => nextId++;
  // Seeded runs default to one minute apart, starting two days ago, so lookbacks of days see them.
  let clock = Date.now() - 2 * 86_400_000;
  const state = { rateLimitRemaining: 1000 };

  const repoOf = (fullName?: string): StoredRepository => {
    const name = fullName ?? repositories.keys().next().value;
    const repo = name ? repositories.get(name) : undefined;
    if (!repo) throw new Error(`stand-in: no repository ${String(fullName)}`);
    return repo;
  };
  const findWorkflow = (idOrName: number | string, repository: string) =>
    workflows.find(
      (w) =>
        w.repository === repository &&
        (typeof idOrName === 'number'
          ? w.id === idOrName
          : String(w.id) === idOrName || w.name === idOrName || basename(w.path) === idOrName),
    );

  const addRepository: GitHubServer['addRepository'] = (fullName, options = {}) => {
    const [owner = '', name = ''] = fullName.split('/');
    const repo: StoredRepository = {
      id: 700000000 + id(),
      owner,
      name,
      fullName,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
    };
    repositories.set(fullName, repo);
    return repo;
  };

  const addWorkflow: GitHubServer['addWorkflow'] = (w) => {
    const repository = repoOf(w.repository).fullName;
    const file = w.path ?? `${w.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yml`;
    const wf: StoredWorkflow = {
      id: 160000000 + id(),
      repository,
      name: w.name,
      path: file.includes('/') ? file : `.github/workflows/${file}`,
      state: w.state ?? 'active',
      createdAt: new Date(clock - 30 * 86_400_000).toISOString(),
    };
    workflows.push(wf);
    return wf;
  };

  const makeJobs = (
    runId: number,
    attempt: number,
    startedAt: string,
    conclusion: Conclusion | null,
    seeds?: readonly JobSeed[],
  ): StoredJob[] =>
    (seeds ?? [{ name: 'build', conclusion, steps: ['Run tests'] }]).map((j) => {
      const jobConclusion = j.conclusion === undefined ? conclusion : j.conclusion;
      const done = jobConclusion !== null;
      const seeds = j.steps ?? ['Run tests'];
      const steps = seeds.map((s, i): StoredStep => {
        const step = typeof s === 'string' ? { name: s } : s;
        // Steps without a conclusion succeed, except the last, which ends like its job.
        const implied = i === seeds.length - 1 ? jobConclusion : done ? 'success' : null;
        return {
          name: step.name,
          status: done ? 'completed' : 'in_progress',
          conclusion: step.conclusion === undefined ? implied : step.conclusion,
          number: i + 1,
          startedAt: startedAt,
          completedAt: done ? startedAt : null,
        };
      });
      return {
        id: 30000000000 + id(),
        runId,
        runAttempt: attempt,
        name: j.name,
        status: done ? 'completed' : 'in_progress',
        conclusion: jobConclusion,
        startedAt,
        completedAt: done ? new Date(Date.parse(startedAt) + 60_000).toISOString() : null,
        steps,
      };
    });

  const addRun: GitHubServer['addRun'] = (r) => {
    const repo = repoOf(r.repository);
    const wf = findWorkflow(r.workflow, repo.fullName);
    if (!wf) throw new Error(`stand-in: no workflow ${String(r.workflow)} in ${repo.fullName}`);
    const created = r.createdAt ? new Date(r.createdAt).getTime() : (clock += 60_000);
    const createdAt = new Date(created).toISOString();
    const conclusion = r.conclusion === undefined ? 'success' : r.conclusion;
    const status: RunStatus = r.status ?? (conclusion === null ? 'in_progress' : 'completed');
    const runId = 9000000000 + id();
    const runNumber = runs.filter((x) => x.workflowId === wf.id).length + 1;
    const earlier = r.previousAttempts ?? [];
    const attempts: StoredAttempt[] = [...earlier, conclusion].map((c, i) => {
      const startedAt = new Date(created + i * 600_000).toISOString();
      const last = i === earlier.length;
      return {
        attempt: i + 1,
        status: last ? status : 'completed',
        conclusion: c,
        startedAt,
        updatedAt: new Date(created + i * 600_000 + 120_000).toISOString(),
      };
    });
    const message = r.message ?? `Change ${runNumber} to ${wf.name}`;
    const run: StoredRun = {
      id: runId,
      repository: repo.fullName,
      workflowId: wf.id,
      runNumber,
      headBranch: r.branch === undefined ? repo.defaultBranch : r.branch,
      headSha: r.headSha ?? sha(`${runId}`),
      event: r.event ?? 'push',
      displayTitle: message.split('\n')[0] ?? message,
      commitMessage: message,
      actor: r.actor ?? 'octocat',
      createdAt,
      attempts,
      jobs: attempts.flatMap((a) =>
        makeJobs(
          runId,
          a.attempt,
          a.startedAt,
          a.conclusion,
          a.attempt === attempts.length ? r.jobs : undefined,
        ),
      ),
    };
    runs.push(run);
    return run;
  };

  const rerun: GitHubServer['rerun'] = (runId, conclusion, jobs) => {
    const run = runs.find((r) => r.id === runId);
    if (!run) throw new Error(`stand-in: no run ${runId}`);
    const last = run.attempts[run.attempts.length - 1];
    const started = Date.parse(last?.updatedAt ?? run.createdAt) + 60_000;
    const attempt: StoredAttempt = {
      attempt: run.attempts.length + 1,
      status: 'completed',
      conclusion,
      startedAt: new Date(started).toISOString(),
      updatedAt: new Date(started + 120_000).toISOString(),
    };
    run.attempts.push(attempt);
    run.jobs.push(...makeJobs(run.id, attempt.attempt, attempt.startedAt, conclusion, jobs));
    return run;
  };

  const ensureLabel = (
    repository: string,
    name: string,
    color = 'ededed',
    description: string | null = null,
  ) => {
    const existing = labels.find(
      (l) => l.repository === repository && l.name.toLowerCase() === name.toLowerCase(),
    );
    if (existing) return existing;
    const label: StoredLabel = { id: 5000000000 + id(), repository, name, color, description };
    labels.push(label);
    return label;
  };

  const addIssue: GitHubServer['addIssue'] = (s) => {
    const repository = repoOf(s.repository).fullName;
    const now = new Date(clock).toISOString();
    for (const l of s.labels ?? []) ensureLabel(repository, l);
    const issue: StoredIssue = {
      id: 2000000000 + id(),
      repository,
      number: issues.filter((i) => i.repository === repository).length + 1,
      title: s.title,
      body: s.body ?? null,
      state: s.state ?? 'open',
      stateReason: s.state === 'closed' ? 'completed' : null,
      labels: [...(s.labels ?? [])],
      createdAt: now,
      updatedAt: now,
      closedAt: s.state === 'closed' ? now : null,
      comments: [],
      user: 'github-actions[bot]',
    };
    issues.push(issue);
    return issue;
  };

  addRepository(seed.repository ?? 'acme/mara', { defaultBranch: seed.defaultBranch ?? 'main' });
  for (const w of seed.workflows ?? []) addWorkflow(w);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle();
      } catch (e) {
        // A stand-in bug must fail the test loudly, not hang it.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `stand-in error: ${e instanceof Error ? e.stack : String(e)}` }));
      }
    });
    const handle = () => {
      const method = req.method ?? 'GET';
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: JsonObject = {};
      if (raw) {
        try {
          body = JSON.parse(raw) as JsonObject;
        } catch {
          body = { __invalid: raw };
        }
      }
      const record = (status: number) =>
        requests.push({ method, path: url.pathname, query, status, ...(raw ? { body } : {}) });
      const base = `http://${req.headers.host ?? `127.0.0.1:${port}`}`;
      const reset = Math.floor(Date.now() / 1000) + 3600;
      const rateHeaders = (): Record<string, string> => ({
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': String(Math.max(state.rateLimitRemaining, 0)),
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-used': String(1000 - Math.max(state.rateLimitRemaining, 0)),
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
      });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        record(status);
        const text = payload === undefined ? '' : JSON.stringify(payload);
        res.writeHead(status, {
          ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...rateHeaders(),
          ...headers,
        });
        res.end(text);
      };
      const error = (
        status: number,
        message: string,
        extra: JsonObject = {},
        headers?: Record<string, string>,
      ) => send(status, { message, documentation_url: DOCS, status: String(status), ...extra }, headers);

      // Authentication first, as GitHub does: a bad token never reaches a fault or a resource.
      const auth = req.headers.authorization ?? '';
      const given = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1];
      if (given !== token) return error(401, given ? 'Bad credentials' : 'Requires authentication');

      const fi = faults.findIndex(
        ({ match }) =>
          (!match.method || match.method.toUpperCase() === method) &&
          (!match.path ||
            (typeof match.path === 'string' ? match.path === url.pathname : match.path.test(url.pathname))),
      );
      if (fi >= 0) {
        const fault = (faults.splice(fi, 1)[0] as { fault: GitHubFault }).fault;
        switch (fault.kind) {
          case 'reset':
            record(0);
            req.socket.destroy();
            return;
          case 'status':
            return error(
              fault.status,
              fault.status >= 500 ? 'Server Error' : `Stand-in fault ${fault.status}`,
            );
          case 'secondary-rate-limit':
            return error(
              fault.status ?? 403,
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
              {},
              { 'retry-after': String(fault.retryAfter ?? 1) },
            );
          case 'rate-limit': {
            const headers = {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (fault.resetIn ?? 1)),
            };
            return error(403, 'API rate limit exceeded for installation ID 1.', {}, headers);
          }
        }
      }
      state.rateLimitRemaining--;

      const objects = githubObjects(base, htmlBase);
      const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
      if (!m) return error(404, 'Not Found');
      const repo = repositories.get(`${m[1]}/${m[2]}`);
      if (!repo) return error(404, 'Not Found');
      const rest = m[3] ?? '';
      const full = repo.fullName;
      const paginate = <T>(items: readonly T[], cap = false) => {
        const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
        const page = Math.max(Number(query.page ?? 1) || 1, 1);
        const reachable = cap ? items.slice(0, RESULT_CAP) : items;
        const pages = Math.max(Math.ceil(reachable.length / perPage), 1);
        const slice = reachable.slice((page - 1) * perPage, page * perPage);
        const link = (p: number, rel: string) => {
          const u = new URL(url.pathname, base);
          for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
          u.searchParams.set('page', String(p));
          return `<${u.toString()}>; rel="${rel}"`;
        };
        const links = [
          ...(page > 1 ? [link(page - 1, 'prev')] : []),
          ...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []),
          ...(page > 1 ? [link(1, 'first')] : []),
        ];
        return { slice, headers: links.length ? { link: links.join(', ') } : ({} as Record<string, string>) };
      };
      const denied = (write: boolean): boolean => {
        if (permissions.issues === 'none' || (write && permissions.issues === 'read')) {
          error(403, 'Resource not accessible by integration');
          return true;
        }
        return false;
      };

      let mm: RegExpExecArray | null;
      const labelsOf = (i: StoredIssue) => i.labels.map((n) => ensureLabel(i.repository, n));
      const wfOf = (r: StoredRun) => workflows.find((w) => w.id === r.workflowId) as StoredWorkflow;
      const runOf = (runId: string | undefined) =>
        runs.find((r) => r.repository === full && String(r.id) === runId);
      const issueOf = (n: string | undefined) =>
        issues.find((i) => i.repository === full && String(i.number) === n);
      // GitHub accepts the numeric id or the file name for a workflow, never its display name.
      const workflowByKey = (key: string) =>
        workflows.find((w) => w.repository === full && (String(w.id) === key || basename(w.path) === key));
      if (rest === '' && method === 'GET') return send(200, objects.repository(repo));

      if (rest === '/actions/workflows' && method === 'GET') {
        const list = workflows.filter((w) => w.repository === full);
        const { slice, headers } = paginate(list);
        return send(
          200,
          { total_count: list.length, workflows: slice.map((w) => objects.workflow(w)) },
          headers,
        );
      }
      if ((mm = /^\/actions\/workflows\/([^/]+)$/.exec(rest)) && method === 'GET') {
        const wf = workflowByKey(decodeURIComponent(mm[1] ?? ''));
        return wf ? send(200, objects.workflow(wf)) : error(404, 'Not Found');
      }
      const listRuns = (filter: (r: StoredRun) => boolean) => {
        const problem = runFilterProblem(query);
        if (problem) return error(422, problem);
        const list = runs
          .filter((r) => r.repository === full && filter(r) && matchesRunQuery(r, query))
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
        const filtered = ['branch', 'status', 'event', 'created', 'head_sha', 'actor'].some((k) => query[k]);
        const { slice, headers } = paginate(list, filtered);
        return send(
          200,
          { total_count: list.length, workflow_runs: slice.map((r) => objects.run(r, repo, wfOf(r))) },
          headers,
        );
      };
      if ((mm = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest)) && method === 'GET') {
        const wf = workflowByKey(decodeURIComponent(mm[1] ?? ''));
        if (!wf) return error(404, 'Not Found');
        return listRuns((r) => r.workflowId === wf.id);
      }
      if (rest === '/actions/runs' && method === 'GET') return listRuns(() => true);
      if ((mm = /^\/actions\/runs\/(\d+)$/.exec(rest)) && method === 'GET') {
        const run = runOf(mm[1]);
        return run ? send(200, objects.run(run, repo, wfOf(run))) : error(404, 'Not Found');
      }
      if ((mm = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)$/.exec(rest)) && method === 'GET') {
        const run = runOf(mm[1]);
        const n = Number(mm[2]);
        if (!run || n < 1 || n > run.attempts.length) return error(404, 'Not Found');
        return send(200, objects.run(run, repo, wfOf(run), n));
      }
      if ((mm = /^\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?\/jobs$/.exec(rest)) && method === 'GET') {
        const run = runOf(mm[1]);
        if (!run) return error(404, 'Not Found');
        const attempt = mm[2] ? Number(mm[2]) : undefined;
        if (query.filter && !['latest', 'all'].includes(query.filter))
          return error(422, `Invalid filter: ${query.filter}`);
        const latest = run.attempts.length;
        const list = run.jobs.filter((j) =>
          attempt !== undefined
            ? j.runAttempt === attempt
            : query.filter === 'all' || j.runAttempt === latest,
        );
        const { slice, headers } = paginate(list);
        return send(
          200,
          { total_count: list.length, jobs: slice.map((j) => objects.job(j, run, repo, wfOf(run))) },
          headers,
        );
      }

      if (rest === '/labels' && method === 'GET') {
        if (denied(false)) return;
        const { slice, headers } = paginate(labels.filter((l) => l.repository === full));
        return send(
          200,
          slice.map((l) => objects.label(l, repo)),
          headers,
        );
      }
      if ((mm = /^\/labels\/([^/]+)$/.exec(rest)) && method === 'GET') {
        const name = decodeURIComponent(mm[1] ?? '');
        const label = labels.find(
          (l) => l.repository === full && l.name.toLowerCase() === name.toLowerCase(),
        );
        return label ? send(200, objects.label(label, repo)) : error(404, 'Not Found');
      }
      if (rest === '/labels' && method === 'POST') {
        if (denied(true)) return;
        const name = typeof body.name === 'string' ? body.name : '';
        if (!name) return validation('Label', 'name', 'missing_field');
        if (labels.some((l) => l.repository === full && l.name.toLowerCase() === name.toLowerCase()))
          return validation('Label', 'name', 'already_exists');
        const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed';
        if (!/^[0-9a-f]{6}$/i.test(color)) return validation('Label', 'color', 'invalid');
        const label = ensureLabel(
          full,
          name,
          color,
          typeof body.description === 'string' ? body.description : null,
        );
        return send(201, objects.label(label, repo));
      }

      if (rest === '/issues' && method === 'GET') {
        if (denied(false)) return;
        const want = query.state ?? 'open';
        const wanted = (query.labels ?? '')
          .split(',')
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean);
        const list = issues
          .filter(
            (i) =>
              i.repository === full &&
              (want === 'all' || i.state === want) &&
              wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)),
          )
          .sort((a, b) => (query.direction === 'asc' ? a.number - b.number : b.number - a.number));
        const { slice, headers } = paginate(list);
        return send(
          200,
          slice.map((i) => objects.issue(i, repo, labelsOf(i))),
          headers,
        );
      }
      if (rest === '/issues' && method === 'POST') {
        if (denied(true)) return;
        if (typeof body.title !== 'string' || !body.title)
          return validation('Issue', 'title', 'missing_field');
        const created = addIssue({
          repository: full,
          title: body.title,
          ...(typeof body.body === 'string' ? { body: body.body } : {}),
          labels: Array.isArray(body.labels) ? body.labels.map((l) => String(l)) : [],
        });
        return send(201, objects.issue(created, repo, labelsOf(created)));
      }
      if ((mm = /^\/issues\/(\d+)$/.exec(rest)) && (method === 'GET' || method === 'PATCH')) {
        if (denied(method === 'PATCH')) return;
        const issue = issueOf(mm[1]);
        if (!issue) return error(404, 'Not Found');
        if (method === 'PATCH') {
          if (typeof body.title === 'string') issue.title = body.title;
          if (typeof body.body === 'string' || body.body === null) issue.body = body.body;
          if (Array.isArray(body.labels)) issue.labels = body.labels.map((l) => String(l));
          if (body.state === 'closed' && issue.state === 'open') {
            issue.state = 'closed';
            issue.closedAt = new Date().toISOString();
            issue.stateReason = body.state_reason === 'not_planned' ? 'not_planned' : 'completed';
          } else if (body.state === 'open' && issue.state === 'closed') {
            issue.state = 'open';
            issue.closedAt = null;
            issue.stateReason = 'reopened';
          }
          issue.updatedAt = new Date().toISOString();
        }
        return send(200, objects.issue(issue, repo, labelsOf(issue)));
      }
      if ((mm = /^\/issues\/(\d+)\/comments$/.exec(rest)) && (method === 'GET' || method === 'POST')) {
        if (denied(method === 'POST')) return;
        const issue = issueOf(mm[1]);
        if (!issue) return error(404, 'Not Found');
        if (method === 'POST') {
          if (typeof body.body !== 'string' || !body.body)
            return validation('IssueComment', 'body', 'missing_field');
          const comment: StoredComment = {
            id: 1500000000 + id(),
            body: body.body,
            createdAt: new Date().toISOString(),
            user: 'github-actions[bot]',
          };
          issue.comments.push(comment);
          issue.updatedAt = comment.createdAt;
          return send(201, objects.comment(comment, issue, repo));
        }
        const { slice, headers } = paginate(issue.comments);
        return send(
          200,
          slice.map((c) => objects.comment(c, issue, repo)),
          headers,
        );
      }
      return error(404, 'Not Found');

      function validation(resource: string, field: string, code: string) {
        return error(422, 'Validation Failed', { errors: [{ resource, code, field }] });
      }
    };
  });
  const { port, close } = await listenOnLoopback(server);

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get token() {
      return token;
    },
    htmlBase,
    addRepository,
    repository: repoOf,
    addWorkflow,
    workflow: (idOrName, repository) => {
      const wf = findWorkflow(idOrName, repoOf(repository).fullName);
      if (!wf) throw new Error(`stand-in: no workflow ${String(idOrName)}`);
      return wf;
    },
    addRun,
    rerun,
    addIssue,
    addLabel: (name, options = {}) =>
      ensureLabel(repoOf(options.repository).fullName, name, options.color, options.description ?? null),
    runs,
    issues: (repository) => issues.filter((i) => !repository || i.repository === repository),
    labels: (repository) => labels.filter((l) => !repository || l.repository === repository),
    requests,
    fail: (f, match = {}) => {
      for (const fault of Array.isArray(f) ? f : [f]) faults.push({ match, fault });
    },
    setPermission: (_scope, permission) => {
      permissions.issues = permission;
    },
    setToken: (t) => {
      token = t;
    },
    get rateLimitRemaining() {
      return state.rateLimitRemaining;
    },
    set rateLimitRemaining(n: number) {
      state.rateLimitRemaining = n;
    },
    resetLog: () => {
      requests.length = 0;
      faults.length = 0;
    },
    close,
  };
}

const RUN_STATUSES = [
  'completed',
  'in_progress',
  'queued',
  'requested',
  'waiting',
  'pending',
  'action_required',
];
const RUN_CONCLUSIONS = ['cancelled', 'failure', 'neutral', 'skipped', 'stale', 'success', 'timed_out'];

/** GitHub answers 422 to a `status` it does not know (`startup_failure` included, REFERENCE §3). */
function runFilterProblem(query: Record<string, string>): string | undefined {
  if (query.status && ![...RUN_STATUSES, ...RUN_CONCLUSIONS].includes(query.status))
    return `Invalid status: ${query.status}`;
  if (query.created && !parseCreated(query.created)) return `Invalid created: ${query.created}`;
  return undefined;
}

function matchesRunQuery(run: StoredRun, query: Record<string, string>): boolean {
  const latest = run.attempts[run.attempts.length - 1];
  if (query.branch && run.headBranch !== query.branch) return false;
  if (query.event && run.event !== query.event) return false;
  if (query.head_sha && run.headSha !== query.head_sha) return false;
  if (query.actor && run.actor !== query.actor) return false;
  if (query.status) {
    const s = query.status;
    const matches = RUN_CONCLUSIONS.includes(s) ? latest?.conclusion === s : latest?.status === s;
    if (!matches) return false;
  }
  if (query.created) {
    const range = parseCreated(query.created);
    const t = Date.parse(run.createdAt);
    if (range && (t < range.from || t > range.to)) return false;
  }
  return true;
}

/** GitHub's search date syntax: `>=d`, `<=d`, `>d`, `<d`, `a..b`, `a..*`, or one date (that day). */
function parseCreated(text: string): { from: number; to: number } | undefined {
  const day = (s: string, end: boolean) => {
    if (s === '*') return end ? Infinity : -Infinity;
    const t = Date.parse(/T/.test(s) ? s : `${s}T00:00:00Z`);
    if (Number.isNaN(t)) return NaN;
    return end && !/T/.test(s) ? t + 86_399_999 : t;
  };
  let r: { from: number; to: number };
  const m = /^(>=|<=|>|<)(.+)$/.exec(text);
  if (m) {
    const [, op, d = ''] = m;
    if (op === '>=') r = { from: day(d, false), to: Infinity };
    else if (op === '>') r = { from: day(d, true) + 1, to: Infinity };
    else if (op === '<=') r = { from: -Infinity, to: day(d, true) };
    else r = { from: -Infinity, to: day(d, false) - 1 };
  } else if (text.includes('..')) {
    const [a = '', b = ''] = text.split('..');
    r = { from: day(a, false), to: day(b, true) };
  } else r = { from: day(text, false), to: day(text, true) };
  return Number.isNaN(r.from) || Number.isNaN(r.to) ? undefined : r;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A stable 40-hex-digit sha for a seed string. */
export function sha(seed: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

export const GITHUB_DEFAULTS = { token: DEFAULT_TOKEN, repository: 'acme/mara' };
