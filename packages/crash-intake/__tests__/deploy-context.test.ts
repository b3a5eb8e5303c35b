import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GITHUB_DEFAULTS, type GitHubServer, startGitHubServer } from '@sre-toolkit/testkit';
import { readDeployConfig } from '../src/deploy-config';
import { DeployContext } from '../src/deploy-context';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-02T10:00:00Z');

describe('readDeployConfig', () => {
  const base = { GITHUB_TOKEN: 'ghs_x', GITHUB_REPOSITORY: 'acme/mara' };

  it('defaults to production, a 2h window, a 3s timeout and api.github.com', () => {
    expect(readDeployConfig(base)).toEqual({
      value: {
        token: 'ghs_x',
        owner: 'acme',
        repo: 'mara',
        apiUrl: 'https://api.github.com',
        environment: 'production',
        windowMs: 2 * 60 * MINUTE,
        timeoutMs: 3_000,
      },
    });
  });

  it('takes the environment, window, timeout and API root', () => {
    const read = readDeployConfig({
      ...base,
      GITHUB_API_URL: 'https://ghe.example/api/v3',
      CRASH_DEPLOY_ENVIRONMENT: 'prod-eu',
      CRASH_DEPLOY_WINDOW: '45m',
      CRASH_DEPLOY_TIMEOUT: '1500ms',
    });
    expect(read).toMatchObject({
      value: {
        apiUrl: 'https://ghe.example/api/v3',
        environment: 'prod-eu',
        windowMs: 45 * MINUTE,
        timeoutMs: 1500,
      },
    });
  });

  it('looks nothing up without a token or with environment none; a repository alone is no error', () => {
    expect(readDeployConfig({ GITHUB_REPOSITORY: 'acme/mara' })).toEqual({});
    expect(readDeployConfig({ ...base, CRASH_DEPLOY_ENVIRONMENT: 'none' })).toEqual({});
  });

  it('names each bad variable and its rule, and never repeats the token', () => {
    const read = readDeployConfig({
      GITHUB_TOKEN: 'ghp_secret value',
      GITHUB_REPOSITORY: 'acme',
      CRASH_DEPLOY_WINDOW: '0m',
      CRASH_DEPLOY_ENVIRONMENT: 'prod\nuction',
    });
    expect(read).toEqual({
      errors: [
        'CRASH_DEPLOY_WINDOW must be a duration like 30m, 2h or 1d (at most 168h), not "0m"',
        'CRASH_DEPLOY_ENVIRONMENT must be an environment name of at most 255 characters (or none)',
        'GITHUB_REPOSITORY must be owner/name (the repository whose deployments to read), not "acme"',
        'GITHUB_TOKEN must be one token, without spaces or line breaks',
      ],
    });
    expect(JSON.stringify(read)).not.toContain('secret');
  });
});

describe('DeployContext against the GitHub stand-in', () => {
  let gh: GitHubServer;
  let clock: number;
  let logged: string[];
  const make = (timeoutMs = 2_000) =>
    new DeployContext({
      token: GITHUB_DEFAULTS.token,
      owner: 'acme',
      repo: 'mara',
      apiUrl: gh.url,
      environment: 'production',
      windowMs: 2 * 60 * MINUTE,
      timeoutMs,
      userAgent: 'test',
      now: () => clock,
      log: (l) => logged.push(l),
    });
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(`${gh.url}/repos/acme/mara${path}`, {
      method: 'POST',
      headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { id: number };
  };
  const deploy = async (at: number, version: string) => {
    const d = await post('/deployments', {
      ref: `v${version}`,
      payload: { app: 'mara', version },
      creator: 'octocat',
      created_at: new Date(at - MINUTE).toISOString(),
    });
    await post(`/deployments/${d.id}/statuses`, { state: 'success', created_at: new Date(at).toISOString() });
    return d;
  };
  const listings = () => gh.requests.filter((r) => /\/deployments$/.test(r.path));

  beforeAll(async () => {
    gh = await startGitHubServer();
    await deploy(T0 - 30 * MINUTE, '2.4.1');
  });
  afterAll(async () => {
    await gh.close();
  });
  beforeEach(() => {
    gh.resetLog();
    clock = T0;
    logged = [];
  });

  it('matches a build-numbered version to the plain one the deploy names', async () => {
    const c = make();
    expect(await c.line({ start: T0, versions: ['2.4.1+88'] })).toMatch(
      /^🚀 Began 30 min after \*\*mara 2\.4\.1\*\* reached production \(deploy #\d+ by @octocat, commit [0-9a-f]{7}\); crashing in that version$/,
    );
    expect(await c.line({ start: T0, versions: ['2.4.10'] })).toBeUndefined();
  });

  it('serves a minute of alerts from one listing, then lists again; the success it read is kept', async () => {
    const c = make();
    for (let i = 0; i < 5; i++) {
      clock = T0 + i * 10_000;
      expect(await c.line({ start: clock, versions: ['2.4.1'] })).toMatch(/^🚀 Began 3\d min after/);
    }
    expect(listings()).toHaveLength(1);
    clock = T0 + MINUTE;
    expect(await c.line({ start: clock, versions: ['2.4.1'] })).toMatch(/^🚀 Began 31 min after/);
    expect(listings()).toHaveLength(2);
    // One statuses read in all: a deployment that succeeded does not change that.
    expect(gh.requests.filter((r) => r.path.endsWith('/statuses'))).toHaveLength(1);
  });

  it('keeps a failure for a minute too: GitHub down is asked once a minute, not once an alert', async () => {
    const c = make();
    gh.fail({ kind: 'status', status: 502 });
    expect(await c.line({ start: T0, versions: ['2.4.1'] })).toBeUndefined();
    expect(c.check()).toEqual({
      status: 'warn',
      output: 'GitHub answered 502 while listing deployments of acme/mara: Server Error',
    });
    clock = T0 + 30_000;
    expect(await c.line({ start: clock, versions: ['2.4.1'] })).toBeUndefined();
    expect(listings()).toHaveLength(1);
    clock = T0 + MINUTE;
    expect(await c.line({ start: clock, versions: ['2.4.1'] })).toMatch(/^🚀 Began 31 min after/);
    expect(c.check()).toEqual({ status: 'pass' });
    expect(listings()).toHaveLength(2);
    expect(logged).toEqual([
      'Alert sent without deploy context: GitHub answered 502 while listing deployments of acme/mara: Server Error',
      'Alert sent without deploy context: GitHub answered 502 while listing deployments of acme/mara: Server Error',
    ]);
  });
});
