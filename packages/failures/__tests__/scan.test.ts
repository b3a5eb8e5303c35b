import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createGitHubClient, type GitHubClient } from '@sre-toolkit/github';
import { startGitHubServer, type Conclusion, type GitHubServer } from '@sre-toolkit/testkit';
import { scan, type ScanConfig } from '../src/scan';
import { listingReach } from '../src/scan-listing';
import { FAILING, runsOf } from './runs';

let gh: GitHubServer;
let client: GitHubClient;
beforeEach(async () => {
  gh = await startGitHubServer({ workflows: [{ name: 'CI', path: 'ci.yml' }] });
  client = createGitHubClient({ token: gh.token, baseUrl: gh.url, waitUnitMs: 1 });
});
afterEach(async () => {
  await gh.close();
});

const now = new Date();
const config = (over: Partial<ScanConfig> = {}): ScanConfig => ({
  owner: 'acme',
  repo: 'mara',
  workflows: [],
  branches: [],
  threshold: 3,
  failing: FAILING,
  lookbackMs: 14 * 86_400_000,
  flaky: true,
  minRuns: 10,
  issue: true,
  issueLabel: 'repeated-failure',
  now,
  defaultBranch: 'main',
  ...over,
});
/** `conclusions` oldest first, ten minutes apart, ending a minute ago. */
const seed = (conclusions: Conclusion[]) =>
  conclusions.map((conclusion, i) =>
    gh.addRun({
      workflow: 'CI',
      conclusion,
      createdAt: new Date(now.getTime() - 60_000 - (conclusions.length - 1 - i) * 600_000),
    }),
  );
const pages = () => gh.requests.filter((r) => r.path.endsWith('/runs')).map((r) => r.query.page ?? '1');

describe('scan pagination', () => {
  it('reads one page when the streak ends within it', async () => {
    seed([...Array(150).fill('success'), 'failure', 'failure']);
    const result = await scan(client, config());
    expect(pages()).toEqual(['1']);
    expect(result.targets[0]?.analysis.current?.count).toBe(2);
  });

  it('follows Link to the next page only while the streak goes on', async () => {
    seed([...Array(50).fill('success'), ...Array(130).fill('failure')]);
    const result = await scan(client, config());
    expect(pages()).toEqual(['1', '2']);
    expect(result.targets[0]?.analysis.current).toMatchObject({ count: 130, unbounded: false });
    expect(result.targets[0]?.events.map((e) => e.kind)).toEqual(['new']);
  });

  it('stops at the 1,000-result cap and calls the streak unbounded', async () => {
    seed(Array(1005).fill('failure'));
    const result = await scan(client, config({ flaky: false }));
    expect(pages()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(result.targets[0]?.capped).toBe(true);
    expect(result.targets[0]?.analysis.current).toMatchObject({ count: 1000, unbounded: true });
  });

  it('leaves fork runs out of the streak, counts them, and pages on past them', async () => {
    seed([...Array(50).fill('success'), ...Array(30).fill('failure')]);
    for (let i = 0; i < 100; i++)
      gh.addRun({
        workflow: 'CI',
        conclusion: 'success',
        event: 'pull_request',
        headRepository: 'someone/app',
        createdAt: new Date(now.getTime() - 30_000),
      });
    const result = await scan(client, config({ flaky: false }));
    expect(pages()).toEqual(['1', '2']);
    expect(result.forkRuns).toBe(100);
    expect(result.targets[0]?.analysis.current).toMatchObject({ count: 30, unbounded: false });
    expect(result.targets[0]?.runs).toHaveLength(80);
  });

  it('reads the whole lookback window for a failure rate', async () => {
    seed([...Array(150).fill('success'), 'failure']);
    const result = await scan(client, config({ failureRate: 0.5 }));
    expect(pages()).toEqual(['1', '2']);
    expect(result.targets[0]?.rate?.stats).toEqual({ failed: 1, passed: 150, rate: 1 / 151 });
  });

  it('asks only for completed runs created within the lookback, 100 per page', async () => {
    seed(['success']);
    await scan(client, config({ lookbackMs: 86_400_000 }));
    const query = gh.requests.find((r) => r.path.endsWith('/runs'))?.query;
    expect(query).toEqual({
      status: 'completed',
      per_page: '100',
      exclude_pull_requests: 'true',
      branch: 'main',
      created: `>=${new Date(now.getTime() - 86_400_000).toISOString()}`,
    });
  });

  it('checks at most 3 re-runs for flakiness, newest first', async () => {
    const runs = seed(['success', 'success', 'success', 'success', 'success']);
    for (const r of runs) gh.rerun(r.id, 'success');
    for (const r of runs) r.attempts[0]!.conclusion = 'failure';
    const result = await scan(client, config());
    expect(result.targets[0]?.flakes.map((f) => f.run_id)).toEqual([runs[4]!.id, runs[3]!.id, runs[2]!.id]);
    expect(result.flakeChecksSkipped).toBe(2);
  });
});

describe('scan: silent monitors from what the scan listed', () => {
  const NIGHTLY = "name: CI\non:\n  push: {}\n  schedule:\n    - cron: '0 3 * * *'\njobs: {}\n";
  const scheduledAsks = () =>
    gh.requests.filter((r) => r.query.event === 'schedule').map((r) => r.path.replace(/^.*\/actions\//, ''));
  /** 150 pushes over the last 15 hours (the first page reaches back 10), a nightly run 20 hours ago. */
  const busy = () => {
    gh.putFile('.github/workflows/ci.yml', NIGHTLY);
    gh.addRun({ workflow: 'CI', event: 'schedule', createdAt: new Date(now.getTime() - 20 * 3_600_000) });
    for (let i = 149; i >= 0; i--)
      gh.addRun({ workflow: 'CI', event: 'push', createdAt: new Date(now.getTime() - 60_000 - i * 360_000) });
  };

  it('asks for the newest scheduled run only past where a listing that stopped early reached', async () => {
    busy();
    const result = await scan(client, config({ staleAfter: 3, workflows: ['CI'] }));
    expect(gh.requests.filter((r) => r.query.status === 'completed')).toHaveLength(1);
    expect(scheduledAsks()).toEqual([expect.stringMatching(/^workflows\/\d+\/runs$/)]);
    expect(result.silent).toHaveLength(1);
    expect(result.silent[0]?.silence).toBeUndefined();
    expect(result.silent[0]?.lastRun?.createdAt).toBe(new Date(now.getTime() - 20 * 3_600_000).toISOString());
  });

  it('takes it from a listing that read the whole lookback', async () => {
    busy();
    const result = await scan(client, config({ staleAfter: 3, failureRate: 0.5, workflows: ['CI'] }));
    expect(gh.requests.filter((r) => r.query.status === 'completed')).toHaveLength(2);
    expect(scheduledAsks()).toEqual([]);
    expect(result.silent[0]?.lastRun?.createdAt).toBe(new Date(now.getTime() - 20 * 3_600_000).toISOString());
  });

  it('decides silence without asking when the listing reached back stale-after × the period', async () => {
    gh.putFile('.github/workflows/ci.yml', NIGHTLY);
    gh.addRun({ workflow: 'CI', event: 'schedule', createdAt: new Date(now.getTime() - 5 * 86_400_000) });
    gh.addRun({ workflow: 'CI', event: 'push', createdAt: new Date(now.getTime() - 60_000) });
    // Named: its only scheduled run left the 4-day lookback, past the 3 days a nightly may be quiet.
    // (A 4-day listing already covers 3 days: it is not widened.)
    const result = await scan(
      client,
      config({ staleAfter: 3, lookbackMs: 4 * 86_400_000, workflows: ['CI'] }),
    );
    expect(scheduledAsks()).toEqual([]);
    expect(result.silent[0]?.silence).toMatchObject({
      reason: 'stale',
      no_run_since: new Date(now.getTime() - 4 * 86_400_000).toISOString(),
    });
    // Named, with a 2-day lookback: its listing of the default branch reaches back the 3 days a
    // nightly may be quiet, so one listing decides without a request of its own.
    gh.resetLog();
    const short = await scan(
      client,
      config({ staleAfter: 3, lookbackMs: 2 * 86_400_000, workflows: ['CI'] }),
    );
    expect(scheduledAsks()).toEqual([]);
    expect(gh.requests.filter((r) => r.query.status === 'completed').map((r) => r.query.created)).toEqual([
      `>=${new Date(now.getTime() - 3 * 86_400_000).toISOString()}`,
    ]);
    expect(short.silent[0]?.silence).toMatchObject({
      reason: 'stale',
      no_run_since: new Date(now.getTime() - 3 * 86_400_000).toISOString(),
    });
    // The streak side still sees only the 2-day lookback.
    expect(short.targets[0]?.runs).toHaveLength(1);
  });
});

describe('scan: a named weekly schedule lists further back', () => {
  it('stops at the first page past the lookback, analyses only the lookback, and finds the older scheduled run', async () => {
    gh.putFile(
      '.github/workflows/ci.yml',
      "name: CI\non:\n  push: {}\n  schedule:\n    - cron: '0 6 * * 1'\njobs: {}\n",
    );
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    for (let i = 199; i >= 0; i--)
      gh.addRun({ workflow: 'CI', event: 'push', createdAt: daysAgo(17 + i / 100) });
    gh.addRun({ workflow: 'CI', event: 'schedule', createdAt: daysAgo(16) });
    for (let i = 149; i >= 0; i--)
      gh.addRun({
        workflow: 'CI',
        event: 'push',
        conclusion: 'failure',
        createdAt: daysAgo(i / 100 + 0.001),
      });
    const result = await scan(client, config({ staleAfter: 3, failureRate: 0.5, workflows: ['CI'] }));
    const listings = gh.requests.filter((r) => r.query.status === 'completed');
    expect(listings.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(listings[0]?.query.created).toBe(`>=${daysAgo(21).toISOString()}`);
    expect(gh.requests.filter((r) => r.query.event === 'schedule')).toEqual([]);
    expect(result.targets[0]?.rate?.stats).toEqual({ failed: 150, passed: 0, rate: 1 });
    expect(result.silent[0]?.lastRun?.createdAt).toBe(daysAgo(16).toISOString());
    expect(result.silent[0]?.silence).toBeUndefined();
  });
});

describe('listingReach', () => {
  const since = '2026-11-06T00:00:00.000Z';
  const runs = runsOf(Array(100).fill('success'));
  const oldest = runs.at(-1)!.createdAt;

  it('reaches the window start when the listing read to its end', () => {
    expect(listingReach({ runs: runs.slice(0, 40), forkRuns: 0, capped: false }, since, false)).toBe(since);
    // Stopped by `enough` on a page of fewer than 100: that page was the last anyway.
    expect(listingReach({ runs: runs.slice(0, 40), forkRuns: 0, capped: false }, since, true)).toBe(since);
    expect(listingReach({ runs: runs.slice(0, 99), forkRuns: 0, capped: false }, since, true)).toBe(since);
  });

  it('reaches just past the oldest run when it stopped at a full page or the cap', () => {
    const past = new Date(Date.parse(oldest) + 1).toISOString();
    expect(listingReach({ runs, forkRuns: 0, capped: false }, since, true)).toBe(past);
    // Fork runs fill pages too.
    expect(listingReach({ runs: runs.slice(0, 60), forkRuns: 40, capped: false }, since, true)).toBe(
      new Date(Date.parse(runs[59]!.createdAt) + 1).toISOString(),
    );
    expect(listingReach({ runs, forkRuns: 0, capped: true }, since, false)).toBe(past);
    expect(listingReach({ runs: [], forkRuns: 100, capped: false }, since, true)).toBeUndefined();
  });
});
