import { describe, expect, it } from '@jest/globals';
import { recordDeployment, runAction, type GitHubServer } from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, seedRuns, useStandIns } from './fixtures';

/**
 * The deploy before a streak, through the bundle: recorded the way a deploy workflow records it
 * (POST deployments and a success status), named in the alert and the issue when it succeeded
 * within deploy-window before the streak's first failure, and absent otherwise.
 */

const servers = useStandIns();
const MINUTE = 60_000;

/** A deployment to `environment` that succeeded `minutesAgo` before now (seeded history). */
const deploy = (gh: GitHubServer, minutesAgo: number, environment = 'production', state = 'success') =>
  recordDeployment(gh, {
    at: Date.now() - minutesAgo * MINUTE,
    environment,
    state,
    logUrl: 'https://ci.example/deploy/412',
  });

const scan = (inputs: Record<string, string> = {}) =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(servers.gh),
    inputs: { 'webhook-url': servers.discord.webhookUrl(), ...inputs },
  });
const deployField = () =>
  servers.discord.received
    .flatMap((m) => embedsOf(m.body))
    .flatMap((e) => e.fields ?? [])
    .filter((f) => f.name === 'Deploy before');

describe('repeated-failure-detector deploy context', () => {
  it('names the production deploy that succeeded 12 minutes before the streak began', async () => {
    const { gh } = servers;
    // Runs an hour apart, the last 10 minutes ago: the streak's first failure is 130 minutes ago.
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
    const d = await deploy(gh, 142);
    await deploy(gh, 60, 'staging');
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(deployField()).toEqual([
      {
        name: 'Deploy before',
        value: `Began 12 min after **mara 1.4.2** reached production (deploy #${d.id} by @octocat, commit ${d.sha.slice(0, 7)})`,
      },
    ]);
    expect(gh.issues()[0]?.body).toContain(
      `This incident began 12 min after **mara 1.4.2** reached production (deploy #\u2060${d.id} by @\u2060octocat, commit ${d.sha.slice(0, 7)}).`,
    );
    const reads = gh.requests.filter((r) => r.path.includes('/deployments'));
    expect(reads.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`)).toEqual([
      'POST /repos/acme/mara/deployments',
      'POST /repos/acme/mara/deployments/N/statuses',
      'POST /repos/acme/mara/deployments',
      'POST /repos/acme/mara/deployments/N/statuses',
      'GET /repos/acme/mara/deployments',
      'GET /repos/acme/mara/deployments/N/statuses',
    ]);
    expect(reads[4]?.query).toMatchObject({ environment: 'production' });

    // The streak grows: the issue body is rewritten with the new count, and keeps the deploy.
    seedRuns(gh, 'frontend-ci', ['failure'], { endMinutesAgo: 2 });
    const body = gh.issues()[0]?.body ?? '';
    expect((await scan()).exitCode).toBe(0);
    const after = gh.issues()[0]?.body ?? '';
    expect(after).not.toBe(body);
    expect(after).toContain(
      `This incident began 12 min after **mara 1.4.2** reached production (deploy #\u2060${d.id} by @\u2060octocat, commit ${d.sha.slice(0, 7)}).`,
    );
    expect(after.match(/This incident began/g)).toHaveLength(1);
  });

  it('says nothing of a deploy outside the window, after the start, failed, or to another environment', async () => {
    const { gh } = servers;
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
    await deploy(gh, 130 + 121); // 2 h 1 min before the first failure
    await deploy(gh, 60); // after it began
    await deploy(gh, 140, 'production', 'failure');
    await deploy(gh, 140, 'staging');
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(servers.discord.received).toHaveLength(1);
    expect(deployField()).toEqual([]);
    expect(gh.issues()[0]?.body).not.toContain('reached production');
  });

  it('looks up nothing with deploy-environment none, and honours deploy-window', async () => {
    const { gh } = servers;
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
    await deploy(gh, 142);
    await scan({ 'deploy-environment': 'none' });
    expect(gh.requests.filter((r) => r.method === 'GET' && r.path.includes('/deployments'))).toEqual([]);
    expect(deployField()).toEqual([]);
    servers.discord.reset();
    for (const issue of gh.issues()) issue.state = 'closed';
    await scan({ 'deploy-window': '10m' });
    expect(deployField()).toEqual([]);
  });
});
