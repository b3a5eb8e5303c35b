import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient } from '../src/client';

// The Bottleneck that octokit's throttling and retry plugins load (patches/bottleneck@2.19.5.patch).
interface Limiter {
  schedule<T>(job: () => Promise<T>): Promise<T>;
  stop(options: { dropWaitingJobs: boolean; dropErrorMessage: string }): Promise<void>;
  on(event: 'scheduled', listener: () => void): void;
}
type LimiterClass = new (options?: { minTime?: number }) => Limiter;
const fromPlugin = createRequire(createRequire(import.meta.url).resolve('@octokit/plugin-throttling'));
const Bottleneck = fromPlugin('bottleneck/light.js') as LimiterClass;

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => {
  await gh.close();
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** The delays of every setTimeout made while `during` runs. */
async function timeoutsDuring(during: () => Promise<unknown>): Promise<number[]> {
  const delays: number[] = [];
  const real = globalThis.setTimeout;
  jest.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return real(fn, ms);
  }) as typeof setTimeout);
  await during();
  return delays;
}

describe("the throttling and retry plugins' scheduler", () => {
  it('sends a read without waiting on a timer: Node runs setTimeout(0) after 1 ms, 12 times a request', async () => {
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, env: {} });
    await client.rest.issues.listForRepo({ owner: 'acme', repo: 'mara' }); // loads octokit
    const delays = await timeoutsDuring(() =>
      client.rest.issues.listForRepo({ owner: 'acme', repo: 'mara' }),
    );
    // Only the request's own time-out (http-fetch.ts) is a timer.
    expect(delays.filter((ms) => ms < 1000)).toEqual([]);
    expect(gh.requests).toHaveLength(2);
  });

  it('still spaces jobs by minTime with a timer', async () => {
    const limiter = new Bottleneck({ minTime: 50 });
    const started: number[] = [];
    const job = async () => void started.push(performance.now());
    await Promise.all([limiter.schedule(job), limiter.schedule(job)]);
    expect(started).toHaveLength(2);
    // Bottleneck reckons the wait in whole Date.now() milliseconds and a timer may fire a fraction
    // early on performance.now()'s clock (44.996 ms was seen): unspaced, the gap would be ~0.
    expect((started[1] ?? 0) - (started[0] ?? 0)).toBeGreaterThanOrEqual(40);
  });

  it('drops a job that stop() catches between its scheduling and its run, without running it', async () => {
    const limiter = new Bottleneck();
    let ran = false;
    let stopped: Promise<void> | undefined;
    limiter.on('scheduled', () => {
      stopped = limiter.stop({ dropWaitingJobs: true, dropErrorMessage: 'stopped' });
    });
    await expect(limiter.schedule(async () => void (ran = true))).rejects.toThrow('stopped');
    await stopped;
    expect(ran).toBe(false);
  });
});
