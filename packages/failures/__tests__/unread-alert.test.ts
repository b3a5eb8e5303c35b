import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createGitHubClient, GitHubTimeoutError } from '@sre-toolkit/github';
import { refusedUrl, startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import type { DetectorContext } from '../src/context';
import { githubFailure, unreadOutcome } from '../src/unread-alert';
import { FAILING, run } from './runs';

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => {
  await gh.close();
});

/** The error a real client throws for what the stand-in answers to GET /repos/acme/mara. */
const errorOf = async (token = gh.token, baseUrl = gh.url): Promise<unknown> => {
  const client = createGitHubClient({ token, baseUrl, waitUnitMs: 1 });
  return client.rest.repos.get({ owner: 'acme', repo: 'mara' }).then(
    () => undefined,
    (error: unknown) => error,
  );
};
const timeout = new GitHubTimeoutError('GET /repos/acme/mara/issues not answered.', 'budget', {
  method: 'GET',
  url: '/repos/acme/mara/issues',
});

describe('githubFailure', () => {
  it('names a timeout, an unreachable GitHub, a 5xx after retries and a rate limit', async () => {
    expect(githubFailure(timeout)).toBe('timed out');
    // Not port 9: fetch refuses it as a "bad port" before connecting.
    const closed = await refusedUrl('');
    expect(githubFailure(await errorOf(gh.token, closed))).toBe('unreachable: connection refused');
    gh.fail(Array(4).fill({ kind: 'status', status: 502 }), { path: '/repos/acme/mara' });
    expect(githubFailure(await errorOf())).toBe('answered 502');
    gh.fail({ kind: 'rate-limit', resetIn: 3600 }, { path: '/repos/acme/mara' });
    expect(githubFailure(await errorOf())).toBe('rate limited');
  });

  it('calls a refusal (401, 403, 404) no failure: it is a setup error', async () => {
    expect(githubFailure(await errorOf('ghs_wrong'))).toBeUndefined();
    gh.fail({ kind: 'status', status: 403 }, { path: '/repos/acme/mara' });
    expect(githubFailure(await errorOf())).toBeUndefined();
    gh.fail({ kind: 'status', status: 404 }, { path: '/repos/acme/mara' });
    expect(githubFailure(await errorOf())).toBeUndefined();
  });
});

const at = '2026-11-27T11:00:00Z';
const now = new Date('2026-11-27T12:00:00Z');
const where = (conclusion: string, over: Partial<DetectorContext> = {}): DetectorContext => ({
  repository: 'acme/mara',
  owner: 'acme',
  repo: 'mara',
  serverUrl: 'https://github.com',
  defaultBranch: 'main',
  trigger: {
    run: run(14, conclusion, at, { workflowName: 'frontend-ci' }),
    workflowPath: '.github/workflows/frontend-ci.yml',
  },
  ...over,
});
const inputs = {
  workflows: [],
  branches: [],
  'failure-conclusions': [...FAILING],
  severity: 'auto' as const,
  'runbook-url': '',
};

describe('unreadOutcome', () => {
  it('alerts a failed run on the default branch, streak unknown, with a warning', () => {
    const o = unreadOutcome(where('failure'), inputs, timeout, now);
    expect(o.alert?.title).toBe('❌ frontend-ci failed on main; streak unknown (GitHub timed out)');
    expect(o.alert?.embed.url).toBe('https://github.com/acme/mara/actions/runs/14');
    expect(o.alert?.embed.description).toBe(
      'acme/mara: run 14 ended `failure`. The failure history could not be read from GitHub (timed out), so the streak is unknown and no incident was read or recorded.',
    );
    expect(o.warning).toBe(
      'Incident state could not be read or saved: GitHub timed out. Sent "❌ frontend-ci failed on main; streak unknown (GitHub timed out)" without the streak: until GitHub answers again, every failure alerts like this, even one of an incident already alerted.',
    );
  });

  it('only warns for a successful run: its recovery, if any, could not be sent', () => {
    const o = unreadOutcome(where('success'), inputs, timeout, now);
    expect(o.alert).toBeUndefined();
    expect(o.warning).toBe(
      'Incident state could not be read or saved: GitHub timed out. Run 14 of frontend-ci on main ended success: if it ended a streak, its recovery was not sent and the incident stays open until a later run.',
    );
  });

  it('says nothing but a log line for a run outside the watched workflows and branches', () => {
    for (const o of [
      unreadOutcome(where('failure'), { ...inputs, workflows: ['deploy.yml'] }, timeout, now),
      unreadOutcome(where('failure'), { ...inputs, branches: ['release'] }, timeout, now),
      unreadOutcome(where('failure', { defaultBranch: 'trunk' }), inputs, timeout, now),
    ]) {
      expect(o).toEqual({
        info: 'No alert for run 14: frontend-ci on main is not known to be among the watched workflows and branches, and GitHub timed out.',
      });
    }
    expect(unreadOutcome(where('failure'), { ...inputs, branches: ['*'] }, timeout, now).alert).toBeDefined();
  });

  it('says nothing when GitHub refused, or in a scheduled scan', async () => {
    expect(unreadOutcome(where('failure'), inputs, await errorOf('ghs_wrong'), now)).toEqual({});
    const { repository, owner, repo, serverUrl } = where('failure');
    expect(unreadOutcome({ repository, owner, repo, serverUrl }, inputs, timeout, now)).toEqual({});
  });
});
