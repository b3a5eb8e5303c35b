import type { Runtime, RunContext } from '@sre-toolkit/action';
import { createGitHubClient, describeGitHubError, statusOf } from '@sre-toolkit/github';
import { tokenOf, type DeploymentInputs } from './deployment';
import type { Status } from './notification';

/** The deployment state a notification's status records; a skipped deploy records none. */
const STATES: Record<Status, 'in_progress' | 'success' | 'failure' | 'error' | undefined> = {
  info: 'in_progress',
  success: 'success',
  failure: 'failure',
  // GitHub's state for a deploy that did not run to its end for another reason than failing.
  cancelled: 'error',
  skipped: undefined,
};

const DESCRIPTIONS: Record<string, string> = {
  in_progress: 'Deploying',
  success: 'Deployed',
  failure: 'Deploy failed',
  error: 'Deploy cancelled',
};

/** Loaded only when `deployment` is on (see deployment.ts). */
export async function writeDeployment(
  rt: Runtime,
  i: DeploymentInputs,
  ctx: RunContext,
  userAgent: string,
): Promise<void> {
  const state = STATES[i.status];
  if (!state) {
    rt.info('deployment: a skipped deploy is not recorded.');
    return;
  }
  const client = createGitHubClient({
    token: tokenOf(i),
    baseUrl: ctx.apiUrl,
    userAgent,
    budgetMs: i.timeout,
    log: (m) => rt.info(m),
  });
  const repo = { owner: ctx.owner, repo: ctx.repo };
  const version = i.version.trim();
  // GitHub takes at most 140 characters of a status description.
  const description = `${DESCRIPTIONS[state]}${version ? ` ${version}` : ''}`.slice(0, 140);
  let id = typeof i.deployment === 'number' ? i.deployment : undefined;
  const created = id === undefined;
  try {
    if (id === undefined) {
      const { data } = await client.rest.repos.createDeployment({
        ...repo,
        ref: ctx.sha || ctx.ref,
        environment: i.environment,
        task: 'deploy',
        // Record what was deployed as it is: no merge of the default branch, no wait for checks.
        auto_merge: false,
        required_contexts: [],
        payload: { app: ctx.repo, ...(version ? { version } : {}) },
        description: `${ctx.repo}${version ? ` ${version}` : ''}`.slice(0, 140),
      });
      if (!('id' in data) || typeof data.id !== 'number')
        throw new Error(`GitHub did not create the deployment: ${JSON.stringify(data).slice(0, 200)}`);
      id = data.id;
    }
    await client.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state,
      description,
      log_url: ctx.runUrl,
      ...(i['environment-url'] ? { environment_url: i['environment-url'] } : {}),
    });
    rt.setOutput('deployment-id', String(id));
    rt.info(
      `${created ? 'Created' : 'Updated'} GitHub deployment ${id} (${i.environment || 'its environment'}): ${state}.`,
    );
  } catch (error) {
    // A deployment created before the status failed still exists: say which, so a later step can use it.
    if (id !== undefined) rt.setOutput('deployment-id', String(id));
    rt.warning(explain(error, id, created, ctx.repository), 'Deployment not recorded');
  }
}

function explain(error: unknown, id: number | undefined, created: boolean, repository: string): string {
  const doing =
    created && id === undefined
      ? `creating a deployment in ${repository}`
      : `posting a status on deployment ${id} in ${repository}`;
  const status = statusOf(error);
  const after = ' The Discord message was sent all the same.';
  if (status === 403 && !/rate limit/i.test(String(error)))
    return `GitHub refused ${doing} (403): the token needs the deployments: write permission; add \`permissions: deployments: write\` to the job that runs discord-notify.${after}`;
  if (status === 404)
    return created && id === undefined
      ? `GitHub answered 404 ${doing}: the token cannot see the repository or lacks deployments: write (\`permissions: deployments: write\`).${after}`
      : `Deployment ${id} was not found in ${repository} (404): pass the deployment-id output of the step that created it, with a token that has deployments: write.${after}`;
  return `${describeGitHubError(error, doing, 'deployments: write')}${after}`;
}
