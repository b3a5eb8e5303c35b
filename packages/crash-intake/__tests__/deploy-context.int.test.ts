import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type DiscordServer,
  type GitHubServer,
  GITHUB_DEFAULTS,
  recordDeployment,
  refusedUrl,
  startDiscordServer,
  startGitHubServer,
} from '@sre-toolkit/testkit';
import {
  appReport,
  type IntakeProcess,
  postReports,
  request,
  runToExit,
  startIntake,
  tempDataDir,
} from './server-process';

/**
 * Issue #14 on crash-intake, through the bundled server and the GitHub stand-in: a real-time alert
 * names the production deploy that shipped the crashing version within CRASH_DEPLOY_WINDOW before
 * the group began; nothing for a deploy outside the window, another version, another environment
 * or without GITHUB_TOKEN. A storm of alerts costs one listing. GitHub slow, down or refusing the
 * token: the alert still goes out at once, without the line, and /health says why.
 */

const MINUTE = 60_000;
type Field = { name: string; value: string; inline?: boolean };
type Embed = { title: string; fields?: Field[] };

/** `12` → `bc`: the intake's grouping turns digits in messages into `<num>`. */
const word = (n: number) => String(n).replace(/\d/g, (d) => 'abcdefghij'[Number(d)] ?? '');
/** A fatal report of bug `n` in `version`: its own group. */
const fatal = (n: number, version: string, overrides: Record<string, unknown> = {}) =>
  appReport({
    type: 'StateError',
    message: `Bad state: basket step ${word(n)} failed`,
    stackTrace: `#0      BasketStep${n}.run (package:my_app/basket/step_${n}.dart:12:5)\n`,
    appVersion: version,
    buildNumber: '120',
    ...overrides,
  });

/** Polls the stand-in; bounded, so a missing alert fails the test instead of hanging it. */
async function alerts(d: DiscordServer, count: number, ms = 10_000): Promise<Embed[]> {
  const until = Date.now() + ms;
  while (d.received.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(d.received.length).toBeGreaterThanOrEqual(count);
  return d.received.map((m) => (m.body.embeds as Embed[])[0] as Embed);
}
const deployField = (e: Embed | undefined) => e?.fields?.find((f) => f.name === 'Deploy before')?.value;
const health = async (port: number) =>
  JSON.parse((await request(port, 'GET', '/health')).body) as {
    status: string;
    checks: Record<string, { status: string; output?: string }[]>;
  };

let discord: DiscordServer;
let gh: GitHubServer;
let intake: IntakeProcess | undefined;
let data: ReturnType<typeof tempDataDir> | undefined;

beforeAll(async () => {
  discord = await startDiscordServer();
  gh = await startGitHubServer();
});
afterEach(async () => {
  if (intake) expect(await intake.stop()).toBe(0);
  data?.remove();
  intake = undefined;
  discord.reset();
  gh.resetLog();
  gh.setToken(GITHUB_DEFAULTS.token);
});
afterAll(async () => {
  await Promise.all([discord.close(), gh.close()]);
});

async function start(env: Record<string, string> = {}): Promise<IntakeProcess> {
  data = tempDataDir();
  intake = await startIntake(data.dir, {
    CRASH_APP_PACKAGE: 'my_app',
    CRASH_RATE_LIMIT: '100000',
    DISCORD_WEBHOOK_ALERTS: discord.webhookUrl(),
    GITHUB_TOKEN: GITHUB_DEFAULTS.token,
    GITHUB_REPOSITORY: 'acme/mara',
    GITHUB_API_URL: gh.url,
    ...env,
  });
  return intake;
}

/** A deployment of `version` to `environment` that succeeded at `at` (created 4 minutes before). */
const deploy = (at: number, version: string, environment = 'production') =>
  recordDeployment(gh, { at, version, environment, inProgress: true });

const listings = () => gh.requests.filter((r) => r.method === 'GET' && /\/deployments$/.test(r.path));
const deployReads = () => gh.requests.filter((r) => r.path.includes('/deployments'));

describe('crash-intake bundle: deploy context on real-time alerts', () => {
  let shipped: { id: number; sha: string };
  let hotfix: { id: number; sha: string };
  beforeAll(async () => {
    const now = Date.now();
    shipped = await deploy(now - 12 * MINUTE, '3.2.0');
    // A newer deploy of another version: it must not hide the one that shipped the crashing version.
    hotfix = await deploy(now - 5 * MINUTE, '3.2.1');
    await deploy(now - 3 * 60 * MINUTE, '2.9.0');
    await deploy(now - 10 * MINUTE, '3.0.0', 'staging');
  });

  it('names the deploy that shipped the crashing version, after the severity and runbook', async () => {
    const s = await start();
    expect(s.output()).toContain('deploy context from acme/mara production');
    expect((await postReports(s.port, fatal(1, '3.2.0'))).status).toBe(202);
    const [first] = await alerts(discord, 1);
    expect(first?.fields?.slice(0, 4).map((f) => f.name)).toEqual([
      'Severity',
      'Runbook',
      'Deploy before',
      'Culprit',
    ]);
    expect(deployField(first)).toBe(
      `🚀 Began 12 min after **mara 3.2.0** reached production (deploy #${shipped.id} by @octocat, commit ${shipped.sha.slice(0, 7)}); crashing in that version`,
    );
    expect(listings()).toHaveLength(1);
    expect(listings()[0]?.query).toMatchObject({ environment: 'production' });

    await postReports(s.port, fatal(2, '3.2.1'));
    const [, second] = await alerts(discord, 2);
    expect(deployField(second)).toBe(
      `🚀 Began 5 min after **mara 3.2.1** reached production (deploy #${hotfix.id} by @octocat, commit ${hotfix.sha.slice(0, 7)}); crashing in that version`,
    );
    expect((await health(s.port)).checks['github:deployments']?.[0]?.status).toBe('pass');
  });

  it('names none outside the window, for another version or another environment', async () => {
    const s = await start();
    const versions = ['2.9.0', '4.0.0', '3.0.0'];
    for (const [i, version] of versions.entries()) {
      await postReports(s.port, fatal(10 + i, version));
      await alerts(discord, i + 1);
    }
    const embeds = await alerts(discord, 3);
    expect(embeds.map((e) => e.title)).toEqual([
      'New fatal crash: StateError: Bad state: basket step ba failed',
      'New fatal crash: StateError: Bad state: basket step bb failed',
      'New fatal crash: StateError: Bad state: basket step bc failed',
    ]);
    expect(embeds.map(deployField)).toEqual([undefined, undefined, undefined]);
    // Looked up all the same: the answer was "no deploy of that version in the window".
    expect(listings()).toHaveLength(1);
  });

  it('names the deploy on a storm summary, and the storm costs one listing', async () => {
    const s = await start();
    await postReports(s.port, fatal(20, '3.2.0'));
    await alerts(discord, 1);
    await postReports(
      s.port,
      Array.from({ length: 14 }, (_, i) => fatal(30 + i, '3.2.0')),
    );
    const embeds = await alerts(discord, 2);
    expect(embeds[1]?.title).toBe('14 new crash groups in the last minute');
    expect(deployField(embeds[1])).toMatch(/^🚀 Began 12 min after \*\*mara 3\.2\.0\*\* reached production/);
    expect(listings()).toHaveLength(1);
    // The listing and the statuses of the one deployment read: nothing more for 15 alerted groups.
    expect(deployReads()).toHaveLength(2);
  });

  it('asks GitHub nothing without GITHUB_TOKEN, or with CRASH_DEPLOY_ENVIRONMENT none', async () => {
    const settings: Record<string, string>[] = [{ GITHUB_TOKEN: '' }, { CRASH_DEPLOY_ENVIRONMENT: 'none' }];
    for (const env of settings) {
      const s = await start(env);
      await postReports(s.port, fatal(40, '3.2.0'));
      const [only] = await alerts(discord, 1);
      expect(only?.title).toBe('New fatal crash: StateError: Bad state: basket step ea failed');
      expect(deployField(only)).toBeUndefined();
      expect((await health(s.port)).checks['github:deployments']).toBeUndefined();
      expect(await s.stop()).toBe(0);
      intake = undefined;
      data?.remove();
      discord.reset();
    }
    expect(gh.requests).toEqual([]);
  });
});

describe('crash-intake bundle: deploy lookup failing', () => {
  it('sends the alert within CRASH_DEPLOY_TIMEOUT when GitHub does not answer, and /health says why', async () => {
    gh.fail({ kind: 'hang' }, { path: '/repos/acme/mara/deployments' });
    const s = await start({ CRASH_DEPLOY_TIMEOUT: '1s' });
    const posted = Date.now();
    await postReports(s.port, fatal(50, '3.2.0'));
    const [only] = await alerts(discord, 1);
    const took = Date.now() - posted;
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(4_000);
    expect(deployField(only)).toBeUndefined();
    expect(listings()).toHaveLength(1);
    const h = await health(s.port);
    expect(h.status).toBe('warn');
    expect(h.checks['github:deployments']?.[0]).toMatchObject({
      status: 'warn',
      output: 'GitHub did not answer within 1000 ms (CRASH_DEPLOY_TIMEOUT) listing deployments of acme/mara',
    });
    expect(s.output()).toContain('Alert sent without deploy context: GitHub did not answer within 1000 ms');
  });

  it('sends the alert when GitHub refuses the token (401), never writing the token', async () => {
    const token = 'ghp_intakeSecret0123456789abcdefABCDEF';
    const s = await start({ GITHUB_TOKEN: token });
    await postReports(s.port, fatal(51, '3.2.0'));
    const [only] = await alerts(discord, 1);
    expect(deployField(only)).toBeUndefined();
    const check = (await health(s.port)).checks['github:deployments']?.[0];
    expect(check).toMatchObject({
      status: 'warn',
      output:
        'GitHub rejected GITHUB_TOKEN (401): it is invalid or expired; set a token that can read deployments',
    });
    expect(s.output()).toContain('GitHub rejected GITHUB_TOKEN (401)');
    expect(s.output()).not.toContain(token);
    expect(JSON.stringify(discord.received)).not.toContain(token);
  });

  it('sends the alert at once when GitHub cannot be reached, naming the refused connection', async () => {
    const s = await start({ GITHUB_API_URL: await refusedUrl('') });
    const posted = Date.now();
    await postReports(s.port, fatal(52, '3.2.0'));
    const [only] = await alerts(discord, 1);
    expect(Date.now() - posted).toBeLessThan(3_000);
    expect(deployField(only)).toBeUndefined();
    expect((await health(s.port)).checks['github:deployments']?.[0]?.output).toMatch(
      /^Could not reach GitHub while listing deployments of acme\/mara at http:\/\/127\.0\.0\.1:\d+: connection refused \(.*ECONNREFUSED.*\)\. No HTTP answer was received\.$/,
    );
  });

  it('refuses bad deploy settings at start, naming each variable and never the token', async () => {
    data = tempDataDir();
    const token = 'ghp_intakeSecret0123456789abcdefABCDEF';
    const run = await runToExit(
      {
        CRASH_DATA_DIR: data.dir,
        CRASH_EXPORT_TOKEN: 'export-token-0123456789abcdef',
        GITHUB_TOKEN: token,
        GITHUB_API_URL: 'api.github.com',
        CRASH_DEPLOY_WINDOW: 'two hours',
        CRASH_DEPLOY_TIMEOUT: '5m',
      },
      data.dir,
    );
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'GITHUB_REPOSITORY is required with GITHUB_TOKEN: the owner/name whose deployments the alerts name',
    );
    expect(run.output).toContain('GITHUB_API_URL must be the http(s) root of GitHub');
    expect(run.output).toContain(
      'CRASH_DEPLOY_WINDOW must be a duration like 30m, 2h or 1d (at most 168h), not "two hours"',
    );
    expect(run.output).toContain(
      'CRASH_DEPLOY_TIMEOUT must be a duration like 1500ms or 3s (at most 30s), not "5m"',
    );
    expect(run.output).not.toContain(token);
  });
});
