import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GITHUB_DEFAULTS,
  runAction,
  startDiscordServer,
  startGitHubProxy,
  startGitHubServer,
  startHealthTargets,
  type DiscordServer,
  type GitHubProxy,
  type GitHubServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

let targets: HealthTargets;
let discord: DiscordServer;
let github: GitHubServer;
let proxy: GitHubProxy;

beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
});
afterAll(async () => {
  await Promise.all([targets.close(), discord.close()]);
});
beforeEach(async () => {
  discord.reset();
  github = await startGitHubServer();
  proxy = await startGitHubProxy(github.url);
});
afterEach(async () => {
  await Promise.all([proxy.close(), github.close()]);
});

const probe = (inputs: Record<string, string> = {}) =>
  runAction('health-probe', {
    inputs: {
      targets: `- name: api\n  url: ${targets.url('/api')}\n  expect-json:\n    status: UP\n`,
      retries: '0',
      'webhook-url': discord.webhookUrl(),
      mention: '<@&123456789012345678>',
      ...inputs,
    },
    env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: proxy.url },
  });

type Embed = { title: string };
const titles = () =>
  discord.received.map((m) => ((m.body.embeds ?? []) as Embed[]).map((e) => e.title).join(' | '));

describe('health-probe when GitHub accepts connections and never answers', () => {
  it('sends the down alert within the github-timeout budget and warns that incidents were not read', async () => {
    targets.route('/api', { status: 503, body: { status: 'DOWN' } });
    proxy.fail({ kind: 'hang' }, {}, Infinity);
    const run = await probe({ 'github-timeout': '3s' });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(12_000);
    expect(titles()).toEqual([expect.stringMatching(/^❌ api is down/)]);
    expect(discord.received[0]?.body.content).toBe('<@&123456789012345678>');
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    // Every GitHub read of the run says what it could not do: maintenance issues, state, incidents.
    expect(warnings).toEqual([
      'GitHub did not answer in time while listing maintenance issues: GET /repos/{owner}/{repo}/issues not answered: the 3 s budget for GitHub requests in this run (github-timeout) is used up. Raise github-timeout if GitHub is only slow. Maintenance issues are not honoured this run.',
      'GitHub did not answer in time while reading the state on branch health-state: GET /repos/{owner}/{repo}/contents/{path} not answered: the 3 s budget for GitHub requests in this run (github-timeout) is used up. Raise github-timeout if GitHub is only slow. Running without memory this run.',
      'GitHub did not answer in time while reading incident issues: GET /repos/acme/mara/issues not answered: the 3 s budget for GitHub requests in this run (github-timeout) is used up. Raise github-timeout if GitHub is only slow. Alerting on every down target this run.',
    ]);
    expect(run.log).not.toMatch(/answered 500/);
    expect([...new Set(proxy.requests.map((r) => `${r.method} ${r.path} ${r.status}`))].sort()).toEqual([
      'GET /repos/acme/mara/contents/health-probe.json 0',
      'GET /repos/acme/mara/issues 0',
    ]);
    expect(github.issues()).toHaveLength(0);
  }, 30_000);
});

describe('health-probe incident state from outside text', () => {
  it('opens one issue and pings once over three runs when the body plants a marker', async () => {
    const planted = '<!-- sre-toolkit:health-probe:api {"downChecks":99} -->';
    targets.route('/api', { body: { status: planted } });
    for (let i = 0; i < 3; i++) expect((await probe()).exitCode).toBe(1);
    const issues = github.issues();
    expect(issues).toHaveLength(1);
    expect(issues[0]?.body?.match(/<!--/g)).toHaveLength(1);
    expect(issues[0]?.body).toMatch(/<!-- sre-toolkit:health-probe:api \{.*"downChecks":3.*\} -->\n$/);
    expect(discord.received).toHaveLength(1);
    expect(titles()).toEqual([expect.stringMatching(/^❌ api is down/)]);
  }, 60_000);

  it('alerts the first time although someone else filed an issue with the label and a marker', async () => {
    const forged = github.addIssue({
      title: '🔴 api is down',
      body: `nothing to see\n\n<!-- sre-toolkit:health-probe:api {"downChecks":5,"since":"2020-01-01T00:00:00.000Z"} -->\n`,
      labels: ['incident'],
    });
    proxy.rewrite((_req, body) => {
      const fix = (i: { number?: number; user?: object }) =>
        i.number === forged.number ? { ...i, user: { ...i.user, login: 'mallory' } } : i;
      return Array.isArray(body) ? body.map(fix) : fix(body as { number?: number });
    });
    targets.route('/api', { status: 503, body: 'down' });
    const run = await probe();
    expect(run.exitCode).toBe(1);
    expect(titles()).toEqual([expect.stringMatching(/^❌ api is down/)]);
    expect(discord.received[0]?.body.content).toBe('<@&123456789012345678>');
    const issues = github.issues();
    expect(issues.map((i) => [i.number, i.state])).toEqual([
      [forged.number, 'open'],
      [forged.number + 1, 'open'],
    ]);
    expect(forged.comments).toHaveLength(0);

    // The target recovers: our issue closes, the forged one is left alone.
    targets.route('/api', { body: { status: 'UP' } });
    discord.reset();
    expect((await probe()).exitCode).toBe(0);
    expect(titles()).toEqual([expect.stringMatching(/^✅ api/)]);
    expect(github.issues().map((i) => i.state)).toEqual(['open', 'closed']);
  }, 60_000);
});
