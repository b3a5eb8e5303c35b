import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import {
  runAction,
  startDiscordServer,
  startGitHubServer,
  type Conclusion,
  type DiscordServer,
  type GitHubServer,
  type RunSeed,
} from '@sre-toolkit/testkit';

/** The detector's own workflow, as the runner names it (left out of scans). */
export const SELF = { name: 'Repeated failures', path: '.github/workflows/repeated-failures.yml' };

export function envFor(gh: GitHubServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: gh.token,
    GITHUB_WORKFLOW: SELF.name,
    GITHUB_WORKFLOW_REF: `acme/mara/${SELF.path}@refs/heads/main`,
    ...extra,
  };
}

/** A schedule event as GitHub sends it (the payload carries the repository). */
export const scheduleEvent = {
  eventName: 'schedule',
  event: {
    schedule: '17 * * * *',
    repository: { full_name: 'acme/mara', default_branch: 'main', html_url: 'https://github.com/acme/mara' },
  },
};

/** Adds runs oldest first, `minutes` apart, ending `endMinutesAgo` before now. */
export function seedRuns(
  gh: GitHubServer,
  workflow: string,
  conclusions: readonly Conclusion[],
  options: Partial<RunSeed> & { endMinutesAgo?: number } = {},
): ReturnType<GitHubServer['addRun']>[] {
  const end = Date.now() - (options.endMinutesAgo ?? 10) * 60_000;
  return conclusions.map((conclusion, i) =>
    gh.addRun({
      workflow,
      conclusion,
      createdAt: new Date(end - (conclusions.length - 1 - i) * 3_600_000),
      message: `Commit ${i + 1} on ${workflow}\n\nbody`,
      jobs: [
        {
          name: 'test',
          conclusion,
          steps: ['Checkout', { name: 'Run unit tests', conclusion }],
        },
      ],
      ...options,
    }),
  );
}

export interface Embed {
  title: string;
  url?: string;
  color: number;
  description?: string;
  fields?: { name: string; value: string }[];
}

export const embedsOf = (body: Record<string, unknown>) => (body.embeds ?? []) as Embed[];

/** A `workflow_run` completed event for a stored run, its `workflow_run` as the REST API shows it. */
export async function workflowRunEvent(gh: GitHubServer, runId: number) {
  const res = await fetch(`${gh.url}/repos/acme/mara/actions/runs/${runId}`, {
    headers: { authorization: `token ${gh.token}` },
  });
  const run = (await res.json()) as { workflow_id: number; name: string; path: string };
  const wf = gh.workflow(run.workflow_id);
  return {
    eventName: 'workflow_run',
    event: {
      action: 'completed',
      workflow_run: run,
      workflow: { id: wf.id, name: wf.name, path: wf.path, state: wf.state },
      repository: {
        full_name: 'acme/mara',
        default_branch: 'main',
        html_url: 'https://github.com/acme/mara',
      },
      sender: { login: 'octocat' },
    },
  };
}

/**
 * The stand-ins a detector test runs against: one Discord for the file, reset before each test,
 * and a fresh GitHub per test holding `frontend-ci` and the detector's own workflow.
 */
export function useStandIns(): { readonly discord: DiscordServer; readonly gh: GitHubServer } {
  const servers = {} as { discord: DiscordServer; gh: GitHubServer };
  beforeAll(async () => {
    servers.discord = await startDiscordServer();
  });
  afterAll(async () => {
    await servers.discord.close();
  });
  beforeEach(async () => {
    servers.discord.reset();
    servers.gh = await startGitHubServer({
      workflows: [{ name: 'frontend-ci', path: 'frontend-ci.yml' }, SELF],
    });
  });
  afterEach(async () => {
    await servers.gh.close();
  });
  return servers;
}

/** A workflow whose file (`text`, on the default branch) has a schedule, in `state`. */
export function addScheduledWorkflow(
  gh: GitHubServer,
  name: string,
  text: string,
  state: 'active' | 'disabled_inactivity' | 'disabled_manually' = 'active',
) {
  const wf = gh.addWorkflow({ name, path: `${name}.yml`, state });
  gh.putFile(wf.path, text);
  return wf;
}

/** `count` scheduled runs of `workflow`, `everyMinutes` apart, the newest `minutesAgo` before now. */
export function addScheduledRuns(
  gh: GitHubServer,
  workflow: string,
  count: number,
  minutesAgo: number,
  everyMinutes = 15,
  conclusion: Conclusion = 'success',
): void {
  for (let i = count - 1; i >= 0; i--)
    gh.addRun({
      workflow,
      event: 'schedule',
      conclusion,
      createdAt: new Date(Date.now() - (minutesAgo + i * everyMinutes) * 60_000),
    });
}

/** A scheduled scan through the bundle against `servers`, posting to the Discord stand-in. */
export const scheduledScan = (
  servers: { readonly discord: DiscordServer; readonly gh: GitHubServer },
  inputs: Record<string, string> = {},
) =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(servers.gh),
    inputs: { 'webhook-url': servers.discord.webhookUrl(), ...inputs },
  });
