import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DISCORD_DEFAULTS,
  INTERCEPTION_CERTIFICATE_FILE,
  runAction,
  startConnectProxy,
  startDiscordServer,
  type ConnectProxy,
  type DiscordServer,
} from '@sre-toolkit/testkit';

// A self-hosted runner behind an egress proxy: discord.com resolves only through the proxy, which
// here ends the tunnel itself (its certificate trusted through NODE_EXTRA_CA_CERTS) and hands the
// request to the loopback Discord stand-in. Nothing leaves the machine.
const PASSWORD = 'pr0xy-Pa55word';
const realHook = `https://discord.com/api/webhooks/${DISCORD_DEFAULTS.id}/${DISCORD_DEFAULTS.token}`;

let discord: DiscordServer;
let proxy: ConnectProxy;
beforeAll(async () => {
  discord = await startDiscordServer();
  proxy = await startConnectProxy({
    credentials: { user: 'runner', password: PASSWORD },
    intercept: { hosts: ['discord.com'], upstream: `http://127.0.0.1:${discord.port}` },
  });
});
afterAll(async () => {
  await proxy.close();
  await discord.close();
});
beforeEach(() => {
  discord.reset();
  proxy.requests.length = 0;
});

const basic = `Basic ${Buffer.from(`runner:${PASSWORD}`).toString('base64')}`;

describe('discord-notify behind a proxy, through the bundle', () => {
  it.each(['HTTPS_PROXY', 'https_proxy'])(
    'tunnels to discord.com through %s with its credentials, and never prints them',
    async (name) => {
      const run = await runAction('discord-notify', {
        inputs: { 'webhook-url': realHook, status: 'success' },
        env: {
          [name]: proxy.urlWith('runner', PASSWORD),
          NODE_EXTRA_CA_CERTS: INTERCEPTION_CERTIFICATE_FILE,
        },
      });
      expect(run.exitCode).toBe(0);
      expect(proxy.requests).toEqual([
        { method: 'CONNECT', target: 'discord.com:443', authorization: basic, status: 200 },
      ]);
      expect(discord.received).toHaveLength(1);
      expect(discord.received[0]?.query).toEqual({ wait: 'true' });
      expect(run.outputs.sent).toBe('true');
      expect(run.outputs['message-ids']).toBe(discord.received[0]?.id);
      expect(run.masked).toContain(PASSWORD);
      expect(run.log).not.toContain(PASSWORD);
    },
  );

  it('forwards a plain-http webhook through HTTP_PROXY', async () => {
    const run = await runAction('discord-notify', {
      inputs: { 'webhook-url': discord.webhookUrl(), status: 'success' },
      env: { HTTP_PROXY: proxy.urlWith('runner', PASSWORD) },
    });
    expect(run.exitCode).toBe(0);
    expect(proxy.requests).toHaveLength(1);
    expect(proxy.requests[0]).toMatchObject({ method: 'POST', authorization: basic, status: 200 });
    expect(proxy.requests[0]?.target).toBe(
      `http://127.0.0.1:${discord.port}/api/v10/webhooks/${DISCORD_DEFAULTS.id}/${DISCORD_DEFAULTS.token}?wait=true`,
    );
    expect(discord.received).toHaveLength(1);
  });

  it.each(['NO_PROXY', 'no_proxy'])('goes direct to a host listed in %s', async (name) => {
    const run = await runAction('discord-notify', {
      inputs: { 'webhook-url': discord.webhookUrl(), status: 'success' },
      env: { HTTP_PROXY: proxy.urlWith('runner', PASSWORD), [name]: 'example.org,127.0.0.1' },
    });
    expect(run.exitCode).toBe(0);
    expect(proxy.requests).toEqual([]);
    expect(discord.received).toHaveLength(1);
  });

  it('says the proxy refused the tunnel when its credentials are wrong, naming neither them nor the URL', async () => {
    const wrong = 'not-the-Pa55word';
    const run = await runAction('discord-notify', {
      inputs: { 'webhook-url': realHook, status: 'success' },
      env: {
        HTTPS_PROXY: proxy.urlWith('runner', wrong),
        NODE_EXTRA_CA_CERTS: INTERCEPTION_CERTIFICATE_FILE,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(proxy.requests.map((r) => r.status)).toEqual([407]);
    const warning = run.annotations.find((a) => a.level === 'warning');
    expect(warning?.message).toBe(
      `Could not deliver to webhook ${DISCORD_DEFAULTS.id}: the proxy (HTTPS_PROXY / HTTP_PROXY) refused the tunnel (HTTP 407: check the proxy credentials).`,
    );
    expect(run.masked).toContain(wrong);
    expect(run.log).not.toContain(wrong);
    expect(run.summary).not.toContain(wrong);
    expect(run.outputs.sent).toBe('false');
  });
});
