import { describe, expect, it } from '@jest/globals';
import { refusedUrl, runAction } from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, seedRuns, useStandIns, workflowRunEvent } from './fixtures';

/**
 * GitHub that cannot be reached at all (nothing listens): the detector says so, naming the
 * connection refusal, and never calls it an HTTP status nobody sent.
 */

const servers = useStandIns();

const errors = (run: Awaited<ReturnType<typeof runAction>>) =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

describe('repeated-failure-detector when GitHub cannot be reached', () => {
  it('fails a scheduled scan with "connection refused", no status, nothing sent', async () => {
    const { gh, discord } = servers;
    const api = await refusedUrl('');
    const run = await runAction('repeated-failure-detector', {
      ...scheduleEvent,
      env: envFor(gh, { GITHUB_API_URL: api }),
      inputs: { 'webhook-url': discord.webhookUrl(), 'github-timeout': '10s' },
    });
    expect(run.exitCode).toBe(1);
    const port = api.slice(api.lastIndexOf(':') + 1);
    expect(errors(run)).toEqual([
      `Could not reach GitHub while reading workflow runs of acme/mara: connection refused (connect ECONNREFUSED 127.0.0.1:${port}). No HTTP answer was received.`,
    ]);
    expect(run.log).not.toMatch(/answered \d|\b500\b/);
    expect(discord.received).toHaveLength(0);
  });

  it('still alerts the failed run of a workflow_run, saying GitHub refused the connection', async () => {
    const { gh, discord } = servers;
    const runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure']);
    const event = await workflowRunEvent(gh, runs[2]!.id);
    const api = await refusedUrl('');
    const run = await runAction('repeated-failure-detector', {
      ...event,
      env: envFor(gh, { GITHUB_API_URL: api }),
      inputs: { 'webhook-url': discord.webhookUrl(), 'github-timeout': '10s' },
    });
    expect(run.exitCode).toBe(1);
    expect(embedsOf(discord.received[0]!.body).map((e) => e.title)).toEqual([
      '❌ frontend-ci failed on main; streak unknown (GitHub unreachable: connection refused)',
    ]);
    expect(errors(run)[0]).toMatch(
      /^Could not reach GitHub while .*: connection refused \(connect ECONNREFUSED /,
    );
    expect(run.log).not.toMatch(/answered \d|\b500\b/);
  });
});
