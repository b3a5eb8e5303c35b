import type { StoredRun } from './github-model';
import {
  isFilteredRunQuery,
  jobFilterProblem,
  jobsOf,
  matchesRunQuery,
  newestRunFirst,
  runFilterProblem,
} from './github-queries';
import type { Route, RouteContext } from './github-routing';

/**
 * The repository itself and its Actions data: workflows (with their `state`: active, disabled by
 * inactivity or by hand, and PUT enable/disable), runs (any conclusion, `startup_failure` too, and
 * the `event` filter a scheduled-run lookup uses), attempts and jobs.
 */
export const actionsRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: /^$/,
    handle: ({ exchange, repo, objects }) => exchange.send(200, objects.repository(repo)),
  },
  {
    method: 'GET',
    path: /^\/actions\/workflows$/,
    handle: ({ exchange, store, repo, objects, page }) => {
      const list = store.workflows.filter((w) => w.repository === repo.fullName);
      const { slice, headers } = page(list);
      exchange.send(
        200,
        { total_count: list.length, workflows: slice.map((w) => objects.workflow(w)) },
        headers,
      );
    },
  },
  {
    method: 'GET',
    path: /^\/actions\/workflows\/([^/]+)$/,
    handle: ({ exchange, store, repo, objects, params }) => {
      const wf = store.workflowByKey(repo.fullName, params[0] ?? '');
      return wf ? exchange.send(200, objects.workflow(wf)) : exchange.error(404, 'Not Found');
    },
  },
  {
    // Enable or disable a workflow, as Actions → workflow → Enable workflow does (204, no body).
    method: 'PUT',
    path: /^\/actions\/workflows\/([^/]+)\/(enable|disable)$/,
    handle: ({ exchange, store, repo, params }) => {
      const wf = store.workflowByKey(repo.fullName, params[0] ?? '');
      if (!wf) return exchange.error(404, 'Not Found');
      wf.state = params[1] === 'enable' ? 'active' : 'disabled_manually';
      exchange.send(204, undefined);
    },
  },
  {
    method: 'GET',
    path: /^\/actions\/workflows\/([^/]+)\/runs$/,
    handle: (context) => {
      const { exchange, store, repo, params } = context;
      const wf = store.workflowByKey(repo.fullName, params[0] ?? '');
      if (!wf) return exchange.error(404, 'Not Found');
      listRuns(context, (r) => r.workflowId === wf.id);
    },
  },
  {
    method: 'GET',
    path: /^\/actions\/runs$/,
    handle: (context) => listRuns(context, () => true),
  },
  {
    method: 'GET',
    path: /^\/actions\/runs\/(\d+)$/,
    handle: ({ exchange, store, repo, objects, params }) => {
      const run = runOf(store.runs, repo.fullName, params[0]);
      if (!run) return exchange.error(404, 'Not Found');
      exchange.send(200, objects.run(run, repo, store.workflowOf(run)));
    },
  },
  {
    method: 'GET',
    path: /^\/actions\/runs\/(\d+)\/attempts\/(\d+)$/,
    handle: ({ exchange, store, repo, objects, params }) => {
      const run = runOf(store.runs, repo.fullName, params[0]);
      const n = Number(params[1]);
      if (!run || n < 1 || n > run.attempts.length) return exchange.error(404, 'Not Found');
      exchange.send(200, objects.run(run, repo, store.workflowOf(run), n));
    },
  },
  {
    method: 'GET',
    path: /^\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?\/jobs$/,
    handle: ({ exchange, store, repo, objects, params, page }) => {
      const run = runOf(store.runs, repo.fullName, params[0]);
      if (!run) return exchange.error(404, 'Not Found');
      const problem = jobFilterProblem(exchange.query);
      if (problem) return exchange.error(422, problem);
      const list = jobsOf(run, params[1] ? Number(params[1]) : undefined, exchange.query);
      const wf = store.workflowOf(run);
      const { slice, headers } = page(list);
      exchange.send(
        200,
        { total_count: list.length, jobs: slice.map((j) => objects.job(j, run, repo, wf)) },
        headers,
      );
    },
  },
];

function runOf(runs: readonly StoredRun[], repository: string, id: string | undefined) {
  return runs.find((r) => r.repository === repository && String(r.id) === id);
}

/** A run listing, newest first, filtered as GitHub filters and capped when filtered. */
function listRuns({ exchange, store, repo, objects, page }: RouteContext, filter: (r: StoredRun) => boolean) {
  const { query } = exchange;
  const problem = runFilterProblem(query);
  if (problem) return exchange.error(422, problem);
  const list = store.runs
    .filter((r) => r.repository === repo.fullName && filter(r) && matchesRunQuery(r, query))
    .sort(newestRunFirst);
  const { slice, headers } = page(list, isFilteredRunQuery(query));
  exchange.send(
    200,
    {
      total_count: list.length,
      workflow_runs: slice.map((r) => objects.run(r, repo, store.workflowOf(r))),
    },
    headers,
  );
}
