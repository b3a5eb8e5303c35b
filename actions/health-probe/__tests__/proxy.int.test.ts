import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DISCORD_DEFAULTS,
  INTERCEPTION_CERTIFICATE_FILE,
  runAction,
  startConnectProxy,
  startDiscordServer,
  startHealthTargets,
  type ConnectProxy,
  type DiscordServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

// health-probe's Discord alert on a self-hosted runner behind an egress proxy: discord.com is
// reached only through the proxy's CONNECT tunnel (ended by the stand-in proxy).
const PASSWORD = 'probe-Pr0xy-pw';
const realHook = `https://discord.com/api/webhooks/${DISCORD_DEFAULTS.id}/${DISCORD_DEFAULTS.token}`;

let discord: DiscordServer;
let targets: HealthTargets;
let proxy: ConnectProxy;
beforeAll(async () => {
  discord = await startDiscordServer();
  targets = await startHealthTargets();
  targets.route('/down', { status: 503, body: 'down' });
  proxy = await startConnectProxy({
    credentials: { user: 'runner', password: PASSWORD },
    intercept: { hosts: ['discord.com'], upstream: `http://127.0.0.1:${discord.port}` },
  });
});
afterAll(async () => {
  await proxy.close();
  await targets.close();
  await discord.close();
});
beforeEach(() => {
  discord.reset();
  proxy.requests.length = 0;
});

describe('health-probe alerts behind a proxy, through the bundle', () => {
  it('sends the down alert through the HTTPS_PROXY tunnel and keeps the proxy password out of the log', async () => {
    const run = await runAction('health-probe', {
      inputs: { targets: targets.url('/down'), issue: 'false', retries: '0', 'webhook-url': realHook },
      env: {
        HTTPS_PROXY: proxy.urlWith('runner', PASSWORD),
        NODE_EXTRA_CA_CERTS: INTERCEPTION_CERTIFICATE_FILE,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.down).toBe('1');
    // The http target goes direct (no HTTP_PROXY); only the https webhook is tunnelled.
    expect(proxy.requests.map((r) => [r.method, r.target, r.status])).toEqual([
      ['CONNECT', 'discord.com:443', 200],
    ]);
    expect(discord.received).toHaveLength(1);
    expect(JSON.stringify(discord.received[0]?.body)).toContain('503');
    expect(run.masked).toContain(PASSWORD);
    expect(run.log).not.toContain(PASSWORD);
  });

  it('goes direct to a webhook host listed in NO_PROXY', async () => {
    const run = await runAction('health-probe', {
      inputs: {
        targets: targets.url('/down'),
        issue: 'false',
        retries: '0',
        'webhook-url': discord.webhookUrl(),
      },
      env: { HTTP_PROXY: proxy.urlWith('runner', PASSWORD), NO_PROXY: '127.0.0.1' },
    });
    expect(run.exitCode).toBe(1);
    expect(proxy.requests).toEqual([]);
    expect(discord.received).toHaveLength(1);
  });
});
