import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GITHUB_DEFAULTS,
  runAction,
  startDiscordServer,
  startGitHubServer,
  startHealthTargets,
  type ActionRun,
  type DiscordServer,
  type GitHubServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

let targets: HealthTargets;
let discord: DiscordServer;
let github: GitHubServer;

beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
  github = await startGitHubServer();
  targets.route('/web', { body: 'ok' });
  targets.route('/admin', { status: 503, body: 'down' });
});

const SECRET = 'adm-secret-4f9c2e71b0';
afterAll(async () => {
  await Promise.all([targets.close(), discord.close(), github.close()]);
});

const probe = (): Promise<ActionRun> =>
  runAction('health-probe', {
    inputs: {
      targets: `
- name: api
  url: ${targets.url('/api')}
  headers:
    X-Token: ${SECRET}
  expect-json:
    status: UP
- name: web
  url: ${targets.url('/web')}
`,
      retries: '0',
      'webhook-url': discord.webhookUrl(),
      mention: '<@&123456789012345678>',
    },
    env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: github.url },
  });

type Embed = { title: string; url: string; color: number; fields: { name: string; value: string }[] };
const embedsOf = (i: number) => (discord.received[i]?.body.embeds ?? []) as Embed[];

describe('health-probe incidents against the GitHub and Discord stand-ins', () => {
  it('opens one issue and alerts once when a target goes down', async () => {
    targets.route('/api', { body: { status: 'DOWN' } });
    const run = await probe();
    expect(run.exitCode).toBe(1);
    const issues = github.issues();
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue).toMatchObject({ title: '🔴 api is down', state: 'open', labels: ['incident'] });
    expect(issue?.body).toContain('**api** is down: `expected status UP, got DOWN`');
    expect(issue?.body).toMatch(/<!-- sre-toolkit:health-probe:api \{.*"downChecks":1.*\} -->/);
    expect(discord.received).toHaveLength(1);
    const [embed] = embedsOf(0);
    expect(embed?.title).toBe('❌ api is down: expected status UP, got DOWN');
    expect(embed?.url).toBe(`https://github.com/acme/mara/issues/${issue?.number}`);
    expect(embed?.color).toBe(0xd1242f);
    expect(discord.received[0]?.body.content).toBe('<@&123456789012345678>');
    expect(discord.received[0]?.body.allowed_mentions).toEqual({
      parse: [],
      users: [],
      roles: ['123456789012345678'],
    });
    expect(run.summary).toMatch(
      /\| api \| ❌ down \| .* \| expected status UP, got DOWN \(\[#1\]\(https:\/\/github\.com\/acme\/mara\/issues\/1\)\) \|/,
    );
  });

  it('stays silent on Discord while the target stays down, updating the same issue', async () => {
    const run = await probe();
    expect(run.exitCode).toBe(1);
    expect(discord.received).toHaveLength(1);
    expect(github.issues()).toHaveLength(1);
    expect(github.issues()[0]?.body).toMatch(/found down by 2 runs/);
    expect(github.issues()[0]?.body).toMatch(/"downChecks":2/);
    expect(github.issues()[0]?.comments).toHaveLength(0);
    expect(run.log).toContain('api: still down (incident #1, 2 runs); no alert.');
  });

  it('closes the issue with a downtime comment and sends one recovery message when it answers again', async () => {
    targets.route('/api', { body: { status: 'UP' } });
    const run = await probe();
    expect(run.exitCode).toBe(0);
    const [issue] = github.issues();
    expect(issue?.state).toBe('closed');
    expect(issue?.comments).toHaveLength(1);
    expect(issue?.comments[0]?.body).toMatch(/^✅ \*\*api\*\* is up again, after \d+(ms|s) of downtime\./);
    expect(issue?.comments[0]?.body).toContain(
      'Found down by 2 runs; last error: `expected status UP, got DOWN`',
    );
    expect(discord.received).toHaveLength(2);
    const embeds = embedsOf(1);
    expect(embeds).toHaveLength(1);
    expect(embeds[0]?.title).toMatch(/^✅ api is up again after \d+(ms|s)$/);
    expect(embeds[0]?.color).toBe(0x2ea043);
    expect(embeds[0]?.url).toBe('https://github.com/acme/mara/issues/1');
    // Recovery never pings.
    expect(discord.received[1]?.body.content).toBeUndefined();
    expect(discord.received[1]?.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
  });

  it('sends nothing and opens nothing on the next run when everything is up', async () => {
    const run = await probe();
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(2);
    expect(github.issues()).toHaveLength(1);
    expect(run.log).toContain('Nothing changed that needs an alert.');
    // Four runs of a target with a secret header: not in any issue, comment or message.
    expect(targets.hits('/api').at(-1)?.headers['x-token']).toBe(SECRET);
    expect(JSON.stringify(github.issues()) + JSON.stringify(discord.received)).not.toContain(SECRET);
  });
});

describe('health-probe incidents when GitHub refuses', () => {
  it('warns, alerts Discord anyway, and never prints the secret header into issues or messages', async () => {
    const refusing = await startGitHubServer();
    refusing.setPermission('issues', 'read');
    const before = discord.received.length;
    try {
      const run = await runAction('health-probe', {
        inputs: {
          targets: `- name: admin\n  url: ${targets.url('/admin')}\n  headers:\n    Authorization: Bearer ${SECRET}\n`,
          retries: '0',
          'webhook-url': discord.webhookUrl(),
        },
        env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: refusing.url },
      });
      expect(run.exitCode).toBe(1);
      const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^admin: The token may not do this while opening an incident issue \(403 .*\): grant the workflow `permissions: issues: write`\. Alerting anyway\.$/,
      );
      expect(discord.received.length).toBe(before + 1);
      expect(embedsOf(before)[0]?.title).toBe('❌ admin is down: expected status 200-399, got 503');
      expect(refusing.issues()).toHaveLength(0);
      const everything = [
        run.log,
        run.summary,
        JSON.stringify(run.outputs),
        JSON.stringify(discord.received),
        JSON.stringify(github.issues()),
      ].join('\n');
      expect(everything).not.toContain(SECRET);
      expect(run.masked).toEqual(expect.arrayContaining([`Bearer ${SECRET}`, SECRET]));
    } finally {
      await refusing.close();
    }
  });
});
