import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crashCorpusLines,
  INTERCEPTION_CERTIFICATE_FILE,
  runAction,
  startConnectProxy,
  startDiscordServer,
  type ConnectProxy,
  type DiscordServer,
} from '@sre-toolkit/testkit';

// crash-digest's digest and alert on a self-hosted runner behind an egress proxy: discord.com is
// reached only through the proxy's CONNECT tunnel (ended by the stand-in proxy).
const PASSWORD = 'digest-Pr0xy-pw';
const DIGEST_HOOK = { id: '223344556677889900', token: 'digest_TOKEN-abc_123' };
const ALERT_HOOK = { id: '334455667788990011', token: 'alerts_TOKEN-def_456' };
const real = (h: { id: string; token: string }) => `https://discord.com/api/webhooks/${h.id}/${h.token}`;

let discord: DiscordServer;
let proxy: ConnectProxy;
let dir: string;
beforeAll(async () => {
  discord = await startDiscordServer();
  proxy = await startConnectProxy({
    credentials: { user: 'runner', password: PASSWORD },
    intercept: { hosts: ['discord.com'], upstream: `http://127.0.0.1:${discord.port}` },
  });
  dir = mkdtempSync(join(tmpdir(), 'crash-digest-proxy-'));
});
afterAll(async () => {
  await proxy.close();
  await discord.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  discord.reset();
  discord.addWebhook(DIGEST_HOOK.id, DIGEST_HOOK.token);
  discord.addWebhook(ALERT_HOOK.id, ALERT_HOOK.token);
  proxy.requests.length = 0;
  writeFileSync(join(dir, 'reports.ndjson'), [...crashCorpusLines({ now: Date.now() })].join('\n') + '\n');
});

const inputs = (digest: string, alerts: string) => ({
  source: 'reports.ndjson',
  'app-package': 'mara',
  'webhook-url': digest,
  'alerts-webhook-url': alerts,
});

describe('crash-digest behind a proxy, through the bundle', () => {
  it('sends the digest and the alert through the HTTPS_PROXY tunnel and keeps the proxy password out of the log', async () => {
    const run = await runAction('crash-digest', {
      inputs: inputs(real(DIGEST_HOOK), real(ALERT_HOOK)),
      env: {
        GITHUB_WORKSPACE: dir,
        HTTPS_PROXY: proxy.urlWith('runner', PASSWORD),
        NODE_EXTRA_CA_CERTS: INTERCEPTION_CERTIFICATE_FILE,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(proxy.requests.length).toBeGreaterThanOrEqual(1);
    expect(proxy.requests.every((r) => r.method === 'CONNECT' && r.target === 'discord.com:443')).toBe(true);
    expect(discord.received.filter((m) => m.webhookId === DIGEST_HOOK.id).length).toBeGreaterThanOrEqual(1);
    expect(discord.received.filter((m) => m.webhookId === ALERT_HOOK.id)).toHaveLength(1);
    expect(run.masked).toContain(PASSWORD);
    expect(run.log).not.toContain(PASSWORD);
  });

  it('goes direct to a webhook host listed in NO_PROXY', async () => {
    const run = await runAction('crash-digest', {
      inputs: inputs(
        discord.webhookUrl(DIGEST_HOOK.id, DIGEST_HOOK.token),
        discord.webhookUrl(ALERT_HOOK.id, ALERT_HOOK.token),
      ),
      env: { GITHUB_WORKSPACE: dir, HTTP_PROXY: proxy.urlWith('runner', PASSWORD), no_proxy: '127.0.0.1' },
    });
    expect(run.exitCode).toBe(0);
    expect(proxy.requests).toEqual([]);
    expect(discord.received.filter((m) => m.webhookId === ALERT_HOOK.id)).toHaveLength(1);
  });
});
