import type { InputError, Runtime, RunContext } from '@sre-toolkit/action';
import type { Status, TemplateName } from './notification';

/**
 * Issue #14: a deploy notification can record the deploy as a GitHub deployment, so the monitors'
 * deploy context (health-probe, repeated-failure-detector, crash-digest, crash-intake) works for
 * teams that deploy from a workflow without the Deployments API. One input, `deployment`, like
 * `message-id`: `create` records a new deployment (its id is the `deployment-id` output), an id
 * posts the outcome on that deployment (the step at the end of the deploy, given the first
 * step's `deployment-id`). Off by default; the GitHub client is loaded only when it is on.
 */

/** `create`, the id of an existing deployment, or undefined (off). */
export type DeploymentTarget = 'create' | number | undefined;

export const DEPLOYMENT_RULE =
  'must be create (record a new GitHub deployment) or the numeric id of one (the deployment-id output of an earlier step or job); empty: off';

export function parseDeployment(text: string): { value: DeploymentTarget } | { error: string } {
  const t = text.trim();
  if (!t || t === 'false') return { value: undefined };
  if (t.toLowerCase() === 'create') return { value: 'create' };
  if (/^[1-9]\d{0,15}$/.test(t)) return { value: Number(t) };
  return { error: DEPLOYMENT_RULE };
}

/** The inputs the deployment record reads, as discord-notify's schema parses them. */
export interface DeploymentInputs {
  readonly deployment: DeploymentTarget;
  readonly 'environment-url': string;
  readonly 'github-token': string;
  readonly status: Status;
  readonly template: TemplateName;
  readonly environment: string;
  readonly version: string;
  readonly timeout: number;
}

/** A blank input falls back to the literal default outside a runner: no token then. */
export const tokenOf = (i: Pick<DeploymentInputs, 'github-token'>) =>
  i['github-token'].startsWith('${{') ? '' : i['github-token'].trim();

/** Rules between inputs for `deployment`. */
export function deploymentProblems(i: DeploymentInputs): InputError[] {
  if (i.deployment === undefined) return [];
  const problems: InputError[] = [];
  const deploy = i.template === 'deploy' || (i.template === 'auto' && !!(i.environment || i.version));
  if (!deploy)
    problems.push({
      input: 'deployment',
      message: `records a deploy: use it on a deploy notification (template deploy, or environment and version set), not the ${i.template} template`,
    });
  if (i.deployment === 'create' && !i.environment)
    problems.push({
      input: 'environment',
      message: 'names the environment deployment: create records (e.g. production)',
    });
  if (!tokenOf(i))
    problems.push({
      input: 'github-token',
      message:
        'is needed to record the deployment: pass a token with deployments: write (default github.token)',
    });
  return problems;
}

/**
 * Records the deploy when `deployment` is on (dynamic import: the normal path loads no GitHub
 * code); never throws: a refused or failed write is a warning, and the Discord message goes anyway.
 */
export async function recordDeployment(
  rt: Runtime,
  i: DeploymentInputs,
  ctx: RunContext,
  userAgent: string,
): Promise<void> {
  if (i.deployment === undefined) return;
  const { writeDeployment } = await import('./deployment-record');
  await writeDeployment(rt, i, ctx, userAgent);
}
