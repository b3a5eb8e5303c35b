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
import { embedsOf, envFor, SELF, seedRuns, workflowRunEvent } from './fixtures';

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

const errors = (run: Awaited<ReturnType<typeof onRun>>) =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
const warnings = (run: Awaited<ReturnType<typeof onRun>>) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);

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

  it('still alerts the failed run that triggered it, streak unknown, and warns', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure', 'failure', 'failure']);
    proxy.fail({ kind: 'hang' }, {}, Infinity);
    const run = await onRun(runs[2]!.id, { 'github-timeout': '3s' });
    expect(run.durationMs).toBeLessThan(12_000);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringMatching(/^GitHub did not answer in time while listing issues/),
    ]);
    expect(discord.received).toHaveLength(1);
    const [embed] = embedsOf(discord.received[0]!.body);
    expect(embed?.title).toBe('❌ frontend-ci failed on main; streak unknown (GitHub timed out)');
    expect(embed?.url).toBe(`https://github.com/acme/mara/actions/runs/${runs[2]!.id}`);
    expect(embed?.description).toBe(
      `acme/mara: run ${runs[2]!.id} ended \`failure\`. The failure history could not be read from GitHub (timed out), so the streak is unknown and no incident was read or recorded.`,
    );
    expect(warnings(run)).toEqual([
      'Incident state could not be read or saved: GitHub timed out. Sent "❌ frontend-ci failed on main; streak unknown (GitHub timed out)" without the streak: until GitHub answers again, every failure alerts like this, even one of an incident already alerted.',
    ]);
    expect(run.outputs.alerted).toBe('1');
    expect(run.summary).toContain(
      '- ❌ frontend-ci failed on main; streak unknown (GitHub timed out) (sent)',
    );
    expect(gh.issues()).toHaveLength(0);
  }, 30_000);

  it('sends nothing for a successful run, with the error and a warning that its recovery may be lost', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure', 'failure', 'failure', 'success']);
    proxy.fail({ kind: 'hang' }, {}, Infinity);
    const run = await onRun(runs[3]!.id, { 'github-timeout': '3s' });
    expect(run.durationMs).toBeLessThan(12_000);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringMatching(/^GitHub did not answer in time while listing issues/),
    ]);
    expect(discord.received).toHaveLength(0);
    expect(warnings(run)).toEqual([
      `Incident state could not be read or saved: GitHub timed out. Run ${runs[3]!.id} of frontend-ci on main ended success: if it ended a streak, its recovery was not sent and the incident stays open until a later run.`,
    ]);
    expect(run.outputs.alerted).toBe('0');
  }, 30_000);
});

describe('repeated-failure-detector on workflow_run when GitHub fails or refuses', () => {
  it('alerts a failed run when GitHub answers 502 past the budget for retries', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure']);
    proxy.fail({ kind: 'status-after-forward', status: 502 }, { path: '/repos/acme/mara/issues' }, Infinity);
    const run = await onRun(runs[0]!.id, { 'github-timeout': '3s' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringMatching(/^GitHub answered 502 while listing issues of acme\/mara/),
    ]);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failed on main; streak unknown (GitHub answered 502)',
    );
    expect(warnings(run)).toHaveLength(1);
  }, 30_000);

  it('sends nothing when GitHub rejects the token (401): a setup error, as in a scan', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure']);
    const event = await workflowRunEvent(gh, runs[0]!.id);
    const run = await runAction('repeated-failure-detector', {
      ...event,
      env: { ...envFor(gh), GITHUB_TOKEN: 'ghs_expired000000000' },
      inputs: { 'webhook-url': discord.webhookUrl() },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'GitHub rejected the token while listing issues of acme/mara (401 Bad credentials): check the github-token input; it is invalid or expired.',
    ]);
    expect(warnings(run)).toEqual([]);
    expect(discord.received).toHaveLength(0);
  });
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
