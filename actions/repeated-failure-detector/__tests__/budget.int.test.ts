import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  runAction,
  seedBusyRepository,
  startDiscordServer,
  startGitHubServer,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, SELF } from './fixtures';

let discord: DiscordServer;
let gh: GitHubServer;
let seeded: ReturnType<typeof seedBusyRepository>;
beforeAll(async () => {
  discord = await startDiscordServer();
  gh = await startGitHubServer({ workflows: [SELF] });
  seeded = seedBusyRepository(gh, { count: 20 });
});
afterAll(async () => {
  await gh.close();
  await discord.close();
});

const scan = () =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(gh),
    inputs: { 'webhook-url': discord.webhookUrl() },
  });

describe('repeated-failure-detector API budget on a 20-workflow repository', () => {
  it('scans in 24 reads (within 25), plus one read per alert, a label check and a deployments listing, and alerts the two streaks', async () => {
    const first = await scan();
    expect(first.exitCode).toBe(0);
    const reads = gh.requests.filter((r) => r.method === 'GET');
    // workflows + issues + 20 run listings + 2 flaky attempts + 2 failing-job lookups + 1 label check
    // + 1 deployments listing (deploy context, once per run with an alert)
    expect(reads).toHaveLength(28);
    expect(reads.filter((r) => !/\/jobs$|\/labels\/|\/deployments$/.test(r.path))).toHaveLength(24);
    expect(gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/mara/labels',
      'POST /repos/acme/mara/issues',
      'POST /repos/acme/mara/issues',
    ]);
    expect(embedsOf(discord.received[0]!.body).map((e) => e.title)).toEqual([
      `❌ ${seeded.failing[0]} failing on main: 4 failures in a row`,
      `❌ ${seeded.failing[1]} failing on main: 3 failures in a row`,
    ]);
    expect(JSON.parse(first.outputs.flaky ?? '[]').map((f: { workflow: string }) => f.workflow)).toEqual(
      seeded.flaky,
    );
  });

  it('costs 24 requests on an unchanged rescan, all reads', async () => {
    gh.resetLog();
    discord.reset();
    const again = await scan();
    expect(again.exitCode).toBe(0);
    expect(gh.requests).toHaveLength(24);
    expect(gh.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(discord.received).toHaveLength(0);
    expect(again.summary).toContain('24 GitHub API requests');
  });
});
