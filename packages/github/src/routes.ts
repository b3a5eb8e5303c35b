/**
 * The REST endpoints this toolkit calls, by the names @octokit/plugin-rest-endpoint-methods gives
 * them (`client.rest.issues.create`). That plugin's map of every GitHub endpoint is most of
 * octokit's start-up cost; these few routes are all the actions need. A test checks each route
 * against the plugin's own map, so a name can never point at another endpoint.
 */
export const ROUTES = {
  actions: {
    getWorkflow: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}',
    getWorkflowRun: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
    getWorkflowRunAttempt: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
    listJobsForWorkflowRun: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
    listRepoWorkflows: 'GET /repos/{owner}/{repo}/actions/workflows',
    listWorkflowRuns: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    listWorkflowRunsForRepo: 'GET /repos/{owner}/{repo}/actions/runs',
  },
  issues: {
    create: 'POST /repos/{owner}/{repo}/issues',
    createComment: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    createLabel: 'POST /repos/{owner}/{repo}/labels',
    get: 'GET /repos/{owner}/{repo}/issues/{issue_number}',
    getLabel: 'GET /repos/{owner}/{repo}/labels/{name}',
    listComments: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    listForRepo: 'GET /repos/{owner}/{repo}/issues',
    update: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
  },
  git: {
    createRef: 'POST /repos/{owner}/{repo}/git/refs',
    getRef: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
  },
  repos: {
    createOrUpdateFileContents: 'PUT /repos/{owner}/{repo}/contents/{path}',
    createDeployment: 'POST /repos/{owner}/{repo}/deployments',
    createDeploymentStatus: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    get: 'GET /repos/{owner}/{repo}',
    listDeployments: 'GET /repos/{owner}/{repo}/deployments',
    listDeploymentStatuses: 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    getContent: 'GET /repos/{owner}/{repo}/contents/{path}',
  },
} as const;

export type Routes = typeof ROUTES;
