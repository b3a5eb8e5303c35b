import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GITHUB_DEFAULTS,
  recordDeployment,
  runAction,
  startDiscordServer,
  startGitHubServer,
  startHealthTargets,
  type DiscordServer,
  type GitHubServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

/**
 * Issue #14 on health-probe, through the bundle: severity and runbook link on down alerts and
 * reminders (SEV1 for a `critical: true` target, SEV2 otherwise), the link alone on recoveries,
 * and the deploy that reached production shortly before an outage, in the alert and its issue.
 */

let targets: HealthTargets;
let discord: DiscordServer;
let gh: GitHubServer;
const MINUTE = 60_000;
const RUNBOOK = 'https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md#health-down';

beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
});
beforeEach(async () => {
  await gh?.close();
  gh = await startGitHubServer();
  discord.reset();
  targets.route('/api', { status: 503, body: 'down' });
  targets.route('/web', { status: 503, body: 'down' });
});
afterAll(async () => {
  await Promise.all([targets.close(), discord.close(), gh.close()]);
});

/** A deployment to `environment` that succeeded `minutesAgo` before now. */
const deploy = (minutesAgo: number, environment = 'production', state = 'success') =>
  recordDeployment(gh, { at: Date.now() - minutesAgo * MINUTE, environment, state });

const probe = (inputs: Record<string, string> = {}) =>
  runAction('health-probe', {
    inputs: {
      targets: `
- name: api
  url: ${targets.url('/api')}
  critical: true
- name: web
  url: ${targets.url('/web')}
`,
      retries: '0',
      'webhook-url': discord.webhookUrl(),
      ...inputs,
    },
    env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: gh.url },
  });

type Field = { name: string; value: string; inline?: boolean };
type Embed = { title: string; fields: Field[] };
const embeds = () => discord.received.flatMap((m) => (m.body.embeds ?? []) as Embed[]);
const byTitle = (start: string) => embeds().find((e) => e.title.startsWith(start));
const deployReads = () => gh.requests.filter((r) => r.method === 'GET' && r.path.includes('/deployments'));

describe('health-probe severity and runbook', () => {
  it('puts severity first (SEV1 critical, SEV2 otherwise) with the runbook link; recoveries carry the link', async () => {
    const run = await probe();
    expect(run.exitCode).toBe(1);
    const api = byTitle('❌ api is down');
    const web = byTitle('❌ web is down');
    expect(api?.fields.slice(0, 2)).toEqual([
      { name: 'Severity', value: 'SEV1', inline: true },
      { name: 'Runbook', value: `[Runbook: Health down](${RUNBOOK})`, inline: true },
    ]);
    expect(web?.fields[0]).toEqual({ name: 'Severity', value: 'SEV2', inline: true });
    expect(web?.fields[1]?.value).toBe(`[Runbook: Health down](${RUNBOOK})`);

    discord.reset();
    targets.route('/api', { body: 'ok' });
    targets.route('/web', { body: 'ok' });
    const back = await probe();
    expect(back.exitCode).toBe(0);
    const recovered = byTitle('✅ api is up again');
    expect(recovered?.fields[0]).toEqual({
      name: 'Runbook',
      value: `[Runbook: Health down](${RUNBOOK})`,
      inline: true,
    });
    expect(recovered?.fields.some((f) => f.name === 'Severity')).toBe(false);
  });

  it('applies a fixed severity and a runbook-url of its own to every alert, reminders included', async () => {
    const inputs = {
      severity: 'sev3',
      'runbook-url': 'https://wiki.example/oncall#old',
      'remind-every': '1s',
    };
    await probe(inputs);
    await new Promise((r) => setTimeout(r, 1100));
    discord.reset();
    const again = await probe(inputs);
    expect(again.exitCode).toBe(1);
    const reminder = byTitle('🔴 api still down');
    expect(reminder?.fields.slice(0, 2)).toEqual([
      { name: 'Severity', value: 'SEV3', inline: true },
      {
        name: 'Runbook',
        value: '[Runbook: Health down](https://wiki.example/oncall#health-down)',
        inline: true,
      },
    ]);
  });

  it('refuses a severity outside auto and SEV1–SEV3, and a critical that is not a boolean', async () => {
    const bad = await probe({ severity: 'SEV0' });
    expect(bad.exitCode).toBe(1);
    expect(
      bad.annotations
        .filter((a) => a.level === 'error')
        .map((a) => a.message)
        .join('\n'),
    ).toMatch(/severity/);
    const notBool = await runAction('health-probe', {
      inputs: { targets: `- url: ${targets.url('/api')}\n  critical: yes please\n` },
    });
    expect(notBool.exitCode).toBe(1);
    expect(notBool.annotations.map((a) => a.message).join('\n')).toContain('critical must be true or false');
  });
});

describe('health-probe deploy context', () => {
  it('names the production deploy that succeeded 12 minutes before the outage, in the alert and the issue', async () => {
    const d = await deploy(12);
    await deploy(5, 'staging');
    const run = await probe();
    expect(run.exitCode).toBe(1);
    const sentence = `12 min after **mara 1.4.2** reached production`;
    const field = byTitle('❌ api is down')?.fields.find((f) => f.name === 'Deploy before');
    expect(field?.value).toBe(`Began ${sentence} (deploy #${d.id} by @octocat, commit ${d.sha.slice(0, 7)})`);
    const issue = gh.issues().find((i) => i.title === '🔴 api is down');
    expect(issue?.body).toContain(
      `This incident began ${sentence} (deploy #\u2060${d.id} by @\u2060octocat, commit ${d.sha.slice(0, 7)}).`,
    );
    // One listing for the run, however many incidents open; statuses at most 3.
    const lists = deployReads().filter((r) => /\/deployments$/.test(r.path));
    expect(lists).toHaveLength(1);
    expect(lists[0]?.query).toMatchObject({ environment: 'production' });
    expect(deployReads().length).toBeLessThanOrEqual(4);
  });

  it('says nothing of a deploy outside the window, failed, or to another environment', async () => {
    await deploy(121);
    await deploy(10, 'production', 'failure');
    await deploy(10, 'staging');
    const run = await probe();
    expect(run.exitCode).toBe(1);
    expect(embeds()).toHaveLength(2);
    expect(
      embeds()
        .flatMap((e) => e.fields)
        .filter((f) => f.name === 'Deploy before'),
    ).toEqual([]);
    for (const issue of gh.issues()) expect(issue.body).not.toContain('reached production');
  });

  it('looks nothing up with deploy-environment none, and honours deploy-window', async () => {
    await deploy(12);
    await probe({ 'deploy-environment': 'none' });
    expect(deployReads()).toEqual([]);
    expect(
      embeds()
        .flatMap((e) => e.fields)
        .filter((f) => f.name === 'Deploy before'),
    ).toEqual([]);
  });

  it('still alerts and opens the issue when the deployments listing is refused, saying why in the log', async () => {
    await deploy(12);
    gh.fail({ kind: 'status', status: 403 }, { method: 'GET', path: /\/deployments$/ });
    const run = await probe();
    expect(run.exitCode).toBe(1);
    expect(embeds()).toHaveLength(2);
    expect(
      embeds()
        .flatMap((e) => e.fields)
        .filter((f) => f.name === 'Deploy before'),
    ).toEqual([]);
    expect(gh.issues()).toHaveLength(2);
    expect(run.log).toMatch(/No deploy context: .*deployments: read/);
  });

  it('honours a deploy-window shorter than the gap', async () => {
    await deploy(12);
    await probe({ 'deploy-window': '10m' });
    expect(deployReads().length).toBeGreaterThan(0);
    expect(
      embeds()
        .flatMap((e) => e.fields)
        .filter((f) => f.name === 'Deploy before'),
    ).toEqual([]);
  });
});
