import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient } from '../src/client';
import { describeGitHubError } from '../src/errors';

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.resetLog());

const logged = () => {
  const lines: string[] = [];
  return { lines, log: (m: string) => void lines.push(m) };
};

describe('createGitHubClient', () => {
  it('sends the token and user agent to the base URL', async () => {
    const client = createGitHubClient({ token: gh.token, baseUrl: `${gh.url}/`, userAgent: 'probe/1.0' });
    const { data } = await client.rest.repos.get({ owner: 'acme', repo: 'mara' });
    expect(data.default_branch).toBe('main');
    expect(gh.requests).toHaveLength(1);
    expect(gh.requests[0]?.path).toBe('/repos/acme/mara');
  });

  it('retries a 502 and succeeds on the next attempt', async () => {
    const { lines, log } = logged();
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, waitUnitMs: 1, log });
    gh.fail({ kind: 'status', status: 502 });
    const { data } = await client.rest.repos.get({ owner: 'acme', repo: 'mara' });
    expect(data.full_name).toBe('acme/mara');
    expect(gh.requests.map((r) => r.status)).toEqual([502, 200]);
    expect(lines).toEqual([]);
  });

  it('gives up after `retries` retries of a 500', async () => {
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, waitUnitMs: 1, retries: 2 });
    gh.fail([1, 2, 3, 4].map(() => ({ kind: 'status', status: 500 }) as const));
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'mara' })).rejects.toMatchObject({
      status: 500,
    });
    expect(gh.requests.map((r) => r.status)).toEqual([500, 500, 500]);
  });

  it('waits out a secondary rate limit (403 and 429 with retry-after) and logs it', async () => {
    const { lines, log } = logged();
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, waitUnitMs: 1, log });
    gh.fail([
      { kind: 'secondary-rate-limit', status: 403, retryAfter: 2 },
      { kind: 'secondary-rate-limit', status: 429, retryAfter: 3 },
    ]);
    const { data } = await client.rest.repos.get({ owner: 'acme', repo: 'mara' });
    expect(data.name).toBe('mara');
    expect(gh.requests.map((r) => r.status)).toEqual([403, 429, 200]);
    expect(lines).toEqual([
      'GitHub secondary rate limit on GET /repos/{owner}/{repo}: waiting 2 s before retry 1/3.',
      'GitHub secondary rate limit on GET /repos/{owner}/{repo}: waiting 3 s before retry 2/3.',
    ]);
  });

  it('does not wait for a primary rate limit whose reset is too far away', async () => {
    const { lines, log } = logged();
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, waitUnitMs: 1, log });
    gh.fail({ kind: 'rate-limit', resetIn: 3600 });
    const error = await client.rest.repos.get({ owner: 'acme', repo: 'mara' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403 });
    expect(gh.requests).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^GitHub rate limit on GET \/repos\/\{owner\}\/\{repo\}: reset in 36\d\d s is too far away/,
    );
  });

  it('never retries a 401 and explains it', async () => {
    const client = createGitHubClient({ token: 'wrong', baseUrl: gh.url, waitUnitMs: 1 });
    const error = await client.rest.repos.get({ owner: 'acme', repo: 'mara' }).catch((e: unknown) => e);
    expect(gh.requests.map((r) => r.status)).toEqual([401]);
    expect(describeGitHubError(error, 'reading acme/mara')).toBe(
      'GitHub rejected the token while reading acme/mara (401 Bad credentials): check the github-token input; it is invalid or expired.',
    );
  });
});
