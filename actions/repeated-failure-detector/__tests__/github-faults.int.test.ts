import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  runAction,
  startDiscordServer,
  startGitHubProxy,
  startGitHubServer,
  type DiscordServer,
  type GitHubProxy,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { envFor, SELF, seedRuns, workflowRunEvent } from './fixtures';

let discord: DiscordServer;
let gh: GitHubServer;
let proxy: GitHubProxy;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(async () => {
  discord.reset();
  gh = await startGitHubServer({ workflows: [{ name: 'frontend-ci', path: 'frontend-ci.yml' }, SELF] });
  proxy = await startGitHubProxy(gh.url);
});
afterEach(async () => {
  await Promise.all([proxy.close(), gh.close()]);
});

const onRun = async (runId: number, inputs: Record<string, string> = {}) => {
  const event = await workflowRunEvent(gh, runId);
  gh.resetLog();
  return runAction('repeated-failure-detector', {
    ...event,
    env: { ...envFor(gh), GITHUB_API_URL: proxy.url },
    inputs: { 'webhook-url': discord.webhookUrl(), ...inputs },
  });
};

describe('repeated-failure-detector when GitHub accepts connections and never answers', () => {
  it('ends within the github-timeout budget with an error saying GitHub did not answer', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure', 'failure', 'failure']);
    proxy.fail({ kind: 'hang' }, {}, Infinity);
    const run = await onRun(runs[2]!.id, { 'github-timeout': '3s' });
    expect(run.durationMs).toBeLessThan(12_000);
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toEqual([
      'GitHub did not answer in time while listing issues of acme/mara: GET /repos/acme/mara/issues not answered: the 3 s budget for GitHub requests in this run (github-timeout) is used up. Raise github-timeout if GitHub is only slow.',
    ]);
    expect(run.log).not.toMatch(/answered 500/);
    expect(gh.issues()).toHaveLength(0);
  }, 30_000);
});

describe('repeated-failure-detector when POST /issues answers 502 after creating the issue', () => {
  it('opens one issue, sends one alert, and does not post the issue again', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure', 'failure', 'failure']);
    gh.addLabel('repeated-failure');
    proxy.fail(
      { kind: 'status-after-forward', status: 502 },
      { method: 'POST', path: '/repos/acme/mara/issues' },
    );
    const run = await onRun(runs[2]!.id);
    expect(run.exitCode).toBe(0);
    expect(gh.issues()).toHaveLength(1);
    expect(gh.issues()[0]?.title).toBe('frontend-ci failing on main');
    expect(proxy.requests.filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.status}`)).toEqual([
      '/repos/acme/mara/issues 502',
    ]);
    expect(discord.received).toHaveLength(1);

    // The next failure is the same incident: no new issue, no new alert.
    const [next] = seedRuns(gh, 'frontend-ci', ['failure'], { endMinutesAgo: 1 });
    discord.reset();
    expect((await onRun(next!.id)).exitCode).toBe(0);
    expect(gh.issues()).toHaveLength(1);
    expect(discord.received).toHaveLength(0);
  }, 60_000);
});
