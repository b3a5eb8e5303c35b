import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createGitHubClient, deployLookup, deploySentence } from '@sre-toolkit/github';
import {
  GITHUB_DEFAULTS,
  runAction,
  startDiscordServer,
  startGitHubServer,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';

/**
 * Issue #14 on discord-notify, through the bundle (the test lives with the logic in packages/notify,
 * which may import the GitHub package for the lookup check; the action's package does not) against the GitHub and Discord stand-ins: a
 * deploy notification with `deployment: create` records the deploy as a GitHub deployment of the
 * run's commit (payload version, status from the notification's), a later step posts the outcome
 * on it by `deployment-id`, and the monitors' deploy lookup then finds it. A token without
 * deployments: write gives a warning naming the permission; the message is still sent.
 */

const SHA = '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b'; // the test kit's GITHUB_SHA
const RUN_URL = 'https://github.com/acme/mara/actions/runs/9100000001';
type Deployment = {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  task: string;
  payload: Record<string, unknown>;
  description: string | null;
};
type Status = { state: string; description: string; log_url?: string; environment_url?: string };

let discord: DiscordServer;
let gh: GitHubServer;
beforeAll(async () => {
  [discord, gh] = await Promise.all([startDiscordServer(), startGitHubServer()]);
});
afterAll(async () => {
  await Promise.all([discord.close(), gh.close()]);
});
beforeEach(() => {
  discord.reset();
  gh.resetLog();
  gh.setPermission('deployments', 'write');
});

const notify = (inputs: Record<string, string>) =>
  runAction('discord-notify', {
    eventName: 'push',
    inputs: { 'webhook-url': discord.webhookUrl(), environment: 'production', version: '1.4.2', ...inputs },
    env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: gh.url },
  });
const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${gh.url}/repos/acme/mara${path}`, {
    headers: { authorization: `token ${gh.token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const titleOf = (i: number) =>
  (discord.received[i]?.body.embeds as { title: string }[] | undefined)?.[0]?.title;
const warnings = (run: Awaited<ReturnType<typeof notify>>) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);

describe('discord-notify records the deploy as a GitHub deployment', () => {
  it('creates it in progress, posts the success on it by id, and the deploy lookup finds it', async () => {
    const start = await notify({
      status: 'info',
      deployment: 'create',
      'environment-url': 'https://mara.example',
    });
    expect(start.exitCode).toBe(0);
    expect(titleOf(0)).toBe('🚀 Deploying mara 1.4.2 to production…');
    const id = Number(start.outputs['deployment-id']);
    expect(id).toBeGreaterThan(0);
    const [created] = await get<Deployment[]>('/deployments?environment=production');
    expect(created).toMatchObject({
      id,
      ref: SHA,
      sha: SHA,
      environment: 'production',
      task: 'deploy',
      payload: { app: 'mara', version: '1.4.2' },
      description: 'mara 1.4.2',
    });
    const createBody = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/deployments'))?.body;
    expect(createBody).toMatchObject({ auto_merge: false, required_contexts: [] });
    expect(await get<Status[]>(`/deployments/${id}/statuses`)).toMatchObject([
      {
        state: 'in_progress',
        description: 'Deploying 1.4.2',
        log_url: RUN_URL,
        environment_url: 'https://mara.example',
      },
    ]);
    expect(start.stdout).toContain(`Created GitHub deployment ${id} (production): in_progress.`);

    const end = await notify({ status: 'success', deployment: String(id) });
    expect(end.exitCode).toBe(0);
    expect(end.outputs['deployment-id']).toBe(String(id));
    expect(titleOf(1)).toBe('✅ mara 1.4.2 deployed to production');
    expect((await get<Status[]>(`/deployments/${id}/statuses`)).map((s) => [s.state, s.description])).toEqual(
      [
        ['success', 'Deployed 1.4.2'],
        ['in_progress', 'Deploying 1.4.2'],
      ],
    );
    // Exactly one deployment: the second step posted on the first one's.
    expect(await get<Deployment[]>('/deployments')).toHaveLength(1);

    // What health-probe, the detector and crash-digest then say about an alert 12 minutes later.
    const lookup = deployLookup(createGitHubClient({ token: gh.token, baseUrl: gh.url }), {
      owner: 'acme',
      repo: 'mara',
      environment: 'production',
      windowMs: 2 * 3_600_000,
    });
    const at = new Date(Date.now() + 12 * 60_000);
    const found = await lookup(at);
    expect(found).toMatchObject({
      id,
      version: '1.4.2',
      app: 'mara',
      sha: SHA,
      creator: 'github-actions[bot]',
    });
    expect(deploySentence(found!, at)).toBe(
      `began 12 min after mara 1.4.2 reached production (deploy #${id} by @github-actions[bot], commit 3f2a9c1)`,
    );
  });

  it('records a failed deploy as failure and a cancelled one as error; a skipped one not at all', async () => {
    const failed = await notify({ status: 'failure', deployment: 'create', version: '1.4.3' });
    expect(failed.exitCode).toBe(0);
    const failedId = failed.outputs['deployment-id'];
    expect((await get<Status[]>(`/deployments/${failedId}/statuses`)).map((s) => s.state)).toEqual([
      'failure',
    ]);
    const cancelled = await notify({ status: 'cancelled', deployment: failedId ?? '' });
    expect((await get<Status[]>(`/deployments/${failedId}/statuses`)).map((s) => s.state)).toEqual([
      'error',
      'failure',
    ]);
    expect(cancelled.exitCode).toBe(0);
    gh.resetLog();
    const skipped = await notify({ status: 'skipped', deployment: 'create' });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.stdout).toContain('deployment: a skipped deploy is not recorded.');
    expect(gh.requests).toEqual([]);
  });

  it('warns naming deployments: write when the token may not write, and still sends the message', async () => {
    gh.setPermission('deployments', 'read');
    const run = await notify({ status: 'success', deployment: 'create' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.sent).toBe('true');
    expect(titleOf(0)).toBe('✅ mara 1.4.2 deployed to production');
    expect(run.outputs['deployment-id'] ?? '').toBe('');
    expect(warnings(run)).toEqual([
      'GitHub refused creating a deployment in acme/mara (403): the token needs the deployments: write permission; add `permissions: deployments: write` to the job that runs discord-notify. The Discord message was sent all the same.',
    ]);
    expect(run.log).not.toContain(GITHUB_DEFAULTS.token);
  });

  it('warns when the deployment to update does not exist (404), and still sends the message', async () => {
    const run = await notify({ status: 'success', deployment: '999' });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    expect(warnings(run)).toEqual([
      'Deployment 999 was not found in acme/mara (404): pass the deployment-id output of the step that created it, with a token that has deployments: write. The Discord message was sent all the same.',
    ]);
  });

  it('asks GitHub nothing without deployment, or in a dry run', async () => {
    const plain = await notify({ status: 'failure' });
    const dry = await notify({ status: 'success', deployment: 'create', 'dry-run': 'true' });
    expect([plain.exitCode, dry.exitCode]).toEqual([0, 0]);
    expect(gh.requests).toEqual([]);
    expect(plain.outputs['deployment-id']).toBeUndefined();
  });

  it('refuses deployment on a message that is no deploy, or create without environment', async () => {
    const run = await notify({ status: 'failure', template: 'ci', deployment: 'create', environment: '' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      expect.stringContaining('records a deploy: use it on a deploy notification'),
      expect.stringContaining('names the environment deployment: create records (e.g. production)'),
      '2 inputs are not valid (see above).',
    ]);
    expect(discord.received).toEqual([]);
    expect(gh.requests).toEqual([]);
  });
});
