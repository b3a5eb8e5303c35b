import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient } from '@sre-toolkit/github';
import { githubIncidentStore } from '../src/github-store';

let gh: GitHubServer;
const repo = { owner: 'acme', repo: 'mara', label: 'incident' };
const listing = 'GET /repos/acme/mara/issues';
const storeOf = () =>
  githubIncidentStore(
    createGitHubClient({
      token: gh.token,
      baseUrl: gh.url,
      waitUnitMs: 1,
      writeSpacingMs: { write: 0, notifications: 0 },
    }),
    repo,
  );
const stateOf = (target: string, downChecks: number) => ({
  target,
  since: '2026-12-03T07:00:00.000Z',
  lastDown: '2026-12-03T07:30:00.000Z',
  downChecks,
  lastError: 'HTTP 503',
});
const calls = () => gh.requests.map((r) => `${r.method} ${r.path}`);

/** Waits (at most 5 s) until the stand-in has received `n` requests. */
async function requestsReach(n: number): Promise<void> {
  const until = Date.now() + 5000;
  while (gh.requests.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

beforeAll(async () => {
  gh = await startGitHubServer();
  const store = storeOf();
  await store.open('health-probe:api', '🔴 api is down', 'down', stateOf('api', 2));
  await store.open('health-probe:web', '🔴 web is down', 'down', stateOf('web', 1));
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.resetLog());

describe('the incident store reading ahead (prefetch)', () => {
  it('lists the open incidents at once, and findOpen answers from that listing as without it', async () => {
    const plain = await storeOf().findOpen(['api', 'web', 'admin']);
    expect([...plain.keys()].sort()).toEqual(['api', 'web']);
    gh.resetLog();

    const store = storeOf();
    store.prefetch?.();
    await requestsReach(1);
    expect(calls()).toEqual([listing]);
    const open = await store.findOpen(['api', 'web', 'admin']);
    expect(open).toEqual(plain);
    expect(calls()).toEqual([listing]);
    // The listing is taken once: the next findOpen reads again.
    expect(await store.findOpen(['api'])).toEqual(new Map([['api', plain.get('api')]]));
    expect(calls()).toEqual([listing, listing]);
  });

  it('reports a failed listing through findOpen, with the same message as without it', async () => {
    gh.fail({ kind: 'status', status: 404 }, { path: '/repos/acme/mara/issues' });
    const plain = await storeOf()
      .findOpen(['api'])
      .then(
        () => 'resolved',
        (e: unknown) => (e as Error).message,
      );
    expect(plain).toMatch(/reading incident issues/);

    gh.fail({ kind: 'status', status: 404 }, { path: '/repos/acme/mara/issues' });
    const store = storeOf();
    store.prefetch?.();
    await requestsReach(2);
    // Failed before anyone asked: nothing is unhandled (jest would fail the test), findOpen reports it.
    await new Promise((r) => setTimeout(r, 20));
    await expect(store.findOpen(['api'])).rejects.toThrow(plain);
    expect(calls()).toEqual([listing, listing]);
  });
});
