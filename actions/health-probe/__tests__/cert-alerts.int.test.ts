import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GITHUB_DEFAULTS,
  hasOpenssl,
  runAction,
  selfSignedCertificate,
  startDiscordServer,
  startGitHubServer,
  startHealthTargets,
  type DiscordServer,
  type GitHubServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

// A certificate expiring in days needs one made now; the committed fixture is valid for a century.
const maybe = hasOpenssl() ? describe : describe.skip;

let server: HealthTargets;
let discord: DiscordServer;
let github: GitHubServer;
let dir: string;
let sha: string;

beforeAll(async () => {
  const cert = selfSignedCertificate(5);
  server = await startHealthTargets({ tls: cert });
  server.route('/health', { body: { status: 'UP' } });
  discord = await startDiscordServer();
  github = await startGitHubServer();
  dir = mkdtempSync(join(tmpdir(), 'ca-'));
  writeFileSync(join(dir, 'ca.pem'), cert.cert);
  const ref = await fetch(`${github.url}/repos/acme/mara/git/ref/heads/main`, {
    headers: { authorization: `Bearer ${GITHUB_DEFAULTS.token}` },
  });
  sha = ((await ref.json()) as { object: { sha: string } }).object.sha;
});
afterAll(async () => {
  await Promise.all([server.close(), discord.close(), github.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const probe = () =>
  runAction('health-probe', {
    inputs: {
      targets: `- name: shop\n  url: ${server.url('/health')}\n`,
      'cert-expiry-days': '14',
      'webhook-url': discord.webhookUrl(),
      mention: '<@&123456789012345678>',
    },
    env: {
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      GITHUB_TOKEN: GITHUB_DEFAULTS.token,
      GITHUB_API_URL: github.url,
      GITHUB_SHA: sha,
    },
  });

type Embed = { title: string; color: number; fields?: { name: string; value: string; inline?: boolean }[] };
const titles = () => discord.received.flatMap((m) => ((m.body.embeds ?? []) as Embed[]).map((e) => e.title));

maybe('health-probe certificate alerts', () => {
  it('warns #alerts once per threshold crossed (14, 7, 3, 1 days), not once per run', async () => {
    const first = await probe();
    expect(first.exitCode).toBe(0);
    // 4 days left crosses 14 and 7 at once: one warning, no ping, no incident.
    expect(titles()).toEqual(['⚠️ shop: certificate expires in 4 days']);
    expect(discord.received[0]?.body.content).toBeUndefined();
    expect((discord.received[0]?.body.embeds as Embed[])[0]?.color).toBe(0xd29922);
    // Severity and runbook first (issue #14): a certificate expiring is degraded, SEV2.
    expect((discord.received[0]?.body.embeds as Embed[])[0]?.fields?.slice(0, 2)).toEqual([
      { name: 'Severity', value: 'SEV2', inline: true },
      {
        name: 'Runbook',
        value:
          '[Runbook: Health down](https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md#health-down)',
        inline: true,
      },
    ]);
    expect(github.issues()).toHaveLength(0);
    expect(first.log).toContain('shop: certificate expires in 4 days; alerting (threshold 7 days).');

    await probe();
    await probe();
    expect(titles()).toHaveLength(1);

    // As if the last alert had been at the 14-day threshold: 7 is newly crossed, so one more.
    const stateText = github.file('health-probe.json', { branch: 'health-state' }) ?? '';
    const state = JSON.parse(stateText) as { targets: { shop: { certAlerted?: number } } };
    expect(state.targets.shop.certAlerted).toBe(7);
    state.targets.shop.certAlerted = 14;
    github.putFile('health-probe.json', JSON.stringify(state), { branch: 'health-state' });
    await probe();
    expect(titles()).toEqual([
      '⚠️ shop: certificate expires in 4 days',
      '⚠️ shop: certificate expires in 4 days',
    ]);
  });
});
