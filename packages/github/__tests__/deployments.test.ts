import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient } from '../src/client';
import { deployedVersion, deployLookup, deploySentence, type DeployInfo } from '../src/deployments';

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => {
  await gh.close();
});

const MINUTE = 60_000;
const start = new Date('2026-12-02T12:00:00Z');
const at = (minutesBefore: number) => new Date(start.getTime() - minutesBefore * MINUTE).toISOString();

async function post(path: string, body: Record<string, unknown>) {
  const res = await fetch(`${gh.url}/repos/acme/mara${path}`, {
    method: 'POST',
    headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { id: number; sha: string };
}

async function deployment(minutesBefore: number, state: string | undefined, version = '1.4.2') {
  const d = await post('/deployments', {
    ref: `v${version}`,
    environment: 'production',
    payload: { version },
    creator: 'octocat',
    created_at: at(minutesBefore + 3),
  });
  if (state) await post(`/deployments/${d.id}/statuses`, { state, created_at: at(minutesBefore) });
  return d;
}

describe('deployLookup', () => {
  it('finds the newest deploy that succeeded within the window, reading statuses of at most 3, once', async () => {
    const ok = await deployment(50, 'success', '1.4.1');
    for (let i = 0; i < 4; i++) await deployment(10 + i, 'failure');
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url });
    gh.resetLog();
    const lookup = deployLookup(client, {
      owner: 'acme',
      repo: 'mara',
      environment: 'production',
      windowMs: 2 * 3_600_000,
    });
    // Four failed deploys are newer than the good one: the status budget (3) runs out first.
    expect(await lookup(start)).toBeUndefined();
    expect(await lookup(start)).toBeUndefined();
    expect(gh.requests.map((r) => r.path.replace(/\d+/g, 'N'))).toEqual([
      '/repos/acme/mara/deployments',
      '/repos/acme/mara/deployments/N/statuses',
      '/repos/acme/mara/deployments/N/statuses',
      '/repos/acme/mara/deployments/N/statuses',
    ]);
    const wide = deployLookup(client, {
      owner: 'acme',
      repo: 'mara',
      environment: 'production',
      windowMs: 2 * 3_600_000,
      maxStatusReads: 10,
    });
    expect(await wide(start)).toMatchObject({
      id: ok.id,
      version: '1.4.1',
      creator: 'octocat',
      succeededAt: at(50),
      app: 'mara',
    });
  });

  it('ignores a deploy that succeeded after the start or before the window', async () => {
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url });
    const lookup = deployLookup(client, {
      owner: 'acme',
      repo: 'mara',
      environment: 'production',
      windowMs: 30 * MINUTE,
      maxStatusReads: 10,
    });
    expect(await lookup(start)).toBeUndefined();
    expect(await lookup(new Date(start.getTime() - 100 * MINUTE))).toBeUndefined();
  });
});

describe('deploySentence and deployedVersion', () => {
  const d: DeployInfo = {
    id: 412,
    environment: 'production',
    ref: 'refs/tags/v1.4.2',
    sha: 'abc1234def5678abc1234def5678abc1234def56',
    version: '1.4.2',
    app: 'mara',
    creator: 'octocat',
    succeededAt: at(12),
  };
  it('says how long after which deploy, as the issue asks', () => {
    expect(deploySentence(d, start)).toBe(
      'began 12 min after mara 1.4.2 reached production (deploy #412 by @octocat, commit abc1234)',
    );
    expect(deploySentence({ ...d, succeededAt: at(100) }, start)).toContain('began 1.7 h after');
  });
  it("matches a crash report's appVersion against the payload version or the tag", () => {
    expect(deployedVersion(d, '1.4.2')).toBe(true);
    expect(deployedVersion(d, 'v1.4.2')).toBe(true);
    expect(deployedVersion({ ...d, version: undefined } as unknown as DeployInfo, '1.4.2')).toBe(true);
    expect(deployedVersion(d, '1.4.20')).toBe(false);
    expect(deployedVersion(d, '')).toBe(false);
  });
});
