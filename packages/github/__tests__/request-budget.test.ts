import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listenOnLoopback, startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient } from '../src/client';
import { describeGitHubError } from '../src/errors';
import { GitHubTimeoutError } from '../src/request-budget';

let gh: GitHubServer;
/** Accepts connections, reads requests, never answers. */
let silent: { url: string; hits: number; close: () => Promise<void> };
beforeAll(async () => {
  gh = await startGitHubServer();
  const state = { hits: 0 };
  const server = http.createServer(() => void state.hits++);
  const { port, close } = await listenOnLoopback(server);
  silent = {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    close,
  };
});
afterAll(async () => {
  await Promise.all([gh.close(), silent.close()]);
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('GitHub request timeouts', () => {
  it('ends a request GitHub never answers after the per-request timeout, as a timeout', async () => {
    const client = createGitHubClient({
      token: 't',
      baseUrl: silent.url,
      requestTimeoutMs: 200,
      waitUnitMs: 1,
    });
    const started = Date.now();
    const error = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(GitHubTimeoutError);
    expect((error as GitHubTimeoutError).reason).toBe('request');
    expect(describeGitHubError(error, 'reading acme/mara')).toBe(
      'GitHub did not answer in time while reading acme/mara: GET /repos/{owner}/{repo} not answered within 0.2 s. Raise github-timeout if GitHub is only slow.',
    );
  });

  it('bounds all requests together by the budget, then fails at once without a request', async () => {
    const client = createGitHubClient({
      token: 't',
      baseUrl: silent.url,
      budgetMs: 500,
      requestTimeoutMs: 300,
      waitUnitMs: 1,
    });
    const hitsBefore = silent.hits;
    const started = Date.now();
    const first = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    const second = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    const third = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1500);
    expect((first as GitHubTimeoutError).reason).toBe('request');
    expect((second as GitHubTimeoutError).reason).toBe('budget');
    expect((third as GitHubTimeoutError).reason).toBe('budget');
    expect(silent.hits - hitsBefore).toBe(2);
    expect(describeGitHubError(third, 'listing issues')).toBe(
      'GitHub did not answer in time while listing issues: GET /repos/{owner}/{repo} not answered: the 0.5 s budget for GitHub requests in this run (github-timeout) is used up. Raise github-timeout if GitHub is only slow.',
    );
  });

  it('does not retry a 5xx when the retry wait would outlast the budget', async () => {
    gh.resetLog();
    // Retries wait 1, 4, 9 units of 400 ms; with 3 s, the second wait (1.6 s) no longer fits.
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, budgetMs: 3000, waitUnitMs: 400 });
    gh.fail([1, 2, 3, 4].map(() => ({ kind: 'status', status: 502 }) as const));
    const started = Date.now();
    const error = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ status: 502 });
    expect(gh.requests.map((r) => r.status)).toEqual([502, 502]);
    expect(describeGitHubError(error, 'reading acme/mara')).toBe(
      'GitHub answered 502 while reading acme/mara (after retries): Server Error',
    );
  });

  it('does not sit out a rate-limit wait longer than the budget left', async () => {
    gh.resetLog();
    const lines: string[] = [];
    const client = createGitHubClient({
      token: gh.token,
      baseUrl: gh.url,
      // plugin-retry would try again after 1 s of its own: that does not fit either.
      budgetMs: 1500,
      waitUnitMs: 1000,
      log: (m) => void lines.push(m),
    });
    gh.fail({ kind: 'secondary-rate-limit', status: 429, retryAfter: 30 });
    const error = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    expect(error).toMatchObject({ status: 429 });
    expect(gh.requests).toHaveLength(1);
    expect(lines).toEqual([
      'GitHub secondary rate limit on GET /repos/{owner}/{repo}: a wait of 30 s does not fit in the github-timeout budget.',
    ]);
  });

  it('describes a refused connection as unreachable, never as a 500 from GitHub', async () => {
    const closed = http.createServer();
    const { port, close } = await listenOnLoopback(closed);
    await close();
    const client = createGitHubClient({ token: 't', baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
    const error = await failure(client.rest.repos.get({ owner: 'acme', repo: 'mara' }));
    const text = describeGitHubError(error, 'reading acme/mara');
    expect(text).toMatch(/^Could not reach GitHub while reading acme\/mara: .*ECONNREFUSED/);
    expect(text).not.toContain('500');
  });
});
