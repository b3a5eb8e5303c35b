import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DISCORD_DEFAULTS,
  INTERCEPTION_CERTIFICATE_FILE,
  runAction,
  startConnectProxy,
  type ConnectProxy,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, seedRuns, useStandIns } from './fixtures';

// The detector's alert on a self-hosted runner behind an egress proxy: discord.com is reached only
// through the proxy's CONNECT tunnel (ended by the stand-in proxy, handed to the Discord stand-in).
const PASSWORD = 'detector-Pr0xy-pw';
const realHook = `https://discord.com/api/webhooks/${DISCORD_DEFAULTS.id}/${DISCORD_DEFAULTS.token}`;

const standIns = useStandIns();
let discord: DiscordServer;
let gh: GitHubServer;
let proxy: ConnectProxy;
beforeAll(async () => {
  proxy = await startConnectProxy({
    credentials: { user: 'runner', password: PASSWORD },
    intercept: { hosts: ['discord.com'], upstream: `http://127.0.0.1:${standIns.discord.port}` },
  });
});
afterAll(async () => {
  await proxy.close();
});
beforeEach(() => {
  ({ discord, gh } = standIns);
  proxy.requests.length = 0;
});

describe('repeated-failure-detector alerts behind a proxy, through the bundle', () => {
  it('sends the streak alert through the HTTPS_PROXY tunnel and keeps the proxy password out of the log', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure']);
    const run = await runAction('repeated-failure-detector', {
      ...scheduleEvent,
      env: envFor(gh, {
        HTTPS_PROXY: proxy.urlWith('runner', PASSWORD),
        NODE_EXTRA_CA_CERTS: INTERCEPTION_CERTIFICATE_FILE,
      }),
      inputs: { 'webhook-url': realHook },
    });
    expect(run.exitCode).toBe(0);
    expect(proxy.requests.map((r) => [r.method, r.target, r.status])).toEqual([
      ['CONNECT', 'discord.com:443', 200],
    ]);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on main: 4 failures in a row',
    );
    expect(run.outputs.alerted).toBe('1');
    expect(run.masked).toContain(PASSWORD);
    expect(run.log).not.toContain(PASSWORD);
  });

  it('goes direct to a webhook host listed in NO_PROXY', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure']);
    const run = await runAction('repeated-failure-detector', {
      ...scheduleEvent,
      env: envFor(gh, { HTTP_PROXY: proxy.urlWith('runner', PASSWORD), NO_PROXY: '127.0.0.1' }),
      inputs: { 'webhook-url': discord.webhookUrl() },
    });
    expect(run.exitCode).toBe(0);
    expect(proxy.requests).toEqual([]);
    expect(discord.received).toHaveLength(1);
  });
});
