import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT, runAction, type Conclusion, type GitHubServer } from '@sre-toolkit/testkit';
import {
  addScheduledRuns,
  addScheduledWorkflow,
  embedsOf,
  envFor,
  scheduledScan,
  seedRuns,
  useStandIns,
  workflowRunEvent,
} from './fixtures';

/**
 * Silent monitors through the bundle: a scheduled workflow that is disabled, stopped running, or
 * cannot start alerts once, opens one issue, stays quiet on rescans and recovers once when it runs.
 */

const servers = useStandIns();

/** This repository's own health-check workflow: every 15 minutes (`7,22,37,52 * * * *`). */
const HEALTH_CHECK = readFileSync(join(REPO_ROOT, '.github/workflows/health-check.yml'), 'utf8');

/** health-check with its file on the default branch. */
const addHealthCheck = (gh: GitHubServer, state?: 'active' | 'disabled_inactivity' | 'disabled_manually') =>
  addScheduledWorkflow(gh, 'health-check', HEALTH_CHECK, state);

/** Scheduled runs of health-check every 15 minutes, the newest `minutesAgo` before now. */
const scheduledRuns = (gh: GitHubServer, count: number, minutesAgo: number, conclusion?: Conclusion) =>
  addScheduledRuns(gh, 'health-check', count, minutesAgo, 15, conclusion);

const scan = (inputs: Record<string, string> = {}) => scheduledScan(servers, inputs);

const titles = () => servers.discord.received.flatMap((m) => embedsOf(m.body).map((e) => e.title));
const contentReads = () => servers.gh.requests.filter((r) => r.path.includes('/contents/'));

describe('repeated-failure-detector silent monitors (stale)', () => {
  it('never alerts a healthy scheduled workflow, and reads only its file', async () => {
    const { gh } = servers;
    addHealthCheck(gh);
    scheduledRuns(gh, 8, 5);
    seedRuns(gh, 'frontend-ci', ['success', 'success']);
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(titles()).toEqual([]);
    expect(gh.issues()).toEqual([]);
    expect(contentReads().map((r) => decodeURIComponent(r.path))).toEqual([
      '/repos/acme/mara/contents/.github/workflows/health-check.yml',
    ]);
    expect(run.summary).toContain('| health-check | 7,22,37,52 * * * * |');
    expect(run.summary).toContain('✅ on schedule');
    expect(run.outputs.silent).toBe('[]');
  });

  it('alerts a workflow disabled for inactivity once, stays quiet, and recovers when it runs again', async () => {
    const { gh, discord } = servers;
    const wf = addHealthCheck(gh, 'disabled_inactivity');
    scheduledRuns(gh, 3, 70 * 24 * 60);
    const first = await scan();
    expect(first.exitCode).toBe(0);
    expect(titles()).toEqual([
      '🔕 health-check stopped running on schedule: disabled by GitHub after 60 days without repository activity',
    ]);
    const embed = embedsOf(discord.received[0]!.body)[0]!;
    expect(embed.description).toContain('To re-enable it: Actions → health-check → Enable workflow');
    expect(embed.description).toContain('A push to the repository resets the 60-day timer.');
    expect(gh.issues().map((i) => [i.title, i.state, i.labels])).toEqual([
      ['health-check is not running on schedule', 'open', ['repeated-failure']],
    ]);
    expect(JSON.parse(first.outputs.silent!)).toMatchObject([
      { workflow: 'health-check', reason: 'disabled_inactivity', state: 'new' },
    ]);

    discord.reset();
    const rescan = await scan();
    expect(rescan.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()).toHaveLength(1);

    // Re-enabled as the message says: still silent until it runs (no message), then one recovery.
    const enabled = await fetch(`${gh.url}/repos/acme/mara/actions/workflows/${wf.id}/enable`, {
      method: 'PUT',
      headers: { authorization: `token ${gh.token}` },
    });
    expect(enabled.status).toBe(204);
    await scan();
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()[0]?.state).toBe('open');
    scheduledRuns(gh, 1, 2);
    const recovered = await scan();
    expect(titles()).toEqual(['✅ health-check runs on schedule again']);
    expect(gh.issues()[0]?.state).toBe('closed');
    expect(JSON.parse(recovered.outputs.silent!)).toMatchObject([
      { workflow: 'health-check', state: 'recovered' },
    ]);
    discord.reset();
    await scan();
    expect(discord.received).toHaveLength(0);
  });

  it('alerts a schedule that stopped for more than 3 periods once, and recovers on its next run', async () => {
    const { gh, discord } = servers;
    addHealthCheck(gh);
    scheduledRuns(gh, 6, 50);
    const first = await scan();
    expect(first.exitCode).toBe(0);
    expect(titles()).toEqual(['🔕 health-check stopped running on schedule: no scheduled run for 50m']);
    const embed = embedsOf(discord.received[0]!.body)[0]!;
    expect(embed.description).toContain(
      'Its schedule fires at least every 15m, but its last scheduled run started 50m ago (silent after 45m).',
    );
    expect(gh.issues()).toHaveLength(1);

    discord.reset();
    await scan();
    expect(discord.received).toHaveLength(0);
    expect(gh.issues().filter((i) => i.state === 'open')).toHaveLength(1);

    scheduledRuns(gh, 1, 1);
    await scan();
    expect(titles()).toEqual(['✅ health-check runs on schedule again']);
    expect(gh.issues().map((i) => i.state)).toEqual(['closed']);
  });

  it('does not alert a schedule within 3 periods of its last run', async () => {
    const { gh } = servers;
    addHealthCheck(gh);
    scheduledRuns(gh, 6, 40);
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(titles()).toEqual([]);
  });

  it('alerts runs ending in startup_failure once, and recovers when one starts', async () => {
    const { gh, discord } = servers;
    addHealthCheck(gh);
    scheduledRuns(gh, 4, 20);
    scheduledRuns(gh, 1, 5, 'startup_failure');
    await scan();
    expect(titles()).toEqual([
      '🔕 health-check stopped running on schedule: its runs fail to start (startup_failure)',
    ]);
    expect(embedsOf(discord.received[0]!.body)[0]!.description).toContain(
      'fix `.github/workflows/health-check.yml` on the default branch',
    );
    discord.reset();
    await scan();
    expect(discord.received).toHaveLength(0);
    scheduledRuns(gh, 1, 0);
    await scan();
    expect(titles()).toEqual(['✅ health-check runs on schedule again']);
    expect(gh.issues().map((i) => i.state)).toEqual(['closed']);
  });

  it('looks at nothing with stale: false, and at nothing on workflow_run', async () => {
    const { gh } = servers;
    addHealthCheck(gh, 'disabled_manually');
    const off = await scan({ stale: 'false' });
    expect(off.exitCode).toBe(0);
    expect(titles()).toEqual([]);
    expect(contentReads()).toEqual([]);

    const runs = seedRuns(gh, 'frontend-ci', ['failure']);
    gh.resetLog();
    const onRun = await runAction('repeated-failure-detector', {
      ...(await workflowRunEvent(gh, runs[0]!.id)),
      env: envFor(gh),
      inputs: { 'webhook-url': servers.discord.webhookUrl() },
    });
    expect(onRun.exitCode).toBe(0);
    expect(titles()).toEqual([]);
    expect(contentReads()).toEqual([]);
  });
});
